#include "host/function_registry.h"

#include <mutex>

namespace quiver::host {

FunctionVersionPtr FunctionRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = live_.find(name);
  return it == live_.end() ? nullptr : it->second;
}

void FunctionRegistry::put(FunctionVersionPtr version) {
  std::unique_lock lock(mutex_);
  std::string name = version->name;
  live_[std::move(name)] = std::move(version);
}

void FunctionRegistry::erase(std::string_view name) {
  std::unique_lock lock(mutex_);
  auto it = live_.find(name);
  if (it != live_.end()) live_.erase(it);
}

size_t FunctionRegistry::size() const {
  std::shared_lock lock(mutex_);
  return live_.size();
}

}  // namespace quiver::host
