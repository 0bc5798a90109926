// Connection's state machine is spread over libuv callbacks, parser callbacks, body reads and
// response completions; the invariants that tie them together:
// - exchanges_ holds one entry per request handed to the handler and not yet written, in
//   request order (a streaming handler's exchange is there from the request's head on);
// - at most one response is being written from a stream (stream_/streaming_); later responses
//   wait for it;
// - the socket is read only when wantsToRead() says so: parsing is not paused, and a streamed
//   body being received has room (kMaxBufferedBody) or is being drained;
// - consumer callbacks of request bodies never run inside the parser (touched_ then
//   deliverBodies());
// - the connection closes only from flush()/endStream() (after a response), close() on errors,
//   timeouts and disconnects, or drain().
// This file is long because it is one state machine; request_body.cc holds the body's own side.
#include "api-gateway/connection.h"

#include <charconv>

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "host/byte_stream_util.h"
#include "host/log.h"

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

bool expectsContinue(const HttpRequest& request) {
  const std::string* expect = request.header("expect");
  return expect && strcasecmp(expect->c_str(), "100-continue") == 0 && request.version_minor >= 1;
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Decimal `value` in `buf` (at least 21 bytes), without a std::string.
std::string_view formatInt(char* buf, int64_t value) {
  auto [end, ec] = std::to_chars(buf, buf + 21, value);  // no locale, no printf machinery
  return {buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0};
}

}  // namespace

std::shared_ptr<host::InvocationSignal> Responder::signal() const {
  if (!exchange_->signal) {
    exchange_->signal = std::make_shared<host::InvocationSignal>();
    // Asked for after the client left: it has already gone.
    if (!exchange_->connection && !exchange_->response) exchange_->signal->abort();
  }
  return exchange_->signal;
}

void Responder::send(HttpResponse response) const {
  if (exchange_->response || !exchange_->connection) {
    if (response.stream) response.stream->cancel();
    return;
  }
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
  // Normally close() has run; a connection destroyed without it (its owner going away) must not
  // leave bodies pointing at it.
  for (auto& exchange : exchanges_) exchange->connection = nullptr;
  if (streaming_ && streaming_->body) streaming_->body->detach();
  for (auto& exchange : exchanges_) {
    if (exchange->body) exchange->body->detach();
  }
  if (current_body_) current_body_->detach();
}

void Connection::accept(uv_stream_t* server) {
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&tcp_)) != 0) return close();
  // Streamed responses (server-sent events) go out chunk by chunk, without Nagle's delay.
  uv_tcp_nodelay(&tcp_, 1);
  armTimer(limits_.header_timeout_ms);
  timer_is_head_ = true;
  updateReading();
  if (!reading_) close();
}

// While a streamed body is arriving, reads are sized to what it may still buffer (at least
// 16 KB), so the unread body stays near kMaxBufferedBody.
void Connection::onAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(handle->data);
  size_t size = t_read_buffer.size();
  if (self->current_body_ && !self->current_body_->discarding() &&
      self->buffered_body_ < kMaxBufferedBody) {
    size = std::min(size, std::max<size_t>(kMaxBufferedBody - self->buffered_body_, 16 * 1024));
  }
  *buf = uv_buf_init(t_read_buffer.data(), static_cast<unsigned>(size));
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
  if (nread != UV_EOF || self->requestInProgress()) return self->close();
  self->onEof();
}

// The client finished sending. With nothing in flight: answer what it asked, then close. A
// request still being served is treated as abandoned, as Node's HTTP server does: its signal
// aborts and a response stream is cancelled; whole responses that come are still written, for
// a client that only half-closed.
void Connection::onEof() {
  peer_eof_ = true;
  stop_after_queue_ = true;
  updateReading();
  if (stream_) return close();
  for (auto& exchange : exchanges_) {
    if (exchange->signal && !exchange->response) exchange->signal->abort();
  }
  flush();
}

