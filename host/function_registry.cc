#include "host/function_registry.h"

namespace quiver::host {

FunctionVersionPtr FunctionRegistry::Reader::find(std::string_view name) {
  // Acquire: pairs with the writer's release, so the snapshot taken below includes its change.
  if (uint64_t now = registry_.generation_.load(std::memory_order_acquire); now != generation_) {
    snapshot_ = registry_.snapshot(&generation_);
  }
  auto it = snapshot_->find(name);
  return it == snapshot_->end() ? nullptr : it->second;
}

FunctionVersionPtr FunctionRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(name);
  return it == live_.end() ? nullptr : it->second;
}

std::shared_ptr<const FunctionRegistry::Map> FunctionRegistry::snapshot(
    uint64_t* generation) const {
  std::lock_guard lock(mutex_);
  if (!published_) published_ = std::make_shared<const Map>(live_);
  *generation = generation_.load(std::memory_order_relaxed);
  return published_;
}

void FunctionRegistry::put(FunctionVersionPtr version) {
  std::lock_guard lock(mutex_);
  std::string name = version->name;
  live_[std::move(name)] = std::move(version);
  published_.reset();
  generation_.fetch_add(1, std::memory_order_release);
}

void FunctionRegistry::erase(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(name);
  if (it == live_.end()) return;
  live_.erase(it);
  published_.reset();
  generation_.fetch_add(1, std::memory_order_release);
}

size_t FunctionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace quiver::host
