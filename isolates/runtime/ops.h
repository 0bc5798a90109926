// The native side of the runtime: the functions the JS runtime reaches as `ops.<name>`. They are
// listed in one table (runtimeOps) so that a startup snapshot can register every one as an
// external reference, and so that adding an op is one function and one line.
//
// Ops find their host through isolate data slot kOpsHostSlot: the FunctionInstance (or the test
// harness) that owns the isolate.
#pragma once

#include <v8.h>

#include <span>
#include <string_view>

#include "host/log.h"
#include "host/result.h"

namespace quiver::isolates {

constexpr uint32_t kOpsHostSlot = 0;

class OpsHost {
 public:
  virtual ~OpsHost() = default;
  virtual void onConsole(host::LogLevel level, std::string_view text) = 0;
  // Timers belong to the request whose JS calls setTimeout; an error is thrown as a TypeError.
  virtual Result<uint64_t> startTimer(v8::Local<v8::Function> callback, double delay_ms,
                                      bool repeat) = 0;
  virtual void cancelTimer(uint64_t id) = 0;
};

struct Op {
  const char* name;
  v8::FunctionCallback callback;
};

// Every op of the runtime: the concatenation of the per-area tables below, in this order. An area
// (ops_<area>.cc) defines one table; adding an area is one declaration here and one line in
// runtimeOps(). Op names are unique across areas (checked by a unit test).
std::span<const Op> runtimeOps();

// Per-area tables.
std::span<const Op> coreOps();      // ops.cc: console, timers, clocks
std::span<const Op> encodingOps();  // ops_encoding.cc: UTF-8, TextDecoder's decoders, base64
std::span<const Op> cloneOps();     // ops_clone.cc: structuredClone

// ops.HostObject (ops_clone.cc): a constructor whose instances V8's serializer treats as host
// objects (see ops_clone.cc). Not an op: it is made from a FunctionTemplate, once per context.
// Its callback is exposed for a startup snapshot's external references.
v8::MaybeLocal<v8::Function> newHostObjectConstructor(v8::Isolate* isolate,
                                                      v8::Local<v8::Context> context);
v8::FunctionCallback hostObjectConstructorCallback();

}  // namespace quiver::isolates