void Connection::parse(const char* data, size_t length) {
  if (closing_) return;
  in_parse_ = true;
  size_t consumed = parser_.feed(data, length);
  in_parse_ = false;
  if (closing_) return;
  if (close_requested_) return close();
  switch (parser_.state()) {
    case HttpRequestParser::State::kOk:
      break;
    case HttpRequestParser::State::kPaused:
    case HttpRequestParser::State::kUpgrade:
      // Upgrades (WebSocket) are not served: answer the request, then close.
      if (parser_.state() == HttpRequestParser::State::kUpgrade) stop_after_queue_ = true;
      stash_.append(data + consumed, length - consumed);
      break;
    case HttpRequestParser::State::kFailed:
      onParseFailed();
      if (close_requested_) return close();
      break;
  }
  updateReading();
  deliverBodies();
}

void Connection::onParseFailed() {
  int status = parser_.errorStatus();
  std::string_view code = status == 431   ? "request_head_too_large"
                          : status == 413 ? "request_body_too_large"
                          : status == 505 ? "http_version_not_supported"
                                          : "bad_request";
  if (!current_body_) return failRequest(status, code, parser_.errorMessage());
  // The request was handed over at its head: its body fails, the host answers it.
  owner_.countError(code);
  failStreamedBody(status == 413 ? 413 : 400, status == 413 ? code : "bad_request",
                   status == 413 ? host::bodyLimitMessage(limits_.max_body_bytes)
                                 : "malformed request body: " + parser_.errorMessage());
}

// A streamed body that will not complete (limit, malformed, stalled): its reads end in kError and
// nothing more is parsed. Unless the function's response has begun, the host answers in its
// stead, as it answers a Content-Length past the limit before the function runs: the function's
// signal aborts and its own answer, when it comes, is dropped. The connection closes after the
// response (at once if it was already sent).
void Connection::failStreamedBody(int status, std::string_view code, std::string message) {
  auto body = std::move(current_body_);
  current_body_ = nullptr;
  bool answered = body->discarding();
  body->fail(message);
  touch(body);
  parser_dead_ = true;
  stop_after_queue_ = true;
  updateReading();
  if (answered || close_after_drain_) {
    close_requested_ = true;
    return;
  }
  std::shared_ptr<host::InvocationSignal> signal;
  for (auto& exchange : exchanges_) {
    if (exchange->body != body || exchange->response) continue;
    exchange->response = errorResponse(status, code, message, exchange->request_id);
    exchange->response->close = true;
    signal = exchange->signal;
  }
  if (signal) signal->abort(message);
}

void Connection::resumeParsing() {
  while (!closing_ && !in_parse_ && parser_.state() == HttpRequestParser::State::kPaused &&
         wantsMoreRequests()) {
    parser_.resume();
    std::string pending = std::move(stash_);
    stash_.clear();
    parse(pending.data(), pending.size());
  }
  updateReading();
}

bool Connection::wantsMoreRequests() const {
  return !stop_after_queue_ && !draining_ && exchanges_.size() < limits_.max_pipelined;
}

bool Connection::wantsToRead() const {
  if (closing_ || shutting_down_ || peer_eof_ || parser_dead_) return false;
  if (parser_.state() != HttpRequestParser::State::kOk) return false;  // paused, failed, upgrade
  if (current_body_) {
    if (current_body_->discarding()) return true;
    return !current_body_->cancelled() && buffered_body_ < kMaxBufferedBody;
  }
  if (parser_.inMessage()) return true;
  return wantsMoreRequests() && buffered_body_ < kMaxBufferedBody;
}

void Connection::updateReading() {
  bool want = wantsToRead();
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (want && !reading_) {
    reading_ = uv_read_start(stream, &Connection::onAlloc, &Connection::onRead) == 0;
  } else if (!want && reading_) {
    uv_read_stop(stream);
    reading_ = false;
  }
}

void Connection::onMessageBegin() {
  if (!timer_is_head_) {
    armTimer(limits_.header_timeout_ms);
    timer_is_head_ = true;
  }
}

