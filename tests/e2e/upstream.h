// A real HTTP/1.1 origin server for end-to-end tests of fetch(): listens on 127.0.0.1 (port 0),
// one thread per connection, keep-alive, Content-Length and chunked request bodies, plain TCP or
// TLS with a certificate from a test CA generated at start (TestCa, with the openssl CLI).
//
// A handler gets each request and answers through a Reply: whole (respond) or piece by piece
// (writeHead / write / end, blocking like any socket write: a client that does not read slows the
// handler down). Handlers run on the connection's thread; shared state in the test needs a lock.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/test_pki.h"

namespace quiver::testing {

// A test PKI (tests/support/test_pki.h) in a temp dir removed at the end; the server uses its
// localhost certificate (DNS:localhost, IP:127.0.0.1).
struct TestCa {
  TestCa();
  ~TestCa();
  TestPki pki;
  std::string ca_cert;  // PEM path: what the client must trust
};

class Upstream {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
    std::string body;
    int connection = 0;  // which connection (1, 2, …) it came on
    std::string header(const std::string& name) const;
  };

  class Reply {
   public:
    // A whole response with Content-Length.
    void respond(int status, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers = {});
    // Head only; then write() the body (chunked unless a content-length header is given).
    void writeHead(int status, const std::vector<std::pair<std::string, std::string>>& headers);
    bool write(const std::string& bytes);  // false once the peer is gone
    void end();
    // Closes the connection after this response (no keep-alive).
    void close() { close_ = true; }

   private:
    friend class Upstream;
    std::function<bool(const std::string&)> send_;
    bool chunked_ = false;
    bool close_ = false;
    bool started_ = false;
  };

  using Handler = std::function<void(const Request&, Reply&)>;

  // `tls`: serve HTTPS with that CA's server certificate.
  explicit Upstream(Handler handler, const TestCa* tls = nullptr);
  ~Upstream();

  int port() const { return port_; }
  std::string url(const std::string& path) const;
  int connections() const { return connections_.load(); }
  std::vector<Request> requests() const;

 private:
  void acceptLoop();
  void serve(int fd, int number);

  Handler handler_;
  SSL_CTX* tls_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
};

}  // namespace quiver::testing
