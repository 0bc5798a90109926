// IsolateHolder: owns one v8::Isolate and its ArrayBuffer allocator, disposes them in the right
// order, and turns running out of memory into a callback instead of V8's fatal OOM abort: the
// heap limit and the ArrayBuffer limit both call `on_memory_exceeded` after terminating JS.
// Who owns the holder owns the isolate; it is used only on the thread that made it. It comes from
// the runtime's startup snapshot when the process has one (isolates/runtime/snapshot.h).
#pragma once

#include <v8.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

namespace quiver::isolates {

struct IsolateOptions {
  size_t max_heap_bytes = 128 * 1024 * 1024;
  size_t max_array_buffer_bytes = SIZE_MAX;
  // Called on the isolate's thread (or, for ArrayBuffers, possibly another V8 thread) once a
  // limit is hit; execution is already being terminated.
  std::function<void()> on_memory_exceeded;
};

class IsolateHolder {
 public:
  explicit IsolateHolder(IsolateOptions options = {});
  ~IsolateHolder();
  IsolateHolder(const IsolateHolder&) = delete;
  IsolateHolder& operator=(const IsolateHolder&) = delete;

  v8::Isolate* get() const { return isolate_; }
  size_t maxHeapBytes() const { return options_.max_heap_bytes; }
  // Replaces IsolateOptions::on_memory_exceeded (an isolate made ahead of need gets its owner's
  // callback when it is taken). Call before the isolate runs anything that may allocate.
  void setOnMemoryExceeded(std::function<void()> callback) {
    options_.on_memory_exceeded = std::move(callback);
  }
  // Names the function the calling thread runs, for the report of a fatal OOM (nullptr: none).
  static void setRunningFunction(const char* name);

 private:
  static size_t onNearHeapLimit(void* data, size_t current, size_t initial);

  IsolateOptions options_;
  size_t extra_heap_ = 0;  // granted past the limit so far
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
};

}  // namespace quiver::isolates
