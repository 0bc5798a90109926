#include "isolates/isolate_holder.h"

#include <cstdio>

#include "isolates/limits/counting_allocator.h"
#include "isolates/platform.h"
#include "isolates/runtime/snapshot.h"

namespace quiver::isolates {
namespace {
// Room V8 gets past the limit to finish the allocation in progress and unwind the terminated
// JS: an allocation that does not fit is a fatal OOM for the whole process. One allocation can
// be as large as V8's largest object (about 1 GB: a maximal string or array), hence the first
// step; a builtin that keeps allocating without reaching an interrupt check (filling a huge
// sparse array) gets further steps, up to kMaxExtraHeap in all. The memory is used only if the
// function really allocates it, and only until its isolate is disposed, right after.
constexpr size_t kFirstHeadroom = size_t{1} << 30;
constexpr size_t kMoreHeadroom = size_t{256} << 20;
constexpr size_t kMaxExtraHeap = size_t{2} << 30;

// Which function a shard thread is running, for the last words of a fatal OOM.
thread_local const char* t_running_function = nullptr;

void onFatalOom(const char* location, bool is_heap) {
  std::fprintf(stderr,
               "quiverd: fatal: V8 ran out of memory (%s) in function %s inside a builtin that "
               "could not be interrupted; the process must abort\n",
               location ? location : "?", t_running_function ? t_running_function : "?");
  std::fflush(stderr);
}

}  // namespace

IsolateHolder::IsolateHolder(IsolateOptions options) : options_(std::move(options)) {
  allocator_ = std::make_unique<CountingAllocator>(options_.max_array_buffer_bytes, [this] {
    if (isolate_) isolate_->TerminateExecution();
    if (options_.on_memory_exceeded) options_.on_memory_exceeded();
  });
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  // Every isolate of the process comes from the same blob (V8's shared read-only heap wants it).
  if (const v8::StartupData* snapshot = runtimeSnapshot()) {
    params.snapshot_blob = const_cast<v8::StartupData*>(snapshot);  // V8 only reads it
    params.external_references = snapshotExternalReferences();
  }
  params.constraints.ConfigureDefaultsFromHeapSize(0, options_.max_heap_bytes);
  isolate_ = v8::Isolate::New(params);
  // Microtasks run when the embedder says so: after each entry into JS, before any response
  // leaves, so that a settled promise chain is always seen as settled.
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->AddNearHeapLimitCallback(&IsolateHolder::onNearHeapLimit, this);
  isolate_->SetOOMErrorHandler(&onFatalOom);
}

IsolateHolder::~IsolateHolder() {
  if (!isolate_) return;
  isolate_->Dispose();
  forgetIsolate(isolate_);  // its foreground tasks will never run now
}

size_t IsolateHolder::onNearHeapLimit(void* data, size_t current, size_t initial) {
  auto* self = static_cast<IsolateHolder*>(data);
  self->isolate_->TerminateExecution();
  if (self->options_.on_memory_exceeded) self->options_.on_memory_exceeded();
  size_t step = self->extra_heap_ == 0 ? kFirstHeadroom : kMoreHeadroom;
  if (self->extra_heap_ + step > kMaxExtraHeap) return current;  // V8's fatal OOM follows
  self->extra_heap_ += step;
  return current + step;
}

void IsolateHolder::setRunningFunction(const char* name) { t_running_function = name; }

}  // namespace quiver::isolates
