#include "isolates/limits/counting_allocator.h"

#include <cstdlib>

namespace quiver::isolates {

bool CountingAllocator::reserve(size_t length) {
  size_t before = used_.fetch_add(length, std::memory_order_relaxed);
  if (before + length <= limit_) return true;
  used_.fetch_sub(length, std::memory_order_relaxed);
  if (on_exceeded_) on_exceeded_();
  return false;
}

void* CountingAllocator::Allocate(size_t length) {
  if (!reserve(length)) return nullptr;
  void* data = std::calloc(length ? length : 1, 1);
  if (!data) used_.fetch_sub(length, std::memory_order_relaxed);
  return data;
}

void* CountingAllocator::AllocateUninitialized(size_t length) {
  if (!reserve(length)) return nullptr;
  void* data = std::malloc(length ? length : 1);
  if (!data) used_.fetch_sub(length, std::memory_order_relaxed);
  return data;
}

void CountingAllocator::Free(void* data, size_t length) {
  std::free(data);
  used_.fetch_sub(length, std::memory_order_relaxed);
}

}  // namespace quiver::isolates
