#include "host/net/connection.h"

#include <cstring>

namespace quiver::host::net {
namespace {

// Reads land here and are consumed before the read callback returns, so one buffer per thread
// serves every connection (idle pooled connections then cost no buffer).
char* readBuffer() {
  thread_local char buffer[64 * 1024];
  return buffer;
}

}  // namespace

struct Connection::ConnectRequest {
  uv_connect_t req;
  std::shared_ptr<Connection> connection;
  unsigned attempt;
  IpAddress address;
};

struct Connection::WriteRequest {
  uv_write_t req;
  std::shared_ptr<Connection> connection;
  std::string bytes;
  WriteCallback done;
};

std::shared_ptr<Connection> Connection::create(uv_loop_t* loop) {
  return std::shared_ptr<Connection>(new Connection(loop));
}

Connection::~Connection() { close(); }

std::string Connection::describe() const {
  bool v6 = target_.host.find(':') != std::string::npos;
  return (v6 ? "[" + target_.host + "]" : target_.host) + ":" + std::to_string(target_.port);
}

void Connection::connect(Target target, ConnectCallback done) {
  target_ = std::move(target);
  connect_done_ = std::move(done);
  state_ = State::kConnecting;
  if (timer_.init(this, [&](uv_timer_t* h) { return uv_timer_init(loop_, h); }) < 0) {
    return finishConnect("cannot create a timer");
  }
  tryNextAddress();
}

void Connection::tryNextAddress() {
  while (next_address_ < target_.addresses.size()) {
    IpAddress address = target_.addresses[next_address_++];
    ++attempt_;
    tls_.reset();
    int rc = tcp_.init(this, [&](uv_tcp_t* h) { return uv_tcp_init(loop_, h); });
    sockaddr_storage sa = address.toSockaddr(target_.port);
    auto* req = new ConnectRequest{{}, shared_from_this(), attempt_, address};
    if (rc == 0) {
      uv_tcp_nodelay(tcp_.get(), 1);
      rc = uv_tcp_connect(&req->req, tcp_.get(), reinterpret_cast<sockaddr*>(&sa),
                          &Connection::onConnect);
    }
    if (rc < 0) {
      delete req;
      tcp_.reset();
      last_error_ = std::string(uv_strerror(rc)) + " (" + address.withPort(target_.port) + ")";
      continue;
    }
    remote_ = address;
    state_ = State::kConnecting;
    startTimer(target_.connect_timeout_ms, [this, address] {
      std::string where = describe();
      if (address.toString() != target_.host) where += " (" + address.withPort(target_.port) + ")";
      attemptFailed("timed out connecting to " + where);
    });
    return;
  }
  finishConnect(last_error_.empty() ? "no address to connect to" : last_error_);
}

// One address did not work out: close its socket and go on with the next.
void Connection::attemptFailed(const std::string& error) {
  last_error_ = error;
  ++attempt_;  // the pending connect callback, if any, is now stale
  tcp_.reset();
  tls_.reset();
  tryNextAddress();
}

void Connection::onConnect(uv_connect_t* req, int status) {
  std::unique_ptr<ConnectRequest> request(reinterpret_cast<ConnectRequest*>(req));
  Connection& self = *request->connection;
  if (self.state_ != State::kConnecting || request->attempt != self.attempt_) return;
  if (status < 0) {
    return self.attemptFailed(std::string(uv_strerror(status)) + " (" +
                              request->address.withPort(self.target_.port) + ")");
  }
  if (!self.target_.tls) {
    self.state_ = State::kOpen;
    self.stopTimer();
    return self.finishConnect("");
  }
  self.state_ = State::kHandshaking;
  self.tls_ = std::make_unique<TlsSession>(self.target_.tls, self.target_.host);
  uv_read_start(
      self.tcp_.stream(),
      [](uv_handle_t*, size_t, uv_buf_t* buf) { *buf = uv_buf_init(readBuffer(), 64 * 1024); },
      &Connection::onRead);
  self.continueHandshake();
}

void Connection::continueHandshake() {
  TlsSession::Step step = tls_->handshake();
  if (!flushTls()) return attemptFailed("cannot write to " + remote_.withPort(target_.port));
  if (step == TlsSession::Step::kWantMore) return;
  if (step == TlsSession::Step::kFailed) {
    // A certificate problem is the same on every address of the name: no retry.
    std::string error = tls_->error();
    return finishConnect(error);
  }
  state_ = State::kOpen;
  stopTimer();
  uv_read_stop(tcp_.stream());
  std::string plain;
  if (!tls_->readPlaintext(&plain)) return finishConnect(tls_->error());
  early_ += plain;
  finishConnect("");
}

void Connection::finishConnect(const std::string& error) {
  auto done = std::move(connect_done_);
  connect_done_ = nullptr;
  if (!error.empty()) close();
  if (done) done(error);
}

void Connection::readStart() {
  if (state_ != State::kOpen || reading_) return;
  reading_ = true;
  auto self = shared_from_this();
  if (!early_.empty()) {
    std::string data = std::move(early_);
    early_.clear();
    deliver(data.data(), data.size());
    if (!reading_ || state_ != State::kOpen) return;
  }
  if (ended_) {
    if (sink_) sink_->onConnectionEnd(end_error_);
    return;
  }
  uv_read_start(
      tcp_.stream(),
      [](uv_handle_t*, size_t, uv_buf_t* buf) { *buf = uv_buf_init(readBuffer(), 64 * 1024); },
      &Connection::onRead);
}

void Connection::readStop() {
  reading_ = false;
  if (state_ == State::kOpen && !ended_) uv_read_stop(tcp_.stream());
}

void Connection::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* raw = static_cast<Connection*>(stream->data);
  if (!raw || nread == 0) return;
  auto self = raw->shared_from_this();
  if (nread < 0) {
    std::string error = nread == UV_EOF ? "" : uv_strerror(static_cast<int>(nread));
    if (self->state_ != State::kOpen) {
      return self->attemptFailed((error.empty()
                                      ? std::string("connection closed during the TLS handshake")
                                      : error + " during the TLS handshake") +
                                 " (" + self->remote_.withPort(self->target_.port) + ")");
    }
    return self->end(error);
  }
  self->onBytes(buf->base, static_cast<size_t>(nread));
}

