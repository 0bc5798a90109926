// HostConfig: every setting of a quiverd process, filled from its flags (quiverd/main.cc).
// Defaults are the contract values from DESIGN.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/function_version.h"

namespace quiver::host {

struct ListenAddress {
  std::string host;
  int port = 0;
};

struct HttpLimits {
  size_t max_head_bytes = 64 * 1024;         // request line + headers: 431 past it
  size_t max_body_bytes = 16 * 1024 * 1024;  // request body: 413 past it
  uint64_t header_timeout_ms = 10'000;       // whole head must arrive within this (slowloris)
  uint64_t idle_timeout_ms = 60'000;         // keep-alive connection with no request
  size_t max_pipelined = 32;                 // requests parsed ahead of their responses
};

// Limits as the host applies them: every field set (no zeros).
struct LimitValues {
  uint32_t cpu_ms = 1000;
  uint32_t memory_mb = 128;
  uint32_t timeout_s = 30;
  uint32_t max_concurrency = 1000;
};

// Functions' outbound fetch(): see host/net/http_client.h. Validated at startup by
// net::httpClientOptionsFor (quiverd refuses to start on a bad CIDR or CA file).
struct OutboundConfig {
  // CIDRs functions may reach although the default egress policy denies them (loopback,
  // private, link-local…): quiverd --allow-egress, repeatable.
  std::vector<std::string> allow_egress;
  std::string ca_file;  // PEM bundle trusted instead of the system CA store (--fetch-ca-file)
};

struct HostConfig {
  std::string data_dir = "./quiver-data";
  ListenAddress listen{"0.0.0.0", 8080};
  ListenAddress control_listen{"127.0.0.1", 9090};
  std::string public_url;  // base for function URLs; derived from `listen` when empty
  int shards = 0;          // 0: one per core
  uint64_t drain_timeout_ms = 10'000;
  size_t max_code_bytes = 10 * 1024 * 1024;
  HttpLimits http;
  LimitValues limits;  // defaults for versions that do not set their own
  LimitValues max_limits{30'000, 1024, 900, 10'000};  // the most a deploy may ask for
  size_t max_queue = 1000;  // requests waiting per function per shard once all slots are busy
  // Warm instances (per shard) idle this long are disposed; the next request cold-starts.
  uint64_t instance_idle_ms = 300'000;
  // Warm instances' V8 heaps per shard above this: the least recently used idle ones are
  // disposed until under it. 0: no budget.
  uint64_t warm_memory_mb = 0;
  // Blank isolates (the runtime in place, no function yet) each shard keeps ready for cold
  // starts, made off the request path. 0: every cold start makes its own.
  size_t isolate_pool = 2;
  OutboundConfig outbound;
};

// What a version actually runs with: its own limits, or the host's defaults.
inline LimitValues effectiveLimits(const LimitValues& defaults, const FunctionLimits& own) {
  auto pick = [](uint32_t mine, uint32_t fallback) { return mine ? mine : fallback; };
  return {pick(own.cpu_ms, defaults.cpu_ms), pick(own.memory_mb, defaults.memory_mb),
          pick(own.timeout_s, defaults.timeout_s),
          pick(own.max_concurrency, defaults.max_concurrency)};
}

}  // namespace quiver::host
