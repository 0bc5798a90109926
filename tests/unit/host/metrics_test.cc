// Metrics: names, labels and values in the text exposition, and process_* read from /proc.
#include "host/metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace quiver::host {
namespace {

// The value of the sample `series` (name plus label set exactly as exposed), if present.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nullopt;
}

bool hasLine(const std::string& text, const std::string& wanted) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line == wanted) return true;
  }
  return false;
}

TEST(MetricsTest, InvocationCounterHasFunctionAndCodeLabels) {
  Metrics metrics;
  metrics.invocations("x", 200).Increment();
  metrics.invocations("x", 200).Increment();
  metrics.invocations("x", 503).Increment();
  metrics.invocations("y", 200).Increment(5);
  std::string text = metrics.serialize();
  EXPECT_TRUE(hasLine(text, "# TYPE quiver_invocations_total counter")) << text;
  EXPECT_EQ(sample(text, R"(quiver_invocations_total{code="200",function="x"})"), 2.0) << text;
  EXPECT_EQ(sample(text, R"(quiver_invocations_total{code="503",function="x"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_invocations_total{code="200",function="y"})"), 5.0);
  EXPECT_EQ(sample(text, R"(quiver_invocations_total{code="404",function="x"})"), std::nullopt);
}

TEST(MetricsTest, DurationHistogramsHaveBucketsSumAndCount) {
  Metrics metrics;
  metrics.invocationDuration("x").Observe(0.003);
  metrics.invocationDuration("x").Observe(0.2);
  metrics.invocationCpu("x").Observe(0.0004);
  std::string text = metrics.serialize();

  EXPECT_TRUE(hasLine(text, "# TYPE quiver_invocation_duration_seconds histogram")) << text;
  EXPECT_EQ(sample(text, R"(quiver_invocation_duration_seconds_count{function="x"})"), 2.0) << text;
  auto sum = sample(text, R"(quiver_invocation_duration_seconds_sum{function="x"})");
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(*sum, 0.203, 1e-9);
  EXPECT_EQ(sample(text, R"(quiver_invocation_duration_seconds_bucket{function="x",le="0.001"})"),
            0.0);
  EXPECT_EQ(sample(text, R"(quiver_invocation_duration_seconds_bucket{function="x",le="0.005"})"),
            1.0);
  EXPECT_EQ(sample(text, R"(quiver_invocation_duration_seconds_bucket{function="x",le="0.25"})"),
            2.0);
  EXPECT_EQ(sample(text, R"(quiver_invocation_duration_seconds_bucket{function="x",le="+Inf"})"),
            2.0);

  EXPECT_TRUE(hasLine(text, "# TYPE quiver_invocation_cpu_seconds histogram"));
  EXPECT_EQ(sample(text, R"(quiver_invocation_cpu_seconds_count{function="x"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_invocation_cpu_seconds_bucket{function="x",le="0.0005"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_invocation_cpu_seconds_bucket{function="x",le="0.00025"})"),
            0.0);
}

