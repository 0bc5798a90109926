// FunctionRegistry: the live version of every deployed function, in memory, shared by all shards.
// The admin API writes it after the store has committed; shards read it on every request.
//
// Thread-safe. Writers (put, erase) take the mutex and bump a generation counter. Readers on the
// request path use a Reader (one per shard): it keeps an immutable snapshot of the map and takes
// the mutex only when the generation changed since its last look, so a request's lookup is one
// atomic load and a hash lookup, with no lock and no write to memory other shards read. The
// snapshot is copied from the live map once per change, by the first reader that needs it, and
// shared by the others: startup (thousands of puts) costs one copy, a deploy one copy of the map.
// find() on the registry itself (tests, rare callers) locks.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/function_version.h"

namespace quiver::host {

class FunctionRegistry {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, FunctionVersionPtr, Hash, std::equal_to<>>;

 public:
  // A shard's view: sees every put/erase that happened before its find() began (the generation
  // is released by the writer and acquired here). Not thread-safe: one per thread.
  class Reader {
   public:
    explicit Reader(const FunctionRegistry& registry) : registry_(registry) {}
    FunctionVersionPtr find(std::string_view name);

   private:
    const FunctionRegistry& registry_;
    std::shared_ptr<const Map> snapshot_;
    uint64_t generation_ = 0;  // of snapshot_; the registry's starts at 1
  };

  FunctionVersionPtr find(std::string_view name) const;
  void put(FunctionVersionPtr version);
  void erase(std::string_view name);
  size_t size() const;

 private:
  // The current map as an immutable snapshot, and its generation.
  std::shared_ptr<const Map> snapshot(uint64_t* generation) const;

  mutable std::mutex mutex_;
  Map live_;
  mutable std::shared_ptr<const Map> published_;  // a copy of live_, null until asked for
  std::atomic<uint64_t> generation_{1};
};

}  // namespace quiver::host
