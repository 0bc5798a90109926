#include "api-gateway/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace quiver::gateway {

Result<BoundSocket> bindListenSocket(const host::ListenAddress& address, BindMode mode) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (uv_ip4_addr(address.host.c_str(), address.port, v4) == 0) {
    length = sizeof(sockaddr_in);
  } else if (uv_ip6_addr(address.host.c_str(), address.port, v6) == 0) {
    length = sizeof(sockaddr_in6);
  } else {
    return Error{"bad_address", "not an IP address: " + address.host};
  }
  auto where = address.host + ":" + std::to_string(address.port);
  int one = 1;
  if (mode == BindMode::kFirst && address.port != 0) {
    // SO_REUSEPORT would let this process share a port with another quiverd (same user)
    // without a word: a probe bound without it fails if anything listens there already.
    int probe = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = ::bind(probe, reinterpret_cast<sockaddr*>(&storage), length);
    int err = errno;
    ::close(probe);
    if (rc != 0) return Error{"listen_error", "cannot listen on " + where + ": " + strerror(err)};
  }
  int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{"listen_error", std::string("socket: ") + strerror(errno)};
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    std::string message = "cannot listen on " + where + ": " + strerror(errno);
    ::close(fd);
    return Error{"listen_error", message};
  }
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    ::close(fd);
    return Error{"listen_error", std::string("getsockname: ") + strerror(errno)};
  }
  BoundSocket bound;
  bound.fd = fd;
  bound.address.host = address.host;
  bound.address.port = ntohs(storage.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  return bound;
}

Listener::Listener(uv_loop_t* loop, OnConnection on_connection)
    : on_connection_(std::move(on_connection)) {
  uv_tcp_init(loop, &tcp_);
  tcp_.data = this;
}

Listener::~Listener() = default;

Status Listener::listen(int fd) {
  if (int rc = uv_tcp_open(&tcp_, fd); rc != 0) {
    return Error{"listen_error", std::string("uv_tcp_open: ") + uv_strerror(rc)};
  }
  int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&tcp_), 1024, [](uv_stream_t* s, int status) {
    if (status < 0) return;
    static_cast<Listener*>(s->data)->on_connection_(s);
  });
  if (rc != 0) return Error{"listen_error", std::string("listen: ") + uv_strerror(rc)};
  return okStatus();
}

void Listener::close(std::function<void()> done) {
  if (!open_) {
    if (done) done();
    return;
  }
  open_ = false;
  on_closed_ = std::move(done);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) {
    auto* self = static_cast<Listener*>(h->data);
    if (self->on_closed_) self->on_closed_();
  });
}

std::string baseUrlFor(const host::ListenAddress& address) {
  std::string host = address.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(address.port);
}

}  // namespace quiver::gateway
