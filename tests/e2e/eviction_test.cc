// Instances coming and going through a real quiverd. Idle eviction: warm instances unused for
// --instance-idle-ms are disposed (the next request cold-starts), instances with work in flight
// are not, and --warm-memory-mb disposes the least recently used idle ones. Cold starts: from the
// shard's pool of prepared isolates (--isolate-pool), without it, and without the startup
// snapshot (QUIVER_NO_SNAPSHOT, the path a quiverd takes when its snapshot was made by another
// V8). Read from /metrics, polled with deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using std::chrono::seconds;

class EvictionTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    daemon_ = std::make_unique<Quiverd>(
        Quiverd::Options{.shards = 1, .extra_args = args, .env = std::move(env)});
  }
  void deploy(const std::string& name, const std::string& code) {
    ASSERT_EQ(httpRequest(daemon_->controlPort(), "PUT", "/v1/functions/" + name, code,
                          {{"authorization", "Bearer " + daemon_->token()}})
                  .status,
              201);
  }
  // The value of one series of /metrics (0 when absent).
  double metric(const std::string& series) {
    std::istringstream text(httpRequest(daemon_->controlPort(), "GET", "/metrics").body);
    std::string line;
    while (std::getline(text, line)) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return 0;
  }
  bool waitForMetric(const std::string& series, double at_least) {
    auto deadline = std::chrono::steady_clock::now() + seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (metric(series) >= at_least) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the polling interval
    }
    return metric(series) >= at_least;
  }
  std::unique_ptr<Quiverd> daemon_;
};

constexpr const char* kHello = "export default { fetch() { return new Response('hi'); } };";

TEST_F(EvictionTest, AnIdleInstanceIsDisposedAndTheNextRequestColdStarts) {
  start({"--instance-idle-ms", "100"});
  deploy("idle", kHello);
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/idle").body, "hi");
  EXPECT_EQ(metric("quiver_cold_starts_total{function=\"idle\"}"), 1);
  ASSERT_TRUE(waitForMetric("quiver_instance_evictions_total{reason=\"idle\"}", 1));
  EXPECT_EQ(metric("quiver_isolates{state=\"warm\"}"), 0);
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/idle").body, "hi");
  EXPECT_EQ(metric("quiver_cold_starts_total{function=\"idle\"}"), 2);
}

TEST_F(EvictionTest, WorkInFlightKeepsTheInstance) {
  start({"--instance-idle-ms", "50"});
  // Responds at once, then works for a while in waitUntil: the instance must live through it.
  deploy("busy", R"js(
export default {
  fetch(request, env, ctx) {
    ctx.waitUntil(new Promise((resolve) => setTimeout(() => {
      console.log("background work finished");
      resolve();
    }, 600)));
    return new Response("answered");
  },
};)js");
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/busy").body, "answered");
  EXPECT_TRUE(daemon_->waitForLog("background work finished", seconds(10))) << daemon_->logs();
  ASSERT_TRUE(waitForMetric("quiver_instance_evictions_total{reason=\"idle\"}", 1));
}

TEST_F(EvictionTest, TheMemoryBudgetDisposesTheLeastRecentlyUsed) {
  start({"--warm-memory-mb", "1"});  // less than one instance's heap: only the newest stays
  deploy("first", kHello);
  deploy("second", kHello);
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/first").body, "hi");
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/second").body, "hi");
  ASSERT_TRUE(waitForMetric("quiver_instance_evictions_total{reason=\"memory\"}", 1));
  EXPECT_EQ(metric("quiver_instance_evictions_total{reason=\"idle\"}"), 0);
}

TEST_F(EvictionTest, AZeroIdleTimeIsRefused) {
  auto result = runProgram({QUIVER_BINARY_DIR "/quiverd/quiverd", "--instance-idle-ms", "0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--instance-idle-ms must be at least 1"), std::string::npos)
      << result.err;
}

// A function that uses a little of everything the runtime installs.
constexpr const char* kWide = R"js(
export default {
  async fetch(request) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("x"));
    const stream = new Blob(["ab", "cd"]).stream().pipeThrough(new CompressionStream("gzip"));
    const packed = await new Response(stream).arrayBuffer();
    const url = new URL(request.url);
    return Response.json({ digest: digest.byteLength, packed: packed.byteLength > 10,
                           path: url.pathname, age: Date.now() - performance.timeOrigin < 60000 });
  },
};)js";
constexpr const char* kWideAnswer = R"({"digest":32,"packed":true,"path":"/fn/NAME","age":true})";

std::string wideAnswer(const std::string& name) {
  std::string answer = kWideAnswer;
  return answer.replace(answer.find("NAME"), 4, name);
}

TEST_F(EvictionTest, ColdStartsTakePooledIsolatesAndThePoolRefills) {
  start({"--isolate-pool", "3"});
  ASSERT_TRUE(waitForMetric("quiver_isolates{state=\"pooled\"}", 3));
  for (int i = 0; i < 8; ++i) {  // more cold starts than the pool holds
    std::string name = "wide-" + std::to_string(i);
    deploy(name, kWide);
    EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/" + name).body, wideAnswer(name));
  }
  EXPECT_EQ(metric("quiver_isolates{state=\"warm\"}"), 8);
  ASSERT_TRUE(waitForMetric("quiver_isolates{state=\"pooled\"}", 3));
  EXPECT_EQ(metric("quiver_isolates{state=\"pooled\"}"), 3);
}

TEST_F(EvictionTest, WithoutAPoolOrASnapshotColdStartsStillServe) {
  start({"--isolate-pool", "0"}, {{"QUIVER_NO_SNAPSHOT", "1"}});
  EXPECT_NE(daemon_->logs().find("startup snapshot is not used"), std::string::npos)
      << daemon_->logs();
  deploy("wide", kWide);
  EXPECT_EQ(httpRequest(daemon_->publicPort(), "GET", "/fn/wide").body, wideAnswer("wide"));
  EXPECT_EQ(metric("quiver_isolates{state=\"pooled\"}"), 0);
}

}  // namespace
}  // namespace quiver::testing
