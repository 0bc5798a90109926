// HostConfig: every setting of a quiverd process, filled from its flags (quiverd/main.cc).
// Defaults are the contract values from DESIGN.md.
#pragma once

#include <cstdint>
#include <string>

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

struct HostConfig {
  std::string data_dir = "./quiver-data";
  ListenAddress listen{"0.0.0.0", 8080};
  ListenAddress control_listen{"127.0.0.1", 9090};
  std::string public_url;  // base for function URLs; derived from `listen` when empty
  int shards = 0;          // 0: one per core
  uint64_t drain_timeout_ms = 10'000;
  size_t max_code_bytes = 10 * 1024 * 1024;
  HttpLimits http;
};

}  // namespace quiver::host
