// Connection: one accepted TCP connection speaking HTTP/1.1. Reads into the parser, hands each
// request to the listener's RequestHandler, and writes responses back in request order
// (pipelining), keeping the connection alive when both sides allow it.
//
// Timers (one uv_timer): the head of a request must arrive within header_timeout from its first
// byte (or from accept), the body must keep flowing within idle_timeout, and an idle keep-alive
// connection closes after idle_timeout. While a request is with the function no timer runs: its
// time limits belong to the isolates layer.
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

#include "api-gateway/http_message.h"
#include "api-gateway/http_parser.h"

namespace quiver::gateway {

class Connection;

// One response (or interim 100 Continue) on its way out; owns its bytes until written.
struct WriteRequest {
  uv_write_t req;
  Connection* connection;
  std::string head;
  std::string body;
  bool pull_next = false;  // a chunk of a streamed body: ask for the next once written
};

// One request's slot in its connection's response queue.
struct Exchange {
  Connection* connection = nullptr;  // nullptr once the connection is gone
  std::string request_id;
  bool head_request = false;
  bool keep_alive = true;
  bool http10 = false;
  std::optional<HttpResponse> response;
};

// The handler's way to answer one request, now or later. Copyable; the first send() wins.
class Responder {
 public:
  explicit Responder(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  const std::string& requestId() const { return exchange_->request_id; }
  bool connected() const { return exchange_->connection != nullptr; }
  void send(HttpResponse response) const;
  void sendError(int status, std::string_view code, std::string_view message) const;

 private:
  std::shared_ptr<Exchange> exchange_;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(HttpRequest request, Responder responder) = 0;
};

// What connections share within a shard: limits, the handler of their listener, bookkeeping.
struct ConnectionOwner {
  virtual ~ConnectionOwner() = default;
  virtual void onConnectionClosed(Connection* connection) = 0;
  virtual std::string nextRequestId() = 0;
  virtual void countError(std::string_view code) = 0;
};

class Connection final : private HttpRequestParser::Sink {
 public:
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
  // HttpRequestParser::Sink
  void onMessageBegin() override;
  void onHeadersComplete(const HttpRequest& request) override;
  bool onRequest(HttpRequest&& request) override;

  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onTimer(uv_timer_t* timer);
  static void onClosed(uv_handle_t* handle);

  void parse(const char* data, size_t length);
  void resumeParsing();
  void failRequest(int status, std::string_view code, std::string_view message);
  void flush();
  void write(const Exchange& exchange, HttpResponse& response, bool close_after, bool streamed);
  void writeRaw(std::string bytes);
  void submit(WriteRequest* req);
  void startStream(std::shared_ptr<BodySource> stream, bool chunked, bool close_after);
  void pullStream();
  void onStreamEvent(BodySource::Event event, std::string chunk);
  void shutdownAndClose();
  void armTimer(uint64_t ms);
  void updateTimer();
  bool wantsMoreRequests() const;

  const host::HttpLimits& limits_;
  RequestHandler& handler_;
  ConnectionOwner& owner_;
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  int open_handles_ = 0;
  HttpRequestParser parser_;
  std::string stash_;  // bytes read but not parsed while parsing is paused
  std::deque<std::shared_ptr<Exchange>> exchanges_;
  bool reading_ = false;
  bool in_parse_ = false;
  bool peer_eof_ = false;
  bool draining_ = false;
  bool stop_after_queue_ = false;  // no more requests will be read (error, upgrade, close)
  bool closing_ = false;
  bool timer_is_head_ = false;
  // The response body being streamed; later responses wait for it to end.
  std::shared_ptr<BodySource> stream_;
  bool stream_chunked_ = false;
  bool stream_close_after_ = false;
  // Callbacks from a BodySource may come after this connection is gone: they hold a weak_ptr.
  std::shared_ptr<Connection*> self_ = std::make_shared<Connection*>(this);
};

}  // namespace quiver::gateway
