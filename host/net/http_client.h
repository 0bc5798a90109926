// HttpClient: the outbound HTTP/1.1 client under functions' fetch(), on one shard's libuv loop.
//
// One exchange = one request and its response: DNS (c-ares, cached), the egress policy on every
// resolved address, a pooled keep-alive connection or a new TCP (+TLS) one, the request written
// with its body pulled from a ByteStream chunk by chunk, and the response handed over as soon as
// its head is parsed, with its body as a ByteStream that reads the socket only while a read() is
// outstanding (backpressure all the way to the upstream's writes).
//
// Not done here, by design: redirects (the JS fetch() follows them), content decoding
// (DecompressionStream), cookies, caching, HTTP/2, proxies.
//
// Request framing: the client owns Content-Length / Transfer-Encoding (from body->length()),
// Connection, Keep-Alive, Upgrade and TE; those headers in Request::headers are dropped. Host
// comes from the URL unless the request sets one. POST, PUT and PATCH without a body send
// Content-Length: 0.
//
// Contract:
// - start() never calls back inside itself. Then exactly one of on_response / on_error runs,
//   on the loop thread, unless abort() comes first (after abort() neither runs) or close() was
//   called before start() (the loop is ending; neither runs).
// - Errors are messages fit for a TypeError shown to a function's author:
//   "connection refused (127.0.0.1:8080)", "DNS lookup failed for example.invalid: domain name
//   not found", "egress to 127.0.0.1 (localhost) is blocked by the host's egress policy",
//   "TLS certificate verification failed for example.com: <reason>",
//   "timed out connecting to example.com:443 (93.184.216.34:443)",
//   "timed out waiting for the response from example.com:443".
// - Response::body is never null; a body-less response (HEAD, 204, 304, Content-Length: 0)
//   ends at the first read. A body error (connection lost, idle timeout, abort) is a kError.
// - Dropping the Exchange handle does not abort; abort() does, and closes the connection.
//   Cancelling (or dropping) the response body closes the connection too. A connection goes
//   back to the pool only when its response was read to the end and allowed keep-alive.
// - Timeouts: connect (per address, TCP + TLS), response (request fully sent -> head), idle
//   (no progress while the client waits on the socket: a request write, a body read).
//   No timer runs while the client waits on the caller (its request body, its next read()).
//
// - The callbacks given to start() and to the body's read() must not throw (they run inside
//   libuv callbacks). They may call anything on the client, close() included.
//
// Thread: the loop's, for everything, including the ByteStreams it hands out.
// Owner: whoever made it (one per shard); close() (or the destructor) before the loop ends.
// Wiring, on the shard's thread:
//   auto options = net::httpClientOptionsFor(config.outbound);  // quiverd validated it already
//   auto client = std::make_unique<net::HttpClient>(shard.loop(), std::move(*options));
//   …  client->close();  // at shard teardown, before the loop stops
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/byte_stream.h"
#include "host/config.h"
#include "host/net/dns_resolver.h"
#include "host/net/egress_policy.h"

namespace quiver::host::net {

struct ClientCore;

struct HttpClientOptions {
  EgressPolicy policy = EgressPolicy::defaults();
  std::string ca_file;                     // PEM CA bundle instead of the system store
  uint64_t connect_timeout_ms = 10'000;    // per address: TCP connect plus TLS handshake
  uint64_t response_timeout_ms = 60'000;   // request fully sent -> response head
  uint64_t idle_timeout_ms = 60'000;       // socket silent while the client waits on it
  size_t max_head_bytes = 64 * 1024;       // response status line + headers (+ trailers)
  size_t max_idle_per_origin = 8;          // keep-alive connections kept per origin
  uint64_t pool_idle_timeout_ms = 15'000;  // an idle pooled connection closes after this
  DnsOptions dns;
};

// The options a shard's client runs with, from the host's config: the default egress policy
// plus its allows, and its CA file (checked to load). The error names the bad flag value.
Result<HttpClientOptions> httpClientOptionsFor(const OutboundConfig& config);

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Request {
    std::string method = "GET";
    std::string url;  // http: or https:, WHATWG-serialized
    Headers headers;
    std::shared_ptr<ByteStream> body;  // null: no body; length() >= 0: Content-Length
  };

  struct Response {
    int status = 0;
    std::string status_text;
    Headers headers;                   // names lowercase, in the order received
    std::shared_ptr<ByteStream> body;  // never null
    std::string remote_address;        // the IP connected to ("127.0.0.1", "::1")
    int remote_port = 0;
  };

  // The caller's handle on an exchange in flight.
  class Exchange {
   public:
    virtual ~Exchange() = default;
    // Ends the exchange: closes its connection, cancels the request body. Before the response:
    // neither callback runs. After it: the body's pending (or next) read gets kError.
    virtual void abort() = 0;
  };

  using ResponseCallback = std::function<void(Response response)>;
  using ErrorCallback = std::function<void(std::string error_message)>;

  HttpClient(uv_loop_t* loop, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  std::shared_ptr<Exchange> start(Request request, ResponseCallback on_response,
                                  ErrorCallback on_error);

  // For shutdown: fails every exchange in flight ("the HTTP client was closed"), errors every
  // body being read, closes every connection and handle so that the loop can end. Idempotent.
  void close();

  // Keep-alive connections waiting in the pool (tests, metrics).
  size_t idleConnections() const;

 private:
  std::shared_ptr<ClientCore> core_;
};

}  // namespace quiver::host::net
