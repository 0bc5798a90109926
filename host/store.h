// Store: the one SQLite database in the data dir (WAL mode, synchronous=FULL) holding functions,
// their immutable versions and the deployment history. A write the API acknowledged has been
// committed and fsynced, so it survives kill -9 and power loss.
//
// Thread-safety: every method takes one internal mutex; SQLite work is short (deploys are rare,
// reads happen at start-up and on admin calls), so contention does not matter.
//
// Code caches: each version row carries the V8 code cache made at deploy. A richer one made
// after a first run (isolates/function_instance.cc) reaches the row through the version's
// CodeCacheSlot, whose persist hook hands it to a writer thread the store owns, so that a
// shard's thread never waits for SQLite's fsync. ~Store finishes the queued writes.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/function_version.h"
#include "host/result.h"

struct sqlite3;

namespace quiver::host {

struct VersionSummary {
  int64_t version = 0;
  std::string sha256;
  std::string created_at;
  int64_t size = 0;
  std::string deployed_by;  // the admin token's name
};

struct FunctionSummary {
  std::string name;
  int64_t live_version = 0;
  std::string sha256;
  std::string created_at;
  std::string updated_at;
};

struct FunctionDetail {
  FunctionSummary summary;
  std::vector<std::string> env_keys;
  FunctionLimits limits;  // the live version's own, zeros where it uses the host default
  bool allow_eval = false;
  std::vector<VersionSummary> versions;  // newest first
};

struct DeployOutcome {
  FunctionVersionPtr version;
  bool created = false;  // first version of a new function
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& file);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes a new immutable version and makes it live, in one transaction. `code_cache` (V8's,
  // from the deploy-time compile; empty: none) is stored with it and set in its CodeCacheSlot.
  // `deployed_by`: the name of the admin token the deploy came with.
  Result<DeployOutcome> deploy(const std::string& name, const std::string& code,
                               const FunctionConfig& config, const std::string& code_cache = {},
                               const std::string& deployed_by = "admin");
  Result<std::vector<FunctionSummary>> list();
  Result<std::optional<FunctionDetail>> get(const std::string& name);
  // Removes the function and its versions. Ok(false) when there was no such function.
  Result<bool> remove(const std::string& name);
  // Makes version `to` of `name` live again (default: the newest version older than the live
  // one), recorded in the deployment history; returns it for the registry. nullopt: no such
  // function. Errors: "no_such_version", "no_previous_version".
  Result<std::optional<FunctionVersionPtr>> rollback(const std::string& name,
                                                     std::optional<int64_t> to = std::nullopt);
  // Every function's live version (with its stored code cache), for serving again after a
  // restart.
  Result<std::vector<FunctionVersionPtr>> loadLive();
  // Replaces the code cache of version `version` of `name`, if that row still holds the code
  // `sha256` names (a function removed and deployed again restarts its version numbers).
  // Ok(false) when there was no such row. Blocks on SQLite: shards go through the slot instead.
  Result<bool> saveCodeCache(const std::string& name, int64_t version, const std::string& sha256,
                             const std::string& code_cache);

 private:
  class CacheWriter;
  explicit Store(sqlite3* db);
  Status exec(const char* sql);
  Status migrate();
  Error sqlError(const char* what) const;
  std::shared_ptr<CodeCacheSlot> slotFor(const FunctionVersion& version, std::string bytes);

  std::mutex mutex_;
  sqlite3* db_;
  std::shared_ptr<CacheWriter> writer_;  // the versions' persist hooks hold it weakly
};

std::string sha256Hex(const std::string& data);
std::string nowRfc3339();

}  // namespace quiver::host
