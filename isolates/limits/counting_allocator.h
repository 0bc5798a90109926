// CountingAllocator: the ArrayBuffer allocator of one isolate. Counts the bytes of every
// ArrayBuffer backing store (which live outside the V8 heap, so heap limits do not see them) and
// refuses an allocation that would pass the isolate's memory limit, calling `on_exceeded` so the
// instance can be terminated and discarded. Thread-safe: V8 may free from background threads.
#pragma once

#include <v8.h>

#include <atomic>
#include <functional>

namespace quiver::isolates {

class CountingAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  CountingAllocator(size_t limit_bytes, std::function<void()> on_exceeded)
      : limit_(limit_bytes), on_exceeded_(std::move(on_exceeded)) {}

  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;

  size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  bool reserve(size_t length);

  const size_t limit_;
  std::function<void()> on_exceeded_;
  std::atomic<size_t> used_{0};
};

}  // namespace quiver::isolates
