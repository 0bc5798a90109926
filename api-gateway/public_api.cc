#include "api-gateway/public_api.h"

#include <algorithm>

namespace quiver::gateway {

bool isValidFunctionName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

HttpResponse toHttpResponse(isolates::InvokeResponse response, std::string_view request_id) {
  if (!response.error_code.empty()) {
    if (response.stream) response.stream->cancel();
    return errorResponse(response.status, response.error_code, response.error_message, request_id);
  }
  HttpResponse out;
  out.status = response.status;
  out.reason = std::move(response.status_text);
  out.headers = std::move(response.headers);
  out.body = std::move(response.body);
  out.stream = std::move(response.stream);
  return out;
}

void PublicApi::handle(HttpRequest request, Responder responder) {
  constexpr std::string_view kPrefix = "/fn/";
  std::string_view path = request.path();
  if (path.substr(0, kPrefix.size()) != kPrefix) {
    return responder.sendError(
        404, "not_found",
        "no route for " + std::string(path) + "; functions are served at /fn/<name>");
  }
  std::string_view rest = path.substr(kPrefix.size());
  std::string_view name = rest.substr(0, rest.find('/'));
  if (!isValidFunctionName(name)) {
    return responder.sendError(404, "function_not_found",
                               "no function named '" + std::string(name) + "'");
  }
  const std::string* host = request.header("host");
  std::string_view authority;
  if (host && !host->empty()) {
    authority = *host;
  } else {
    // HTTP/1.0 without Host: the public URL's authority.
    authority = std::string_view(services_.public_url);
    authority.remove_prefix(std::min(authority.size(), authority.find("//") + 2));
  }
  isolates::InvokeRequest invoke;
  invoke.method = std::move(request.method);
  constexpr std::string_view kScheme = "http://";
  invoke.url.reserve(kScheme.size() + authority.size() + request.target.size());
  invoke.url.append(kScheme).append(authority).append(request.target);
  invoke.headers = std::move(request.headers);
  invoke.body = std::move(request.body_stream);
  invoke.body_length = request.content_length;
  invoke.signal = responder.signal();
  invoke.request_id = responder.requestId();
  invoker_.invoke(name, std::move(invoke), [responder](isolates::InvokeResponse response) {
    responder.send(toHttpResponse(std::move(response), responder.requestId()));
  });
}

}  // namespace quiver::gateway
