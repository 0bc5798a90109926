// FunctionVersion: one immutable deployed version of a function, as the store keeps it and the
// isolates layer runs it. Shared between threads as std::shared_ptr<const FunctionVersion>.
// Its one mutable part is its CodeCacheSlot, which is thread-safe on its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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

// The V8 code cache of one version: opaque bytes V8 made from the version's code (at deploy, or
// after a first run, which covers more functions), consumed on every cold start. Bytes made by
// another V8 build or with other flags are rejected by V8 itself and then discarded here.
// Thread-safe: every shard reads it on its cold starts; one of them may offer a richer cache.
class CodeCacheSlot {
 public:
  using Bytes = std::shared_ptr<const std::string>;
  // Where an accepted offer goes beyond memory (the store's row). Must not block: it is called on
  // a shard's thread.
  using Persist = std::function<void(const Bytes&)>;

  explicit CodeCacheSlot(Bytes bytes = nullptr, Persist persist = {})
      : bytes_(std::move(bytes)), persist_(std::move(persist)) {}

  Bytes get() const;
  // V8 rejected `rejected`: it goes unless the slot already holds other bytes.
  void discard(const Bytes& rejected);
  // Keeps `fresh` (and persists it) if it is larger than what the slot holds: a cache covers more
  // compiled functions the larger it is, so a poorer one never replaces a richer one.
  bool offer(Bytes fresh);
  // True for the first caller only: that cold start may make the after-first-run cache.
  bool claimRefresh() { return !refresh_claimed_.exchange(true); }

 private:
  mutable std::mutex mutex_;
  Bytes bytes_;
  Persist persist_;
  std::atomic<bool> refresh_claimed_{false};
};

struct FunctionVersion {
  std::string name;
  int64_t version = 0;
  std::string code;
  std::string sha256;
  std::string created_at;  // RFC 3339, UTC
  FunctionConfig config;
  // Never null; set before the version is shared (the store fills it from its row).
  std::shared_ptr<CodeCacheSlot> code_cache = std::make_shared<CodeCacheSlot>();
};

using FunctionVersionPtr = std::shared_ptr<const FunctionVersion>;

std::string configToJson(const FunctionConfig& config);
FunctionConfig configFromJson(const std::string& json);

}  // namespace quiver::host