TEST(MetricsTest, ColdStartsLimitsIsolatesAndHttpSeries) {
  Metrics metrics;
  metrics.coldStarts("x").Increment();
  metrics.coldStartDuration().Observe(0.0008);
  metrics.codeCache("hit").Increment(2);
  metrics.codeCache("rejected").Increment();
  metrics.limitExceeded("x", "cpu").Increment();
  metrics.limitExceeded("x", "memory").Increment(2);
  metrics.isolates("warm").Set(3);
  metrics.isolates("idle").Increment();
  metrics.functionsDeployed().Set(7);
  metrics.httpConnections().Increment();
  metrics.httpConnections().Increment();
  metrics.httpConnections().Decrement();
  metrics.httpErrors("bad_request").Increment();
  std::string text = metrics.serialize();

  EXPECT_EQ(sample(text, R"(quiver_cold_starts_total{function="x"})"), 1.0) << text;
  EXPECT_EQ(sample(text, "quiver_cold_start_duration_seconds_count"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_cold_start_duration_seconds_bucket{le="0.001"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_code_cache_total{result="hit"})"), 2.0);
  EXPECT_EQ(sample(text, R"(quiver_code_cache_total{result="rejected"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_limit_exceeded_total{function="x",limit="cpu"})"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_limit_exceeded_total{function="x",limit="memory"})"), 2.0);
  EXPECT_EQ(sample(text, R"(quiver_isolates{state="warm"})"), 3.0);
  EXPECT_EQ(sample(text, R"(quiver_isolates{state="idle"})"), 1.0);
  EXPECT_EQ(sample(text, "quiver_functions_deployed"), 7.0);
  EXPECT_EQ(sample(text, "quiver_http_connections"), 1.0);
  EXPECT_EQ(sample(text, R"(quiver_http_errors_total{code="bad_request"})"), 1.0);
  EXPECT_TRUE(hasLine(text, "# TYPE quiver_isolates gauge"));
  EXPECT_TRUE(hasLine(text, "# TYPE quiver_cold_start_duration_seconds histogram"));
}

TEST(MetricsTest, UnlabelledSeriesExistBeforeFirstUse) {
  Metrics metrics;
  std::string text = metrics.serialize();
  EXPECT_EQ(sample(text, "quiver_functions_deployed"), 0.0) << text;
  EXPECT_EQ(sample(text, "quiver_http_connections"), 0.0);
  EXPECT_EQ(sample(text, "quiver_cold_start_duration_seconds_count"), 0.0);
}

TEST(MetricsTest, SeriesReferencesAreStable) {
  Metrics metrics;
  prometheus::Counter& a = metrics.invocations("x", 200);
  prometheus::Counter& b = metrics.invocations("x", 200);
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &metrics.invocations("x", 201));
}

// A function's cached series are the registry's own: what goes through them is exported, for
// more status codes than the cache keeps too.
TEST(MetricsTest, FunctionSeriesAreTheExportedSeries) {
  Metrics metrics;
  FunctionSeries series(metrics, "fn");
  EXPECT_EQ(&series.invocations(200), &metrics.invocations("fn", 200));
  EXPECT_EQ(&series.duration(), &metrics.invocationDuration("fn"));
  EXPECT_EQ(&series.cpu(), &metrics.invocationCpu("fn"));
  for (int code = 200; code < 220; ++code) {
    for (int i = 0; i < code - 199; ++i) series.invocations(code).Increment();
  }
  series.duration().Observe(0.002);
  series.cpu().Observe(0.001);
  std::string text = metrics.serialize();
  for (int code = 200; code < 220; ++code) {
    auto value = sample(
        text, "quiver_invocations_total{code=\"" + std::to_string(code) + "\",function=\"fn\"}");
    ASSERT_TRUE(value) << code;
    EXPECT_EQ(*value, code - 199) << code;
  }
  EXPECT_EQ(sample(text, "quiver_invocation_duration_seconds_count{function=\"fn\"}"), 1);
  EXPECT_EQ(sample(text, "quiver_invocation_cpu_seconds_count{function=\"fn\"}"), 1);
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto& counter = metrics.invocations("hot", 200);
      for (int i = 0; i < kPerThread; ++i) counter.Increment();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sample(metrics.serialize(), R"(quiver_invocations_total{code="200",function="hot"})"),
            static_cast<double>(kThreads * kPerThread));
}

TEST(MetricsTest, ProcessMetricsComeFromProc) {
  Metrics metrics;
  std::string text = metrics.serialize();

  auto rss = sample(text, "process_resident_memory_bytes");
  ASSERT_TRUE(rss.has_value()) << text;
  EXPECT_GT(*rss, 0.0);
  auto vsize = sample(text, "process_virtual_memory_bytes");
  ASSERT_TRUE(vsize.has_value());
  EXPECT_GE(*vsize, *rss);
  auto cpu = sample(text, "process_cpu_seconds_total");
  ASSERT_TRUE(cpu.has_value());
  EXPECT_GE(*cpu, 0.0);
  EXPECT_TRUE(hasLine(text, "# TYPE process_cpu_seconds_total counter"));

  auto start = sample(text, "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(*start, now + 1);
  EXPECT_GT(*start, now - 24 * 3600);  // this test process started moments ago

  struct rlimit lim {};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(sample(text, "process_max_fds"), static_cast<double>(lim.rlim_cur));
  ASSERT_TRUE(sample(text, "process_open_fds").has_value());
  EXPECT_GT(*sample(text, "process_open_fds"), 0.0);
}

TEST(MetricsTest, OpenFdsTracksDescriptors) {
  Metrics metrics;
  auto before = sample(metrics.serialize(), "process_open_fds");
  ASSERT_TRUE(before.has_value());
  int fds[3];
  for (int& fd : fds) {
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
  }
  auto during = sample(metrics.serialize(), "process_open_fds");
  for (int fd : fds) close(fd);
  auto after = sample(metrics.serialize(), "process_open_fds");
  ASSERT_TRUE(during.has_value() && after.has_value());
  EXPECT_EQ(*during, *before + 3);
  EXPECT_EQ(*after, *before);
}

// process_open_fds is this process's descriptors, as /proc/self/fd lists them, and nothing the
// collector itself has open while it counts.
TEST(MetricsTest, OpenFdsCountsOnlyTheProcessOwnDescriptors) {
  Metrics metrics;
  auto reported = sample(metrics.serialize(), "process_open_fds");
  ASSERT_TRUE(reported.has_value());
  DIR* dir = opendir("/proc/self/fd");
  ASSERT_NE(dir, nullptr);
  double count = 0;
  while (auto* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  closedir(dir);
  EXPECT_EQ(*reported, count - 1);  // minus the directory stream used to count them here
}

}  // namespace
}  // namespace quiver::host
