// Connection: one accepted TCP connection speaking HTTP/1.1. Reads into the parser, hands each
// request to the listener's RequestHandler, and writes responses back in request order
// (pipelining), keeping the connection alive when both sides allow it.
//
// Request bodies: a handler that takes them whole (BodyDelivery::kWhole, the control API) gets
// the request once its body has arrived. A streaming handler (the public API) gets it as soon as
// the head has, with a RequestBody fed from the socket: at most kMaxBufferedBody bytes of body
// wait unread per connection before the socket is no longer read. What the handler left unread
// when its response has gone out is read and dropped (up to kMaxDrainBytes, else the connection
// closes) before the next pipelined request.
//
// Response bodies: whole, or a host::ByteStream pulled one chunk per completed write
// (Content-Length when its length is known, else chunked, or until close for HTTP/1.0). A whole
// response is one write of head and body together (writev); it is tried at once on the socket
// (uv_try_write) from the connection's reused head buffer, so a response the kernel takes whole,
// the usual case, needs no allocation and no write request; what it does not take is queued
// with uv_write.
//
// Clients that leave: closing the connection (reset, write error, timeout, end-of-file while a
// request is in flight) aborts the InvocationSignal of every request whose response was not
// fully sent, cancels the response stream and fails the request bodies still arriving.
//
// Timers (one uv_timer): the head of a request must arrive within header_timeout from its first
// byte (or from accept), a body must keep flowing within idle_timeout while someone waits for it
// (a whole-body handler always does; a streaming one while a read() waits, or once the rest is
// being drained), and an idle keep-alive connection closes after idle_timeout. While a request
// is with the function no other timer runs: its time limits belong to the isolates layer.
//
// Lifetime: heap-allocated, owned by the Gateway's connection set; freed in the close callback of
// its last handle. Exchanges (one per request) outlive it safely: a response for a closed
// connection is dropped. Thread: the shard's.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api-gateway/http_message.h"
#include "api-gateway/http_parser.h"
#include "api-gateway/request_body.h"
#include "host/invocation_signal.h"

namespace quiver::gateway {

class Connection;

// One response (or interim 100 Continue) on its way out; owns its bytes until written.
struct WriteRequest {
  uv_write_t req;
  Connection* connection;
  std::string head;
  std::string body;
  bool pull_next = false;  // a chunk of a streamed body: ask for the next once written
  // Set on a response's last write: aborted if that write fails (the client never got it all).
  std::shared_ptr<host::InvocationSignal> signal;
};

// One request's slot in its connection's response queue.
struct Exchange {
  Connection* connection = nullptr;  // nullptr once the connection is gone
  std::string request_id;
  bool head_request = false;
  bool keep_alive = true;
  bool http10 = false;
  bool expect_continue = false;  // streamed body with Expect: 100-continue
  bool continue_sent = false;
  std::shared_ptr<RequestBody> body;               // streamed bodies only
  std::shared_ptr<host::InvocationSignal> signal;  // made by Responder::signal()
  std::optional<HttpResponse> response;
};

// The handler's way to answer one request, now or later. Copyable; the first send() wins.
class Responder {
 public:
  explicit Responder(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  const std::string& requestId() const { return exchange_->request_id; }
  bool connected() const { return exchange_->connection != nullptr; }
  // Aborted when the client goes away before this request's response was fully sent (already
  // aborted when it has gone). The same signal on every call.
  std::shared_ptr<host::InvocationSignal> signal() const;
  // A response for a client that has gone is dropped (its stream cancelled).
  void send(HttpResponse response) const;
  void sendError(int status, std::string_view code, std::string_view message) const;

 private:
  std::shared_ptr<Exchange> exchange_;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // kWhole: handle() once the body has arrived, in request.body. kStreamed: handle() once the
  // head has, the body following in request.body_stream (null when there is none).
  virtual BodyDelivery bodyDelivery() const { return BodyDelivery::kWhole; }
  virtual void handle(HttpRequest request, Responder responder) = 0;
};

// What connections share within a shard: limits, the handler of their listener, bookkeeping.
struct ConnectionOwner {
  virtual ~ConnectionOwner() = default;
  virtual void onConnectionClosed(Connection* connection) = 0;
  virtual std::string nextRequestId() = 0;
  virtual void countError(std::string_view code) = 0;
  // One write of a connection's bytes to its socket (a response, a chunk, a 100 Continue).
  virtual void countWrite() {}
};

class Connection final : private HttpRequestParser::Sink, private RequestBodyFeeder {
 public:
  // Unread streamed body per connection before the socket is no longer read.
  static constexpr size_t kMaxBufferedBody = 64 * 1024;
  // Unread body dropped after a response before the connection is closed instead.
  static constexpr size_t kMaxDrainBytes = 256 * 1024;

