// Connection's state machine is spread over libuv callbacks, parser callbacks and response
// completions; the invariants that tie them together:
// - exchanges_ holds one entry per request parsed and not yet written, in request order;
// - parsing pauses when max_pipelined requests wait, or for good once the connection is to close
//   after its queue (stop_after_queue_);
// - the connection closes only from flush(), close() on errors/timeouts, or drain().
#include "api-gateway/connection.h"

#include <strings.h>

#include <array>
#include <cstdio>
#include <ctime>

namespace quiver::gateway {
namespace {

// Shared by every connection of the shard: reads are parsed synchronously in onRead, so one
// buffer per thread is enough (the parser copies what it keeps).
thread_local std::array<char, 64 * 1024> t_read_buffer;

bool isHopByHop(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "transfer-encoding" ||
         name == "content-length" || name == "x-request-id" || name == "date" ||
         name == "upgrade" || name == "proxy-connection" || name == "te" || name == "trailer";
}

bool bodyForbidden(int status) { return status < 200 || status == 204 || status == 304; }

// "Sun, 22 Nov 2026 04:15:44 GMT", formatted at most once per second per thread.
std::string_view httpDate() {
  thread_local std::time_t last = 0;
  thread_local char buf[64];
  std::time_t now = std::time(nullptr);
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return buf;
}

}  // namespace

void Responder::send(HttpResponse response) const {
  if (exchange_->response || !exchange_->connection) return;
  exchange_->response = std::move(response);
  exchange_->connection->onExchangeReady();
}

void Responder::sendError(int status, std::string_view code, std::string_view message) const {
  send(errorResponse(status, code, message, exchange_->request_id));
}

Connection::Connection(uv_loop_t* loop, const host::HttpLimits& limits, RequestHandler& handler,
                       ConnectionOwner& owner)
    : limits_(limits), handler_(handler), owner_(owner), parser_(limits, *this) {
  uv_tcp_init(loop, &tcp_);
  uv_timer_init(loop, &timer_);
  tcp_.data = this;
  timer_.data = this;
  open_handles_ = 2;
}

Connection::~Connection() {
  for (auto& exchange : exchanges_) exchange->connection = nullptr;
}

void Connection::accept(uv_stream_t* server) {
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&tcp_)) != 0) return close();
  uv_tcp_nodelay(&tcp_, 1);
  armTimer(limits_.header_timeout_ms);
  timer_is_head_ = true;
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::onAlloc,
                    &Connection::onRead) != 0) {
    return close();
  }
  reading_ = true;
}

void Connection::onAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  *buf = uv_buf_init(t_read_buffer.data(), static_cast<unsigned>(t_read_buffer.size()));
}

void Connection::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (nread > 0) {
    self->parse(buf->base, static_cast<size_t>(nread));
    self->flush();
    self->updateTimer();
    return;
  }
  if (nread == 0) return;
  if (nread != UV_EOF || self->parser_.inMessage()) return self->close();
  // The client finished sending; answer what it asked, then close.
  self->peer_eof_ = true;
  self->stop_after_queue_ = true;
  uv_read_stop(stream);
  self->reading_ = false;
  self->flush();
}

void Connection::parse(const char* data, size_t length) {
  if (closing_) return;
  in_parse_ = true;
  size_t consumed = parser_.feed(data, length);
  in_parse_ = false;
  switch (parser_.state()) {
    case HttpRequestParser::State::kOk:
      break;
    case HttpRequestParser::State::kPaused:
    case HttpRequestParser::State::kUpgrade:
      // Upgrades (WebSocket) are not served: answer the request, then close.
      if (parser_.state() == HttpRequestParser::State::kUpgrade) stop_after_queue_ = true;
      stash_.append(data + consumed, length - consumed);
      if (reading_) {
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
        reading_ = false;
      }
      break;
    case HttpRequestParser::State::kFailed: {
      int status = parser_.errorStatus();
      std::string_view code = status == 431   ? "request_head_too_large"
                              : status == 413 ? "request_body_too_large"
                              : status == 505 ? "http_version_not_supported"
                                              : "bad_request";
      failRequest(status, code, parser_.errorMessage());
      break;
    }
  }
}

void Connection::resumeParsing() {
  while (!closing_ && !in_parse_ && parser_.state() == HttpRequestParser::State::kPaused &&
         wantsMoreRequests()) {
    parser_.resume();
    std::string pending = std::move(stash_);
    stash_.clear();
    parse(pending.data(), pending.size());
  }
  if (!closing_ && !reading_ && !peer_eof_ && parser_.state() == HttpRequestParser::State::kOk &&
      wantsMoreRequests()) {
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::onAlloc,
                      &Connection::onRead) == 0) {
      reading_ = true;
    }
  }
}

