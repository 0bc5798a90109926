#include "api-gateway/control_api.h"

#include <chrono>

#include <strings.h>

#include <cstdint>
#include <map>

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

// The per-function limits a deploy may set, by their JSON key.
struct LimitField {
  const char* key;
  uint32_t host::FunctionLimits::*own;
  uint32_t host::LimitValues::*value;
};

constexpr LimitField kLimitFields[] = {
    {"cpu_ms", &host::FunctionLimits::cpu_ms, &host::LimitValues::cpu_ms},
    {"memory_mb", &host::FunctionLimits::memory_mb, &host::LimitValues::memory_mb},
    {"timeout_s", &host::FunctionLimits::timeout_s, &host::LimitValues::timeout_s},
    {"max_concurrency", &host::FunctionLimits::max_concurrency,
     &host::LimitValues::max_concurrency},
};

// Client text quoted in an error message is cut short: it may be arbitrarily large.
std::string shorten(std::string text) {
  constexpr size_t kMax = 40;
  return text.size() <= kMax ? text : text.substr(0, kMax) + "...";
}

// A client's JSON value for an error message, ASCII-only so the cut never splits a character.
std::string excerpt(const json& value) {
  return shorten(value.dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace));
}

const LimitField* findLimitField(const std::string& key) {
  for (const auto& field : kLimitFields) {
    if (key == field.key) return &field;
  }
  return nullptr;
}

// One "limits" entry: a positive integer no larger than the host maximum. Checked as uint64 so
// that a value too big for the stored uint32 is still reported as too high, not as malformed.
Result<uint32_t> parseLimitValue(const LimitField& field, const json& value,
                                 const host::LimitValues& max) {
  std::string name = std::string("limits.") + field.key;
  if (!value.is_number_unsigned() || value.get<uint64_t>() == 0) {
    return Error{"bad_request", name + " must be a positive integer, got " + excerpt(value)};
  }
  uint64_t wanted = value.get<uint64_t>();
  if (wanted > max.*field.value) {
    return Error{"limit_too_high", name + " " + std::to_string(wanted) +
                                       " is above the host maximum " +
                                       std::to_string(max.*field.value)};
  }
  return static_cast<uint32_t>(wanted);
}

// {"cpu_ms": N, "memory_mb": N, "timeout_s": N, "max_concurrency": N}, each optional; unknown
// keys are refused so that a typo does not silently deploy with the host default.
Result<host::FunctionLimits> parseLimits(const json& limits, const host::LimitValues& max) {
  if (!limits.is_object()) return Error{"bad_request", "\"limits\" must be an object"};
  host::FunctionLimits out;
  for (auto& [key, value] : limits.items()) {
    const LimitField* field = findLimitField(key);
    if (!field) {
      return Error{"bad_request", "limits." + shorten(key) +
                                      " is not a limit (use cpu_ms, memory_mb, timeout_s, "
                                      "max_concurrency)"};
    }
    auto parsed = parseLimitValue(*field, value, max);
    if (!parsed) return parsed.error();
    out.*field->own = *parsed;
  }
  return out;
}

Result<std::map<std::string, std::string>> parseEnv(const json& env) {
  if (!env.is_object()) return Error{"bad_request", "\"env\" must be an object"};
  std::map<std::string, std::string> out;
  for (auto& [key, value] : env.items()) {
    if (!value.is_string()) {
      return Error{"bad_request", "env value for \"" + key + "\" must be a string"};
    }
    if (key.empty()) return Error{"bad_request", "env names must not be empty"};
    out[key] = value.get<std::string>();
  }
  return out;
}

// The optional settings of a JSON deploy body: env, limits, allow_eval.
Result<host::FunctionConfig> parseConfig(const json& body, const host::LimitValues& max) {
  host::FunctionConfig config;
  if (body.contains("env")) {
    auto env = parseEnv(body["env"]);
    if (!env) return env.error();
    config.env = std::move(*env);
  }
  if (body.contains("limits")) {
    auto limits = parseLimits(body["limits"], max);
    if (!limits) return limits.error();
    config.limits = *limits;
  }
  if (body.contains("allow_eval")) {
    if (!body["allow_eval"].is_boolean()) {
      return Error{"bad_request",
                   "\"allow_eval\" must be true or false, got " + excerpt(body["allow_eval"])};
    }
    config.allow_eval = body["allow_eval"].get<bool>();
  }
  return config;
}