BodyDelivery Connection::onHeadersComplete(HttpRequest& request) {
  if (closing_ || close_requested_ || stop_after_queue_) {
    return BodyDelivery::kWhole;  // and ignored by onRequest
  }
  if (handler_.bodyDelivery() == BodyDelivery::kWhole) {
    if (expectsContinue(request) && exchanges_.empty()) writeRaw(kContinue);
    return BodyDelivery::kWhole;
  }
  streamed_message_ = true;
  auto exchange = std::make_shared<Exchange>();
  exchange->connection = this;
  exchange->request_id = owner_.nextRequestId();
  exchange->head_request = request.method == "HEAD";
  exchange->keep_alive = request.keep_alive && !draining_;
  exchange->http10 = request.version_minor == 0;
  if (request.chunked || request.content_length > 0) {
    exchange->body = std::make_shared<RequestBody>(static_cast<RequestBodyFeeder*>(this),
                                                   request.chunked ? -1 : request.content_length);
    exchange->expect_continue = expectsContinue(request);
    current_body_ = exchange->body;
    request.body_stream = exchange->body;
  }
  if (!exchange->keep_alive) stop_after_queue_ = true;
  exchanges_.push_back(exchange);
  handler_.handle(std::move(request), Responder(exchange));
  return BodyDelivery::kStreamed;
}

void Connection::onBodyData(const char* data, size_t length) {
  if (closing_ || !current_body_) return;
  current_body_->append(data, length);
  if (current_body_->discarding() && current_body_->discardedBytes() > kMaxDrainBytes) {
    close_requested_ = true;  // not worth reading on: the parser stops at the next turn
  }
  touch(current_body_);
}

bool Connection::onRequest(HttpRequest&& request) {
  if (streamed_message_) {
    streamed_message_ = false;
    if (current_body_) {
      current_body_->end();
      touch(current_body_);
      current_body_ = nullptr;
    }
    if (close_after_drain_) {
      shutdownAndClose();
      return false;
    }
    return !closing_ && wantsMoreRequests();
  }
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

void Connection::onBodyBuffered(int64_t delta) {
  buffered_body_ = static_cast<size_t>(static_cast<int64_t>(buffered_body_) + delta);
  if (!in_parse_) updateReading();  // parse() updates once it returns
}

void Connection::onBodyWanted(RequestBody&) {
  if (closing_) return;
  maybeSendContinue();
  updateReading();
  if (!in_parse_) updateTimer();
}

void Connection::touch(const std::shared_ptr<RequestBody>& body) {
  if (touched_.empty() || touched_.back() != body) touched_.push_back(body);
}

// Consumers run here, outside the parser; they may answer (flush), read again or cancel.
void Connection::deliverBodies() {
  if (in_parse_) return;
  auto touched = std::move(touched_);
  touched_.clear();
  for (auto& body : touched) body->deliver();
}

// 100 Continue for the request at the head of the queue once its handler reads the body, and
// only while nothing else is being written for the connection.
void Connection::maybeSendContinue() {
  if (closing_ || stream_ || exchanges_.empty()) return;
  Exchange& front = *exchanges_.front();
  if (!front.expect_continue || front.continue_sent || front.response || !front.body ||
      !front.body->readStarted() || front.body->complete()) {
    return;
  }
  front.continue_sent = true;
  writeRaw(kContinue);
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
  parser_dead_ = true;
  updateReading();
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
    bool last = exchanges_.empty() && !requestInProgress();
    bool body_arriving = exchange->body && exchange->body == current_body_;
    bool close_after = !exchange->keep_alive || response.close ||
                       ((stop_after_queue_ || draining_) && last) ||
                       // The client waits for 100 Continue before it sends the body: the
                       // framing of what follows is unknown.
                       (body_arriving && exchange->expect_continue && !exchange->continue_sent);
    auto stream = std::move(response.stream);
    int64_t stream_length = stream ? stream->length() : -1;
    if (stream && peer_eof_) {
      // The client has gone (see onEof): nothing to stream to.
      stream->cancel();
      if (exchange->signal) exchange->signal->abort();
      return close();
    }
    if (stream && (exchange->head_request || bodyForbidden(response.status))) {
      stream->cancel();
      stream.reset();
    }
    Framing framing = Framing::kNone;
    if (stream) {
      framing = stream_length >= 0 ? Framing::kLength
                : exchange->http10 ? Framing::kUntilClose
                                   : Framing::kChunked;
    }
    // HTTP/1.0 has no chunked coding: the body ends when the connection does.
    if (framing == Framing::kUntilClose) close_after = true;
    write(*exchange, response, close_after, framing, stream_length);
    if (stream) return startStream(std::move(exchange), std::move(stream), framing, close_after);
    if (!afterResponse(*exchange, close_after)) return;
  }
  if (exchanges_.empty() && !requestInProgress() && (peer_eof_ || draining_ || parser_dead_)) {
    return shutdownAndClose();
  }
  maybeSendContinue();
  resumeParsing();
}

