#include "tests/unit/api-gateway/gateway_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "api-gateway/listener.h"

namespace quiver::testing {

GatewayHarness::GatewayHarness(host::HttpLimits limits) {
  // As quiverd does: a write to a client that left is an error code, not a signal.
  signal(SIGPIPE, SIG_IGN);
  config_.http = limits;
  auto store = host::Store::open(dir_ / "quiver.db");
  EXPECT_TRUE(store.ok());
  store_ = std::move(*store);
  services_.reset(new gateway::GatewayServices{config_, *store_, registry_, metrics_, "token",
                                               "http://127.0.0.1"});
  auto pub = gateway::bindListenSocket({"127.0.0.1", 0}, gateway::BindMode::kFirst);
  auto ctl = gateway::bindListenSocket({"127.0.0.1", 0}, gateway::BindMode::kFirst);
  EXPECT_TRUE(pub.ok() && ctl.ok());
  port_ = pub->address.port;
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &async_, &GatewayHarness::onAsync);
  async_.data = this;
  gateway_ = std::make_unique<gateway::Gateway>(&loop_, *services_, *this);
  EXPECT_TRUE(gateway_->listen(pub->fd, ctl->fd).ok());
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

GatewayHarness::~GatewayHarness() {
  call([this] {
    if (!draining_) gateway_->drain([] {});
    gateway_->closeAll();
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  });
  thread_.join();
  gateway_.reset();
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(uv_loop_close(&loop_), 0);
}

void GatewayHarness::call(std::function<void()> f) {
  std::promise<void> done;
  auto future = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back([&] {
      f();
      done.set_value();
    });
  }
  uv_async_send(&async_);
  future.wait();
}

void GatewayHarness::drain(std::atomic<bool>* drained) {
  call([this, drained] {
    draining_ = true;
    gateway_->drain([drained] { *drained = true; });
  });
}

void GatewayHarness::onAsync(uv_async_t* async) {
  auto* self = static_cast<GatewayHarness*>(async->data);
  std::vector<std::function<void()>> posted;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    posted.swap(self->posted_);
  }
  for (auto& f : posted) f();
}

void GatewayHarness::invoke(std::string_view function, isolates::InvokeRequest request,
                            isolates::InvokeCallback done) {
  on_invoke(std::string(function), std::move(request), std::move(done));
}

RawClient::RawClient(int port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    ADD_FAILURE() << "cannot connect to port " << port;
    return;
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

RawClient::~RawClient() { close(); }

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

size_t RawClient::sendSome(std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  return sent;
}

bool RawClient::sendAll(std::string_view bytes, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    bytes.remove_prefix(sendSome(bytes));
    if (bytes.empty()) break;
    if (Clock::now() >= deadline) return false;
    pollfd p{fd_, POLLOUT, 0};
    ::poll(&p, 1, 10);
    if (p.revents & (POLLERR | POLLHUP)) return false;
  }
  return true;
}

bool RawClient::fill(std::chrono::milliseconds timeout) {
  if (eof_ || fd_ < 0) return false;
  auto deadline = Clock::now() + timeout;
  while (true) {
    char buf[256 * 1024];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      return true;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      eof_ = true;
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

bool RawClient::waitFor(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (buffer_.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !fill(left)) return false;
  }
  return true;
}

bool RawClient::closedByPeer(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_ && Clock::now() < deadline) {
    fill(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  }
  return eof_;
}

bool RawClient::discard(size_t bytes, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t seen = 0;
  while (true) {
    size_t take = std::min(bytes - seen, buffer_.size());
    buffer_.erase(0, take);
    seen += take;
    if (seen == bytes) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !fill(left)) return false;
  }
}

std::string RawClient::Response::header(std::string_view name) const {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    size_t end = head.find("\r\n", pos + 2);
    std::string_view line(head.data() + pos + 2,
                          (end == std::string::npos ? head.size() : end) - pos - 2);
    size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    pos = end;
  }
  return {};
}

std::optional<RawClient::Response> RawClient::readResponse(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto more = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 && fill(left);
  };
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!more()) return std::nullopt;
  }
  Response r;
  r.head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  r.status = std::atoi(r.head.c_str() + 9);
  if (r.status == 100) return readResponse(timeout);
  std::string length = r.header("content-length");
  if (!length.empty()) {
    size_t n = std::stoul(length);
    while (buffer_.size() < n && more()) {
    }
    r.complete = buffer_.size() >= n;
    r.body = buffer_.substr(0, std::min(n, buffer_.size()));
    buffer_.erase(0, r.body.size());
    return r;
  }
  if (strcasecmp(r.header("transfer-encoding").c_str(), "chunked") == 0) {
    while (true) {
      size_t line;
      while ((line = buffer_.find("\r\n")) == std::string::npos) {
        if (!more()) return r;
      }
      size_t size = std::stoul(buffer_.substr(0, line), nullptr, 16);
      while (buffer_.size() < line + 2 + size + 2) {
        if (!more()) return r;
      }
      r.body.append(buffer_, line + 2, size);
      buffer_.erase(0, line + 2 + size + 2);
      if (size == 0) {
        r.complete = true;
        return r;
      }
    }
  }
  if (r.status == 204 || r.status == 304) {
    r.complete = true;
    return r;
  }
  while (more()) {
  }
  r.body = std::move(buffer_);
  buffer_.clear();
  r.complete = eof_;
  return r;
}

long residentKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // poll interval
  }
  return true;
}

bool settles(const std::function<size_t()>& value, std::chrono::milliseconds quiet,
             std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t last = value();
  auto since = Clock::now();
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval
    size_t now = value();
    if (now != last) {
      last = now;
      since = Clock::now();
    } else if (Clock::now() - since >= quiet) {
      return true;
    }
  }
  return false;
}

}  // namespace quiver::testing
