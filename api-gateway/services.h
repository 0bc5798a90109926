// GatewayServices: what every shard's gateway shares, owned by the daemon's main. All members
// are thread-safe (or immutable after start-up).
#pragma once

#include <atomic>
#include <string>

#include "host/config.h"
#include "host/function_registry.h"
#include "host/metrics.h"
#include "host/store.h"

namespace quiver::gateway {

struct GatewayServices {
  const host::HostConfig& config;
  host::Store& store;
  host::FunctionRegistry& registry;
  host::Metrics& metrics;
  std::string admin_token;
  std::string public_url;  // "http://127.0.0.1:8080": function URLs are public_url + /fn/<name>
  std::atomic<bool> draining{false};
};

// [a-z0-9-]{1,63}
bool isValidFunctionName(std::string_view name);

}  // namespace quiver::gateway