// The deploy body: the module source itself, or JSON
// {"code": "...", "env": {"K": "V"}, "limits": {...}, "allow_eval": bool}.
Result<std::pair<std::string, host::FunctionConfig>> parseDeployBody(const HttpRequest& request,
                                                                     const host::LimitValues& max) {
  if (!isJson(request)) return std::make_pair(request.body, host::FunctionConfig{});
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Error{"bad_json", "the request body is not valid JSON"};
  if (!body.is_object() || !body.contains("code") || !body["code"].is_string()) {
    return Error{"bad_request", "the JSON body needs a string field \"code\""};
  }
  auto config = parseConfig(body, max);
  if (!config) return config.error();
  return std::make_pair(body["code"].get<std::string>(), std::move(*config));
}

// What a version runs with (its own limits, else the host's defaults), so clients never need to
// know the host's flags.
json effectiveLimitsJson(const host::HostConfig& config, const host::FunctionLimits& own) {
  host::LimitValues effective = host::effectiveLimits(config.limits, own);
  json out = json::object();
  for (const auto& field : kLimitFields) out[field.key] = effective.*field.value;
  return out;
}

json versionsJson(const host::FunctionDetail& d) {
  json versions = json::array();
  for (const auto& v : d.versions) {
    versions.push_back({{"version", v.version},
                        {"sha256", v.sha256},
                        {"created_at", v.created_at},
                        {"size", v.size},
                        {"deployed_by", v.deployed_by},
                        {"live", v.version == d.summary.live_version}});
  }
  return versions;
}

HttpResponse unauthorized(const Responder& responder) {
  auto response = errorResponse(401, "unauthorized",
                                "missing or wrong admin token (Authorization: Bearer <token>)",
                                responder.requestId());
  response.headers.emplace_back("www-authenticate", "Bearer");
  return response;
}

}  // namespace

