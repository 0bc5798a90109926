// Host bodies read from JS: the native half of the ReadableStreams that 28_host_streams.js makes
// for bytes the host produces (an incoming request's body, a fetch() response's body). The
// bytes and the handle table live in the OpsHost (FunctionInstance); these ops only check
// arguments and forward.
#include <cmath>

#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

bool handleArg(const v8::FunctionCallbackInfo<v8::Value>& args, uint64_t* handle) {
  if (args.Length() < 1 || !args[0]->IsNumber()) return false;
  double value = args[0].As<v8::Number>()->Value();
  if (!(value >= 1 && value <= 9007199254740991.0) || std::floor(value) != value) return false;
  *handle = static_cast<uint64_t>(value);
  return true;
}

// ops.bodyRead(handle) -> Promise<Uint8Array | undefined>
void opBodyRead(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  uint64_t handle = 0;
  if (!handleArg(args, &handle)) {
    isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, "ops.bodyRead(handle)")));
    return;
  }
  auto* host = static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot));
  auto promise = host->bodyRead(handle);
  if (!promise) {
    isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, promise.error().message)));
    return;
  }
  args.GetReturnValue().Set(*promise);
}

// ops.bodyCancel(handle)
void opBodyCancel(const v8::FunctionCallbackInfo<v8::Value>& args) {
  uint64_t handle = 0;
  if (!handleArg(args, &handle)) return;
  static_cast<OpsHost*>(args.GetIsolate()->GetData(kOpsHostSlot))->bodyCancel(handle);
}

// clang-format off
constexpr Op kOps[] = {
    {"bodyCancel", opBodyCancel},
    {"bodyRead", opBodyRead},
};
// clang-format on

}  // namespace

std::span<const Op> bodyOps() { return kOps; }

}  // namespace quiver::isolates