// The response for `exchange` went out in full: what is left of its body is dropped, and the
// connection closes now, or once the rest of the body has been drained. False once closing.
bool Connection::afterResponse(Exchange& exchange, bool close_after) {
  std::shared_ptr<RequestBody> body = std::move(exchange.body);
  bool arriving = body && body == current_body_ && !body->complete();
  if (body) body->discard();
  if (close_requested_) {
    close();
    return false;
  }
  if (!close_after) {
    if (arriving) {
      updateReading();
      updateTimer();
    }
    return !closing_;  // discard() answered a waiting read: its consumer may have closed us
  }
  if (arriving && !(exchange.expect_continue && !exchange.continue_sent)) {
    // Closing with unread bytes would reset the connection, and the client could lose the
    // response: read the rest first (bounded by kMaxDrainBytes), then shut down.
    close_after_drain_ = true;
    stop_after_queue_ = true;
    updateReading();
    updateTimer();
    return false;
  }
  shutdownAndClose();
  return false;
}

void Connection::write(const Exchange& exchange, HttpResponse& response, bool close_after,
                       Framing framing, int64_t stream_length) {
  std::string& head = head_;
  head.clear();
  char number[24];
  head.append("HTTP/1.1 ").append(formatInt(number, response.status)).append(" ");
  head.append(response.reason.empty() ? reasonPhrase(response.status) : response.reason);
  head.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (isHopByHop(name)) continue;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (framing == Framing::kChunked) {
    head.append("transfer-encoding: chunked\r\n");
  } else if (!bodyForbidden(response.status) && framing != Framing::kUntilClose) {
    // A HEAD answer carries the length a GET would have, when it is known.
    int64_t length = stream_length >= 0 ? stream_length
                     : framing == Framing::kNone && !response.stream
                         ? static_cast<int64_t>(response.body.size())
                         : -1;
    if (length >= 0)
      head.append("content-length: ").append(formatInt(number, length)).append("\r\n");
  }
  head.append("date: ").append(httpDate()).append("\r\n");
  head.append("x-request-id: ").append(exchange.request_id).append("\r\n");
  if (close_after) {
    head.append("connection: close\r\n");
  } else if (exchange.http10) {
    head.append("connection: keep-alive\r\n");
  }
  head.append("\r\n");
  if (framing == Framing::kNone) {
    std::string body;
    if (!exchange.head_request && !bodyForbidden(response.status)) body = std::move(response.body);
    send(head, std::move(body), exchange.signal);
    return;
  }
  auto* req = new WriteRequest{};
  req->connection = this;
  req->head = head;
  req->pull_next = true;  // the first chunk is asked for once the head is out
  submit(req);
}

void Connection::writeRaw(std::string_view bytes) { send(bytes, {}, nullptr); }

