// The HTTP messages the gateway passes around: a parsed request (from llhttp) and a response to
// be serialised. Plain data, no sockets.
#pragma once

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

struct HttpResponse {
  int status = 200;
  std::string reason;  // empty: the standard phrase for `status`
  HeaderList headers;
  std::string body;
  bool close = false;  // close the connection after this response
};

std::string_view reasonPhrase(int status);

// The host's own error shape (DESIGN.md): {"error":{"code","message","request_id"}}.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view request_id);
HttpResponse jsonResponse(int status, std::string body);

}  // namespace quiver::gateway
