// The quiver CLI against a real quiverd: deploy -> invoke -> list -> info -> rm, syntax errors,
// env, --json, and the one-line errors for a wrong token or an unreachable host.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& code) {
    std::string path = daemon_.dataDir() + "/" + name;
    writeFile(path, code);
    return path;
  }
  Quiverd daemon_;
};

constexpr const char* kHello = R"js(
export default {
  fetch(request, env) {
    return new Response(`hello ${env.WHO ?? "world"} ${request.method}`, {
      headers: { "x-fn": "hello" },
    });
  },
};
)js";

TEST_F(CliTest, DeployInvokeListInfoRemove) {
  auto deployed = daemon_.cli({"deploy", file("hello.js", kHello), "--name", "hello"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  EXPECT_NE(deployed.out.find("deployed hello version 1"), std::string::npos) << deployed.out;

  auto invoked = daemon_.cli({"invoke", "hello"});
  EXPECT_EQ(invoked.exit_code, 0) << invoked.err;
  EXPECT_EQ(invoked.out, "hello world GET");

  auto over_http = httpRequest(daemon_.publicPort(), "POST", "/fn/hello", "x");
  EXPECT_EQ(over_http.status, 200);
  EXPECT_EQ(over_http.body, "hello world POST");
  EXPECT_EQ(over_http.header("x-fn"), "hello");
  EXPECT_EQ(over_http.header("content-type"), "text/plain;charset=UTF-8");

  auto listed = daemon_.cli({"list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto list = nlohmann::json::parse(listed.out);
  ASSERT_EQ(list["functions"].size(), 1u);
  EXPECT_EQ(list["functions"][0]["name"], "hello");
  EXPECT_EQ(list["functions"][0]["version"], 1);
  EXPECT_NE(daemon_.cli({"list"}).out.find("hello"), std::string::npos);

  ASSERT_EQ(
      daemon_.cli({"deploy", file("hello.js", kHello), "--name", "hello", "--env", "WHO=quiver"})
          .exit_code,
      0);
  EXPECT_EQ(daemon_.cli({"invoke", "hello", "--method", "PUT"}).out, "hello quiver PUT");
  auto info = nlohmann::json::parse(daemon_.cli({"info", "hello", "--json"}).out);
  EXPECT_EQ(info["version"], 2);
  EXPECT_EQ(info["versions"].size(), 2u);
  EXPECT_EQ(info["env_keys"], nlohmann::json::array({"WHO"}));
  EXPECT_EQ(info["sha256"].get<std::string>().size(), 64u);

  auto removed = daemon_.cli({"rm", "hello"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/hello").status, 404);
  EXPECT_NE(daemon_.cli({"rm", "hello"}).exit_code, 0);
  EXPECT_NE(daemon_.cli({"info", "hello"}).exit_code, 0);
}

TEST_F(CliTest, StatusShowsTheHostAtAGlance) {
  ASSERT_EQ(daemon_.cli({"deploy", file("hello.js", kHello), "--name", "hello"}).exit_code, 0);
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/hello").status, 200);
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/nope").status, 404);
  auto json = daemon_.cli({"status", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto status = nlohmann::json::parse(json.out);
  EXPECT_EQ(status["version"], QUIVER_VERSION);
  EXPECT_EQ(status["shards"], 2);
  EXPECT_EQ(status["functions"], 1);
  EXPECT_EQ(status["draining"], false);
  EXPECT_EQ(status["isolates"]["warm"], 1);
  EXPECT_EQ(status["invocations"]["total"], 1);  // the 404 never reached a function
  EXPECT_EQ(status["invocations"]["2xx"], 1);
  EXPECT_EQ(status["cold_starts"], 1);
  EXPECT_GT(status["resident_memory_bytes"].get<int64_t>(), 1 << 20);
  EXPECT_GE(status["uptime_seconds"].get<int64_t>(), 0);
  auto text = daemon_.cli({"status"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* field : {"version", "uptime", "shards", "functions", "warm isolates",
                            "invocations", "cold starts", "memory"}) {
    EXPECT_NE(text.out.find(field), std::string::npos) << field << "\n" << text.out;
  }
  EXPECT_NE(text.out.find("(2xx 1, 4xx 0, 5xx 0)"), std::string::npos) << text.out;
  EXPECT_EQ(httpRequest(daemon_.controlPort(), "GET", "/v1/status").status, 401);
}

TEST_F(CliTest, InvokeSendsPathHeadersAndDataAndFailsOnErrorStatus) {
  ASSERT_EQ(daemon_
                .cli({"deploy", file("echo.js", R"js(
export default {
  async fetch(request) {
    const status = Number(request.headers.get("x-status") ?? 200);
    return new Response(`${request.url} ${await request.text()}`, { status });
  },
};)js"),
                      "--name", "echo"})
                .exit_code,
            0);
  auto ok = daemon_.cli({"invoke", "echo", "--path", "/a/b?c=d", "--data", "payload"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("/fn/echo/a/b?c=d payload"), std::string::npos) << ok.out;
  auto failed = daemon_.cli({"invoke", "echo", "-H", "x-status: 418"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.out.find("/fn/echo"), std::string::npos);
}

TEST_F(CliTest, SyntaxErrorIsRefusedWithLineAndColumnAndNothingIsStored) {
  auto result = daemon_.cli(
      {"deploy", file("bad.js", "export default {\n  fetch() {\n    return 1 +;\n  }\n};\n"),
       "--name", "bad"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("SyntaxError"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("line 3"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("column"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << "one line: " << result.err;
  auto list = nlohmann::json::parse(daemon_.cli({"list", "--json"}).out);
  EXPECT_TRUE(list["functions"].empty());
}

TEST_F(CliTest, WrongTokenIsAOneLineError) {
  auto result = runProgram({std::string(QUIVER_BINARY_DIR) + "/cli/quiver", "list"},
                           {{"QUIVER_URL", daemon_.controlUrl()}, {"QUIVER_TOKEN", "wrong"}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("unauthorized"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST_F(CliTest, UnreachableHostIsAOneLineError) {
  auto result = runProgram(
      {std::string(QUIVER_BINARY_DIR) + "/cli/quiver", "list", "--url", "http://127.0.0.1:1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot reach quiverd"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST_F(CliTest, EveryVerbHasHelp) {
  for (const char* verb : {"deploy", "list", "info", "invoke", "rm"}) {
    auto result = runProgram({std::string(QUIVER_BINARY_DIR) + "/cli/quiver", verb, "--help"});
    EXPECT_EQ(result.exit_code, 0) << verb;
    EXPECT_NE(result.out.find("--json"), std::string::npos) << verb;
  }
}

TEST_F(CliTest, InvalidNameIsRefused) {
  auto result = daemon_.cli({"deploy", file("x.js", kHello), "--name", "Bad_Name"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("invalid_name"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace quiver::testing