void Connection::onBytes(const char* data, size_t length) {
  if (!tls_) return deliver(data, length);
  tls_->receive(data, length);
  if (state_ == State::kHandshaking) return continueHandshake();
  std::string plain;
  bool ok = tls_->readPlaintext(&plain);
  bool peer_closed = tls_->closed();
  std::string error = ok ? "" : tls_->error();
  if (!flushTls()) return end("cannot write to " + remote_.withPort(target_.port));
  if (!plain.empty()) deliver(plain.data(), plain.size());
  if (state_ != State::kOpen) return;
  if (!ok) return end(error);
  if (peer_closed) end("");
}

void Connection::deliver(const char* data, size_t length) {
  if (sink_ && reading_) {
    sink_->onConnectionData(data, length);
  } else {
    early_.append(data, length);
  }
}

void Connection::end(const std::string& error) {
  if (ended_) return;
  ended_ = true;
  end_error_ = error;
  if (tcp_) uv_read_stop(tcp_.stream());
  if (sink_ && reading_) sink_->onConnectionEnd(error);
}

bool Connection::write(std::string bytes, WriteCallback done) {
  if (!isOpen()) return false;
  if (!tls_) return sendRaw(std::move(bytes), std::move(done));
  if (!tls_->writePlaintext(bytes)) return false;
  return sendRaw(tls_->takeCiphertext(), std::move(done));
}

// TLS output the session produced on its own (handshake messages, alerts, key updates).
bool Connection::flushTls() {
  std::string bytes = tls_->takeCiphertext();
  return bytes.empty() || sendRaw(std::move(bytes), nullptr);
}

bool Connection::sendRaw(std::string bytes, WriteCallback done) {
  auto* req = new WriteRequest{{}, shared_from_this(), std::move(bytes), std::move(done)};
  uv_buf_t buf = uv_buf_init(req->bytes.data(), static_cast<unsigned>(req->bytes.size()));
  int rc = uv_write(&req->req, tcp_.stream(), &buf, 1, [](uv_write_t* w, int status) {
    std::unique_ptr<WriteRequest> request(reinterpret_cast<WriteRequest*>(w));
    Connection& self = *request->connection;
    if (self.state_ == State::kClosed || !request->done) return;
    request->done(status < 0 ? std::string(uv_strerror(status)) : std::string());
  });
  if (rc < 0) {
    delete req;
    return false;
  }
  return true;
}

void Connection::startTimer(uint64_t ms, std::function<void()> fire) {
  if (!timer_) return;
  timer_fire_ = std::move(fire);
  uv_timer_start(timer_.get(), &Connection::onTimer, ms, 0);
}

void Connection::stopTimer() {
  if (timer_) uv_timer_stop(timer_.get());
  timer_fire_ = nullptr;
}

void Connection::onTimer(uv_timer_t* handle) {
  auto* raw = static_cast<Connection*>(handle->data);
  if (!raw || !raw->timer_fire_) return;
  auto self = raw->shared_from_this();
  auto fire = std::move(self->timer_fire_);
  self->timer_fire_ = nullptr;
  fire();
}

void Connection::close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  sink_ = nullptr;
  connect_done_ = nullptr;
  timer_fire_ = nullptr;
  tcp_.reset();
  timer_.reset();
  tls_.reset();
  early_.clear();
}

}  // namespace quiver::host::net
