// FunctionVersion: one immutable deployed version of a function, as the store keeps it and the
// isolates layer runs it. Shared between threads as std::shared_ptr<const FunctionVersion>.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace quiver::host {

// Per-version settings chosen at deploy. Serialised as JSON in the store.
struct FunctionConfig {
  std::map<std::string, std::string> env;
};

struct FunctionVersion {
  std::string name;
  int64_t version = 0;
  std::string code;
  std::string sha256;
  std::string created_at;  // RFC 3339, UTC
  FunctionConfig config;
};

using FunctionVersionPtr = std::shared_ptr<const FunctionVersion>;

std::string configToJson(const FunctionConfig& config);
FunctionConfig configFromJson(const std::string& json);

}  // namespace quiver::host
