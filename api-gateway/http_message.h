// The HTTP messages the gateway passes around: a parsed request (from llhttp) and a response to
// be serialised. Plain data, no sockets.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver::gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as llhttp names it: "GET", "POST", …
  std::string target;  // request-target as received: "/fn/hello?x=1"
  int version_major = 1;
  int version_minor = 1;
  HeaderList headers;  // names lowercased, values as received, in arrival order
  std::string body;
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

// A response body produced over time, whose length is not known up front: the connection sends
// it chunked (to HTTP/1.0 clients: until close) and asks for the next chunk only once the
// previous one was written, so a slow client slows the producer.
class BodySource {
 public:
  enum class Event { kData, kEnd, kError };
  using Sink = std::function<void(Event event, std::string chunk)>;
  virtual ~BodySource() = default;
  // Calls `sink` exactly once, now or later, on the connection's thread.
  virtual void read(Sink sink) = 0;
  // The client went away: no read() follows.
  virtual void cancel() {}
};

struct HttpResponse {
  int status = 200;
  std::string reason;  // empty: the standard phrase for `status`
  HeaderList headers;
  std::string body;
  std::shared_ptr<BodySource> stream;  // when set, the body (length unknown); `body` is unused
  bool close = false;                  // close the connection after this response
};

std::string_view reasonPhrase(int status);

// The host's own error shape (DESIGN.md): {"error":{"code","message","request_id"}}.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id);
HttpResponse jsonResponse(int status, std::string body);

}  // namespace quiver::gateway
