// The native side of the runtime: the functions the JS runtime reaches as `ops.<name>`. They are
// listed in one table (runtimeOps) so that a startup snapshot can register every one as an
// external reference, and so that adding an op is one function and one line.
//
// Ops find their host through isolate data slot kOpsHostSlot: the FunctionInstance (or the test
// harness) that owns the isolate.
#pragma once

#include <v8.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/log.h"
#include "host/result.h"

namespace quiver::isolates {

constexpr uint32_t kOpsHostSlot = 0;

// Work that runs on libuv's thread pool on behalf of the request whose JS queued it (see
// OpsHost::queueOffThread): CPU-heavy crypto today, compression or blocking clients later.
//
// Contract:
//  - run() is called at most once, on a pool thread. It must not touch V8, the isolate or the
//    host; it reads and writes only the task's own plain C++ members. It cannot be interrupted.
//  - complete() is called at most once, after run() returned, on the shard's thread, inside an
//    entry into JS charged to the request that queued the task (its CPU budget and wall limit
//    apply; microtasks run after it), with the isolate's context entered and a HandleScope open.
//    It returns the value the promise resolves with, or an empty MaybeLocal after throwing a JS
//    exception, which rejects the promise.
//  - complete() is not called (the task is just destroyed and the promise stays pending forever)
//    when the request ended, or the instance was killed or destroyed, meanwhile.
//  - The task may be destroyed on the shard's thread after its isolate is gone: it must own no
//    V8 handles (v8::Global etc.). Keep JS state on the JS side, keyed by the returned promise.
class OffThreadTask {
 public:
  virtual ~OffThreadTask() = default;
  virtual void run() = 0;
  virtual v8::MaybeLocal<v8::Value> complete(v8::Isolate* isolate,
                                             v8::Local<v8::Context> context) = 0;
};

class OpsHost {
 public:
  virtual ~OpsHost() = default;
  virtual void onConsole(host::LogLevel level, std::string_view text) = 0;
  // Timers belong to the request whose JS calls setTimeout; an error is thrown as a TypeError.
  virtual Result<uint64_t> startTimer(v8::Local<v8::Function> callback, double delay_ms,
                                      bool repeat) = 0;
  virtual void cancelTimer(uint64_t id) = 0;
  // Queues `task` (see OffThreadTask) and returns the promise its completion settles. Fails, to
  // be thrown as a TypeError, outside a request (module top level), in a dying instance, or when
  // the request already has kMaxOffThreadTasksPerRequest tasks that have not completed.
  virtual Result<v8::Local<v8::Promise>> queueOffThread(std::unique_ptr<OffThreadTask> task) = 0;

  // Host bodies (ops_body.cc): bytes the host produces and JS reads (an incoming request's body,
  // a fetch() response's body), named by a handle the host gave the runtime. bodyRead returns a
  // promise of the next chunk (a Uint8Array), undefined at the end, or a TypeError; one read at
  // a time. bodyCancel gives the body up. A host without bodies (the JS test harness) fails.
  virtual Result<v8::Local<v8::Promise>> bodyRead(uint64_t handle) {
    (void)handle;
    return Error{"no_bodies", "this host has no streamed bodies"};
  }
  virtual void bodyCancel(uint64_t handle) { (void)handle; }

  // fetch() (ops_fetch.cc): one HTTP exchange on the host's client. Returns [id, promise of
  // [status, statusText, headersFlat, bodyHandle]]; fails (thrown as a TypeError) when it cannot
  // start. `body` is null, a Uint8Array, or a ReadableStream. fetchAbort ends an exchange.
  struct FetchArgs {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    v8::Local<v8::Value> body;
  };
  virtual Result<v8::Local<v8::Array>> fetchStart(FetchArgs& args) {
    (void)args;
    return Error{"no_fetch", "fetch() is not available on this host"};
  }
  virtual void fetchAbort(uint64_t id) { (void)id; }
};

// Off-thread tasks one request may have outstanding (queued or running) at once.
constexpr size_t kMaxOffThreadTasksPerRequest = 16;
// Tasks of one function instance running on the shared pool at once (the rest wait, in order):
// libuv's pool is shared by every shard and function (4 threads unless UV_THREADPOOL_SIZE), so
// one busy function never holds more than half of it.
constexpr size_t kMaxOffThreadRunningPerInstance = 2;

struct Op {
  const char* name;
  v8::FunctionCallback callback;
};

// Every op of the runtime: the concatenation of the per-area tables below, in this order. An area
// (ops_<area>.cc) defines one table; adding an area is one declaration here and one line in
// runtimeOps(). Op names are unique across areas (checked by a unit test).
std::span<const Op> runtimeOps();

// Per-area tables.
std::span<const Op> coreOps();         // ops.cc: console, timers, clocks
std::span<const Op> cryptoOps();       // ops_crypto.cc: Web Crypto (crypto.*, crypto.subtle.*)
std::span<const Op> encodingOps();     // ops_encoding.cc: UTF-8, TextDecoder's decoders, base64
std::span<const Op> cloneOps();        // ops_clone.cc: structuredClone
std::span<const Op> compressionOps();  // ops_compression.cc: zlib (compression streams)
std::span<const Op> urlOps();          // ops_url.cc: IDNA (domain to ASCII) through ICU
std::span<const Op> bodyOps();         // ops_body.cc: host bodies read from JS, fetch()

// ops.HostObject (ops_clone.cc): a constructor whose instances V8's serializer treats as host
// objects (see ops_clone.cc). Not an op: it is made from a FunctionTemplate, once per context.
// Its callback is exposed for a startup snapshot's external references.
v8::MaybeLocal<v8::Function> newHostObjectConstructor(v8::Isolate* isolate,
                                                      v8::Local<v8::Context> context);
v8::FunctionCallback hostObjectConstructorCallback();

}  // namespace quiver::isolates
