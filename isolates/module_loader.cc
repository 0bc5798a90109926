#include "isolates/module_loader.h"

#include <zlib.h>

#include <limits>
#include <memory>

#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

v8::MaybeLocal<v8::Module> refuseImport(v8::Local<v8::Context> context,
                                        v8::Local<v8::String> specifier,
                                        v8::Local<v8::FixedArray> assertions,
                                        v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = context->GetIsolate();
  std::string message =
      "Cannot import '" + stringToUtf8(isolate, specifier) + "': deploy a single bundled module";
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
  return {};
}

std::string syntaxMessage(v8::Isolate* isolate, v8::Local<v8::Context> context,
                          const v8::TryCatch& try_catch) {
  std::string text = toUtf8(isolate, try_catch.Exception());
  v8::Local<v8::Message> message = try_catch.Message();
  if (message.IsEmpty()) return text;
  int line = message->GetLineNumber(context).FromMaybe(0);
  int column = message->GetStartColumn(context).FromMaybe(0) + 1;
  return text + " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
}

// Our frame around V8's bytes: "QCC1", the CRC-32 of the payload (little-endian), the payload.
// quiverd runs V8 with --no-verify-snapshot-checksum (isolates/platform.cc), which also stops V8
// from checksumming code caches, so a cache read back from the store is checked here: bytes
// changed on disk are a rejected cache, never bytes V8 deserializes.
constexpr std::string_view kFrameMagic = "QCC1";
constexpr size_t kFrameHeader = 8;

uint32_t crcOf(const char* data, size_t size) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

// The payload of a well-formed frame, or null.
const char* framePayload(const std::string& framed) {
  if (framed.size() <= kFrameHeader || !std::string_view(framed).starts_with(kFrameMagic) ||
      framed.size() - kFrameHeader > std::numeric_limits<uInt>::max()) {
    return nullptr;
  }
  uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) {
    stored = (stored << 8) | static_cast<unsigned char>(framed[kFrameMagic.size() + i]);
  }
  const char* payload = framed.data() + kFrameHeader;
  return crcOf(payload, framed.size() - kFrameHeader) == stored ? payload : nullptr;
}

}  // namespace

std::string_view codeCacheUseName(CodeCacheUse use) {
  switch (use) {
    case CodeCacheUse::kMiss:
      return "miss";
    case CodeCacheUse::kHit:
      return "hit";
    case CodeCacheUse::kRejected:
      return "rejected";
  }
  return "unknown";
}

std::string createCodeCache(v8::Local<v8::UnboundModuleScript> script) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(v8::ScriptCompiler::CreateCodeCache(script));
  if (!data || data->length <= 0) return {};
  auto* bytes = reinterpret_cast<const char*>(data->data);
  auto size = static_cast<size_t>(data->length);
  uint32_t crc = crcOf(bytes, size);
  std::string framed(kFrameMagic);
  for (int i = 0; i < 4; ++i) framed.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  framed.append(bytes, size);
  return framed;
}

Result<v8::Local<v8::Module>> compileModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                            const std::string& name, const std::string& code,
                                            const std::string* code_cache, CodeCacheUse* use) {
  if (use) *use = CodeCacheUse::kMiss;
  v8::TryCatch try_catch(isolate);
  v8::ScriptOrigin origin(isolate, v8str(isolate, "fn:" + name + ".js"), 0, 0, false, -1,
                          v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  v8::Local<v8::String> source_text;
  if (!v8::String::NewFromUtf8(isolate, code.data(), v8::NewStringType::kNormal,
                               static_cast<int>(code.size()))
           .ToLocal(&source_text)) {
    return Error{"syntax_error", "the module source is too large or not valid UTF-8"};
  }
  bool given = code_cache && !code_cache->empty();
  const char* payload = given ? framePayload(*code_cache) : nullptr;
  bool consume = payload && code_cache->size() - kFrameHeader <=
                                static_cast<size_t>(std::numeric_limits<int>::max());
  if (given && !consume && use) *use = CodeCacheUse::kRejected;
  // The source owns the CachedData, not the bytes: they stay the caller's.
  v8::ScriptCompiler::Source source(
      source_text, origin,
      consume
          ? new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t*>(payload),
                                               static_cast<int>(code_cache->size() - kFrameHeader),
                                               v8::ScriptCompiler::CachedData::BufferNotOwned)
          : nullptr);
  v8::Local<v8::Module> module;
  bool compiled = v8::ScriptCompiler::CompileModule(isolate, &source,
                                                    consume ? v8::ScriptCompiler::kConsumeCodeCache
                                                            : v8::ScriptCompiler::kNoCompileOptions)
                      .ToLocal(&module);
  if (consume && use) {
    *use = source.GetCachedData()->rejected ? CodeCacheUse::kRejected : CodeCacheUse::kHit;
  }
  if (!compiled) return Error{"syntax_error", syntaxMessage(isolate, context, try_catch)};
  auto requests = module->GetModuleRequests();
  if (requests->Length() > 0) {
    auto request = requests->Get(context, 0).As<v8::ModuleRequest>();
    return Error{"unsupported_import", "import of '" +
                                           stringToUtf8(isolate, request->GetSpecifier()) +
                                           "' is not supported: deploy a single bundled module"};
  }
  return module;
}

Result<v8::Local<v8::Object>> evaluateModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                             v8::Local<v8::Module> module) {
  v8::TryCatch try_catch(isolate);
  auto fail = [&](v8::Local<v8::Value> exception) -> Error {
    return Error{"module_error", describeException(isolate, context, exception)};
  };
  v8::Local<v8::Value> result;
  if (!module->InstantiateModule(context, refuseImport).FromMaybe(false) ||
      !module->Evaluate(context).ToLocal(&result)) {
    return fail(try_catch.Exception());
  }
  isolate->PerformMicrotaskCheckpoint();
  if (result->IsPromise()) {
    auto promise = result.As<v8::Promise>();
    if (promise->State() == v8::Promise::kRejected) return fail(promise->Result());
    if (promise->State() == v8::Promise::kPending) {
      return Error{"module_error", "the module's top-level await did not settle"};
    }
  }
  auto ns = module->GetModuleNamespace().As<v8::Object>();
  v8::Local<v8::Value> exported;
  if (!ns->Get(context, v8str(isolate, "default")).ToLocal(&exported) || !exported->IsObject()) {
    return Error{"module_error",
                 "the module has no default export: use `export default { fetch(request, env, "
                 "ctx) { ... } }`"};
  }
  auto handler = exported.As<v8::Object>();
  v8::Local<v8::Value> fetch;
  if (!handler->Get(context, v8str(isolate, "fetch")).ToLocal(&fetch) || !fetch->IsFunction()) {
    if (try_catch.HasCaught()) return fail(try_catch.Exception());
    return Error{"module_error",
                 "the module's default export has no fetch(request, env, ctx) method"};
  }
  return handler;
}

}  // namespace quiver::isolates
