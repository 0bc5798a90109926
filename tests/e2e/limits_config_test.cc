// Per-function limits as configuration: the CLI's deploy flags, the admin API's "limits" and
// "allow_eval" (validation, host maximums, effective values in info), quiverd's default and
// maximum flags, and persistence across a restart. Enforcement is tested elsewhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using nlohmann::json;

constexpr const char* kHello = "export default { fetch() { return new Response('hi'); } };";

json limits(uint32_t cpu_ms, uint32_t memory_mb, uint32_t timeout_s, uint32_t max_concurrency) {
  return {{"cpu_ms", cpu_ms},
          {"memory_mb", memory_mb},
          {"timeout_s", timeout_s},
          {"max_concurrency", max_concurrency}};
}

const json kHostDefaults = limits(1000, 128, 30, 1000);

std::string quiverdPath() { return std::string(QUIVER_BINARY_DIR) + "/quiverd/quiverd"; }

// A JSON deploy over raw HTTP, for what the CLI cannot send (bad types, unknown keys).
HttpReply deployJson(const Quiverd& d, const std::string& name, const json& extra) {
  json body = extra;
  body["code"] = kHello;
  return httpRequest(
      d.controlPort(), "PUT", "/v1/functions/" + name, body.dump(),
      {{"authorization", "Bearer " + d.token()}, {"content-type", "application/json"}});
}

json errorOf(const HttpReply& reply) {
  json body = json::parse(reply.body, nullptr, false);
  return body.is_object() && body.contains("error") ? body["error"] : json();
}

