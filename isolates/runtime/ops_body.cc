// Host bodies read from JS, and fetch(): the native half of the ReadableStreams that
// 28_host_streams.js makes for bytes the host produces (an incoming request's body, a fetch()
// response's body). The bytes and the handle table live in the OpsHost (FunctionInstance); these
// ops only check arguments and forward.
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

std::string byteString(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString()) return {};
  auto s = value.As<v8::String>();
  std::string out(s->Length(), '\0');
  s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, s->Length(),
                  v8::String::NO_NULL_TERMINATION);
  return out;
}

// ops.fetchStart(method, url, headersFlat, body) -> [id, promise]. The arguments come from
// 60_fetch.js, which made them from a Request: strings that are ByteStrings, an array of them.
void opFetchStart(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (args.Length() < 4 || !args[0]->IsString() || !args[1]->IsString() || !args[2]->IsArray()) {
    isolate->ThrowException(
        v8::Exception::TypeError(v8str(isolate, "ops.fetchStart(method, url, headersFlat, body)")));
    return;
  }
  OpsHost::FetchArgs fetch;
  fetch.method = byteString(isolate, args[0]);
  fetch.url = stringToUtf8(isolate, args[1].As<v8::String>());
  auto flat = args[2].As<v8::Array>();
  for (uint32_t i = 0; i + 1 < flat->Length(); i += 2) {
    v8::Local<v8::Value> name, value;
    if (!flat->Get(context, i).ToLocal(&name) || !flat->Get(context, i + 1).ToLocal(&value)) {
      return;  // an exception is pending
    }
    fetch.headers.emplace_back(byteString(isolate, name), byteString(isolate, value));
  }
  fetch.body = args[3];
  auto host = static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot));
  auto started = host->fetchStart(fetch);
  if (!started) {
    if (!isolate->IsExecutionTerminating()) {
      isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, started.error().message)));
    }
    return;
  }
  args.GetReturnValue().Set(*started);
}

// ops.fetchAbort(id)
void opFetchAbort(const v8::FunctionCallbackInfo<v8::Value>& args) {
  uint64_t id = 0;
  if (!handleArg(args, &id)) return;
  static_cast<OpsHost*>(args.GetIsolate()->GetData(kOpsHostSlot))->fetchAbort(id);
}

// clang-format off
constexpr Op kOps[] = {
    {"bodyCancel", opBodyCancel},
    {"bodyRead", opBodyRead},
    {"fetchAbort", opFetchAbort},
    {"fetchStart", opFetchStart},
};
// clang-format on

}  // namespace

std::span<const Op> bodyOps() { return kOps; }

}  // namespace quiver::isolates
