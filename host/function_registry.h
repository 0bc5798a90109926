// FunctionRegistry: the live version of every deployed function, in memory, shared by all shards.
// The admin API writes it after the store has committed; shards read it on every request.
// Thread-safe: readers take a shared lock for a map lookup and a shared_ptr copy.
#pragma once

#include <atomic>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/function_version.h"

namespace quiver::host {

class FunctionRegistry {
 public:
  FunctionVersionPtr find(std::string_view name) const;
  void put(FunctionVersionPtr version);
  void erase(std::string_view name);
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, FunctionVersionPtr, Hash, std::equal_to<>> live_;
};

}  // namespace quiver::host
