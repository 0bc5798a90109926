#include "tests/e2e/upstream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One connection's bytes, over TCP or TLS, blocking.
struct Stream {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string buffer;

  bool fill() {
    char chunk[65536];
    ssize_t n = ssl ? SSL_read(ssl, chunk, sizeof chunk) : ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }
  bool send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ssl ? SSL_write(ssl, bytes.data() + sent, static_cast<int>(bytes.size() - sent))
                      : ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // The next line (without CRLF), or false at the end of the stream.
  bool line(std::string* out) {
    for (;;) {
      size_t end = buffer.find("\r\n");
      if (end != std::string::npos) {
        *out = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      if (!fill()) return false;
    }
  }
  bool exactly(size_t count, std::string* out) {
    while (buffer.size() < count) {
      if (!fill()) return false;
    }
    out->append(buffer, 0, count);
    buffer.erase(0, count);
    return true;
  }
};

bool readRequest(Stream& s, Upstream::Request* request) {
  std::string line;
  do {
    if (!s.line(&line)) return false;
  } while (line.empty());
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return false;
  request->method = line.substr(0, sp1);
  request->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (;;) {
    if (!s.line(&line)) return false;
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    request->headers.emplace_back(lower(line.substr(0, colon)), value);
  }
  if (lower(request->header("transfer-encoding")) == "chunked") {
    for (;;) {
      if (!s.line(&line)) return false;
      size_t size = std::strtoul(line.c_str(), nullptr, 16);
      if (size == 0) {
        do {
          if (!s.line(&line)) return false;
        } while (!line.empty());
        break;
      }
      if (!s.exactly(size, &request->body) || !s.line(&line)) return false;
    }
  } else if (!request->header("content-length").empty()) {
    size_t length = std::strtoul(request->header("content-length").c_str(), nullptr, 10);
    if (!s.exactly(length, &request->body)) return false;
  }
  return true;
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 404:
      return "Not Found";
    default:
      return "Status";
  }
}

std::string head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                 const std::string& extra) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  for (const auto& [n, v] : headers) out += n + ": " + v + "\r\n";
  return out + extra + "\r\n";
}

bool hasHeader(const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string& name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return lower(h.first) == name; });
}

}  // namespace

TestCa::TestCa() : pki(makeTestPki(makeTempDir())), ca_cert(pki.ca_pem) {
  if (ca_cert.empty()) throw std::runtime_error("the openssl CLI could not make a test PKI");
}

TestCa::~TestCa() { removeTree(pki.dir); }

std::string Upstream::Request::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

void Upstream::Reply::respond(int status, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  started_ = true;
  std::string extra = "content-length: " + std::to_string(body.size()) + "\r\n";
  if (close_) extra += "connection: close\r\n";
  send_(head(status, headers, extra) + body);
}

void Upstream::Reply::writeHead(int status,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  started_ = true;
  chunked_ = !hasHeader(headers, "content-length");
  std::string extra = chunked_ ? "transfer-encoding: chunked\r\n" : "";
  if (close_) extra += "connection: close\r\n";
  send_(head(status, headers, extra));
}

bool Upstream::Reply::write(const std::string& bytes) {
  if (bytes.empty()) return true;
  if (!chunked_) return send_(bytes);
  char size[32];
  snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return send_(size + bytes + "\r\n");
}

void Upstream::Reply::end() {
  if (chunked_) send_("0\r\n\r\n");
}

Upstream::Upstream(Handler handler, const TestCa* tls) : handler_(std::move(handler)) {
  // OpenSSL writes with write(2): a peer that left must be an error, not a SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  if (tls) {
    tls_ = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(tls_, tls->pki.localhost_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_, tls->pki.localhost_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("cannot load the test server certificate");
    }
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("cannot listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

Upstream::~Upstream() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
  for (int fd : open_fds_) close(fd);
  if (tls_) SSL_CTX_free(tls_);
}

std::string Upstream::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<Upstream::Request> Upstream::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void Upstream::acceptLoop() {
  while (!stopping_) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    int number = ++connections_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd, number] { serve(fd, number); });
  }
}

void Upstream::serve(int fd, int number) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Stream s;
  s.fd = fd;
  if (tls_) {
    s.ssl = SSL_new(tls_);
    SSL_set_fd(s.ssl, fd);
    if (SSL_accept(s.ssl) != 1) {
      SSL_free(s.ssl);
      s.ssl = nullptr;
      shutdown(fd, SHUT_RDWR);
      return;
    }
  }
  for (;;) {
    Request request;
    if (!readRequest(s, &request)) break;
    request.connection = number;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    Reply reply;
    reply.send_ = [&s](const std::string& bytes) { return s.send(bytes); };
    handler_(request, reply);
    if (!reply.started_) reply.respond(404, "no handler answered");
    if (reply.close_ || lower(request.header("connection")) == "close") break;
  }
  if (s.ssl) {
    SSL_shutdown(s.ssl);
    SSL_free(s.ssl);
  }
  shutdown(fd, SHUT_RDWR);
}

}  // namespace quiver::testing
