#include "host/function_version.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace quiver::host {
namespace {

using nlohmann::json;

// Zeros ("host default") are left out, so a version that sets nothing stores no "limits" at all.
json limitsToJson(const FunctionLimits& limits) {
  json j = json::object();
  auto put = [&j](const char* key, uint32_t value) {
    if (value != 0) j[key] = value;
  };
  put("cpu_ms", limits.cpu_ms);
  put("memory_mb", limits.memory_mb);
  put("timeout_s", limits.timeout_s);
  put("max_concurrency", limits.max_concurrency);
  return j;
}

// The store only holds what the admin API validated, so anything odd (rows written before
// limits existed, hand edits) reads as 0: the host default.
uint32_t limitField(const json& limits, const char* key) {
  if (!limits.contains(key) || !limits[key].is_number_unsigned()) return 0;
  uint64_t value = limits[key].get<uint64_t>();
  return value <= std::numeric_limits<uint32_t>::max() ? static_cast<uint32_t>(value) : 0;
}

FunctionLimits limitsFromJson(const json& j) {
  FunctionLimits limits;
  if (!j.is_object()) return limits;
  limits.cpu_ms = limitField(j, "cpu_ms");
  limits.memory_mb = limitField(j, "memory_mb");
  limits.timeout_s = limitField(j, "timeout_s");
  limits.max_concurrency = limitField(j, "max_concurrency");
  return limits;
}

}  // namespace

CodeCacheSlot::Bytes CodeCacheSlot::get() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void CodeCacheSlot::discard(const Bytes& rejected) {
  std::lock_guard lock(mutex_);
  if (bytes_ == rejected) bytes_ = nullptr;
}

bool CodeCacheSlot::offer(Bytes fresh) {
  if (!fresh || fresh->empty()) return false;
  {
    std::lock_guard lock(mutex_);
    if (bytes_ && bytes_->size() >= fresh->size()) return false;
    bytes_ = fresh;
  }
  if (persist_) persist_(fresh);
  return true;
}

std::string configToJson(const FunctionConfig& config) {
  json j;
  j["env"] = config.env;
  json limits = limitsToJson(config.limits);
  if (!limits.empty()) j["limits"] = limits;
  if (config.allow_eval) j["allow_eval"] = true;
  return j.dump();
}

FunctionConfig configFromJson(const std::string& text) {
  FunctionConfig config;
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return config;
  if (j.contains("env") && j["env"].is_object()) {
    for (auto& [k, v] : j["env"].items()) {
      if (v.is_string()) config.env[k] = v.get<std::string>();
    }
  }
  if (j.contains("limits")) config.limits = limitsFromJson(j["limits"]);
  config.allow_eval =
      j.contains("allow_eval") && j["allow_eval"].is_boolean() && j["allow_eval"].get<bool>();
  return config;
}

}  // namespace quiver::host
