#include "isolates/runtime/ops.h"

#include <time.h>

#include <string>
#include <vector>

#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

void throwTypeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
}

host::LogLevel parseLevel(std::string_view name) {
  if (name == "debug") return host::LogLevel::kDebug;
  if (name == "info") return host::LogLevel::kInfo;
  if (name == "warn") return host::LogLevel::kWarn;
  if (name == "error") return host::LogLevel::kError;
  return host::LogLevel::kLog;
}

// ops.log(level, text)
void opLog(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 2 || !args[0]->IsString() || !args[1]->IsString()) {
    return throwTypeError(isolate, "ops.log(level, text) takes two strings");
  }
  auto* host = static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot));
  if (!host) return;
  std::string level = stringToUtf8(isolate, args[0].As<v8::String>());
  std::string text = stringToUtf8(isolate, args[1].As<v8::String>());
  host->onConsole(parseLevel(level), text);
}

// ops.timerStart(callback, delayMs, repeat) -> id
void opTimerStart(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 3 || !args[0]->IsFunction() || !args[1]->IsNumber()) {
    return throwTypeError(isolate, "ops.timerStart(callback, delay, repeat)");
  }
  auto* host = static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot));
  auto id = host->startTimer(args[0].As<v8::Function>(), args[1].As<v8::Number>()->Value(),
                             args[2]->IsTrue());
  if (!id) return throwTypeError(isolate, id.error().message);
  args.GetReturnValue().Set(v8::Number::New(isolate, static_cast<double>(*id)));
}

// ops.timerCancel(id)
void opTimerCancel(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsNumber()) return;
  double id = args[0].As<v8::Number>()->Value();
  if (id < 1 || id > 9007199254740991.0) return;
  static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot))->cancelTimer(static_cast<uint64_t>(id));
}

// ops.isProxy(value) -> boolean: what JS cannot tell by itself.
void opIsProxy(const v8::FunctionCallbackInfo<v8::Value>& args) {
  args.GetReturnValue().Set(args.Length() > 0 && args[0]->IsProxy());
}

// ops.isSharedArrayBuffer(value) -> boolean (see isSharedArrayBuffer in 01_webidl.js).
void opIsSharedArrayBuffer(const v8::FunctionCallbackInfo<v8::Value>& args) {
  args.GetReturnValue().Set(args.Length() > 0 && args[0]->IsSharedArrayBuffer());
}

// ops.monotonicNow() -> milliseconds (double) on a monotonic clock with an arbitrary origin.
void opMonotonicNow(const v8::FunctionCallbackInfo<v8::Value>& args) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  args.GetReturnValue().Set(static_cast<double>(now.tv_sec) * 1e3 +
                            static_cast<double>(now.tv_nsec) / 1e6);
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"isProxy", opIsProxy},
    {"isSharedArrayBuffer", opIsSharedArrayBuffer},
    {"log", opLog},
    {"monotonicNow", opMonotonicNow},
    {"timerCancel", opTimerCancel},
    {"timerStart", opTimerStart},
};
// clang-format on

}  // namespace

std::span<const Op> coreOps() { return kOps; }

std::span<const Op> runtimeOps() {
  static const std::vector<Op> all = [] {
    std::vector<Op> ops;
    for (std::span<const Op> area :
         {coreOps(), cryptoOps(), encodingOps(), cloneOps(), compressionOps(), urlOps(), bodyOps()})
      ops.insert(ops.end(), area.begin(), area.end());
    return ops;
  }();
  return all;
}

}  // namespace quiver::isolates
