#include "api-gateway/control_api.h"

#include <strings.h>

#include <nlohmann/json.hpp>

#include "host/admin_token.h"
#include "isolates/module_check.h"

namespace quiver::gateway {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpResponse storeError(const Error& error, const Responder& r) {
  return errorResponse(500, error.code, error.message, r.requestId());
}

bool isJson(const HttpRequest& request) {
  const std::string* type = request.header("content-type");
  return type && strncasecmp(type->c_str(), "application/json", 16) == 0;
}

HttpResponse methodNotAllowed(const Responder& r, const char* allow) {
  auto response =
      errorResponse(405, "method_not_allowed", std::string("use ") + allow, r.requestId());
  response.headers.emplace_back("allow", allow);
  return response;
}

// The deploy body: the module source itself, or JSON {"code": "...", "env": {"K": "V"}}.
Result<std::pair<std::string, host::FunctionConfig>> parseDeployBody(const HttpRequest& request) {
  host::FunctionConfig config;
  if (!isJson(request)) return std::make_pair(request.body, config);
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Error{"bad_json", "the request body is not valid JSON"};
  if (!body.is_object() || !body.contains("code") || !body["code"].is_string()) {
    return Error{"bad_request", "the JSON body needs a string field \"code\""};
  }
  if (body.contains("env")) {
    if (!body["env"].is_object()) return Error{"bad_request", "\"env\" must be an object"};
    for (auto& [key, value] : body["env"].items()) {
      if (!value.is_string()) {
        return Error{"bad_request", "env value for \"" + key + "\" must be a string"};
      }
      if (key.empty()) return Error{"bad_request", "env names must not be empty"};
      config.env[key] = value.get<std::string>();
    }
  }
  return std::make_pair(body["code"].get<std::string>(), config);
}

}  // namespace

void ControlApi::handle(HttpRequest request, Responder responder) {
  std::string_view path = request.path();
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (path == "/healthz") {
    if (!read) return responder.send(methodNotAllowed(responder, "GET, HEAD"));
    return responder.send(jsonResponse(200, R"({"status":"ok"})"));
  }
  if (path == "/readyz") {
    if (!read) return responder.send(methodNotAllowed(responder, "GET, HEAD"));
    if (services_.draining) return responder.send(jsonResponse(503, R"({"status":"draining"})"));
    return responder.send(jsonResponse(200, R"({"status":"ready"})"));
  }
  if (path == "/metrics") {
    if (!read) return responder.send(methodNotAllowed(responder, "GET, HEAD"));
    HttpResponse response;
    response.headers.emplace_back("content-type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = services_.metrics.serialize();
    return responder.send(std::move(response));
  }
  constexpr std::string_view kFunctions = "/v1/functions";
  if (path.substr(0, kFunctions.size()) == kFunctions &&
      (path.size() == kFunctions.size() || path[kFunctions.size()] == '/')) {
    if (!authorized(request)) {
      auto response = errorResponse(401, "unauthorized",
                                    "missing or wrong admin token (Authorization: Bearer <token>)",
                                    responder.requestId());
      response.headers.emplace_back("www-authenticate", "Bearer");
      return responder.send(std::move(response));
    }
    std::string_view name = path.substr(kFunctions.size());
    if (!name.empty()) name.remove_prefix(1);
    return functions(request, name, responder);
  }
  responder.sendError(404, "not_found", "no route for " + std::string(path));
}

bool ControlApi::authorized(const HttpRequest& request) const {
  const std::string* header = request.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() ||
      strncasecmp(header->c_str(), "bearer ", kBearer.size()) != 0) {
    return false;
  }
  return host::tokenEquals(std::string_view(*header).substr(kBearer.size()), services_.admin_token);
}

