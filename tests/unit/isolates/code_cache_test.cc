// V8 code caches end to end inside one process: made at deploy (checkModule), consumed by
// compileModule, rejected when they do not fit, refreshed after a function instance's first
// response and handed to the version's CodeCacheSlot.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "isolates/function_instance.h"
#include "isolates/isolate_holder.h"
#include "isolates/module_check.h"
#include "isolates/module_loader.h"
#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

using isolates::CodeCacheUse;

// Some lazily compiled functions, so that a cache made after a run is larger than the first.
constexpr const char* kModule = R"js(
function square(x) { return x * x; }
function describe(n) { return `n=${n} square=${square(n)}`; }
function unused() { return [1, 2, 3].map((x) => x + 1).join(","); }
export default {
  fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n") ?? 3);
    return new Response(describe(n));
  },
};)js";

// What one compile in a fresh isolate made of `cache`, and whether the module then ran.
struct CompileOutcome {
  bool compiled = false;
  bool evaluated = false;
  CodeCacheUse use = CodeCacheUse::kMiss;
};

CompileOutcome compileInFreshIsolate(const std::string& code, const std::string* cache) {
  CompileOutcome out;
  isolates::IsolateHolder holder;
  v8::Isolate* isolate = holder.get();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  auto module = isolates::compileModule(isolate, context, "cc", code, cache, &out.use);
  out.compiled = module.ok();
  if (module.ok()) out.evaluated = isolates::evaluateModule(isolate, context, *module).ok();
  return out;
}

std::string deployCache(const std::string& code) {
  auto cache = isolates::checkModule("cc", code);
  EXPECT_TRUE(cache.ok()) << (cache.ok() ? "" : cache.error().message);
  return cache.ok() ? *cache : std::string();
}

TEST(CodeCacheTest, CheckModuleMakesACacheThatCompileModuleConsumes) {
  std::string cache = deployCache(kModule);
  ASSERT_FALSE(cache.empty());
  auto outcome = compileInFreshIsolate(kModule, &cache);
  EXPECT_TRUE(outcome.compiled);
  EXPECT_TRUE(outcome.evaluated);
  EXPECT_EQ(outcome.use, CodeCacheUse::kHit);
}

TEST(CodeCacheTest, NoCacheIsAMiss) {
  auto outcome = compileInFreshIsolate(kModule, nullptr);
  EXPECT_TRUE(outcome.evaluated);
  EXPECT_EQ(outcome.use, CodeCacheUse::kMiss);
  std::string empty;
  EXPECT_EQ(compileInFreshIsolate(kModule, &empty).use, CodeCacheUse::kMiss);
}

TEST(CodeCacheTest, ACorruptHeaderIsRejectedAndTheModuleStillRuns) {
  // The header carries V8's version and flag hashes: this is what a cache from another libnode
  // looks like to V8.
  std::string cache = deployCache(kModule);
  ASSERT_GE(cache.size(), 16u);
  for (size_t i = 4; i < 12; ++i) cache[i] = static_cast<char>(~cache[i]);
  auto outcome = compileInFreshIsolate(kModule, &cache);
  EXPECT_TRUE(outcome.compiled);
  EXPECT_TRUE(outcome.evaluated);
  EXPECT_EQ(outcome.use, CodeCacheUse::kRejected);
}

TEST(CodeCacheTest, CorruptPayloadGarbageAndTruncationAreRejected) {
  std::string good = deployCache(kModule);
  ASSERT_GE(good.size(), 64u);
  std::string payload = good;
  for (size_t i = payload.size() / 2; i < payload.size() / 2 + 16; ++i) payload[i] ^= 0x5a;
  std::string truncated = good.substr(0, good.size() / 2);
  std::string garbage(good.size(), 'x');
  for (const std::string* bad : {&payload, &truncated, &garbage}) {
    auto outcome = compileInFreshIsolate(kModule, bad);
    EXPECT_TRUE(outcome.evaluated);
    EXPECT_EQ(outcome.use, CodeCacheUse::kRejected);
  }
}

TEST(CodeCacheTest, ACacheOfOtherCodeIsRejected) {
  std::string other = deployCache("export default { fetch() { return new Response('other'); } };");
  auto outcome = compileInFreshIsolate(kModule, &other);
  EXPECT_TRUE(outcome.evaluated);
  EXPECT_EQ(outcome.use, CodeCacheUse::kRejected);
}

TEST(CodeCacheTest, ASyntaxErrorIsReportedWithACacheToo) {
  std::string cache = deployCache(kModule);
  auto outcome = compileInFreshIsolate("export default {", &cache);
  EXPECT_FALSE(outcome.compiled);
}