bool Connection::wantsMoreRequests() const {
  return !stop_after_queue_ && !draining_ && exchanges_.size() < limits_.max_pipelined;
}

void Connection::onMessageBegin() {
  if (!timer_is_head_) {
    armTimer(limits_.header_timeout_ms);
    timer_is_head_ = true;
  }
}

void Connection::onHeadersComplete(const HttpRequest& request) {
  const std::string* expect = request.header("expect");
  if (expect && strcasecmp(expect->c_str(), "100-continue") == 0 && request.version_minor >= 1 &&
      exchanges_.empty()) {
    writeRaw("HTTP/1.1 100 Continue\r\n\r\n");
  }
}

bool Connection::onRequest(HttpRequest&& request) {
  if (closing_ || stop_after_queue_) return false;
  auto exchange = std::make_shared<Exchange>();
  exchange->connection = this;
  exchange->request_id = owner_.nextRequestId();
  exchange->head_request = request.method == "HEAD";
  exchange->keep_alive = request.keep_alive && !draining_;
  exchange->http10 = request.version_minor == 0;
  if (!exchange->keep_alive) stop_after_queue_ = true;
  exchanges_.push_back(exchange);
  handler_.handle(std::move(request), Responder(exchange));
  return wantsMoreRequests();
}

void Connection::failRequest(int status, std::string_view code, std::string_view message) {
  owner_.countError(code);
  auto exchange = std::make_shared<Exchange>();
  exchange->connection = this;
  exchange->request_id = owner_.nextRequestId();
  exchange->keep_alive = false;
  exchange->response = errorResponse(status, code, message, exchange->request_id);
  exchange->response->close = true;
  exchanges_.push_back(std::move(exchange));
  stop_after_queue_ = true;
  if (reading_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
  }
}

void Connection::onExchangeReady() {
  if (in_parse_) return;  // parse()'s caller flushes once the parser returns
  flush();
  updateTimer();
}

void Connection::flush() {
  if (closing_ || stream_) return;
  while (!exchanges_.empty() && exchanges_.front()->response) {
    auto exchange = std::move(exchanges_.front());
    exchanges_.pop_front();
    exchange->connection = nullptr;
    HttpResponse& response = *exchange->response;
    bool last = exchanges_.empty() && !parser_.inMessage();
    bool close_after =
        !exchange->keep_alive || response.close || ((stop_after_queue_ || draining_) && last);
    auto stream = std::move(response.stream);
    if (stream && (exchange->head_request || bodyForbidden(response.status))) {
      stream->cancel();
      stream.reset();
    }
    // HTTP/1.0 has no chunked coding: the body ends when the connection does.
    if (stream && exchange->http10) close_after = true;
    write(*exchange, response, close_after, stream != nullptr);
    if (stream) return startStream(std::move(stream), !exchange->http10, close_after);
    if (close_after) return shutdownAndClose();
  }
  if (exchanges_.empty() && !parser_.inMessage() && (peer_eof_ || draining_)) {
    return shutdownAndClose();
  }
  resumeParsing();
}

void Connection::write(const Exchange& exchange, HttpResponse& response, bool close_after,
                       bool streamed) {
  auto* req = new WriteRequest{};
  req->connection = this;
  std::string& head = req->head;
  head.reserve(256);
  head.append("HTTP/1.1 ").append(std::to_string(response.status)).append(" ");
  head.append(response.reason.empty() ? reasonPhrase(response.status) : response.reason);
  head.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (isHopByHop(name)) continue;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (streamed && !exchange.http10) {
    head.append("transfer-encoding: chunked\r\n");
  } else if (!streamed && !bodyForbidden(response.status)) {
    head.append("content-length: ").append(std::to_string(response.body.size())).append("\r\n");
  }
  head.append("date: ").append(httpDate()).append("\r\n");
  head.append("x-request-id: ").append(exchange.request_id).append("\r\n");
  if (close_after) {
    head.append("connection: close\r\n");
  } else if (exchange.http10) {
    head.append("connection: keep-alive\r\n");
  }
  head.append("\r\n");
  if (!exchange.head_request && !bodyForbidden(response.status)) {
    req->body = std::move(response.body);
  }
  submit(req);
}

void Connection::writeRaw(std::string bytes) {
  auto* req = new WriteRequest{};
  req->connection = this;
  req->head = std::move(bytes);
  submit(req);
}