void ControlApi::functions(const HttpRequest& request, std::string_view name,
                           const Responder& responder) {
  const std::string& method = request.method;
  if (name.empty()) {
    if (method != "GET") return responder.send(methodNotAllowed(responder, "GET"));
    return responder.send(list(responder));
  }
  if (!isValidFunctionName(name)) {
    return responder.sendError(
        400, "invalid_name",
        "function names are 1-63 characters of a-z, 0-9 and '-': '" + std::string(name) + "'");
  }
  if (method == "PUT") return responder.send(deploy(request, name, responder));
  if (method == "GET") return responder.send(info(name, responder));
  if (method == "DELETE") return responder.send(remove(name, responder));
  responder.send(methodNotAllowed(responder, "GET, PUT, DELETE"));
}

std::string ControlApi::functionUrl(std::string_view name) const {
  return services_.public_url + "/fn/" + std::string(name);
}

HttpResponse ControlApi::deploy(const HttpRequest& request, std::string_view name,
                                const Responder& r) {
  auto parsed = parseDeployBody(request);
  if (!parsed)
    return errorResponse(400, parsed.error().code, parsed.error().message, r.requestId());
  auto& [code, config] = *parsed;
  if (code.size() > services_.config.max_code_bytes) {
    return errorResponse(413, "code_too_large",
                         "the code is " + std::to_string(code.size()) + " bytes; the limit is " +
                             std::to_string(services_.config.max_code_bytes),
                         r.requestId());
  }
  if (code.empty())
    return errorResponse(400, "empty_code", "the module source is empty", r.requestId());
  std::string fn(name);
  if (auto check = isolates::checkModule(fn, code); !check) {
    return errorResponse(400, check.error().code, check.error().message, r.requestId());
  }
  auto outcome = services_.store.deploy(fn, code, config);
  if (!outcome) return storeError(outcome.error(), r);
  services_.registry.put(outcome->version);
  services_.metrics.functionsDeployed().Set(static_cast<double>(services_.registry.size()));
  const auto& v = *outcome->version;
  json body = {{"name", v.name},
               {"version", v.version},
               {"sha256", v.sha256},
               {"created_at", v.created_at},
               {"url", functionUrl(v.name)}};
  return jsonResponse(outcome->created ? 201 : 200, dump(body));
}

HttpResponse ControlApi::list(const Responder& r) {
  auto functions = services_.store.list();
  if (!functions) return storeError(functions.error(), r);
  json items = json::array();
  for (const auto& f : *functions) {
    items.push_back({{"name", f.name},
                     {"version", f.live_version},
                     {"sha256", f.sha256},
                     {"created_at", f.created_at},
                     {"updated_at", f.updated_at},
                     {"url", functionUrl(f.name)}});
  }
  return jsonResponse(200, dump(json{{"functions", items}}));
}

HttpResponse ControlApi::info(std::string_view name, const Responder& r) {
  auto detail = services_.store.get(std::string(name));
  if (!detail) return storeError(detail.error(), r);
  if (!detail->has_value()) {
    return errorResponse(404, "function_not_found", "no function named '" + std::string(name) + "'",
                         r.requestId());
  }
  const auto& d = **detail;
  json versions = json::array();
  for (const auto& v : d.versions) {
    versions.push_back({{"version", v.version},
                        {"sha256", v.sha256},
                        {"created_at", v.created_at},
                        {"size", v.size}});
  }
  json body = {{"name", d.summary.name},
               {"version", d.summary.live_version},
               {"sha256", d.summary.sha256},
               {"url", functionUrl(d.summary.name)},
               {"created_at", d.summary.created_at},
               {"updated_at", d.summary.updated_at},
               {"env_keys", d.env_keys},
               {"versions", versions}};
  return jsonResponse(200, dump(body));
}

HttpResponse ControlApi::remove(std::string_view name, const Responder& r) {
  auto removed = services_.store.remove(std::string(name));
  if (!removed) return storeError(removed.error(), r);
  if (!*removed) {
    return errorResponse(404, "function_not_found", "no function named '" + std::string(name) + "'",
                         r.requestId());
  }
  services_.registry.erase(name);
  services_.metrics.functionsDeployed().Set(static_cast<double>(services_.registry.size()));
  return jsonResponse(200, dump(json{{"name", name}, {"deleted", true}}));
}

}  // namespace quiver::gateway
