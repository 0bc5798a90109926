#include "isolates/isolate_holder.h"

namespace quiver::isolates {

IsolateHolder::IsolateHolder(const IsolateOptions& options)
    : allocator_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()) {
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  params.constraints.ConfigureDefaultsFromHeapSize(0, options.max_heap_bytes);
  isolate_ = v8::Isolate::New(params);
  // Microtasks run when the embedder says so: after each entry into JS, before any response
  // leaves, so that a settled promise chain is always seen as settled.
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
}

IsolateHolder::~IsolateHolder() {
  if (isolate_) isolate_->Dispose();
}

}  // namespace quiver::isolates
