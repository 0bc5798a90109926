// The runtime's startup snapshot and the pool of isolates made from it: real isolates, real
// modules, a real libuv loop.
#include "isolates/runtime/snapshot.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "isolates/function_instance.h"
#include "isolates/isolate_pool.h"
#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

[[maybe_unused]] auto* const g_v8 = ::testing::AddGlobalTestEnvironment(new V8Environment);

host::FunctionVersionPtr version(const std::string& code) {
  auto v = std::make_shared<host::FunctionVersion>();
  v->name = "snap";
  v->version = 1;
  v->code = code;
  return v;
}

isolates::InvokeRequest request(std::string url) {
  isolates::InvokeRequest r;
  r.method = "GET";
  r.url = std::move(url);
  r.request_id = "req-1";
  return r;
}

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() { uv_loop_init(&loop_); }
  ~SnapshotTest() override {
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  std::unique_ptr<isolates::FunctionInstance> make(
      const std::string& code, std::unique_ptr<isolates::PreparedIsolate> prepared = nullptr,
      host::LimitValues limits = {}) {
    auto created = isolates::FunctionInstance::create(
        version(code), limits,
        {&loop_, logs_, metrics_, isolates::Watchdog::instance().slotForThisThread()}, "start",
        std::move(prepared));
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? std::move(*created) : nullptr;
  }
  std::optional<isolates::InvokeResponse> call(isolates::FunctionInstance& f, std::string url) {
    std::optional<isolates::InvokeResponse> out;
    f.invoke(request(std::move(url)), [&](isolates::InvokeResponse r) { out = std::move(r); });
    return out;
  }
  uv_loop_t loop_;
  host::Metrics metrics_;
  CollectingLogSink logs_;
};

constexpr const char* kProbe = R"js(
export default {
  fetch() {
    return Response.json({
      random: Math.random(),
      originAge: Date.now() - performance.timeOrigin,
      now: performance.now(),
      apis: [typeof ReadableStream, typeof crypto.subtle.digest, typeof URLPattern,
             typeof CompressionStream, typeof fetch, typeof structuredClone],
      shared: (() => { try { new Blob([new Uint8Array(new SharedArrayBuffer(1))]); return "accepted"; }
                       catch (e) { return e.name; } })(),
    });
  },
};)js";

TEST_F(SnapshotTest, TheBuildLinksAValidSnapshot) {
  // The test binary links quiver_runtime_snapshot, as quiverd does; a missing or rejected blob
  // would silently make every cold start slow, so it is checked here.
  if (std::getenv("QUIVER_NO_SNAPSHOT")) GTEST_SKIP() << "QUIVER_NO_SNAPSHOT is set";
  ASSERT_NE(isolates::runtimeSnapshot(), nullptr);
  EXPECT_GT(isolates::runtimeSnapshot()->raw_size, 100000);
}

TEST_F(SnapshotTest, ContextsFromTheSnapshotAreFreshAndComplete) {
  auto a = make(kProbe);
  auto b = make(kProbe);
  ASSERT_TRUE(a && b);
  auto ra = call(*a, "http://h/");
  auto rb = call(*b, "http://h/");
  ASSERT_TRUE(ra && rb);
  ASSERT_EQ(ra->status, 200) << ra->body;
  // Each context gets its own random state and its own clock (not the build's).
  EXPECT_NE(ra->body.substr(0, ra->body.find(',')), rb->body.substr(0, rb->body.find(',')));
  auto number = [](const std::string& body, const std::string& key) {
    auto at = body.find("\"" + key + "\":");
    return std::stod(body.substr(at + key.size() + 3));
  };
  EXPECT_GE(number(ra->body, "originAge"), 0);
  EXPECT_LT(number(ra->body, "originAge"), 60'000);
  EXPECT_GE(number(ra->body, "now"), 0);
  EXPECT_LT(number(ra->body, "now"), 60'000);
  EXPECT_NE(ra->body.find(
                R"("apis":["function","function","function","function","function","function"])"),
            std::string::npos)
      << ra->body;
  // V8 adds SharedArrayBuffer after deserializing; the runtime still tells it apart.
  EXPECT_NE(ra->body.find(R"("shared":"TypeError")"), std::string::npos) << ra->body;
}

TEST_F(SnapshotTest, ThePoolFillsOnTheLoopAndRefillsAfterATake) {
  // The pool's timer does not keep a loop alive (in quiverd the listeners do): this one does.
  auto* alive = new uv_idle_t;
  uv_idle_init(&loop_, alive);
  uv_idle_start(alive, [](uv_idle_t*) {});
  isolates::IsolatePool pool(&loop_, 2, 128);
  EXPECT_EQ(pool.ready(), 0u);  // nothing on the constructor's caller's time
  uv_run(&loop_, UV_RUN_NOWAIT);
  uv_run(&loop_, UV_RUN_NOWAIT);
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(pool.ready(), 2u);
  EXPECT_EQ(pool.take(64), nullptr);  // another memory limit: not from this pool
  auto taken = pool.take(128);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(pool.ready(), 1u);
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(pool.ready(), 2u);
  auto f = make(kProbe, std::move(taken));
  ASSERT_TRUE(f);
  auto r = call(*f, "http://h/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  uv_close(reinterpret_cast<uv_handle_t*>(alive),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
}

TEST_F(SnapshotTest, APooledIsolateKeepsTheFunctionsLimits) {
  host::LimitValues limits;
  limits.memory_mb = 32;
  limits.cpu_ms = 10'000;
  auto bomb = make(R"js(
export default {
  fetch(request) {
    if (request.url.endsWith("/spin")) for (;;) {}
    const keep = [];
    for (;;) keep.push(new Array(100000).fill(1.5));
  },
};)js",
                   std::move(*isolates::PreparedIsolate::make(32)), limits);
  ASSERT_TRUE(bomb);
  auto r = call(*bomb, "http://h/bomb");
  for (int i = 0; i < 100 && !r; ++i) uv_run(&loop_, UV_RUN_ONCE);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->error_code, "memory_limit_exceeded");
  EXPECT_TRUE(bomb->dead());

  limits.cpu_ms = 50;
  auto spin = make(R"js(export default { fetch() { for (;;) {} } };)js",
                   std::move(*isolates::PreparedIsolate::make(32)), limits);
  ASSERT_TRUE(spin);
  auto s = call(*spin, "http://h/spin");
  for (int i = 0; i < 100 && !s; ++i) uv_run(&loop_, UV_RUN_ONCE);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 503);
  EXPECT_EQ(s->error_code, "cpu_limit_exceeded");
}

TEST_F(SnapshotTest, APreparedIsolateOfAnotherLimitIsNotUsed) {
  // A function with a 16 MB limit handed a 128 MB isolate makes its own: a 64 MB allocation
  // is still a memory kill.
  host::LimitValues limits;
  limits.memory_mb = 16;
  auto f = make(R"js(
export default { fetch() { const a = []; for (let i = 0; i < 64; i++) a.push(new Array(131072).fill(0.5)); return new Response(String(a.length)); } };)js",
                std::move(*isolates::PreparedIsolate::make(128)), limits);
  ASSERT_TRUE(f);
  auto r = call(*f, "http://h/");
  for (int i = 0; i < 100 && !r; ++i) uv_run(&loop_, UV_RUN_ONCE);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->error_code, "memory_limit_exceeded");
}

}  // namespace
}  // namespace quiver::testing