// One uv_write for head and body; the request owns both until libuv is done with them.
void Connection::submit(WriteRequest* req) {
  uv_buf_t bufs[2] = {uv_buf_init(req->head.data(), static_cast<unsigned>(req->head.size())),
                      uv_buf_init(req->body.data(), static_cast<unsigned>(req->body.size()))};
  req->req.data = req;
  int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&tcp_), bufs,
                    req->body.empty() ? 1 : 2, [](uv_write_t* w, int status) {
                      auto* r = static_cast<WriteRequest*>(w->data);
                      if (status < 0) {
                        r->connection->close();
                      } else if (r->pull_next) {
                        r->connection->pullStream();
                      }
                      delete r;
                    });
  if (rc != 0) {
    delete req;
    close();
  }
}

void Connection::startStream(std::shared_ptr<BodySource> stream, bool chunked, bool close_after) {
  stream_ = std::move(stream);
  stream_chunked_ = chunked;
  stream_close_after_ = close_after;
  uv_timer_stop(&timer_);
  pullStream();
}

void Connection::pullStream() {
  if (closing_ || !stream_) return;
  std::weak_ptr<Connection*> weak = self_;
  stream_->read([weak](BodySource::Event event, std::string chunk) {
    if (auto self = weak.lock()) (*self)->onStreamEvent(event, std::move(chunk));
  });
}

void Connection::onStreamEvent(BodySource::Event event, std::string chunk) {
  if (closing_ || !stream_) return;
  if (event == BodySource::Event::kError) {
    // Mid-body there is no status left to send: cutting the connection tells the client.
    stream_.reset();
    return close();
  }
  auto* req = new WriteRequest{};
  req->connection = this;
  if (event == BodySource::Event::kData) {
    if (chunk.empty()) return pullStream();  // an empty chunk would read as the end
    if (stream_chunked_) {
      char size[20];
      std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
      req->head = size;
      chunk.append("\r\n");
    }
    req->body = std::move(chunk);
    req->pull_next = true;
    return submit(req);
  }
  if (stream_chunked_) req->head = "0\r\n\r\n";
  stream_.reset();
  if (!req->head.empty()) {
    submit(req);
  } else {
    delete req;
  }
  if (closing_) return;
  if (stream_close_after_) return shutdownAndClose();
  flush();
  updateTimer();
}

void Connection::shutdownAndClose() {
  if (closing_) return;
  stop_after_queue_ = true;
  if (reading_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
  }
  uv_timer_stop(&timer_);
  auto* req = new uv_shutdown_t{};
  req->data = this;
  int rc = uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t* r, int) {
    static_cast<Connection*>(r->data)->close();
    delete r;
  });
  if (rc != 0) {
    delete req;
    close();
  }
}

void Connection::drain() {
  draining_ = true;
  if (exchanges_.empty() && !parser_.inMessage()) shutdownAndClose();
}

void Connection::close() {
  if (closing_) return;
  closing_ = true;
  self_.reset();
  if (stream_) {
    stream_->cancel();
    stream_.reset();
  }
  for (auto& exchange : exchanges_) exchange->connection = nullptr;
  exchanges_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::onClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::onClosed);
}

void Connection::onClosed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  if (--self->open_handles_ == 0) self->owner_.onConnectionClosed(self);
}

void Connection::armTimer(uint64_t ms) { uv_timer_start(&timer_, &Connection::onTimer, ms, 0); }

void Connection::updateTimer() {
  if (closing_ || stream_) return;  // a streamed body's pace is the producer's and the client's
  if (parser_.inMessage()) {
    if (parser_.inBody()) {
      armTimer(limits_.idle_timeout_ms);  // restarted by every read while the body flows
      timer_is_head_ = false;
    } else if (!timer_is_head_) {
      armTimer(limits_.header_timeout_ms);
      timer_is_head_ = true;
    }
  } else if (!exchanges_.empty()) {
    uv_timer_stop(&timer_);
    timer_is_head_ = false;
  } else if (timer_is_head_ || !uv_is_active(reinterpret_cast<uv_handle_t*>(&timer_))) {
    armTimer(limits_.idle_timeout_ms);
    timer_is_head_ = false;
  }
}

void Connection::onTimer(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  if (!self->parser_.inMessage()) {
    if (self->timer_is_head_ && self->exchanges_.empty()) {
      // Accepted but never sent a byte within the head timeout.
      self->owner_.countError("request_timeout");
    }
    return self->close();
  }
  self->failRequest(408, "request_timeout",
                    self->parser_.inBody() ? "the request body stopped arriving"
                                           : "the request head did not arrive in time");
  self->flush();
}

}  // namespace quiver::gateway