// GET /v1/status: the host at a glance (quiver status), from the same series as /metrics.
std::string ControlApi::statusJson() const {
  const host::Metrics& m = services_.metrics;
  double started = m.sum("process_start_time_seconds");
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto count = [](double v) { return static_cast<int64_t>(v + 0.5); };
  json invocations = {{"total", count(m.sum("quiver_invocations_total"))},
                      {"2xx", count(m.sum("quiver_invocations_total", "code", "2"))},
                      {"4xx", count(m.sum("quiver_invocations_total", "code", "4"))},
                      {"5xx", count(m.sum("quiver_invocations_total", "code", "5"))}};
  json out = {
      {"version", QUIVER_VERSION},
      {"uptime_seconds", count(started > 0 ? now - started : 0)},
      {"shards", services_.config.shards},
      {"draining", services_.draining.load()},
      {"functions", services_.registry.size()},
      {"isolates",
       {{"warm", count(m.sum("quiver_isolates", "state", "warm"))},
        {"pooled", count(m.sum("quiver_isolates", "state", "pooled"))}}},
      {"invocations", invocations},
      {"cold_starts", count(m.sum("quiver_cold_starts_total"))},
      {"limit_kills", count(m.sum("quiver_limit_exceeded_total"))},
      {"evictions", count(m.sum("quiver_instance_evictions_total"))},
      {"http_connections", count(m.sum("quiver_http_connections"))},
      {"resident_memory_bytes", count(m.sum("process_resident_memory_bytes"))},
  };
  return out.dump();
}

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
  if (path == "/v1/status") {
    if (!read) return responder.send(methodNotAllowed(responder, "GET, HEAD"));
    if (!authorized(request)) return responder.send(unauthorized(responder));
    return responder.send(jsonResponse(200, statusJson()));
  }
  constexpr std::string_view kFunctions = "/v1/functions";
  if (path.substr(0, kFunctions.size()) == kFunctions &&
      (path.size() == kFunctions.size() || path[kFunctions.size()] == '/')) {
    if (!authorized(request)) return responder.send(unauthorized(responder));
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
  std::string_view action;  // /v1/functions/<name>/<action>
  if (auto slash = name.find('/'); slash != std::string_view::npos) {
    action = name.substr(slash + 1);
    name = name.substr(0, slash);
  }
  if (!isValidFunctionName(name)) {
    return responder.sendError(
        400, "invalid_name",
        "function names are 1-63 characters of a-z, 0-9 and '-': '" + std::string(name) + "'");
  }
  if (action == "versions") {
    if (method != "GET") return responder.send(methodNotAllowed(responder, "GET"));
    return responder.send(versions(name, responder));
  }
  if (action == "rollback") {
    if (method != "POST") return responder.send(methodNotAllowed(responder, "POST"));
    return responder.send(rollback(request, name, responder));
  }
  if (!action.empty()) {
    return responder.sendError(404, "not_found", "no route for " + std::string(request.path()));
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
  auto parsed = parseDeployBody(request, services_.config.max_limits);
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
  auto check = isolates::checkModule(fn, code);
  if (!check) return errorResponse(400, check.error().code, check.error().message, r.requestId());
  auto outcome = services_.store.deploy(fn, code, config, *check);
  if (!outcome) return storeError(outcome.error(), r);
  services_.registry.put(outcome->version);
  services_.metrics.functionsDeployed().Set(static_cast<double>(services_.registry.size()));
  const auto& v = *outcome->version;
  json body = {{"name", v.name},
               {"version", v.version},
               {"sha256", v.sha256},
               {"created_at", v.created_at},
               {"url", functionUrl(v.name)},
               {"limits", effectiveLimitsJson(services_.config, v.config.limits)},
               {"allow_eval", v.config.allow_eval}};
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
  json body = {{"name", d.summary.name},
               {"version", d.summary.live_version},
               {"sha256", d.summary.sha256},
               {"url", functionUrl(d.summary.name)},
               {"created_at", d.summary.created_at},
               {"updated_at", d.summary.updated_at},
               {"env_keys", d.env_keys},
               {"limits", effectiveLimitsJson(services_.config, d.limits)},
               {"allow_eval", d.allow_eval},
               {"versions", versionsJson(d)}};
  return jsonResponse(200, dump(body));
}

// GET /v1/functions/<name>/versions: every version, newest first, the live one marked.
HttpResponse ControlApi::versions(std::string_view name, const Responder& r) {
  auto detail = services_.store.get(std::string(name));
  if (!detail) return storeError(detail.error(), r);
  if (!detail->has_value()) {
    return errorResponse(404, "function_not_found", "no function named '" + std::string(name) + "'",
                         r.requestId());
  }
  const auto& d = **detail;
  json body = {{"name", d.summary.name},
               {"live_version", d.summary.live_version},
               {"versions", versionsJson(d)}};
  return jsonResponse(200, dump(body));
}

// POST /v1/functions/<name>/rollback, body {"version": N} or empty (the previous version): the
// version goes live at once; requests in flight finish on the one they started on.
HttpResponse ControlApi::rollback(const HttpRequest& request, std::string_view name,
                                  const Responder& r) {
  std::optional<int64_t> to;
  if (!request.body.empty()) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return errorResponse(400, "bad_json", "the body must be a JSON object like {\"version\": 3}",
                           r.requestId());
    }
    if (body.contains("version")) {
      if (!body["version"].is_number_integer() || body["version"].get<int64_t>() < 1) {
        return errorResponse(400, "bad_version", "version must be a positive integer",
                             r.requestId());
      }
      to = body["version"].get<int64_t>();
    }
  }
  std::string fn(name);
  auto previous = services_.registry.find(fn);
  auto done = services_.store.rollback(fn, to);
  if (!done) {
    const Error& e = done.error();
    if (e.code == "no_such_version") return errorResponse(404, e.code, e.message, r.requestId());
    if (e.code == "no_previous_version")
      return errorResponse(409, e.code, e.message, r.requestId());
    return storeError(e, r);
  }
  if (!done->has_value()) {
    return errorResponse(404, "function_not_found", "no function named '" + fn + "'",
                         r.requestId());
  }
  const auto& v = **done;
  services_.registry.put(v);
  json body = {{"name", v->name},
               {"version", v->version},
               {"previous_version", previous ? json(previous->version) : json(nullptr)},
               {"sha256", v->sha256},
               {"created_at", v->created_at},
               {"url", functionUrl(v->name)}};
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