bool Connection::send(std::string_view head, std::string body,
                      const std::shared_ptr<host::InvocationSignal>& signal) {
  owner_.countWrite();  // before the bytes can reach the client
  uv_buf_t bufs[2] = {
      uv_buf_init(const_cast<char*>(head.data()), static_cast<unsigned>(head.size())),
      uv_buf_init(body.data(), static_cast<unsigned>(body.size()))};
  // UV_EAGAIN (the socket is full, or earlier writes are still queued): all of it goes to uv_write.
  int written = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), bufs, body.empty() ? 1 : 2);
  if (written < 0 && written != UV_EAGAIN) {
    // Never reached the client whole.
    if (signal) signal->abort();
    close();
    return false;
  }
  size_t done = written > 0 ? static_cast<size_t>(written) : 0;
  if (done == head.size() + body.size()) return true;
  auto* req = new WriteRequest{};
  req->connection = this;
  if (done < head.size()) {
    req->head.assign(head.substr(done));
    req->body = std::move(body);
  } else {
    body.erase(0, done - head.size());  // in place: no second copy of a big body
    req->body = std::move(body);
  }
  req->signal = signal;
  submit(req, /*counted=*/true);
  return !closing_;
}

// One uv_write for head and body; the request owns both until libuv is done with them.
void Connection::submit(WriteRequest* req, bool counted) {
  if (!counted) owner_.countWrite();
  uv_buf_t bufs[2] = {uv_buf_init(req->head.data(), static_cast<unsigned>(req->head.size())),
                      uv_buf_init(req->body.data(), static_cast<unsigned>(req->body.size()))};
  int count = req->head.empty() ? 0 : 1;
  if (req->head.empty()) bufs[0] = bufs[1];
  if (!req->body.empty()) ++count;
  req->req.data = req;
  int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&tcp_), bufs,
                    static_cast<unsigned>(count), [](uv_write_t* w, int status) {
                      auto* r = static_cast<WriteRequest*>(w->data);
                      if (status < 0) {
                        // Never reached the client whole (an error, or cancelled by close()).
                        if (r->signal) r->signal->abort();
                        r->connection->close();
                      } else if (r->pull_next) {
                        r->connection->pullStream();
                      }
                      delete r;
                    });
  if (rc != 0) {
    if (req->signal) req->signal->abort();
    delete req;
    close();
  }
}

void Connection::startStream(std::shared_ptr<Exchange> exchange,
                             std::shared_ptr<host::ByteStream> stream, Framing framing,
                             bool close_after) {
  stream_ = std::move(stream);
  streaming_ = std::move(exchange);
  stream_framing_ = framing;
  stream_remaining_ = framing == Framing::kLength ? stream_->length() : 0;
  stream_close_after_ = close_after;
  uv_timer_stop(&timer_);
}

void Connection::pullStream() {
  if (closing_ || !stream_) return;
  std::weak_ptr<Connection*> weak = self_;
  stream_->read([weak](host::ByteStream::Event event, std::string chunk) {
    if (auto self = weak.lock()) (*self)->onStreamEvent(event, std::move(chunk));
  });
}

void Connection::onStreamEvent(host::ByteStream::Event event, std::string chunk) {
  using Event = host::ByteStream::Event;
  if (closing_ || !stream_) return;
  if (event == Event::kError) return abortStream("the response body failed: " + chunk);
  if (event == Event::kEnd) {
    if (stream_framing_ == Framing::kLength && stream_remaining_ > 0) {
      return abortStream("the response body ended " + std::to_string(stream_remaining_) +
                         " bytes short of its Content-Length");
    }
    return endStream();
  }
  if (chunk.empty()) return pullStream();  // an empty chunk would read as the end
  auto* req = new WriteRequest{};
  req->connection = this;
  if (stream_framing_ == Framing::kLength) {
    if (static_cast<int64_t>(chunk.size()) > stream_remaining_) {
      delete req;
      stream_->cancel();
      return abortStream("the response body is longer than its Content-Length " +
                         std::to_string(stream_->length()));
    }
    stream_remaining_ -= static_cast<int64_t>(chunk.size());
  } else if (stream_framing_ == Framing::kChunked) {
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    req->head = size;
    chunk.append("\r\n");
  }
  req->body = std::move(chunk);
  req->pull_next = true;
  submit(req);
}

