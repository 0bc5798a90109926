// The one interface between the gateway and the isolates layer: plain C++ types, no V8 and no
// sockets. The gateway hands over a parsed request and gets exactly one callback with the
// response, on the same shard thread, possibly re-entrantly before invoke() returns.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver::isolates {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct InvokeRequest {
  std::string method;
  std::string url;     // absolute: scheme://host/path?query
  HeaderList headers;  // names lowercase, in arrival order
  std::string body;    // whole body for now; becomes a stream when bodies are streamed
  std::string request_id;
};

struct InvokeResponse {
  int status = 200;
  std::string status_text;
  HeaderList headers;
  std::string body;
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
