#include "isolates/isolate_pool.h"

namespace quiver::isolates {

Result<std::unique_ptr<PreparedIsolate>> PreparedIsolate::make(uint32_t memory_mb) {
  auto prepared = std::make_unique<PreparedIsolate>();
  size_t bytes = static_cast<size_t>(memory_mb) * 1024 * 1024;
  prepared->memory_mb = memory_mb;
  prepared->holder = std::make_unique<IsolateHolder>(
      IsolateOptions{.max_heap_bytes = bytes, .max_array_buffer_bytes = bytes});
  v8::Isolate* isolate = prepared->holder->get();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context;
  auto runtime = Runtime::newContext(isolate, &context);
  if (!runtime) return runtime.error();
  prepared->runtime = std::move(*runtime);
  prepared->context.Reset(isolate, context);
  return prepared;
}

PreparedIsolate::~PreparedIsolate() {
  // Handles into the isolate go before the isolate does.
  runtime.reset();
  context.Reset();
  holder.reset();
}

IsolatePool::IsolatePool(uv_loop_t* loop, size_t size, uint32_t memory_mb,
                         prometheus::Gauge* ready_gauge)
    : size_(size), gauge_(ready_gauge), memory_mb_(memory_mb), timer_(new uv_timer_t) {
  uv_timer_init(loop, timer_);
  timer_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  scheduleRefill();
}

IsolatePool::~IsolatePool() {
  if (gauge_) gauge_->Decrement(static_cast<double>(ready_.size()));
  uv_timer_stop(timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

std::unique_ptr<PreparedIsolate> IsolatePool::take(uint32_t memory_mb) {
  if (memory_mb != memory_mb_ || ready_.empty()) {
    scheduleRefill();
    return nullptr;
  }
  auto prepared = std::move(ready_.back());
  ready_.pop_back();
  if (gauge_) gauge_->Decrement();
  scheduleRefill();
  return prepared;
}

void IsolatePool::scheduleRefill() {
  if (ready_.size() >= size_ || uv_is_active(reinterpret_cast<uv_handle_t*>(timer_))) return;
  // A zero timeout runs after the I/O the loop already has: the request that took an isolate is
  // answered first, and each tick makes one isolate so that other sockets are served in between.
  uv_timer_start(
      timer_, [](uv_timer_t* timer) { static_cast<IsolatePool*>(timer->data)->refill(); }, 0, 0);
}

void IsolatePool::refill() {
  if (ready_.size() >= size_) return;
  auto prepared = PreparedIsolate::make(memory_mb_);
  if (!prepared) return;  // a runtime bug: cold starts report it themselves
  ready_.push_back(std::move(*prepared));
  if (gauge_) gauge_->Increment();
  scheduleRefill();
}

}  // namespace quiver::isolates