// Mid-body there is no status left to send: cutting the connection (a chunked body without its
// last chunk, or short of its length) tells the client.
void Connection::abortStream(std::string_view why) {
  host::logHost(host::LogLevel::kWarn,
                "request " + (streaming_ ? streaming_->request_id : std::string("?")) + ": " +
                    std::string(why) + "; connection closed");
  stream_.reset();  // it errored or ended: nothing to cancel
  close();
}

void Connection::endStream() {
  stream_.reset();
  auto exchange = std::move(streaming_);
  streaming_ = nullptr;
  if (stream_framing_ == Framing::kChunked) {
    auto* req = new WriteRequest{};
    req->connection = this;
    req->head = "0\r\n\r\n";
    req->signal = exchange->signal;
    submit(req);
    if (closing_) return;
  }
  if (!afterResponse(*exchange, stream_close_after_)) return;
  flush();
  updateTimer();
}

void Connection::shutdownAndClose() {
  if (closing_ || shutting_down_) return;
  shutting_down_ = true;
  stop_after_queue_ = true;
  updateReading();
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
  if (exchanges_.empty() && !stream_ && !requestInProgress()) shutdownAndClose();
}

void Connection::close() {
  if (closing_) return;
  closing_ = true;
  self_.reset();
  // Gather first, then tell: the callbacks below may call back into this connection.
  auto stream = std::move(stream_);
  stream_ = nullptr;
  std::vector<std::shared_ptr<host::InvocationSignal>> signals;
  std::vector<std::shared_ptr<RequestBody>> bodies;
  if (streaming_) {
    signals.push_back(streaming_->signal);
    bodies.push_back(streaming_->body);
    streaming_ = nullptr;
  }
  for (auto& exchange : exchanges_) {
    exchange->connection = nullptr;
    signals.push_back(exchange->signal);
    bodies.push_back(exchange->body);
  }
  exchanges_.clear();
  bodies.push_back(std::move(current_body_));
  current_body_ = nullptr;
  touched_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::onClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::onClosed);
  if (stream) stream->cancel();
  for (auto& signal : signals) {
    if (signal) signal->abort();
  }
  for (auto& body : bodies) {
    if (body) body->detach();
  }
}

void Connection::onClosed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  if (--self->open_handles_ == 0) self->owner_.onConnectionClosed(self);
}

void Connection::armTimer(uint64_t ms) { uv_timer_start(&timer_, &Connection::onTimer, ms, 0); }

void Connection::updateTimer() {
  if (closing_ || stream_) return;  // a streamed body's pace is the producer's and the client's
  if (requestInProgress()) {
    if (parser_.inBody()) {
      // A streamed body is timed only while someone waits for it.
      if (current_body_ && !current_body_->discarding() && !current_body_->waiting()) {
        uv_timer_stop(&timer_);
      } else {
        armTimer(limits_.idle_timeout_ms);  // restarted by every read while the body flows
      }
      timer_is_head_ = false;
    } else if (!timer_is_head_) {
      armTimer(limits_.header_timeout_ms);
      timer_is_head_ = true;
    }
  } else if (!exchanges_.empty() || shutting_down_ || parser_dead_) {
    uv_timer_stop(&timer_);
    timer_is_head_ = false;
  } else if (timer_is_head_ || !uv_is_active(reinterpret_cast<uv_handle_t*>(&timer_))) {
    armTimer(limits_.idle_timeout_ms);
    timer_is_head_ = false;
  }
}

void Connection::onTimer(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  if (!self->requestInProgress()) {
    if (self->timer_is_head_ && self->exchanges_.empty()) {
      // Accepted but never sent a byte within the head timeout.
      self->owner_.countError("request_timeout");
    }
    return self->close();
  }
  if (self->current_body_) {
    if (self->current_body_->discarding()) return self->close();
    self->owner_.countError("request_timeout");
    self->failStreamedBody(408, "request_timeout", "the request body stopped arriving");
    if (self->close_requested_) return self->close();
    self->deliverBodies();
    self->flush();
    return;
  }
  self->failRequest(408, "request_timeout",
                    self->parser_.inBody() ? "the request body stopped arriving"
                                           : "the request head did not arrive in time");
  self->flush();
}

}  // namespace quiver::gateway
