// quiverd as a process: persistence across kill -9, graceful SIGTERM, the admin token file,
// 401s, health endpoints and the metrics it exports.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

constexpr const char* kHello = "export default { fetch() { return new Response('hi'); } };";

HttpReply deploy(const Quiverd& d, const std::string& name, const std::string& code) {
  return httpRequest(d.controlPort(), "PUT", "/v1/functions/" + name, code,
                     {{"authorization", "Bearer " + d.token()}});
}

TEST(DaemonTest, AcknowledgedDeploySurvivesKill9) {
  std::string dir = makeTempDir();
  {
    Quiverd first(Quiverd::Options{.data_dir = dir});
    ASSERT_EQ(deploy(first, "survivor", kHello).status, 201);
    first.kill9();
  }
  Quiverd second(Quiverd::Options{.data_dir = dir});
  EXPECT_NE(second.stdoutText().find("1 functions"), std::string::npos) << second.stdoutText();
  auto reply = httpRequest(second.publicPort(), "GET", "/fn/survivor");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "hi");
  second.terminate();
  removeTree(dir);
}

TEST(DaemonTest, SigtermFinishesInFlightRequestsAndExitsZero) {
  Quiverd d(Quiverd::Options{.shards = 1});
  // /wait stays in flight until /release resolves the promise it awaits (one shard, so both
  // requests reach the same instance).
  ASSERT_EQ(deploy(d, "gate", R"js(
let release;
const gate = new Promise((resolve) => { release = resolve; });
export default {
  async fetch(request) {
    if (request.url.endsWith("/release")) { release("released"); return new Response("ok"); }
    console.log("waiting");
    return new Response(await gate);
  },
};)js")
                .status,
            201);
  HttpConnection c(d.publicPort());
  c.send("GET /fn/gate/wait HTTP/1.1\r\nhost: h\r\n\r\n");
  ASSERT_TRUE(d.waitForLog("waiting", std::chrono::seconds(10)));
  int exit_code = -2;
  std::thread stopper([&] { exit_code = d.terminate(); });
  ASSERT_TRUE(d.waitForLog("draining", std::chrono::seconds(10)));
  // The log line comes from the main thread before the shard drains: the shard has drained once
  // its listener is closed (new connections are refused). The in-flight one still gets its answer.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (HttpConnection(d.publicPort()).connected() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_FALSE(HttpConnection(d.publicPort()).connected());
  c.send("GET /fn/gate/release HTTP/1.1\r\nhost: h\r\n\r\n");
  auto waited = c.read();
  auto released = c.read();
  stopper.join();
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->status, 200);
  EXPECT_EQ(waited->body, "released");
  ASSERT_TRUE(released);
  EXPECT_EQ(released->header("connection"), "close");
  EXPECT_EQ(exit_code, 0);
}

TEST(DaemonTest, TokenFileIsCreatedOnceWithMode0600) {
  std::string dir = makeTempDir();
  std::string token;
  {
    Quiverd d(Quiverd::Options{.data_dir = dir, .set_token_env = false});
    EXPECT_NE(d.stdoutText().find("admin token created in " + dir + "/admin.token"),
              std::string::npos)
        << d.stdoutText();
    struct stat st {};
    ASSERT_EQ(stat((dir + "/admin.token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    token = d.token();
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(deploy(d, "a", kHello).status, 201);
    EXPECT_EQ(d.terminate(), 0);
  }
  Quiverd again(Quiverd::Options{.data_dir = dir, .set_token_env = false});
  EXPECT_EQ(again.stdoutText().find("admin token created"), std::string::npos);
  EXPECT_EQ(again.token(), token);
  EXPECT_EQ(deploy(again, "b", kHello).status, 201);
  again.terminate();
  removeTree(dir);
}

TEST(DaemonTest, AdminApiNeedsTheToken) {
  Quiverd d;
  EXPECT_EQ(httpRequest(d.controlPort(), "GET", "/v1/functions").status, 401);
  auto wrong =
      httpRequest(d.controlPort(), "GET", "/v1/functions", "", {{"authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"]["code"], "unauthorized");
  auto deploy_without = httpRequest(d.controlPort(), "PUT", "/v1/functions/x", kHello);
  EXPECT_EQ(deploy_without.status, 401);
  EXPECT_EQ(httpRequest(d.publicPort(), "GET", "/fn/x").status, 404);
}

TEST(DaemonTest, AdminApiValidatesInput) {
  Quiverd d;
  auto auth =
      std::vector<std::pair<std::string, std::string>>{{"authorization", "Bearer " + d.token()}};
  auto bad_json = httpRequest(d.controlPort(), "PUT", "/v1/functions/j", "{nope",
                              {auth[0], {"content-type", "application/json"}});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad_json.body)["error"]["code"], "bad_json");
  auto no_code = httpRequest(d.controlPort(), "PUT", "/v1/functions/j", R"({"env":{}})",
                             {auth[0], {"content-type", "application/json"}});
  EXPECT_EQ(no_code.status, 400);
  auto json_deploy = httpRequest(
      d.controlPort(), "PUT", "/v1/functions/j",
      R"({"code":"export default { fetch(r, env) { return new Response(env.A) } }","env":{"A":"b"}})",
      {auth[0], {"content-type", "application/json"}});
  EXPECT_EQ(json_deploy.status, 201);
  EXPECT_EQ(httpRequest(d.publicPort(), "GET", "/fn/j").body, "b");
  auto bad_name = httpRequest(d.controlPort(), "PUT", "/v1/functions/UPPER", kHello, auth);
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad_name.body)["error"]["code"], "invalid_name");
  auto too_long =
      httpRequest(d.controlPort(), "PUT", "/v1/functions/" + std::string(64, 'a'), kHello, auth);
  EXPECT_EQ(too_long.status, 400);
  auto import = httpRequest(d.controlPort(), "PUT", "/v1/functions/imp",
                            "import x from './x.js'; export default { fetch() {} };", auth);
  EXPECT_EQ(import.status, 400);
  EXPECT_EQ(httpRequest(d.controlPort(), "POST", "/v1/functions/j", "", auth).status, 405);
}

