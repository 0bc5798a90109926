// Runtime: installs the Web API surface into a fresh context by running the embedded runtime
// JavaScript (isolates/runtime/js) against the native ops, and keeps handles to the internal
// functions the C++ side calls. One Runtime per context; it lives as long as the context.
//
// Loading contract (the JS files rely on it): each file is wrapped as
//   (function (ops, internals, primordials) { "use strict"; <file> })
// and called in lexical order with the same three objects.
//
// Promise rejections: the Runtime is the isolate's PromiseRejectCallback (isolate data slot
// kRuntimeSlot points at it). V8 reports "rejected with no handler" and "handler added after
// reject" while it runs JS; the Runtime only records them there, and the host calls
// processRejections() after each microtask checkpoint, which hands them to
// internals.processRejections (HTML's "notify about rejected promises": fires
// `unhandledrejection` / `rejectionhandled` at globalThis, logs what nobody handled).
#pragma once

#include <v8.h>

#include <string>
#include <vector>

#include "host/result.h"

namespace quiver::isolates {

constexpr uint32_t kRuntimeSlot = 1;

// The addresses of the runtime files' source resources (V8 external strings shared by every
// isolate), in file order: external references of the startup snapshot.
std::vector<intptr_t> runtimeSourceResources();
// Their size: V8 counts them in every isolate's external memory although they are shared.
size_t runtimeSourceBytes();

class Runtime {
 public:
  ~Runtime();

  // A new context with the runtime in place, for a function instance: deserialized from the
  // startup snapshot when the process has one (isolates/runtime/snapshot.h; the isolate must then
  // come from IsolateHolder), otherwise a new context the runtime is installed into. Its clock
  // (performance.timeOrigin) starts now. The context is not entered on return.
  static Result<std::unique_ptr<Runtime>> newContext(v8::Isolate* isolate,
                                                     v8::Local<v8::Context>* context);

  // Runs every runtime file in `context` (which must be entered), then warms the request path
  // up. Fails with the JS error if a file throws: that is a bug in the runtime, reported rather
  // than crashed on.
  static Result<std::unique_ptr<Runtime>> install(v8::Isolate* isolate,
                                                  v8::Local<v8::Context> context);

  // internals.makeRequest(method, url, headersFlat, body) etc. (see the JS side).
  v8::Local<v8::Function> makeRequest(v8::Isolate* i) const { return make_request_.Get(i); }
  v8::Local<v8::Function> makeContext(v8::Isolate* i) const { return make_context_.Get(i); }
  v8::Local<v8::Function> responseRecord(v8::Isolate* i) const { return response_record_.Get(i); }
  v8::Local<v8::Function> setBaseUrl(v8::Isolate* i) const { return set_base_url_.Get(i); }
  v8::Local<v8::Function> waitUntilSettled(v8::Isolate* i) const {
    return wait_until_settled_.Get(i);
  }
  // 28_host_streams.js, for the host's stream bridge (isolates/instance_streams.cc): per chunk,
  // so they are kept here rather than looked up.
  v8::Local<v8::Function> createHostReadableStream(v8::Isolate* i) const {
    return create_host_readable_stream_.Get(i);
  }
  v8::Local<v8::Function> takeHostStream(v8::Isolate* i) const { return take_host_stream_.Get(i); }
  v8::Local<v8::Function> readChunk(v8::Isolate* i) const { return read_chunk_.Get(i); }
  v8::Local<v8::Function> cancelReader(v8::Isolate* i) const { return cancel_reader_.Get(i); }
  v8::Local<v8::Object> internals(v8::Isolate* i) const { return internals_.Get(i); }
  // internals[name] when it is a function (for the entry points called once per instance or
  // per failure, where a property lookup costs nothing next to what they do); empty otherwise.
  v8::MaybeLocal<v8::Function> internalFunction(v8::Isolate* isolate,
                                                v8::Local<v8::Context> context,
                                                const char* name) const;

  // Restarts the context's clock: performance.timeOrigin is now, performance.now() counts from
  // here (a context made ahead of need starts it when a function gets it). `context` entered.
  void startClock(v8::Isolate* isolate, v8::Local<v8::Context> context);

  // Delivers the promise rejections recorded since the last call, then runs the microtasks their
  // listeners queued; repeats while listeners cause more (bounded). Call after a microtask
  // checkpoint with `context` entered, unless execution is terminating.
  void processRejections(v8::Isolate* isolate, v8::Local<v8::Context> context);

  // internals.reportException(error): fires `error` at globalThis and logs it if not cancelled.
  // For exceptions that escape a callback the host called (a timer).
  void reportException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                       v8::Local<v8::Value> exception);

 private:
  // Binds a Runtime to a context the runtime files already ran in (`internals` is theirs).
  static Result<std::unique_ptr<Runtime>> attach(v8::Isolate* isolate,
                                                 v8::Local<v8::Context> context,
                                                 v8::Local<v8::Object> internals);
  static void onPromiseReject(v8::PromiseRejectMessage message);

  struct Rejection {
    bool handled;  // false: rejected with no handler; true: a handler was added after
    v8::Global<v8::Promise> promise;
    v8::Global<v8::Value> reason;
  };
  std::vector<Rejection> rejections_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Function> process_rejections_;
  v8::Global<v8::Function> report_exception_;
  v8::Global<v8::Object> internals_;
  v8::Global<v8::Function> make_request_;
  v8::Global<v8::Function> make_context_;
  v8::Global<v8::Function> response_record_;
  v8::Global<v8::Function> set_base_url_;
  v8::Global<v8::Function> wait_until_settled_;
  v8::Global<v8::Function> create_host_readable_stream_;
  v8::Global<v8::Function> take_host_stream_;
  v8::Global<v8::Function> read_chunk_;
  v8::Global<v8::Function> cancel_reader_;
};

}  // namespace quiver::isolates
