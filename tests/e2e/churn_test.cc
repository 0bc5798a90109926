// Instance churn: hundreds of instances killed in a row (CPU kills and memory kills) must give
// their memory and file descriptors back. The process's RSS and open fds, from /metrics, are
// sampled after a warm-up batch (allocator pools, code and caches reach their steady size) and
// after the measured batch. scripts/bench reports the same over 1,000 kills.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kMaxRssGrowthBytes = 40.0 * 1024 * 1024;
constexpr double kMaxFdGrowth = 2;

// The value of an unlabelled series in Prometheus text format.
std::optional<double> gauge(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return std::nullopt;
}

std::optional<double> series(const std::string& text, const std::string& exact) {
  return gauge(text, exact);  // `exact` is the name with its labels as quiverd prints them
}

struct Sample {
  double rss = 0;
  double fds = 0;
};

// One keep-alive client connection for the churn, reopened if the server closes it.
class Client {
 public:
  explicit Client(int port) : port_(port) {}
  HttpReply get(const std::string& path) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connection_ || !connection_->connected()) {
        connection_ = std::make_unique<HttpConnection>(port_);
      }
      connection_->send("GET " + path + " HTTP/1.1\r\nhost: h\r\n\r\n");
      auto reply = connection_->read();
      if (reply) {
        if (reply->header("connection") == "close") connection_.reset();
        return *reply;
      }
      connection_.reset();  // closed under us: one retry on a new connection
    }
    return HttpReply{};
  }

 private:
  int port_;
  std::unique_ptr<HttpConnection> connection_;
};

class ChurnTest : public ::testing::Test {
 protected:
  ChurnTest() : daemon_(Quiverd::Options{.shards = 1}), client_(daemon_.publicPort()) {}

  void deploy(const std::string& name, const std::string& code, const json& limits) {
    json body = {{"code", code}, {"limits", limits}};
    auto reply = httpRequest(
        daemon_.controlPort(), "PUT", "/v1/functions/" + name, body.dump(),
        {{"authorization", "Bearer " + daemon_.token()}, {"content-type", "application/json"}});
    ASSERT_EQ(reply.status, 201) << name << ": " << reply.body;
  }

  std::string metrics() { return httpRequest(daemon_.controlPort(), "GET", "/metrics").body; }

  Sample sample() {
    std::string text = metrics();
    return {gauge(text, "process_resident_memory_bytes").value_or(-1),
            gauge(text, "process_open_fds").value_or(-1)};
  }

  // `spins` CPU kills with a bomb (memory kill) after every `spins / bombs` of them.
  void churn(int spins, int bombs) {
    int every = bombs > 0 ? spins / bombs : 0;
    int bombed = 0;
    for (int i = 1; i <= spins; ++i) {
      auto reply = client_.get("/fn/spin");
      ASSERT_EQ(reply.status, 503) << reply.body;
      ASSERT_NE(reply.body.find("\"cpu_limit_exceeded\""), std::string::npos) << reply.body;
      if (every > 0 && i % every == 0 && bombed < bombs) {
        ++bombed;
        auto bomb = client_.get("/fn/bomb");
        ASSERT_EQ(bomb.status, 503) << bomb.body;
        ASSERT_NE(bomb.body.find("\"memory_limit_exceeded\""), std::string::npos) << bomb.body;
      }
    }
    spins_ += spins;
    bombs_ += bombed;
  }

  Quiverd daemon_;
  Client client_;
  int spins_ = 0;
  int bombs_ = 0;
};

TEST_F(ChurnTest, HundredsOfKilledInstancesLeaveRssAndFdsFlat) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "ASan keeps freed memory in quarantine: RSS says nothing about leaks here";
#endif
  deploy("spin", "export default { fetch() { for (;;) {} } };", {{"cpu_ms", 5}});
  deploy("bomb",
         "export default { fetch() { const keep = []; "
         "for (;;) keep.push(new Array(10000).fill(1)); } };",
         {{"memory_mb", 16}, {"cpu_ms", 1000}});
  deploy("neighbour", "export default { fetch() { return new Response('fine'); } };",
         json::object());
  ASSERT_EQ(client_.get("/fn/neighbour").body, "fine");

  churn(60, 10);  // warm-up
  ASSERT_FALSE(HasFatalFailure());
  Sample before = sample();
  ASSERT_GT(before.rss, 0);
  ASSERT_GT(before.fds, 0);

  auto start = Clock::now();
  churn(320, 60);
  ASSERT_FALSE(HasFatalFailure());
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Closed connections and freed pages may take a moment to show: poll until the figures are
  // within bounds or the deadline passes, then judge the last sample.
  Sample after = sample();
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while ((after.rss - before.rss >= kMaxRssGrowthBytes || after.fds > before.fds + kMaxFdGrowth) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
    after = sample();
  }
  std::cout << "churn: " << (spins_ + bombs_) << " kills (" << spins_ << " cpu, " << bombs_
            << " memory), measured batch of 380 in " << seconds << " s; RSS "
            << before.rss / 1048576 << " MB -> " << after.rss / 1048576 << " MB, fds " << before.fds
            << " -> " << after.fds << "\n";
  RecordProperty("rss_before_bytes", std::to_string(before.rss));
  RecordProperty("rss_after_bytes", std::to_string(after.rss));
  EXPECT_LT(after.rss - before.rss, kMaxRssGrowthBytes)
      << "RSS " << before.rss << " -> " << after.rss;
  EXPECT_LE(after.fds, before.fds + kMaxFdGrowth) << "fds " << before.fds << " -> " << after.fds;

  // Every request was one kill of a fresh instance, and the host is fine.
  std::string text = metrics();
  EXPECT_EQ(series(text, "quiver_limit_exceeded_total{function=\"spin\",limit=\"cpu\"}"), spins_);
  EXPECT_EQ(series(text, "quiver_limit_exceeded_total{function=\"bomb\",limit=\"memory\"}"),
            bombs_);
  // Not quiver_cold_starts_total == spins_: with a 5 ms limit, a few instances are killed
  // while starting (HostileTest.TheHostsStartUpWorkIsNotChargedToTheFunctionsCpuLimit); they
  // are created and discarded all the same.
  EXPECT_EQ(series(text, "quiver_isolates{state=\"warm\"}"), 1);  // the neighbour's
  EXPECT_EQ(client_.get("/fn/neighbour").body, "fine");
  EXPECT_EQ(httpRequest(daemon_.controlPort(), "GET", "/healthz").status, 200);
  EXPECT_EQ(daemon_.terminate(), 0);
}

}  // namespace
}  // namespace quiver::testing
