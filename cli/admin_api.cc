// Request building, auth and error mapping for the admin API, shared by every verb.
#include "admin_api.h"

#include <cctype>
#include <cstdio>
#include <utility>

#include "cli_error.h"

namespace quiver::cli {
namespace {

constexpr size_t kBodyExcerpt = 200;

// Percent-encodes everything but RFC 3986 unreserved characters, so a name is one path segment.
std::string encodePathSegment(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

std::string functionPath(const std::string& name) {
  return "/v1/functions/" + encodePathSegment(name);
}

std::string jsonString(const Json& object, const char* key) {
  if (!object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

[[noreturn]] void throwTransportError(const TransportError& error, const std::string& baseUrl) {
  switch (error.kind) {
    case TransportFailure::kUnreachable:
      throw CliError("cannot reach quiverd at " + baseUrl + " (" + error.reason +
                     "); is it running? set --url or QUIVER_URL");
    case TransportFailure::kTimedOut:
      throw CliError("quiverd at " + baseUrl + " did not answer in time (" + error.reason + ")");
    case TransportFailure::kOther:
      break;
  }
  throw CliError("request to quiverd at " + baseUrl + " failed (" + error.reason + ")");
}

Json parseSuccessBody(const HttpResponse& response) {
  Json doc = Json::parse(response.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw CliError("unexpected reply from quiverd (HTTP " + std::to_string(response.status) +
                   ", not a JSON object): " + oneLineExcerpt(response.body, kBodyExcerpt));
  }
  return doc;
}

}  // namespace

std::string describeHttpError(long status, const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  bool shaped = !doc.is_discarded() && doc.is_object() && doc.contains("error") &&
                doc["error"].is_object() && !jsonString(doc["error"], "message").empty();
  if (!shaped) {
    std::string excerpt = oneLineExcerpt(body, kBodyExcerpt);
    return "HTTP " + std::to_string(status) + (excerpt.empty() ? "" : ": " + excerpt);
  }
  const Json& error = doc["error"];
  std::string detail = jsonString(error, "code");
  std::string requestId = jsonString(error, "request_id");
  if (!requestId.empty()) detail += (detail.empty() ? "request " : ", request ") + requestId;
  std::string message = jsonString(error, "message");
  return detail.empty() ? message : message + " (" + detail + ")";
}

AdminApi::AdminApi(const HttpClient& client, Config config)
    : client_(client), config_(std::move(config)) {}

Json AdminApi::putFunction(const std::string& name, const std::string& body,
                           const std::string& contentType) const {
  return call("PUT", functionPath(name), &body, contentType);
}

Json AdminApi::listFunctions() const { return call("GET", "/v1/functions", nullptr, ""); }

Json AdminApi::getFunction(const std::string& name) const {
  return call("GET", functionPath(name), nullptr, "");
}

Json AdminApi::status() const { return call("GET", "/v1/status", nullptr, ""); }

Json AdminApi::versions(const std::string& name) const {
  return call("GET", functionPath(name) + "/versions", nullptr, "");
}

Json AdminApi::rollback(const std::string& name, std::optional<int64_t> to) const {
  std::string body = to ? Json{{"version", *to}}.dump() : "{}";
  return call("POST", functionPath(name) + "/rollback", &body, "application/json");
}

Json AdminApi::deleteFunction(const std::string& name) const {
  return call("DELETE", functionPath(name), nullptr, "");
}

Json AdminApi::call(const std::string& method, const std::string& path, const std::string* body,
                    const std::string& contentType) const {
  HttpRequest request;
  request.method = method;
  request.url = config_.url + path;
  request.headers.emplace_back("Accept", "application/json");
  if (!config_.token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + config_.token);
  }
  if (body != nullptr) {
    request.body = *body;
    request.hasBody = true;
    request.headers.emplace_back("Content-Type", contentType);
  }
  HttpResult result = client_.send(request);
  if (const auto* error = std::get_if<TransportError>(&result)) {
    throwTransportError(*error, config_.url);
  }
  const auto& response = std::get<HttpResponse>(result);
  if (response.status == 401) {
    throw CliError(
        "unauthorized: the admin token is missing or wrong (set --token or QUIVER_TOKEN)");
  }
  if (response.status >= 400) throw CliError(describeHttpError(response.status, response.body));
  return parseSuccessBody(response);
}

}  // namespace quiver::cli
