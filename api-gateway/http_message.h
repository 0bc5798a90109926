// The HTTP messages the gateway passes around: a parsed request (from llhttp) and a response to
// be serialised. Plain data, no sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/byte_stream.h"

namespace quiver::gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as llhttp names it: "GET", "POST", …
  std::string target;  // request-target as received: "/fn/hello?x=1"
  int version_major = 1;
  int version_minor = 1;
  HeaderList headers;  // names lowercased, values as received, in arrival order
  std::string body;    // BodyDelivery::kWhole: the whole body
  // BodyDelivery::kStreamed: the body as it arrives (null when there is none).
  std::shared_ptr<host::ByteStream> body_stream;
  int64_t content_length = -1;  // the Content-Length, or -1 (chunked, or none)
  bool chunked = false;         // Transfer-Encoding: chunked
  bool keep_alive = true;

  // The first value of a header (name lowercase), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return &v;
    }
    return nullptr;
  }
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
};

// How a handler takes request bodies: whole (the request is handed over once its body has
// arrived) or streamed (handed over when its head has, the body following in body_stream).
enum class BodyDelivery { kWhole, kStreamed };

struct HttpResponse {
  int status = 200;
  std::string reason;  // empty: the standard phrase for `status`
  HeaderList headers;
  std::string body;
  // When set, the body, produced over time; `body` is unused. length() >= 0 is sent as
  // Content-Length, else the body is chunked (HTTP/1.0: delimited by closing the connection).
  std::shared_ptr<host::ByteStream> stream;
  bool close = false;  // close the connection after this response
};

std::string_view reasonPhrase(int status);

// The host's own error shape (DESIGN.md): {"error":{"code","message","request_id"}}.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id);
HttpResponse jsonResponse(int status, std::string body);

}  // namespace quiver::gateway
