#include "isolates/runtime/snapshot.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <vector>

#include "isolates/runtime/ops.h"
#include "isolates/runtime/runtime.h"
#include "isolates/v8_util.h"

// Defined by snapshot_blob.S when the program links quiver_runtime_snapshot; null otherwise.
extern "C" {
extern const char quiver_runtime_snapshot_start[] __attribute__((weak));
extern const char quiver_runtime_snapshot_end[] __attribute__((weak));
}

namespace quiver::isolates {
namespace {

constexpr std::string_view kMagic = "quiver-snapshot 1\n";

struct Loaded {
  v8::StartupData data{nullptr, 0};
  bool present = false;
};

Loaded load() {
  Loaded loaded;
  if (!quiver_runtime_snapshot_start || !quiver_runtime_snapshot_end) return loaded;
  std::string_view blob(
      quiver_runtime_snapshot_start,
      static_cast<size_t>(quiver_runtime_snapshot_end - quiver_runtime_snapshot_start));
  auto warn = [](const std::string& why) {
    std::fprintf(stderr,
                 "quiverd: warning: the runtime's startup snapshot is not used (%s); every new "
                 "function instance builds its context from the runtime's sources instead (slower "
                 "cold starts). Rebuild quiverd against this V8 to fix it.\n",
                 why.c_str());
  };
  const char* env = std::getenv("QUIVER_NO_SNAPSHOT");
  if (env && *env && std::strcmp(env, "0") != 0) {
    std::fprintf(stderr,
                 "quiverd: the runtime's startup snapshot is not used (QUIVER_NO_SNAPSHOT is "
                 "set): contexts are built from the runtime's sources\n");
    return loaded;
  }
  if (!blob.starts_with(kMagic)) {
    warn("no snapshot header");
    return loaded;
  }
  blob.remove_prefix(kMagic.size());
  size_t newline = blob.find('\n');
  if (newline == std::string_view::npos) {
    warn("truncated header");
    return loaded;
  }
  std::string_view made_by = blob.substr(0, newline);
  blob.remove_prefix(newline + 1);
  if (made_by != v8::V8::GetVersion()) {
    warn("made by V8 " + std::string(made_by) + ", this is V8 " + v8::V8::GetVersion());
    return loaded;
  }
  loaded.data = v8::StartupData{blob.data(), static_cast<int>(blob.size())};
  if (!loaded.data.IsValid()) {
    warn("V8 says the blob is not valid for it");
    return loaded;
  }
  loaded.present = true;
  return loaded;
}

v8::StartupData serializeField(v8::Local<v8::Object>, int, void*) { return {nullptr, 0}; }
void deserializeField(v8::Local<v8::Object>, int, v8::StartupData, void*) {}

}  // namespace

const v8::StartupData* runtimeSnapshot() {
  static const Loaded loaded = load();
  return loaded.present ? &loaded.data : nullptr;
}

const intptr_t* snapshotExternalReferences() {
  static const std::vector<intptr_t> references = [] {
    std::vector<intptr_t> refs;
    for (const Op& op : runtimeOps()) refs.push_back(reinterpret_cast<intptr_t>(op.callback));
    refs.push_back(reinterpret_cast<intptr_t>(hostObjectConstructorCallback()));
    for (intptr_t resource : runtimeSourceResources()) refs.push_back(resource);
    refs.push_back(0);
    return refs;
  }();
  return references.data();
}

v8::SerializeInternalFieldsCallback snapshotFieldSerializer() {
  return v8::SerializeInternalFieldsCallback(&serializeField, nullptr);
}

v8::DeserializeInternalFieldsCallback snapshotFieldDeserializer() {
  return v8::DeserializeInternalFieldsCallback(&deserializeField, nullptr);
}

Result<std::string> makeRuntimeSnapshot() {
  v8::StartupData blob{nullptr, 0};
  {
    v8::SnapshotCreator creator(snapshotExternalReferences());
    v8::Isolate* isolate = creator.GetIsolate();
    isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    {
      v8::HandleScope scope(isolate);
      creator.SetDefaultContext(v8::Context::New(isolate));
      auto context = v8::Context::New(isolate);
      v8::Local<v8::Object> internals;
      {
        v8::Context::Scope context_scope(context);
        auto runtime = Runtime::install(isolate, context);
        if (!runtime) return runtime.error();
        internals = (*runtime)->internals(isolate);
        isolate->PerformMicrotaskCheckpoint();
        // No handles of ours may outlive this point: the snapshot keeps only what the context
        // reaches (and the data added below).
      }
      if (creator.AddData(context, internals) != kInternalsDataIndex ||
          creator.AddContext(context, snapshotFieldSerializer()) != kRuntimeContextIndex) {
        return Error{"runtime_error", "unexpected snapshot indexes"};
      }
    }
    blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  }
  if (!blob.data || blob.raw_size <= 0) {
    return Error{"runtime_error", "V8 made no snapshot"};
  }
  std::string out(kMagic);
  out.append(v8::V8::GetVersion());
  out.push_back('\n');
  out.append(blob.data, static_cast<size_t>(blob.raw_size));
  delete[] blob.data;
  return out;
}

}  // namespace quiver::isolates
