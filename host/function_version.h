// FunctionVersion: one immutable deployed version of a function, as the store keeps it and the
// isolates layer runs it. Shared between threads as std::shared_ptr<const FunctionVersion>.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace quiver::host {

// Resource limits of one version. 0 means "the host's default" (HostConfig::limits); a
// deploy asking for more than the host's maximum (HostConfig::max_limits) is refused.
struct FunctionLimits {
  uint32_t cpu_ms = 0;           // thread CPU time per request
  uint32_t memory_mb = 0;        // V8 heap (and, separately, ArrayBuffer bytes) per isolate
  uint32_t timeout_s = 0;        // wall time per request
  uint32_t max_concurrency = 0;  // requests in flight per function, per shard
};

// Per-version settings chosen at deploy. Serialised as JSON in the store.
struct FunctionConfig {
  std::map<std::string, std::string> env;
  FunctionLimits limits;
  bool allow_eval = false;  // eval() / new Function() from strings at request time
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
