// The JS test harness: runs every tests/js/*.test.js and tests/conformance/*.test.js inside a real
// isolate whose global scope is exactly a function's (the runtime installed the same way), and
// reports per-file pass counts. tests/js/harness.js defines test()/assert*() and __runTests();
// console output produced while tests run is captured into globalThis.__capturedLogs as
// [level, text] pairs. Conformance files also get tests/conformance/wpt.js and read the
// web-platform-tests' JSON vectors through __readConformanceFile (see conformanceDir()).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "host/log.h"
#include "isolates/isolate_holder.h"
#include "isolates/platform.h"
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

std::filesystem::path sourceDir() { return QUIVER_SOURCE_DIR; }
std::filesystem::path jsDir() { return sourceDir() / "tests/js"; }
std::filesystem::path conformanceTestDir() { return sourceDir() / "tests/conformance"; }

// The shared conformance data (../shared/conformance, outside the repository):
// $QUIVER_CONFORMANCE_DIR, else the first ancestor of the source tree holding
// shared/conformance/wpt. Empty if none.
std::filesystem::path conformanceDir() {
  if (const char* env = std::getenv("QUIVER_CONFORMANCE_DIR"); env && *env) return env;
  for (auto dir = sourceDir(); dir.has_relative_path(); dir = dir.parent_path()) {
    auto candidate = dir.parent_path() / "shared/conformance";
    if (std::filesystem::exists(candidate / "wpt")) return candidate;
  }
  return {};
}

