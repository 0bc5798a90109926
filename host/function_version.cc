#include "host/function_version.h"

#include <nlohmann/json.hpp>

namespace quiver::host {

std::string configToJson(const FunctionConfig& config) {
  nlohmann::json j;
  j["env"] = config.env;
  return j.dump();
}

FunctionConfig configFromJson(const std::string& json) {
  FunctionConfig config;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("env") && j["env"].is_object()) {
    for (auto& [k, v] : j["env"].items()) {
      if (v.is_string()) config.env[k] = v.get<std::string>();
    }
  }
  return config;
}

}  // namespace quiver::host