  Connection(uv_loop_t* loop, const host::HttpLimits& limits, RequestHandler& handler,
             ConnectionOwner& owner);
  ~Connection() override;

  // Accepts from `server`; on failure the connection closes itself.
  void accept(uv_stream_t* server);
  // Graceful: finish the requests already received, then close.
  void drain();
  // Immediate.
  void close();

  void onExchangeReady();  // an exchange got its response

 private:
  enum class Framing { kNone, kLength, kChunked, kUntilClose };

  // HttpRequestParser::Sink
  void onMessageBegin() override;
  BodyDelivery onHeadersComplete(HttpRequest& request) override;
  void onBodyData(const char* data, size_t length) override;
  bool onRequest(HttpRequest&& request) override;
  // RequestBodyFeeder
  void onBodyBuffered(int64_t delta) override;
  void onBodyWanted(RequestBody& body) override;

  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onTimer(uv_timer_t* timer);
  static void onClosed(uv_handle_t* handle);

  void onEof();
  void parse(const char* data, size_t length);
  void onParseFailed();
  void resumeParsing();
  bool wantsToRead() const;
  void updateReading();
  void failRequest(int status, std::string_view code, std::string_view message);
  void failStreamedBody(int status, std::string_view code, std::string message);
  void touch(const std::shared_ptr<RequestBody>& body);
  void deliverBodies();
  void maybeSendContinue();
  void flush();
  bool afterResponse(Exchange& exchange, bool close_after);
  void write(const Exchange& exchange, HttpResponse& response, bool close_after, Framing framing,
             int64_t stream_length);
  void writeRaw(std::string_view bytes);
  // `counted`: the rest of a write send() began (and counted).
  void submit(WriteRequest* req, bool counted = false);
  // Writes `head` then `body` now as far as the socket takes them, the rest through uv_write;
  // false once closing (the write failed).
  bool send(std::string_view head, std::string body,
            const std::shared_ptr<host::InvocationSignal>& signal);
  void startStream(std::shared_ptr<Exchange> exchange, std::shared_ptr<host::ByteStream> stream,
                   Framing framing, bool close_after);
  void pullStream();
  void onStreamEvent(host::ByteStream::Event event, std::string chunk);
  void abortStream(std::string_view why);
  void endStream();
  void shutdownAndClose();
  void armTimer(uint64_t ms);
  void updateTimer();
  bool wantsMoreRequests() const;
  // A request is being received (its head or body), as opposed to between requests or after
  // the parser gave up on the connection.
  bool requestInProgress() const { return parser_.inMessage() && !parser_dead_; }

  const host::HttpLimits& limits_;
  RequestHandler& handler_;
  ConnectionOwner& owner_;
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  int open_handles_ = 0;
  HttpRequestParser parser_;
  std::string stash_;  // bytes read but not parsed while parsing is paused
  std::string head_;   // the response head being written; its capacity is kept between responses
  std::deque<std::shared_ptr<Exchange>> exchanges_;
  bool reading_ = false;
  bool in_parse_ = false;
  bool peer_eof_ = false;
  bool draining_ = false;
  bool stop_after_queue_ = false;  // no more requests will be read (error, upgrade, close)
  bool parser_dead_ = false;       // the parser gave up mid-request: nothing more is parsed
  bool closing_ = false;
  bool shutting_down_ = false;
  bool close_requested_ = false;    // close() once the parser returns
  bool close_after_drain_ = false;  // shut down once the current body's rest has arrived
  bool timer_is_head_ = false;
  // Streamed request bodies: the one arriving now, those touched during a parse (delivered
  // after it), and how many of their bytes wait unread.
  bool streamed_message_ = false;
  std::shared_ptr<RequestBody> current_body_;
  std::vector<std::shared_ptr<RequestBody>> touched_;
  size_t buffered_body_ = 0;
  // The response body being streamed and its exchange; later responses wait for it to end.
  std::shared_ptr<host::ByteStream> stream_;
  std::shared_ptr<Exchange> streaming_;
  Framing stream_framing_ = Framing::kNone;
  int64_t stream_remaining_ = 0;  // Framing::kLength: bytes still owed
  bool stream_close_after_ = false;
  // Callbacks from a ByteStream may come after this connection is gone: they hold a weak_ptr.
  std::shared_ptr<Connection*> self_ = std::make_shared<Connection*>(this);
};

}  // namespace quiver::gateway
