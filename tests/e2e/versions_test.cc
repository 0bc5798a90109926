// Versions and rollback against a real quiverd: `quiver versions`, `quiver rollback [--to N]`,
// the admin API's /versions and /rollback, a request in flight finishing on the version it
// started on, the errors, and a rollback surviving a restart.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/support.h"
#include "tests/e2e/upstream.h"

namespace quiver::testing {
namespace {

using nlohmann::json;

std::string says(const std::string& text) {
  return "export default { fetch() { return new Response('" + text + "'); } };";
}

class VersionsTest : public ::testing::Test {
 protected:
  explicit VersionsTest(Quiverd::Options options = {}) : daemon_(std::move(options)) {}
  HttpReply admin(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return httpRequest(daemon_.controlPort(), method, path, body,
                       {{"authorization", "Bearer " + daemon_.token()}});
  }
  void deploy(const std::string& name, const std::string& code) {
    ASSERT_EQ(admin("PUT", "/v1/functions/" + name, code).status / 100, 2);
  }
  std::string call(const std::string& name) {
    return httpRequest(daemon_.publicPort(), "GET", "/fn/" + name).body;
  }
  Quiverd daemon_;
};

TEST_F(VersionsTest, CliListsVersionsAndRollsBackAndForward) {
  deploy("fn", says("one"));
  deploy("fn", says("two"));
  deploy("fn", says("three"));
  EXPECT_EQ(call("fn"), "three");

  auto listed = daemon_.cli({"versions", "fn"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("VERSION"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("3 (live)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("admin"), std::string::npos) << listed.out;

  auto back = daemon_.cli({"rollback", "fn"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(back.out, "fn is at version 2 (was 3)\n");
  EXPECT_EQ(call("fn"), "two");

  auto to1 = daemon_.cli({"rollback", "fn", "--to", "1", "--json"});
  ASSERT_EQ(to1.exit_code, 0) << to1.err;
  auto reply = json::parse(to1.out);
  EXPECT_EQ(reply["version"], 1);
  EXPECT_EQ(reply["previous_version"], 2);
  EXPECT_EQ(call("fn"), "one");

  auto versions = json::parse(daemon_.cli({"versions", "fn", "--json"}).out);
  EXPECT_EQ(versions["live_version"], 1);
  ASSERT_EQ(versions["versions"].size(), 3u);
  for (const auto& v : versions["versions"]) {
    EXPECT_EQ(v["live"], v["version"] == 1) << v.dump();
    EXPECT_EQ(v["deployed_by"], "admin");
    EXPECT_EQ(v["sha256"].get<std::string>().size(), 64u);
  }

  ASSERT_EQ(daemon_.cli({"rollback", "fn", "--to", "3"}).exit_code, 0);  // forward again
  EXPECT_EQ(call("fn"), "three");
  // A new deploy after rollbacks is version 4 and goes live.
  deploy("fn", says("four"));
  EXPECT_EQ(call("fn"), "four");
  EXPECT_EQ(json::parse(daemon_.cli({"info", "fn", "--json"}).out)["version"], 4);
}

TEST_F(VersionsTest, ErrorsAreClearAndChangeNothing) {
  deploy("solo", says("only"));
  auto none = daemon_.cli({"rollback", "solo"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no version older than the live one"), std::string::npos) << none.err;
  auto missing = daemon_.cli({"rollback", "solo", "--to", "7"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("solo has no version 7"), std::string::npos) << missing.err;
  EXPECT_NE(daemon_.cli({"rollback", "nobody"}).exit_code, 0);
  EXPECT_NE(daemon_.cli({"versions", "nobody"}).exit_code, 0);
  EXPECT_NE(daemon_.cli({"rollback", "solo", "--to", "0"}).exit_code, 0);  // usage error
  EXPECT_EQ(call("solo"), "only");

  EXPECT_EQ(admin("POST", "/v1/functions/solo/rollback", "{\"version\":1").status, 400);
  EXPECT_EQ(admin("POST", "/v1/functions/solo/rollback", "{\"version\":\"1\"}").status, 400);
  EXPECT_EQ(admin("POST", "/v1/functions/solo/rollback", "{\"version\":-2}").status, 400);
  EXPECT_EQ(admin("POST", "/v1/functions/solo/rollback").status, 409);
  EXPECT_EQ(admin("POST", "/v1/functions/solo/rollback", "{\"version\":5}").status, 404);
  EXPECT_EQ(admin("GET", "/v1/functions/solo/rollback").status, 405);
  EXPECT_EQ(admin("DELETE", "/v1/functions/solo/versions").status, 405);
  EXPECT_EQ(admin("GET", "/v1/functions/solo/nonsense").status, 404);
  EXPECT_EQ(httpRequest(daemon_.controlPort(), "POST", "/v1/functions/solo/rollback").status,
            401);
  // The same version again is accepted and changes nothing.
  auto same = admin("POST", "/v1/functions/solo/rollback", "{\"version\":1}");
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(call("solo"), "only");
}

TEST(VersionsRestartTest, ARollbackSurvivesARestart) {
  std::string dir = makeTempDir();
  {
    Quiverd first(Quiverd::Options{.data_dir = dir});
    for (const char* text : {"one", "two"}) {
      ASSERT_EQ(httpRequest(first.controlPort(), "PUT", "/v1/functions/fn", says(text),
                            {{"authorization", "Bearer " + first.token()}})
                        .status /
                    100,
                2);
    }
    ASSERT_EQ(first.cli({"rollback", "fn"}).exit_code, 0);
    EXPECT_EQ(first.terminate(), 0);
  }
  Quiverd second(Quiverd::Options{.data_dir = dir});
  EXPECT_EQ(httpRequest(second.publicPort(), "GET", "/fn/fn").body, "one");
  second.terminate();
  removeTree(dir);
}

// v2 waits on an upstream the test holds; while it waits, the function is rolled back to v1:
// new requests get v1 at once, the one in flight still gets v2's answer.
class VersionsInFlightTest : public VersionsTest {
 protected:
  VersionsInFlightTest()
      : VersionsTest(Quiverd::Options{.shards = 1, .extra_args = {"--allow-egress", "127.0.0.0/8"}}),
        upstream_([this](const Upstream::Request&, Upstream::Reply& reply) {
          std::unique_lock lock(mutex_);
          ++waiting_;
          changed_.notify_all();
          changed_.wait(lock, [this] { return released_; });
          reply.respond(200, "from upstream");
        }) {}
  ~VersionsInFlightTest() override { release(); }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  bool waitForUpstreamRequest() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return waiting_ > 0; });
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool released_ = false;
  Upstream upstream_;
};

TEST_F(VersionsInFlightTest, ARequestInFlightFinishesOnItsVersion) {
  deploy("fn", says("v1"));
  deploy("fn", "export default { async fetch() { const r = await fetch('" + upstream_.url("/") +
                   "'); return new Response('v2 ' + await r.text()); } };");
  HttpConnection slow(daemon_.publicPort());
  slow.send("GET /fn/fn HTTP/1.1\r\nhost: h\r\n\r\n");
  ASSERT_TRUE(waitForUpstreamRequest());

  auto back = daemon_.cli({"rollback", "fn"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(call("fn"), "v1");  // the same shard serves the new version while v2 waits

  release();
  auto reply = slow.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "v2 from upstream");
  EXPECT_EQ(call("fn"), "v1");
}

}  // namespace
}  // namespace quiver::testing