TEST(CodeCacheSlotTest, KeepsOnlyLargerOffersAndPersistsThem) {
  std::vector<std::string> persisted;
  host::CodeCacheSlot slot(std::make_shared<const std::string>("abcd"),
                           [&](const host::CodeCacheSlot::Bytes& b) { persisted.push_back(*b); });
  EXPECT_FALSE(slot.offer(std::make_shared<const std::string>("ab")));
  EXPECT_FALSE(slot.offer(std::make_shared<const std::string>("wxyz")));
  EXPECT_FALSE(slot.offer(nullptr));
  EXPECT_EQ(*slot.get(), "abcd");
  EXPECT_TRUE(slot.offer(std::make_shared<const std::string>("abcdef")));
  EXPECT_EQ(*slot.get(), "abcdef");
  EXPECT_EQ(persisted, std::vector<std::string>{"abcdef"});
  // A discard of bytes the slot no longer holds changes nothing.
  slot.discard(std::make_shared<const std::string>("abcdef"));
  EXPECT_EQ(*slot.get(), "abcdef");
  slot.discard(slot.get());
  EXPECT_EQ(slot.get(), nullptr);
  EXPECT_TRUE(slot.offer(std::make_shared<const std::string>("a")));
  EXPECT_TRUE(slot.claimRefresh());
  EXPECT_FALSE(slot.claimRefresh());
}

class InstanceCodeCacheTest : public ::testing::Test {
 protected:
  InstanceCodeCacheTest() { uv_loop_init(&loop_); }
  ~InstanceCodeCacheTest() override {
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  // A version whose slot starts with `cache` and records what it persists.
  host::FunctionVersionPtr version(std::string cache) {
    auto v = std::make_shared<host::FunctionVersion>();
    v->name = "cc";
    v->version = 1;
    v->code = kModule;
    v->code_cache = std::make_shared<host::CodeCacheSlot>(
        cache.empty() ? nullptr : std::make_shared<const std::string>(std::move(cache)),
        [this](const host::CodeCacheSlot::Bytes& b) { persisted_.push_back(*b); });
    return v;
  }
  std::unique_ptr<isolates::FunctionInstance> start(const host::FunctionVersionPtr& v) {
    auto created = isolates::FunctionInstance::create(
        v, host::LimitValues{},
        {&loop_, logs_, metrics_, isolates::Watchdog::instance().slotForThisThread()});
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? std::move(*created) : nullptr;
  }
  std::optional<std::string> get(isolates::FunctionInstance& f, int n) {
    isolates::InvokeRequest r;
    r.method = "GET";
    r.url = "http://h/fn/cc?n=" + std::to_string(n);
    r.request_id = "req-" + std::to_string(n);
    std::optional<std::string> body;
    f.invoke(std::move(r), [&](isolates::InvokeResponse response) { body = response.body; });
    return body;
  }
  double count(const char* result) { return metrics_.codeCache(result).Value(); }

  uv_loop_t loop_;
  host::Metrics metrics_;
  CollectingLogSink logs_;
  std::vector<std::string> persisted_;
};

TEST_F(InstanceCodeCacheTest, ConsumesTheDeployCacheThenOffersARicherOneOnce) {
  std::string deployed = deployCache(kModule);
  auto v = version(deployed);
  auto first = start(v);
  ASSERT_TRUE(first);
  EXPECT_EQ(count("hit"), 1);
  EXPECT_TRUE(persisted_.empty());  // not before the first response
  EXPECT_EQ(get(*first, 4), "n=4 square=16");
  ASSERT_EQ(persisted_.size(), 1u);
  EXPECT_GT(persisted_[0].size(), deployed.size());
  EXPECT_EQ(*v->code_cache->get(), persisted_[0]);
  EXPECT_EQ(get(*first, 5), "n=5 square=25");
  first.reset();

  // The next cold start consumes the refreshed cache and offers nothing more.
  auto second = start(v);
  ASSERT_TRUE(second);
  EXPECT_EQ(count("hit"), 2);
  EXPECT_EQ(get(*second, 6), "n=6 square=36");
  EXPECT_EQ(persisted_.size(), 1u);
  EXPECT_EQ(count("miss"), 0);
  EXPECT_EQ(count("rejected"), 0);
}

TEST_F(InstanceCodeCacheTest, ARejectedCacheIsCountedDroppedAndReplaced) {
  std::string cache = deployCache(kModule);
  for (size_t i = 4; i < 12; ++i) cache[i] = static_cast<char>(~cache[i]);
  auto v = version(cache);
  auto first = start(v);
  ASSERT_TRUE(first);
  EXPECT_EQ(count("rejected"), 1);
  EXPECT_EQ(v->code_cache->get(), nullptr);
  EXPECT_EQ(get(*first, 2), "n=2 square=4");
  ASSERT_EQ(persisted_.size(), 1u);
  first.reset();

  auto second = start(v);
  ASSERT_TRUE(second);
  EXPECT_EQ(count("hit"), 1);
  EXPECT_EQ(count("rejected"), 1);
  EXPECT_EQ(get(*second, 3), "n=3 square=9");
}

TEST_F(InstanceCodeCacheTest, AVersionWithoutACacheGetsOneAfterItsFirstResponse) {
  auto v = version("");
  auto first = start(v);
  ASSERT_TRUE(first);
  EXPECT_EQ(count("miss"), 1);
  EXPECT_EQ(get(*first, 1), "n=1 square=1");
  ASSERT_NE(v->code_cache->get(), nullptr);
  first.reset();
  auto second = start(v);
  ASSERT_TRUE(second);
  EXPECT_EQ(count("hit"), 1);
}

}  // namespace
}  // namespace quiver::testing
