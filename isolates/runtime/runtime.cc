#include "isolates/runtime/runtime.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "isolates/runtime/ops.h"
#include "isolates/runtime/runtime_files.h"
#include "isolates/runtime/snapshot.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

Result<v8::Local<v8::Object>> makeOps(v8::Isolate* isolate, v8::Local<v8::Context> context) {
  auto ops = v8::Object::New(isolate, v8::Null(isolate), nullptr, nullptr, 0);
  for (const Op& op : runtimeOps()) {
    v8::Local<v8::Function> fn;
    if (!v8::Function::New(context, op.callback, v8::Local<v8::Value>(), 0,
                           v8::ConstructorBehavior::kThrow)
             .ToLocal(&fn) ||
        ops->Set(context, v8str(isolate, op.name), fn).IsNothing()) {
      return Error{"runtime_error", std::string("cannot create op ") + op.name};
    }
  }
  v8::Local<v8::Function> host_object;
  if (!newHostObjectConstructor(isolate, context).ToLocal(&host_object) ||
      ops->Set(context, v8str(isolate, "HostObject"), host_object).IsNothing()) {
    return Error{"runtime_error", "cannot create ops.HostObject"};
  }
  return ops;
}

Result<v8::Local<v8::Function>> getFunction(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                            v8::Local<v8::Object> internals, const char* name) {
  v8::Local<v8::Value> value;
  if (!internals->Get(context, v8str(isolate, name)).ToLocal(&value) || !value->IsFunction()) {
    return Error{"runtime_error", std::string("the runtime did not define internals.") + name};
  }
  return value.As<v8::Function>();
}

