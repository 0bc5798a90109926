// The JS test harness: runs every tests/js/*.test.js inside a real isolate whose global scope is
// exactly a function's (the runtime installed the same way), and reports per-file pass counts.
// tests/js/harness.js defines test()/assert*() and __runTests(); console output produced while
// tests run is captured into globalThis.__capturedLogs as [level, text] pairs.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "host/log.h"
#include "isolates/isolate_holder.h"
#include "isolates/runtime/ops.h"
#include "isolates/runtime/runtime.h"
#include "isolates/v8_util.h"
#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path jsDir() { return std::filesystem::path(QUIVER_SOURCE_DIR) / "tests/js"; }

// Appends every console line to globalThis.__capturedLogs.
class CapturingOpsHost final : public isolates::OpsHost {
 public:
  explicit CapturingOpsHost(v8::Isolate* isolate) : isolate_(isolate) {}
  void onConsole(host::LogLevel level, std::string_view text) override {
    auto context = isolate_->GetCurrentContext();
    v8::Local<v8::Value> logs;
    if (!context->Global()
             ->Get(context, isolates::v8str(isolate_, "__capturedLogs"))
             .ToLocal(&logs) ||
        !logs->IsArray()) {
      return;
    }
    auto array = logs.As<v8::Array>();
    // CreateDataProperty: tests put setters on Object.prototype, which Set() would run.
    v8::Local<v8::Value> pair[] = {isolates::v8str(isolate_, host::logLevelName(level)),
                                   isolates::v8str(isolate_, text)};
    auto entry = v8::Array::New(isolate_, pair, 2);
    bool added = array->CreateDataProperty(context, array->Length(), entry).FromMaybe(false);
    (void)added;
  }
  // The harness has no event loop: timer tests run end to end against quiverd instead.
  Result<uint64_t> startTimer(v8::Local<v8::Function>, double, bool) override {
    return Error{"no_timers", "timers are not available in the JS test harness"};
  }
  void cancelTimer(uint64_t) override {}
  // No event loop either: the task runs inline, then completes; its promise's reactions still
  // run as microtasks, as they would after an off-thread completion.
  Result<v8::Local<v8::Promise>> queueOffThread(
      std::unique_ptr<isolates::OffThreadTask> task) override {
    auto context = isolate_->GetCurrentContext();
    v8::Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
      return Error{"no_promise", "cannot create a promise"};
    }
    task->run();
    v8::TryCatch try_catch(isolate_);
    v8::Local<v8::Value> value;
    bool settled = task->complete(isolate_, context).ToLocal(&value)
                       ? resolver->Resolve(context, value).FromMaybe(false)
                       : try_catch.HasCaught() &&
                             resolver->Reject(context, try_catch.Exception()).FromMaybe(false);
    (void)settled;
    return resolver->GetPromise();
  }

 private:
  v8::Isolate* isolate_;
};

struct FileResult {
  int passed = 0;
  int failed = 0;
  std::string failures;
  std::string error;  // the file itself could not run
};

FileResult runFile(const std::filesystem::path& file) {
  FileResult result;
  isolates::IsolateHolder holder;
  v8::Isolate* isolate = holder.get();
  CapturingOpsHost ops_host(isolate);
  isolate->SetData(isolates::kOpsHostSlot, static_cast<isolates::OpsHost*>(&ops_host));
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  auto runtime = isolates::Runtime::install(isolate, context);
  if (!runtime.ok()) {
    result.error = runtime.error().message;
    return result;
  }
  context->Global()
      ->Set(context, isolates::v8str(isolate, "__capturedLogs"), v8::Array::New(isolate))
      .Check();
  // Only the harness exposes the runtime's internals (responseRecord, makeRequest, …).
  context->Global()
      ->Set(context, isolates::v8str(isolate, "__internals"), (*runtime)->internals(isolate))
      .Check();
  v8::TryCatch try_catch(isolate);
  for (const auto& path : {jsDir() / "harness.js", file}) {
    std::string source = slurp(path);
    v8::ScriptOrigin origin(isolate, isolates::v8str(isolate, path.filename().string()));
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> ignored;
    if (!v8::Script::Compile(context, isolates::v8str(isolate, source), &origin).ToLocal(&script) ||
        !script->Run(context).ToLocal(&ignored)) {
      result.error = isolates::describeException(isolate, context, try_catch.Exception());
      return result;
    }
    isolate->PerformMicrotaskCheckpoint();
  }
  v8::Local<v8::Value> run_fn, promise_value;
  if (!context->Global()->Get(context, isolates::v8str(isolate, "__runTests")).ToLocal(&run_fn) ||
      !run_fn->IsFunction() ||
      !run_fn.As<v8::Function>()
           ->Call(context, context->Global(), 0, nullptr)
           .ToLocal(&promise_value) ||
      !promise_value->IsPromise()) {
    result.error = "harness.js did not define __runTests() returning a promise";
    return result;
  }
  auto promise = promise_value.As<v8::Promise>();
  // No timers or I/O exist inside the harness: every test settles through microtasks.
  for (int i = 0; i < 1000 && promise->State() == v8::Promise::kPending; ++i) {
    isolate->PerformMicrotaskCheckpoint();
  }
  if (promise->State() != v8::Promise::kFulfilled) {
    result.error = promise->State() == v8::Promise::kPending
                       ? "the tests never finished"
                       : isolates::describeException(isolate, context, promise->Result());
    return result;
  }
  auto summary = promise->Result().As<v8::Object>();
  auto number = [&](const char* key) {
    v8::Local<v8::Value> v;
    return summary->Get(context, isolates::v8str(isolate, key)).ToLocal(&v)
               ? v->Int32Value(context).FromMaybe(0)
               : 0;
  };
  result.passed = number("passed");
  result.failed = number("failed");
  v8::Local<v8::Value> failures;
  if (summary->Get(context, isolates::v8str(isolate, "failures")).ToLocal(&failures)) {
    v8::Local<v8::String> json;
    if (v8::JSON::Stringify(context, failures).ToLocal(&json)) {
      result.failures = isolates::stringToUtf8(isolate, json);
    }
  }
  return result;
}

std::vector<std::string> testFiles() {
  std::vector<std::string> files;
  if (!std::filesystem::exists(jsDir())) return files;
  for (const auto& entry : std::filesystem::directory_iterator(jsDir())) {
    std::string name = entry.path().filename().string();
    if (name.size() > 8 && name.substr(name.size() - 8) == ".test.js") files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

class JsApiTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JsApiTest, AllTestsPass) {
  auto result = runFile(jsDir() / GetParam());
  ASSERT_TRUE(result.error.empty()) << result.error;
  std::printf("[ js ] %s: %d passed, %d failed\n", GetParam().c_str(), result.passed,
              result.failed);
  EXPECT_GT(result.passed, 0);
  EXPECT_EQ(result.failed, 0) << result.failures;
}

INSTANTIATE_TEST_SUITE_P(Files, JsApiTest, ::testing::ValuesIn(testFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 8);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(JsApiHarnessTest, FindsTestFiles) { EXPECT_GE(testFiles().size(), 3u); }

}  // namespace
}  // namespace quiver::testing

namespace quiver::testing {
namespace {

TEST(RuntimeOpsTest, NamesAreUniqueAcrossAreas) {
  std::set<std::string> seen;
  for (const auto& op : isolates::runtimeOps()) {
    EXPECT_TRUE(seen.insert(op.name).second) << "op defined twice: " << op.name;
    EXPECT_NE(op.callback, nullptr) << op.name;
  }
  EXPECT_GE(seen.size(), 7u);
}

}  // namespace
}  // namespace quiver::testing
