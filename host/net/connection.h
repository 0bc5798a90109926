// Connection: one outbound TCP connection, optionally TLS, on a libuv loop. It connects to a
// list of resolved addresses in order (the next one when an attempt fails or times out), runs
// the TLS handshake, and then moves plaintext: write() sends, and while reading is on, every
// byte that arrives goes to the Sink. Reading is off unless the owner turns it on, which is how
// backpressure reaches the socket (the kernel's window fills and the peer's writes block).
//
// HTTP lives above (http_exchange.cc); this class knows no HTTP.
//
// Owner: a shared_ptr held by the exchange using it or by the pool; write and connect requests
// in flight hold one too, so libuv's late callbacks find it alive. After close() no callback of
// any kind runs. Thread: the loop's.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/net/egress_policy.h"
#include "host/net/tls.h"
#include "host/net/uv_handle.h"

namespace quiver::host::net {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void onConnectionData(const char* data, size_t length) = 0;
    // The peer closed (`error` empty) or the socket failed (`error` says how). Nothing follows.
    virtual void onConnectionEnd(const std::string& error) = 0;
  };

  struct Target {
    std::string host;  // for messages, SNI and certificate checks
    int port = 0;
    std::vector<IpAddress> addresses;      // already checked against the egress policy
    std::shared_ptr<TlsContext> tls;       // null: plain TCP
    uint64_t connect_timeout_ms = 10'000;  // per address: TCP connect plus TLS handshake
  };
  // `error` empty: connected (and handshaken). Else a message for a human, naming the address:
  // "connection refused (127.0.0.1:8080)".
  using ConnectCallback = std::function<void(const std::string& error)>;
  using WriteCallback = std::function<void(const std::string& error)>;

  static std::shared_ptr<Connection> create(uv_loop_t* loop);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Once. `done` runs once, later, or inside connect() if every address fails at once.
  void connect(Target target, ConnectCallback done);

  void setSink(Sink* sink) { sink_ = sink; }
  // Reading on: bytes that arrived earlier (with the end of the TLS handshake) are delivered
  // inside this call. No-op unless open.
  void readStart();
  void readStop();
  // Queues bytes; `done` runs once they are handed to the kernel. False (and `done` never runs)
  // when the connection is not open.
  bool write(std::string bytes, WriteCallback done);
  // One timer for the owner's timeouts (the connect timeout uses it before that).
  void startTimer(uint64_t ms, std::function<void()> fire);
  void stopTimer();

  void close();
  bool isOpen() const { return state_ == State::kOpen && !ended_; }
  const IpAddress& remoteAddress() const { return remote_; }
  int port() const { return target_.port; }
  // "example.com:443".
  std::string describe() const;

 private:
  enum class State { kNew, kConnecting, kHandshaking, kOpen, kClosed };
  struct ConnectRequest;
  struct WriteRequest;

  explicit Connection(uv_loop_t* loop) : loop_(loop) {}
  static void onConnect(uv_connect_t* req, int status);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onTimer(uv_timer_t* handle);

  void tryNextAddress();
  void attemptFailed(const std::string& error);
  void finishConnect(const std::string& error);
  void continueHandshake();
  void onBytes(const char* data, size_t length);
  void deliver(const char* data, size_t length);
  void end(const std::string& error);
  bool sendRaw(std::string bytes, WriteCallback done);
  bool flushTls();

  uv_loop_t* loop_;
  State state_ = State::kNew;
  Target target_;
  size_t next_address_ = 0;
  unsigned attempt_ = 0;  // tells a stale connect callback (from a timed-out attempt) apart
  std::string last_error_;
  ConnectCallback connect_done_;
  UvHandle<uv_tcp_t> tcp_;
  UvHandle<uv_timer_t> timer_;
  std::function<void()> timer_fire_;
  std::unique_ptr<TlsSession> tls_;
  IpAddress remote_;
  Sink* sink_ = nullptr;
  bool reading_ = false;
  bool ended_ = false;
  std::string end_error_;
  std::string early_;  // plaintext that arrived before anyone read
};

}  // namespace quiver::host::net