TEST(DaemonTest, CodeSizeLimitIs413) {
  Quiverd d(Quiverd::Options{.extra_args = {"--max-code-bytes", "1000"}});
  std::string code =
      "export default { fetch() { return new Response('" + std::string(2000, 'a') + "'); } };";
  auto reply = httpRequest(d.controlPort(), "PUT", "/v1/functions/big", code,
                           {{"authorization", "Bearer " + d.token()}});
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["code"], "code_too_large");
}

TEST(DaemonTest, RefusesAPortAnotherDaemonListensOn) {
  Quiverd first;
  auto second = runProgram(
      {std::string(QUIVER_BINARY_DIR) + "/quiverd/quiverd", "--data-dir",
       first.dataDir() + "/other", "--listen", "127.0.0.1:" + std::to_string(first.publicPort()),
       "--control-listen", "127.0.0.1:0"},
      {{"QUIVER_ADMIN_TOKEN", "x"}}, std::chrono::seconds(20));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("Address already in use"), std::string::npos) << second.err;
}

TEST(DaemonTest, HealthAndReadiness) {
  Quiverd d;
  EXPECT_EQ(httpRequest(d.controlPort(), "GET", "/healthz").status, 200);
  EXPECT_EQ(httpRequest(d.controlPort(), "GET", "/readyz").status, 200);
  EXPECT_EQ(httpRequest(d.publicPort(), "GET", "/healthz").status, 404);
}

TEST(DaemonTest, MetricsDescribeInvocationsColdStartsAndTheProcess) {
  Quiverd d;
  ASSERT_EQ(deploy(d, "m",
                   "export default { fetch(r) { if (r.url.endsWith('/boom')) throw new "
                   "Error('boom'); return new Response('ok'); } };")
                .status,
            201);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(httpRequest(d.publicPort(), "GET", "/fn/m").status, 200);
  EXPECT_EQ(httpRequest(d.publicPort(), "GET", "/fn/m/boom").status, 500);
  auto metrics = httpRequest(d.controlPort(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  const std::string& m = metrics.body;
  EXPECT_NE(m.find("quiver_invocations_total{code=\"200\",function=\"m\"} 3"), std::string::npos)
      << m;
  EXPECT_NE(m.find("quiver_invocations_total{code=\"500\",function=\"m\"} 1"), std::string::npos);
  EXPECT_NE(m.find("quiver_invocation_duration_seconds_count{function=\"m\"} 4"),
            std::string::npos);
  EXPECT_NE(m.find("quiver_cold_starts_total{function=\"m\"}"), std::string::npos);
  // One CPU sample per request that reached the function.
  EXPECT_NE(m.find("quiver_invocation_cpu_seconds_count{function=\"m\"} 4"), std::string::npos)
      << m;
  EXPECT_NE(m.find("quiver_isolates{state=\"warm\"}"), std::string::npos);
  EXPECT_NE(m.find("quiver_functions_deployed 1"), std::string::npos);
  EXPECT_NE(m.find("quiver_http_connections "), std::string::npos);
  EXPECT_NE(m.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(m.find("process_cpu_seconds_total "), std::string::npos);
  EXPECT_NE(m.find("process_open_fds "), std::string::npos);
}

}  // namespace
}  // namespace quiver::testing
