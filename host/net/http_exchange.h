// Internals of HttpClient (see http_client.h for the contract).
//
// ClientCore: what every exchange of one client shares: the loop, options, resolver, TLS
// context, pool, and a deferral queue (start() must not call back inside itself). Shared by the
// client and its exchanges, so an exchange that outlives close() still finds it (closed).
//
// HttpExchange: one request/response, a small state machine:
//   kResolving -> kConnecting -> kSending -> kBody -> kDone
// (a pooled connection skips the first two). It owns its connection while it uses it and hands
// it to the pool after a complete keep-alive response. Kept alive by the core until the head
// (or an error) is delivered, then by the response body's ByteStream.
//
// Thread: the loop's.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/net/connection.h"
#include "host/net/connection_pool.h"
#include "host/net/http_client.h"
#include "host/net/http_response_parser.h"
#include "host/net/http_url.h"

namespace quiver::host::net {

class HttpExchange;

struct ClientCore {
  ClientCore(uv_loop_t* loop, HttpClientOptions options);

  // Runs `task` on a later loop turn (a 0 ms timer).
  void defer(std::function<void()> task);
  // The TLS context, made on first use; null with `error` set if it cannot be.
  std::shared_ptr<TlsContext> tlsContext(std::string* error);
  void close();

  uv_loop_t* loop;
  HttpClientOptions options;
  DnsResolver dns;
  ConnectionPool pool;
  bool closed = false;
  // Exchanges before their head or error: the core keeps them alive until then.
  std::vector<std::shared_ptr<HttpExchange>> starting;
  // Every exchange, to fail them on close().
  std::vector<std::weak_ptr<HttpExchange>> all;

 private:
  static void onDeferTimer(uv_timer_t* handle);

  std::shared_ptr<TlsContext> tls_;
  std::string tls_error_;
  UvHandle<uv_timer_t> defer_timer_;
  std::vector<std::function<void()>> deferred_;
};

class HttpExchange final : public HttpClient::Exchange,
                           private Connection::Sink,
                           public std::enable_shared_from_this<HttpExchange> {
 public:
  HttpExchange(std::shared_ptr<ClientCore> core, HttpClient::Request request,
               HttpClient::ResponseCallback on_response, HttpClient::ErrorCallback on_error);
  ~HttpExchange() override;

  // The deferred half of start().
  void begin();
  void abort() override;
  // Ends it with `message` (as on_error, or as the body's error); the client is closing.
  void shutdown(const std::string& message);

  // The response body's side (ResponseBody forwards here).
  void bodyRead(ByteStream::ReadCallback callback);
  void bodyCancel();

 private:
  enum class Phase { kResolving, kConnecting, kSending, kBody, kDone };
  enum class Timer { kNone, kSend, kResponse, kBodyIdle };

  void resolve();
  void onResolved(Result<std::vector<IpAddress>> result);
  void onConnected(const std::string& error);
  void sendRequest();
  std::string requestHead() const;
  void writeBytes(std::string bytes, bool last);
  void onWritten(const std::string& error, bool last);
  void pullRequestBody();
  void onRequestChunk(ByteStream::Event event, std::string chunk);
  void requestSent();

  void onConnectionData(const char* data, size_t length) override;
  void onConnectionEnd(const std::string& error) override;
  void deliverHead();
  void onMessageComplete();
  void pump();
  void updateTimer(bool restart = false);

  void fail(const std::string& message);
  bool shouldRetry() const;
  void closeConnection();
  void cancelRequestBody();
  void forgetStarting();

  std::shared_ptr<ClientCore> core_;
  HttpClient::Request request_;
  HttpClient::ResponseCallback on_response_;
  HttpClient::ErrorCallback on_error_;
  HttpUrl url_;
  std::shared_ptr<TlsContext> tls_;
  Phase phase_ = Phase::kResolving;
  std::shared_ptr<Connection> connection_;
  std::unique_ptr<HttpResponseParser> parser_;
  Timer timer_ = Timer::kNone;
  std::string remote_address_;
  int remote_port_ = 0;

  bool reused_ = false;             // the connection came from the pool
  bool retried_ = false;            // one retry on a fresh connection, for a stale pooled one
  bool received_any_ = false;       // a byte of the response arrived
  bool writing_ = false;            // a write is with the kernel
  bool request_sent_ = false;       // head and body written
  bool request_body_done_ = false;  // the request body ended, failed or was cancelled
  bool chunked_ = false;
  int64_t declared_length_ = -1;
  int64_t sent_length_ = 0;

  bool head_delivered_ = false;
  bool message_complete_ = false;
  std::string body_buf_;  // parsed body bytes the consumer has not read yet
  ByteStream::ReadCallback pending_read_;
  std::optional<std::string> body_error_;
};

}  // namespace quiver::host::net