json infoJson(const Quiverd& d, const std::string& name) {
  auto result = d.cli({"info", name, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

bool nothingDeployed(const Quiverd& d) {
  auto result = d.cli({"list", "--json"});
  return result.exit_code == 0 && json::parse(result.out)["functions"].empty();
}

class LimitsConfigTest : public ::testing::Test {
 protected:
  std::string file() {
    std::string path = daemon_.dataDir() + "/fn.js";
    writeFile(path, kHello);
    return path;
  }
  Quiverd daemon_;
};

TEST_F(LimitsConfigTest, EachCliFlagShowsInInfoAndTheRestKeepTheDefaults) {
  struct Case {
    const char* flag;
    const char* key;
  };
  for (const Case& c :
       {Case{"--cpu-ms", "cpu_ms"}, Case{"--memory-mb", "memory_mb"},
        Case{"--timeout", "timeout_s"}, Case{"--max-concurrency", "max_concurrency"}}) {
    std::string name = std::string("fn-") + c.key;
    std::replace(name.begin(), name.end(), '_', '-');
    auto deployed = daemon_.cli({"deploy", file(), "--name", name, c.flag, "7"});
    ASSERT_EQ(deployed.exit_code, 0) << c.flag << ": " << deployed.err;
    json expected = kHostDefaults;
    expected[c.key] = 7;
    json info = infoJson(daemon_, name);
    EXPECT_EQ(info["limits"], expected) << c.flag;
    EXPECT_EQ(info["allow_eval"], false) << c.flag;
  }
}

TEST_F(LimitsConfigTest, AllFlagsTogetherAreStoredEchoedAndPrinted) {
  auto deployed = daemon_.cli({"deploy", file(), "--name", "all", "--cpu-ms", "250", "--memory-mb",
                               "64", "--timeout", "5", "--max-concurrency", "9", "--allow-eval",
                               "--env", "K=v", "--json"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  json reply = json::parse(deployed.out);
  EXPECT_EQ(reply["limits"], limits(250, 64, 5, 9));
  EXPECT_EQ(reply["allow_eval"], true);

  json info = infoJson(daemon_, "all");
  EXPECT_EQ(info["limits"], limits(250, 64, 5, 9));
  EXPECT_EQ(info["allow_eval"], true);
  EXPECT_EQ(info["env_keys"], json::array({"K"}));

  auto human = daemon_.cli({"info", "all"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  for (const char* line : {"cpu:", "250 ms", "memory:", "64 MB", "timeout:", "5 s",
                           "max concurrency:", "eval:", "allowed"}) {
    EXPECT_NE(human.out.find(line), std::string::npos) << line << " in\n" << human.out;
  }
}

TEST_F(LimitsConfigTest, AVersionThatSetsNothingShowsTheHostDefaults) {
  ASSERT_EQ(daemon_.cli({"deploy", file(), "--name", "plain"}).exit_code, 0);
  json info = infoJson(daemon_, "plain");
  EXPECT_EQ(info["limits"], kHostDefaults);
  EXPECT_EQ(info["allow_eval"], false);

  auto human = daemon_.cli({"info", "plain"});
  for (const char* line : {"1000 ms", "128 MB", "30 s", "refused"}) {
    EXPECT_NE(human.out.find(line), std::string::npos) << line << " in\n" << human.out;
  }
  // A new version without limits goes back to the defaults, even after one that set them.
  ASSERT_EQ(daemon_.cli({"deploy", file(), "--name", "plain", "--cpu-ms", "5"}).exit_code, 0);
  ASSERT_EQ(daemon_.cli({"deploy", file(), "--name", "plain"}).exit_code, 0);
  EXPECT_EQ(infoJson(daemon_, "plain")["limits"], kHostDefaults);
}

TEST_F(LimitsConfigTest, AValueAboveTheHostMaximumIsRefusedAndNothingIsStored) {
  auto reply = deployJson(daemon_, "greedy", {{"limits", {{"cpu_ms", 60000}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(errorOf(reply)["code"], "limit_too_high");
  EXPECT_EQ(errorOf(reply)["message"], "limits.cpu_ms 60000 is above the host maximum 30000");

  // Too big for 32 bits is still "too high", with the value as sent.
  auto huge = deployJson(daemon_, "greedy", {{"limits", {{"memory_mb", 10000000000ull}}}});
  EXPECT_EQ(errorOf(huge)["code"], "limit_too_high");
  EXPECT_NE(errorOf(huge)["message"].get<std::string>().find("10000000000"), std::string::npos);

  auto cli = daemon_.cli({"deploy", file(), "--name", "greedy", "--timeout", "901"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("limits.timeout_s 901 is above the host maximum 900"), std::string::npos)
      << cli.err;
  EXPECT_NE(cli.err.find("limit_too_high"), std::string::npos) << cli.err;
  EXPECT_TRUE(nothingDeployed(daemon_));

  // Exactly the maximum is allowed.
  auto at_max = deployJson(daemon_, "edge", {{"limits", limits(30000, 1024, 900, 10000)}});
  EXPECT_EQ(at_max.status, 201) << at_max.body;
}

TEST_F(LimitsConfigTest, BadTypesAreBadRequestsNamingTheField) {
  struct Case {
    json extra;
    const char* field;
  };
  const Case cases[] = {
      {{{"limits", {{"cpu_ms", "100"}}}}, "limits.cpu_ms"},
      {{{"limits", {{"memory_mb", -1}}}}, "limits.memory_mb"},
      {{{"limits", {{"timeout_s", 0}}}}, "limits.timeout_s"},
      {{{"limits", {{"max_concurrency", 1.5}}}}, "limits.max_concurrency"},
      {{{"limits", {{"cpu_ms", true}}}}, "limits.cpu_ms"},
      {{{"limits", {{"cpu_ms", nullptr}}}}, "limits.cpu_ms"},
      {{{"limits", {{"cpu", 100}}}}, "limits.cpu"},
      {{{"limits", json::array({1})}}, "limits"},
      {{{"limits", 5}}, "limits"},
      {{{"allow_eval", "yes"}}, "allow_eval"},
      {{{"allow_eval", 1}}, "allow_eval"},
  };
  for (const Case& c : cases) {
    auto reply = deployJson(daemon_, "typed", c.extra);
    EXPECT_EQ(reply.status, 400) << c.extra.dump();
    EXPECT_EQ(errorOf(reply)["code"], "bad_request") << c.extra.dump();
    std::string message = errorOf(reply).value("message", "");
    EXPECT_NE(message.find(c.field), std::string::npos) << c.extra.dump() << ": " << message;
  }
  EXPECT_TRUE(nothingDeployed(daemon_));
}

TEST_F(LimitsConfigTest, CliRefusesNonPositiveIntegersBeforeUploading) {
  for (const char* value : {"abc", "0", "-3", "1.5", "4294967296"}) {
    auto result = daemon_.cli({"deploy", file(), "--name", "local", "--memory-mb", value});
    EXPECT_EQ(result.exit_code, 2) << value;
    std::string first_line = result.err.substr(0, result.err.find('\n'));
    EXPECT_NE(first_line.find("--memory-mb"), std::string::npos) << result.err;
    EXPECT_NE(first_line.find(value), std::string::npos) << result.err;
  }
  EXPECT_TRUE(nothingDeployed(daemon_));
}

TEST(LimitsFlagsTest, HostDefaultAndMaximumFlagsApply) {
  Quiverd d(Quiverd::Options{.extra_args = {"--cpu-ms", "200", "--memory-mb", "64", "--timeout",
                                            "3", "--max-concurrency", "5", "--limit-max-cpu-ms",
                                            "400", "--max-queue", "10"}});
  auto plain = deployJson(d, "plain", json::object());
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(json::parse(plain.body)["limits"], limits(200, 64, 3, 5));
  EXPECT_EQ(infoJson(d, "plain")["limits"], limits(200, 64, 3, 5));

  auto over = deployJson(d, "over", {{"limits", {{"cpu_ms", 401}}}});
  EXPECT_EQ(errorOf(over)["message"], "limits.cpu_ms 401 is above the host maximum 400");
}

TEST(LimitsFlagsTest, QuiverdRefusesADefaultAboveItsMaximumOrAZero) {
  std::string dir = makeTempDir();
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"--limit-max-cpu-ms", "50", "--cpu-ms", "100"},
       "--cpu-ms 100 is above --limit-max-cpu-ms 50"},
      {{"--memory-mb", "2048"}, "--memory-mb 2048 is above --limit-max-memory-mb 1024"},
      {{"--timeout", "0"}, "--timeout must be at least 1"},
      {{"--limit-max-concurrency", "0"}, "--limit-max-concurrency must be at least 1"},
      {{"--max-queue", "0"}, "--max-queue must be at least 1"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {quiverdPath(), "--data-dir",       dir,          "--listen",
                                     "127.0.0.1:0", "--control-listen", "127.0.0.1:0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto result = runProgram(argv, {{"QUIVER_ADMIN_TOKEN", "x"}}, std::chrono::seconds(20));
    EXPECT_EQ(result.exit_code, 1) << c.message;
    EXPECT_EQ(result.err, std::string("quiverd: error: ") + c.message + "\n");
    EXPECT_EQ(result.out.find("ready"), std::string::npos) << result.out;
  }
  removeTree(dir);
}

TEST(LimitsFlagsTest, QuiverdRefusesABadEgressRangeOrCaFile) {
  std::string dir = makeTempDir();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--allow-egress", "127.0.0.0/8", "--allow-egress", "nope"},
       "--allow-egress 'nope' is not an address range (expected ADDRESS/PREFIX, e.g. 10.0.0.0/8 "
       "or fd00::/8)"},
      {{"--allow-egress", "10.0.0.1/8"},
       "--allow-egress '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"},
      {{"--fetch-ca-file", dir + "/missing.pem"},
       "--fetch-ca-file: TLS setup failed: cannot read the CA file " + dir +
           "/missing.pem: No such file or directory"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {quiverdPath(), "--data-dir",       dir,          "--listen",
                                     "127.0.0.1:0", "--control-listen", "127.0.0.1:0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto result = runProgram(argv, {{"QUIVER_ADMIN_TOKEN", "x"}}, std::chrono::seconds(20));
    EXPECT_EQ(result.exit_code, 1) << c.message;
    EXPECT_EQ(result.err, "quiverd: error: " + c.message + "\n");
    EXPECT_EQ(result.out.find("ready"), std::string::npos) << result.out;
  }
  removeTree(dir);
}

// quiverd --config FILE: the file's settings apply, flags override them, a bad file is refused
// with the file, line and key (host/config_file.h).
TEST(LimitsFlagsTest, AConfigFileAppliesAndFlagsOverrideIt) {
  std::string dir = makeTempDir();
  std::string file = dir + "/quiver.toml";
  std::ofstream(file) << "[limits]\ncpu_ms = 200\nmemory_mb = 64\n[limits.max]\ncpu_ms = 400\n";
  {
    Quiverd d(Quiverd::Options{.extra_args = {"--config", file, "--memory-mb", "32"}});
    auto plain = deployJson(d, "plain", json::object());
    ASSERT_EQ(plain.status, 201) << plain.body;
    EXPECT_EQ(json::parse(plain.body)["limits"], limits(200, 32, 30, 1000));
    auto over = deployJson(d, "over", {{"limits", {{"cpu_ms", 401}}}});
    EXPECT_EQ(errorOf(over)["message"], "limits.cpu_ms 401 is above the host maximum 400");
  }
  std::ofstream(file) << "[limits]\ncpu_ms = 200\ncpu = 5\n";
  auto result = runProgram({quiverdPath(), "--config", file, "--data-dir", dir, "--listen",
                            "127.0.0.1:0", "--control-listen", "127.0.0.1:0"},
                           {{"QUIVER_ADMIN_TOKEN", "x"}}, std::chrono::seconds(20));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "quiverd: error: " + file + ":3: unknown key 'limits.cpu'\n");
  removeTree(dir);
}

TEST(LimitsFlagsTest, QuiverdStartsWithRepeatedEgressAllows) {
  Quiverd d(Quiverd::Options{
      .extra_args = {"--allow-egress", "127.0.0.0/8", "--allow-egress", "::1/128"}});
  EXPECT_TRUE(d.running());
}

TEST(LimitsFlagsTest, ARestartKeepsEachVersionsLimits) {
  std::string dir = makeTempDir();
  {
    Quiverd first(Quiverd::Options{.data_dir = dir});
    ASSERT_EQ(
        deployJson(first, "kept", {{"limits", limits(250, 64, 5, 9)}, {"allow_eval", true}}).status,
        201);
    ASSERT_EQ(deployJson(first, "plain", json::object()).status, 201);
    EXPECT_EQ(first.terminate(), 0);
  }
  // New host defaults apply to versions that set nothing; set values stay as deployed.
  Quiverd second(Quiverd::Options{.data_dir = dir, .extra_args = {"--cpu-ms", "300"}});
  json kept = infoJson(second, "kept");
  EXPECT_EQ(kept["limits"], limits(250, 64, 5, 9));
  EXPECT_EQ(kept["allow_eval"], true);
  json plain = infoJson(second, "plain");
  EXPECT_EQ(plain["limits"], limits(300, 128, 30, 1000));
  EXPECT_EQ(plain["allow_eval"], false);
  second.terminate();
  removeTree(dir);
}

}  // namespace
}  // namespace quiver::testing