// V8 code caches of the runtime files, process-wide: the first isolate to install the runtime
// compiles the files and, once they ran, records what V8 compiled; every later isolate (every
// cold start, on any shard) hands that to the compiler instead of parsing and compiling the
// ~600 KB of runtime JavaScript again. A cache V8 rejects (it checks the source and the flags)
// just means a normal compile. The caches are never freed nor changed once made.
class RuntimeCodeCache {
 public:
  static RuntimeCodeCache& instance() {
    static RuntimeCodeCache* cache = new RuntimeCodeCache();  // never destroyed: used until exit
    return *cache;
  }
  // The cache of file `index`, as V8 wants it (not owning the bytes), or null.
  v8::ScriptCompiler::CachedData* get(size_t index) {
    std::lock_guard lock(mutex_);
    if (index >= bytes_.size() || bytes_[index].empty()) return nullptr;
    const std::string& b = bytes_[index];
    return new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t*>(b.data()),
                                              static_cast<int>(b.size()),
                                              v8::ScriptCompiler::CachedData::BufferNotOwned);
  }
  bool has(size_t index) {
    std::lock_guard lock(mutex_);
    return index < bytes_.size() && !bytes_[index].empty();
  }
  void put(size_t index, const v8::ScriptCompiler::CachedData& data) {
    std::lock_guard lock(mutex_);
    if (bytes_.size() < kRuntimeFileCount) bytes_.resize(kRuntimeFileCount);
    if (index < bytes_.size() && bytes_[index].empty()) {
      bytes_[index].assign(reinterpret_cast<const char*>(data.data), data.length);
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> bytes_;
};

// The runtime files' wrapped sources as V8 external strings: the text lives once in the process
// and every isolate's scripts point at it, instead of each isolate holding a ~650 KB copy in its
// heap. The resources are in the startup snapshot's external references
// (runtimeSourceResources()), so a context deserialized from the snapshot points at this
// process's copy too. ASCII files are one-byte strings over their UTF-8; the others are decoded to
// UTF-16 once. Never freed: V8 may use them until the process exits.
class OneByteSource final : public v8::String::ExternalOneByteStringResource {
 public:
  explicit OneByteSource(std::string text) : text_(std::move(text)) {}
  const char* data() const override { return text_.data(); }
  size_t length() const override { return text_.size(); }
  void Dispose() override {}  // shared by every isolate: V8 must not delete it

 private:
  std::string text_;
};

class TwoByteSource final : public v8::String::ExternalStringResource {
 public:
  explicit TwoByteSource(std::u16string text) : text_(std::move(text)) {}
  const uint16_t* data() const override { return reinterpret_cast<const uint16_t*>(text_.data()); }
  size_t length() const override { return text_.size(); }
  void Dispose() override {}

 private:
  std::u16string text_;
};

// Our own embedded files, so valid UTF-8 by construction (the build reads them as such).
std::u16string utf8ToUtf16(std::string_view in) {
  std::u16string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    auto byte = static_cast<unsigned char>(in[i]);
    int extra = byte < 0x80 ? 0 : byte < 0xE0 ? 1 : byte < 0xF0 ? 2 : 3;
    char32_t cp = extra == 0 ? byte : byte & (0x3F >> extra);
    for (int k = 1; k <= extra && i + k < in.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
    }
    i += static_cast<size_t>(extra) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

struct SourceTable {
  std::vector<v8::String::ExternalStringResourceBase*> resources;
  std::vector<bool> one_byte;
};

const SourceTable& sources() {
  static const SourceTable* table = [] {
    auto* t = new SourceTable();  // never destroyed (see above)
    for (size_t i = 0; i < kRuntimeFileCount; ++i) {
      const RuntimeFile& file = kRuntimeFiles[i];
      std::string text = "(function (ops, internals, primordials) { \"use strict\";\n";
      text.append(file.source, file.length);
      text.append("\n})");
      bool ascii = std::all_of(text.begin(), text.end(),
                               [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      t->one_byte.push_back(ascii);
      if (ascii) {
        t->resources.push_back(new OneByteSource(std::move(text)));
      } else {
        t->resources.push_back(new TwoByteSource(utf8ToUtf16(text)));
      }
    }
    return t;
  }();
  return *table;
}

v8::MaybeLocal<v8::String> sourceString(v8::Isolate* isolate, size_t index) {
  const SourceTable& table = sources();
  if (table.one_byte[index]) {
    return v8::String::NewExternalOneByte(isolate,
                                          static_cast<OneByteSource*>(table.resources[index]));
  }
  return v8::String::NewExternalTwoByte(isolate,
                                        static_cast<TwoByteSource*>(table.resources[index]));
}

}  // namespace

size_t runtimeSourceBytes() {
  static const size_t bytes = [] {
    size_t total = 0;
    const SourceTable& table = sources();
    for (size_t i = 0; i < table.resources.size(); ++i) {
      size_t length = table.one_byte[i] ? static_cast<OneByteSource*>(table.resources[i])->length()
                                        : static_cast<TwoByteSource*>(table.resources[i])->length();
      total += table.one_byte[i] ? length : 2 * length;
    }
    return total;
  }();
  return bytes;
}

std::vector<intptr_t> runtimeSourceResources() {
  std::vector<intptr_t> out;
  for (auto* resource : sources().resources) out.push_back(reinterpret_cast<intptr_t>(resource));
  return out;
}

Result<std::unique_ptr<Runtime>> Runtime::install(v8::Isolate* isolate,
                                                  v8::Local<v8::Context> context) {
  v8::HandleScope scope(isolate);
  v8::TryCatch try_catch(isolate);
  auto ops = makeOps(isolate, context);
  if (!ops) return ops.error();
  auto internals = v8::Object::New(isolate, v8::Null(isolate), nullptr, nullptr, 0);
  auto primordials = v8::Object::New(isolate, v8::Null(isolate), nullptr, nullptr, 0);

  RuntimeCodeCache& cache = RuntimeCodeCache::instance();
  std::vector<std::pair<size_t, v8::Local<v8::Script>>> uncached;  // to make caches of at the end
  for (size_t i = 0; i < kRuntimeFileCount; ++i) {
    const RuntimeFile& file = kRuntimeFiles[i];
    v8::Local<v8::String> source;
    if (!sourceString(isolate, i).ToLocal(&source)) {
      return Error{"runtime_error", std::string("cannot make the source of ") + file.name};
    }
    std::string name = std::string("quiver:runtime/") + file.name;
    v8::ScriptOrigin origin(isolate, v8str(isolate, name), -1);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> fn;
    v8::Local<v8::Value> argv[] = {*ops, internals, primordials};
    v8::Local<v8::Value> ignored;
    v8::ScriptCompiler::CachedData* cached = cache.get(i);
    v8::ScriptCompiler::Source compiler_source(source, origin, cached);  // owns it
    bool compiled = v8::ScriptCompiler::Compile(context, &compiler_source,
                                                cached ? v8::ScriptCompiler::kConsumeCodeCache
                                                       : v8::ScriptCompiler::kNoCompileOptions)
                        .ToLocal(&script);
    if (compiled && !cached) uncached.emplace_back(i, script);
    if (!compiled || !script->Run(context).ToLocal(&fn) || !fn->IsFunction() ||
        !fn.As<v8::Function>()->Call(context, v8::Undefined(isolate), 3, argv).ToLocal(&ignored)) {
      std::string detail = try_catch.HasCaught()
                               ? describeException(isolate, context, try_catch.Exception())
                               : "no function";
      return Error{"runtime_error", "runtime file " + std::string(file.name) + ": " + detail};
    }
  }

  // After the files ran: the caches hold the functions their top levels called as well.
  for (auto& [index, script] : uncached) {
    if (cache.has(index)) continue;
    std::unique_ptr<v8::ScriptCompiler::CachedData> data(
        v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
    if (data) cache.put(index, *data);
  }

  // The request path compiled once, on the host's time (see warmUp in 90_internals.js); in a
  // snapshot, that compiled code is kept.
  v8::Local<v8::Value> warm_up;
  if (internals->Get(context, v8str(isolate, "warmUp")).ToLocal(&warm_up) &&
      warm_up->IsFunction()) {
    callForEffect(context, warm_up.As<v8::Function>(), 0, nullptr);
  }
  if (try_catch.HasCaught()) {
    return Error{"runtime_error",
                 "warmUp: " + describeException(isolate, context, try_catch.Exception())};
  }
  return attach(isolate, context, internals);
}

Result<std::unique_ptr<Runtime>> Runtime::attach(v8::Isolate* isolate,
                                                 v8::Local<v8::Context> context,
                                                 v8::Local<v8::Object> internals) {
  std::unique_ptr<Runtime> runtime(new Runtime());
  struct Slot {
    const char* name;
    v8::Global<v8::Function>* global;
  } slots[] = {{"makeRequest", &runtime->make_request_},
               {"makeContext", &runtime->make_context_},
               {"responseRecord", &runtime->response_record_},
               {"setBaseUrl", &runtime->set_base_url_},
               {"waitUntilSettled", &runtime->wait_until_settled_},
               {"createHostReadableStream", &runtime->create_host_readable_stream_},
               {"takeHostStream", &runtime->take_host_stream_},
               {"readChunk", &runtime->read_chunk_},
               {"cancelReader", &runtime->cancel_reader_},
               {"processRejections", &runtime->process_rejections_},
               {"reportException", &runtime->report_exception_}};
  for (auto& slot : slots) {
    auto fn = getFunction(isolate, context, internals, slot.name);
    if (!fn) return fn.error();
    slot.global->Reset(isolate, *fn);
  }
  runtime->internals_.Reset(isolate, internals);
  runtime->isolate_ = isolate;
  isolate->SetData(kRuntimeSlot, runtime.get());
  isolate->SetPromiseRejectCallback(&Runtime::onPromiseReject);
  return runtime;
}

Result<std::unique_ptr<Runtime>> Runtime::newContext(v8::Isolate* isolate,
                                                     v8::Local<v8::Context>* out) {
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Context> context;
  Result<std::unique_ptr<Runtime>> runtime = Error{"runtime_error", "no context"};
  if (runtimeSnapshot() &&
      v8::Context::FromSnapshot(isolate, kRuntimeContextIndex, snapshotFieldDeserializer())
          .ToLocal(&context)) {
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Object> internals;
    if (!context->GetDataFromSnapshotOnce<v8::Object>(kInternalsDataIndex).ToLocal(&internals)) {
      return Error{"runtime_error", "the startup snapshot has no runtime internals"};
    }
    runtime = attach(isolate, context, internals);
  } else {
    context = v8::Context::New(isolate);
    v8::Context::Scope context_scope(context);
    runtime = install(isolate, context);
  }
  if (!runtime) return runtime.error();
  {
    v8::Context::Scope context_scope(context);
    (*runtime)->startClock(isolate, context);
  }
  *out = scope.Escape(context);
  return runtime;
}

void Runtime::startClock(v8::Isolate* isolate, v8::Local<v8::Context> context) {
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Function> start_clock;
  if (internalFunction(isolate, context, "startClock").ToLocal(&start_clock)) {
    callForEffect(context, start_clock, 0, nullptr);
  }
}

v8::MaybeLocal<v8::Function> Runtime::internalFunction(v8::Isolate* isolate,
                                                       v8::Local<v8::Context> context,
                                                       const char* name) const {
  v8::Local<v8::Value> value;
  if (!internals_.Get(isolate)->Get(context, v8str(isolate, name)).ToLocal(&value) ||
      !value->IsFunction()) {
    return {};
  }
  return value.As<v8::Function>();
}

Runtime::~Runtime() {
  if (isolate_ && isolate_->GetData(kRuntimeSlot) == this) {
    isolate_->SetPromiseRejectCallback(nullptr);
    isolate_->SetData(kRuntimeSlot, nullptr);
  }
}

// Runs inside V8 (while JS rejects a promise or attaches a handler): record only, never call JS.
void Runtime::onPromiseReject(v8::PromiseRejectMessage message) {
  auto promise = message.GetPromise();
  v8::Isolate* isolate = promise->GetIsolate();
  auto* self = static_cast<Runtime*>(isolate->GetData(kRuntimeSlot));
  if (!self) return;
  switch (message.GetEvent()) {
    case v8::kPromiseRejectWithNoHandler: {
      Rejection rejection{false, v8::Global<v8::Promise>(isolate, promise), {}};
      rejection.reason.Reset(isolate, message.GetValue());
      self->rejections_.push_back(std::move(rejection));
      break;
    }
    case v8::kPromiseHandlerAddedAfterReject: {
      // Handled before anyone was told: forget it. Otherwise JS decides (rejectionhandled).
      auto& list = self->rejections_;
      for (auto it = list.begin(); it != list.end(); ++it) {
        if (!it->handled && it->promise == promise) {
          list.erase(it);
          return;
        }
      }
      self->rejections_.push_back({true, v8::Global<v8::Promise>(isolate, promise), {}});
      break;
    }
    default:  // reject/resolve after resolved: not observable in the Web platform
      break;
  }
}

void Runtime::processRejections(v8::Isolate* isolate, v8::Local<v8::Context> context) {
  for (int round = 0; round < 64 && !rejections_.empty(); ++round) {
    if (isolate->IsExecutionTerminating()) {
      rejections_.clear();
      return;
    }
    std::vector<Rejection> batch;
    batch.swap(rejections_);
    v8::HandleScope scope(isolate);
    auto list = v8::Array::New(isolate, static_cast<int>(batch.size() * 3));
    for (size_t i = 0; i < batch.size(); ++i) {
      auto index = static_cast<uint32_t>(i * 3);
      v8::Local<v8::Value> reason = batch[i].reason.IsEmpty()
                                        ? v8::Undefined(isolate).As<v8::Value>()
                                        : batch[i].reason.Get(isolate);
      if (list->Set(context, index, v8::Boolean::New(isolate, batch[i].handled)).IsNothing() ||
          list->Set(context, index + 1, batch[i].promise.Get(isolate)).IsNothing() ||
          list->Set(context, index + 2, reason).IsNothing()) {
        return;
      }
    }
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> argv[] = {list};
    v8::Local<v8::Value> ignored;
    // The JS side reports listener errors itself; a failure here can only be termination.
    if (!process_rejections_.Get(isolate)
             ->Call(context, v8::Undefined(isolate), 1, argv)
             .ToLocal(&ignored)) {
      return;
    }
    isolate->PerformMicrotaskCheckpoint();
  }
}

void Runtime::reportException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              v8::Local<v8::Value> exception) {
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> argv[] = {exception};
  v8::Local<v8::Value> ignored;
  // Only termination can make it fail: listener errors are reported by the JS side.
  if (!report_exception_.Get(isolate)
           ->Call(context, v8::Undefined(isolate), 1, argv)
           .ToLocal(&ignored)) {
    return;
  }
}

}  // namespace quiver::isolates
