// IsolateHolder: owns one v8::Isolate and its ArrayBuffer allocator, and disposes them in the
// right order. Who owns the holder owns the isolate; it is used only on the thread that made it.
#pragma once

#include <v8.h>

#include <memory>

namespace quiver::isolates {

struct IsolateOptions {
  size_t max_heap_bytes = 128 * 1024 * 1024;
};

class IsolateHolder {
 public:
  explicit IsolateHolder(const IsolateOptions& options = {});
  ~IsolateHolder();
  IsolateHolder(const IsolateHolder&) = delete;
  IsolateHolder& operator=(const IsolateHolder&) = delete;

  v8::Isolate* get() const { return isolate_; }

 private:
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
};

}  // namespace quiver::isolates