// __readConformanceFile(path) / __readRepoFile(path): the file's text, read relative to the
// directory held in the function's data; throws an Error if it cannot be read.
void readFileUnder(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  std::string base = isolates::stringToUtf8(isolate, args.Data().As<v8::String>());
  if (args.Length() < 1 || !args[0]->IsString()) {
    isolate->ThrowException(v8::Exception::TypeError(isolates::v8str(isolate, "path expected")));
    return;
  }
  std::string relative = isolates::stringToUtf8(isolate, args[0].As<v8::String>());
  auto path = std::filesystem::path(base) / relative;
  std::ifstream in(path, std::ios::binary);
  if (relative.find("..") != std::string::npos || !in) {
    isolate->ThrowException(
        v8::Exception::Error(isolates::v8str(isolate, "cannot read " + path.string())));
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  v8::Local<v8::String> text;
  std::string content = ss.str();
  if (!v8::String::NewFromUtf8(isolate, content.data(), v8::NewStringType::kNormal,
                               static_cast<int>(content.size()))
           .ToLocal(&text)) {
    return;
  }
  args.GetReturnValue().Set(text);
}

void installReader(v8::Isolate* isolate, v8::Local<v8::Context> context, const char* name,
                   const std::filesystem::path& base) {
  auto fn = v8::Function::New(context, readFileUnder, isolates::v8str(isolate, base.string()))
                .ToLocalChecked();
  context->Global()->Set(context, isolates::v8str(isolate, name), fn).Check();
}

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

struct Counts {
  std::string name;
  int passed = 0;
  int failed = 0;
  int expected_failures = 0;
};

struct FileResult {
  int passed = 0;
  int failed = 0;
  int expected_failures = 0;
  std::vector<Counts> groups;  // per options.group (conformance: per data file)
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
  // The context functions get: from the startup snapshot (as in quiverd).
  v8::Local<v8::Context> context;
  auto runtime = isolates::Runtime::newContext(isolate, &context);
  if (!runtime.ok()) {
    result.error = runtime.error().message;
    return result;
  }
  v8::Context::Scope context_scope(context);
  context->Global()
      ->Set(context, isolates::v8str(isolate, "__capturedLogs"), v8::Array::New(isolate))
      .Check();
  // Only the harness exposes the runtime's internals (responseRecord, makeRequest, …).
  context->Global()
      ->Set(context, isolates::v8str(isolate, "__internals"), (*runtime)->internals(isolate))
      .Check();
  std::vector<std::filesystem::path> scripts = {jsDir() / "harness.js"};
  if (file.parent_path() == conformanceTestDir()) {
    installReader(isolate, context, "__readConformanceFile", conformanceDir());
    installReader(isolate, context, "__readRepoFile", sourceDir());
    scripts.push_back(conformanceTestDir() / "wpt.js");
  }
  scripts.push_back(file);
  v8::TryCatch try_catch(isolate);
  for (const auto& path : scripts) {
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
    (*runtime)->processRejections(isolate, context);
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
  // No timers or I/O exist inside the harness: every test settles through microtasks and V8's
  // own foreground tasks (an asynchronous WebAssembly compile), run here as quiverd's loop would.
  auto tasks = isolates::foregroundTasks(isolate);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (promise->State() == v8::Promise::kPending && std::chrono::steady_clock::now() < deadline) {
    isolate->PerformMicrotaskCheckpoint();
    (*runtime)->processRejections(isolate, context);
    tasks->runDue();
    if (promise->State() == v8::Promise::kPending) tasks->waitForTask(std::chrono::milliseconds(5));
  }
  if (promise->State() != v8::Promise::kFulfilled) {
    result.error = promise->State() == v8::Promise::kPending
                       ? "the tests never finished"
                       : isolates::describeException(isolate, context, promise->Result());
    return result;
  }
  auto summary = promise->Result().As<v8::Object>();
  auto number = [&](v8::Local<v8::Object> object, const char* key) {
    v8::Local<v8::Value> v;
    return object->Get(context, isolates::v8str(isolate, key)).ToLocal(&v)
               ? v->Int32Value(context).FromMaybe(0)
               : 0;
  };
  result.passed = number(summary, "passed");
  result.failed = number(summary, "failed");
  result.expected_failures = number(summary, "expectedFailures");
  v8::Local<v8::Value> groups;
  if (summary->Get(context, isolates::v8str(isolate, "groups")).ToLocal(&groups) &&
      groups->IsArray()) {
    auto list = groups.As<v8::Array>();
    for (uint32_t i = 0; i < list->Length(); ++i) {
      v8::Local<v8::Value> entry, name;
      if (!list->Get(context, i).ToLocal(&entry) || !entry->IsObject()) continue;
      auto group = entry.As<v8::Object>();
      if (!group->Get(context, isolates::v8str(isolate, "name")).ToLocal(&name)) continue;
      result.groups.push_back({isolates::toUtf8(isolate, name), number(group, "passed"),
                               number(group, "failed"), number(group, "expectedFailures")});
    }
  }
  v8::Local<v8::Value> failures;
  if (summary->Get(context, isolates::v8str(isolate, "failures")).ToLocal(&failures)) {
    v8::Local<v8::String> json;
    if (v8::JSON::Stringify(context, failures).ToLocal(&json)) {
      result.failures = isolates::stringToUtf8(isolate, json);
      // QUIVER_FULL_FAILURES=1 lists every failure (useful while triaging conformance files).
      if (!std::getenv("QUIVER_FULL_FAILURES") && result.failures.size() > 4000) {
        result.failures.resize(4000);
        result.failures += "…";
      }
    }
  }
  return result;
}

std::vector<std::string> testFiles(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 8 && name.substr(name.size() - 8) == ".test.js") files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string paramName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 8);
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
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

INSTANTIATE_TEST_SUITE_P(Files, JsApiTest, ::testing::ValuesIn(testFiles(jsDir())), paramName);

TEST(JsApiHarnessTest, FindsTestFiles) { EXPECT_GE(testFiles(jsDir()).size(), 3u); }

// The web-platform-tests' vectors: per case pass, expected failure (listed with its reason in
// tests/conformance/expectations.json) or failure; an unexpected pass fails too.
class ConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceTest, MatchesExpectations) {
  if (conformanceDir().empty()) {
    GTEST_SKIP() << "no shared/conformance/wpt next to the source tree; set QUIVER_CONFORMANCE_DIR";
  }
  auto result = runFile(conformanceTestDir() / GetParam());
  ASSERT_TRUE(result.error.empty()) << result.error;
  // One line per WPT data file the test file ran.
  for (const Counts& group : result.groups) {
    std::printf("[ wpt ] %s: %d passed, %d expected failures, %d unexpected\n", group.name.c_str(),
                group.passed, group.expected_failures, group.failed);
  }
  EXPECT_FALSE(result.groups.empty()) << "the file registered no wptTest";
  EXPECT_GT(result.passed, 0);
  EXPECT_EQ(result.failed, 0) << result.failures;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceTest);
INSTANTIATE_TEST_SUITE_P(Wpt, ConformanceTest, ::testing::ValuesIn(testFiles(conformanceTestDir())),
                         paramName);

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
