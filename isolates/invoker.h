// The one interface between the gateway and the isolates layer: plain C++ types, no V8 and no
// sockets. The gateway hands over a request as soon as its head has arrived (the body follows as
// a stream) and gets exactly one callback with the response, on the same shard thread, possibly
// re-entrantly before invoke() returns.
//
// Bodies are host::ByteStreams (host/byte_stream.h) in both directions; everything about them
// runs on the shard's thread.
//
// Request body (InvokeRequest::body), as the gateway produces it:
// - null when the request has none (no Content-Length and no Transfer-Encoding, or
//   Content-Length: 0);
// - fed from the socket: a read() gets what has arrived since the last one (at least one byte)
//   or waits for the client. The gateway buffers at most about 64 KB of unread body per
//   connection, then stops reading the socket: a consumer that reads slowly slows the client;
// - a request with `Expect: 100-continue` gets its "100 Continue" at the body's first read();
// - kError messages: "request body exceeds the N-byte limit" (chunked bodies; a Content-Length
//   over the limit is a 413 before invoke()), "client disconnected", "the request body stopped
//   arriving", "malformed request body: …", "the response was sent before the request body was
//   read". After the error the gateway closes the connection once the response is sent. For the
//   limit, the stall and a malformed body (413, 408, 400 with that message) the gateway answers the request itself unless the function's response has begun: it aborts
//   `signal` (with the same message) and drops the function's answer when it comes;
// - cancel() or an unread rest: once the response has been sent, the rest of the body is read
//   and dropped (up to 256 KB, past that the connection closes) before the next pipelined
//   request; reads after that get kError;
// - the stream may outlive its connection: it then answers kError "client disconnected".
//
// Response body: `body` (whole), or `stream` (produced over time, see InvokeResponse).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/byte_stream.h"
#include "host/invocation_signal.h"

namespace quiver::isolates {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Aborted by the gateway when the client goes away before the response was fully sent
// (host/invocation_signal.h): onAbort(callback) runs at most once, on the shard's thread.
using InvocationSignal = host::InvocationSignal;

struct InvokeRequest {
  std::string method;
  std::string url;                         // absolute: scheme://host/path?query
  HeaderList headers;                      // names lowercase, in arrival order
  std::shared_ptr<host::ByteStream> body;  // null: no body
  int64_t body_length = -1;                // the Content-Length, or -1 (chunked, or no body)
  std::string request_id;
  // Never null from the gateway; other callers (tests) may leave it null: nothing aborts then.
  std::shared_ptr<InvocationSignal> signal;
};

struct InvokeResponse {
  int status = 200;
  std::string status_text;
  HeaderList headers;
  std::string body;
  // When set the body is streamed and `body` is unused. The gateway writes it as produced: one
  // read() at a time, the next only once the previous chunk was written to the socket
  // (backpressure). stream->length() >= 0 is sent as Content-Length (a stream that then ends
  // short or long closes the connection); otherwise chunked (close-delimited for HTTP/1.0).
  // kError mid-body aborts the connection (a chunked body lacks its last chunk: the client sees
  // it truncated). The gateway cancel()s the stream when the client goes away, when nothing may
  // be sent (HEAD, 204, 304) or when the response cannot be delivered.
  std::shared_ptr<host::ByteStream> stream;
  // Set when the host, not the function, made this response: the gateway renders the JSON error
  // shape from DESIGN.md with this code and message, and `status`.
  std::string error_code;
  std::string error_message;

  static InvokeResponse hostError(int status, std::string code, std::string message) {
    InvokeResponse r;
    r.status = status;
    r.error_code = std::move(code);
    r.error_message = std::move(message);
    return r;
  }
};

using InvokeCallback = std::function<void(InvokeResponse)>;

class Invoker {
 public:
  virtual ~Invoker() = default;
  virtual void invoke(std::string_view function, InvokeRequest request, InvokeCallback done) = 0;
};

}  // namespace quiver::isolates
