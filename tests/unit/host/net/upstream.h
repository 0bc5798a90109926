// Test upstreams for the HTTP client tests: real servers on real sockets.
//
// Upstream: HTTP/1.1 on libuv, on the test's own loop (the client's), so a test can watch its
// writes block (backpressure) and its connections open and close. Requests are parsed with
// llhttp; the handler answers with raw bytes, as fast, slow or wrong as the test needs.
// TlsUpstream: HTTPS on a thread with blocking OpenSSL sockets, with a certificate the test
// generated (makeTestPki, with the openssl CLI into a temp dir).
// LoopRunner: runs a loop until a condition holds, with a deadline (a 5 ms tick wakes it).
#pragma once

#include <uv.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/test_pki.h"

namespace quiver::testing {

class LoopRunner {
 public:
  LoopRunner();
  ~LoopRunner();
  uv_loop_t* loop() { return &loop_; }
  // Runs the loop until `done()` or the deadline; returns done().
  bool runUntil(const std::function<bool()>& done,
                std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // Closes the tick and runs until no handle is left; true if the loop closed clean.
  bool finish();

 private:
  uv_loop_t loop_{};
  uv_timer_t tick_{};
  bool finished_ = false;
};

struct UpstreamRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase
  std::string body;
  int connection = 0;  // 1, 2, … in accept order
  std::string header(const std::string& name) const;
};

class Upstream {
 public:
  class Conn {
   public:
    virtual ~Conn() = default;
    // `done` runs once the kernel took the bytes.
    virtual void write(std::string bytes, std::function<void()> done = nullptr) = 0;
    virtual void close() = 0;
    virtual void stopReading() = 0;  // the peer's writes then block once the buffers fill
    virtual bool closed() const = 0;
    virtual size_t writeQueueSize() const = 0;
  };
  // A complete request arrived on `conn`.
  using Handler = std::function<void(const UpstreamRequest& request, Conn& conn)>;

  Upstream(uv_loop_t* loop, Handler handler);
  ~Upstream();
  // Also called when a request's head arrived, before its body (answers that do not wait).
  void onHead(Handler handler) { head_handler_ = std::move(handler); }
  int port() const { return port_; }
  std::string url(const std::string& path = "/") const;
  int connectionsAccepted() const { return accepted_; }
  int connectionsOpen() const { return open_; }
  const std::vector<UpstreamRequest>& requests() const { return requests_; }
  void close();

 private:
  class ConnImpl;
  friend class ConnImpl;
  static void onConnection(uv_stream_t* server, int status);

  uv_loop_t* loop_;
  Handler handler_;
  Handler head_handler_;
  uv_tcp_t* listener_ = nullptr;
  int port_ = 0;
  int accepted_ = 0;
  int open_ = 0;
  std::vector<UpstreamRequest> requests_;
  std::vector<std::weak_ptr<ConnImpl>> conns_;
};

// The certificates come from makeTestPki (tests/support/test_pki.h).

class TlsUpstream {
 public:
  // Answers every request with "secure", or with `body_bytes` of 's' when that is not 0.
  TlsUpstream(const std::string& cert, const std::string& key, size_t body_bytes = 0);
  ~TlsUpstream();
  int port() const { return port_; }
  std::string lastServerName();  // SNI of the last handshake
  std::string lastAlpn();
  int handshakes() const { return handshakes_; }

 private:
  void serve();

  size_t body_bytes_;
  int listen_fd_ = -1;
  int port_ = 0;
  void* ctx_ = nullptr;  // SSL_CTX
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::mutex mutex_;
  std::string server_name_;
  std::string alpn_;
  std::thread thread_;
};

}  // namespace quiver::testing
