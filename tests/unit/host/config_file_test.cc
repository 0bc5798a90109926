// quiverd's config file: the real example file (quiverd/quiver.toml) and files with mistakes.
#include "host/config_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace quiver::host {
namespace {

std::string exampleFile() {
  std::ifstream in(std::string(QUIVER_SOURCE_DIR) + "/quiverd/quiver.toml");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example with every "# key = value" line uncommented: the documented defaults, in force.
std::string uncommentedExample() {
  std::regex setting(R"(^# ([a-z_]+ = ))");
  std::istringstream in(exampleFile());
  std::string line, out;
  while (std::getline(in, line)) out += std::regex_replace(line, setting, "$1") + "\n";
  return out;
}

std::string errorOf(const std::string& text) {
  HostConfig config;
  auto status = applyConfigText(text, "quiver.toml", config);
  return status ? "" : status.error().message;
}

TEST(ConfigFileTest, TheExampleDocumentsEveryKeyAtItsDefault) {
  std::string example = exampleFile();
  ASSERT_FALSE(example.empty());
  // Every key of the table appears (with its flag) in the example.
  for (const auto& [key, flag] : configFileKeys()) {
    std::string leaf = key.substr(key.rfind('.') + 1);
    EXPECT_NE(example.find("# " + leaf + " = "), std::string::npos) << key;
    EXPECT_NE(example.find(flag), std::string::npos) << key << " " << flag;
  }
  // As written (all commented out) it changes nothing; uncommented, it sets the defaults.
  HostConfig config;
  config.shards = 7;
  ASSERT_TRUE(applyConfigText(example, "quiver.toml", config));
  EXPECT_EQ(config.shards, 7);
  std::string all = uncommentedExample();
  config = HostConfig{};
  config.data_dir = "changed";
  config.limits.cpu_ms = 5;
  config.max_limits.timeout_s = 5;
  config.isolate_pool = 9;
  config.outbound.allow_egress = {"10.0.0.0/8"};
  auto applied = applyConfigText(all, "quiver.toml", config);
  ASSERT_TRUE(applied) << applied.error().message;
  HostConfig defaults;
  EXPECT_EQ(config.data_dir, defaults.data_dir);
  EXPECT_EQ(config.shards, defaults.shards);
  EXPECT_EQ(config.drain_timeout_ms, defaults.drain_timeout_ms);
  EXPECT_EQ(config.listen.host, defaults.listen.host);
  EXPECT_EQ(config.listen.port, defaults.listen.port);
  EXPECT_EQ(config.control_listen.host, defaults.control_listen.host);
  EXPECT_EQ(config.control_listen.port, defaults.control_listen.port);
  EXPECT_EQ(config.public_url, defaults.public_url);
  EXPECT_EQ(config.http.header_timeout_ms, defaults.http.header_timeout_ms);
  EXPECT_EQ(config.http.idle_timeout_ms, defaults.http.idle_timeout_ms);
  EXPECT_EQ(config.http.max_body_bytes, defaults.http.max_body_bytes);
  EXPECT_EQ(config.limits.cpu_ms, defaults.limits.cpu_ms);
  EXPECT_EQ(config.limits.memory_mb, defaults.limits.memory_mb);
  EXPECT_EQ(config.limits.timeout_s, defaults.limits.timeout_s);
  EXPECT_EQ(config.limits.max_concurrency, defaults.limits.max_concurrency);
  EXPECT_EQ(config.max_limits.cpu_ms, defaults.max_limits.cpu_ms);
  EXPECT_EQ(config.max_limits.memory_mb, defaults.max_limits.memory_mb);
  EXPECT_EQ(config.max_limits.timeout_s, defaults.max_limits.timeout_s);
  EXPECT_EQ(config.max_limits.max_concurrency, defaults.max_limits.max_concurrency);
  EXPECT_EQ(config.max_code_bytes, defaults.max_code_bytes);
  EXPECT_EQ(config.max_queue, defaults.max_queue);
  EXPECT_EQ(config.instance_idle_ms, defaults.instance_idle_ms);
  EXPECT_EQ(config.warm_memory_mb, defaults.warm_memory_mb);
  EXPECT_EQ(config.isolate_pool, defaults.isolate_pool);
  EXPECT_EQ(config.outbound.allow_egress, defaults.outbound.allow_egress);
  EXPECT_EQ(config.outbound.ca_file, defaults.outbound.ca_file);
}

TEST(ConfigFileTest, ValuesReachTheirSettings) {
  HostConfig config;
  auto applied = applyConfigText(R"(
[host]
shards = 3
[listeners]
public = "[::1]:0"
[limits]
cpu_ms = 250
[limits.max]
memory_mb = 512
[egress]
allow = ["10.0.0.0/8", "fd00::/8"]
)",
                                 "quiver.toml", config);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(config.shards, 3);
  EXPECT_EQ(config.listen.host, "::1");
  EXPECT_EQ(config.listen.port, 0);
  EXPECT_EQ(config.limits.cpu_ms, 250u);
  EXPECT_EQ(config.max_limits.memory_mb, 512u);
  EXPECT_EQ(config.outbound.allow_egress, (std::vector<std::string>{"10.0.0.0/8", "fd00::/8"}));
  EXPECT_EQ(config.limits.memory_mb, 128u);  // untouched
}

TEST(ConfigFileTest, MistakesNameTheLineAndTheKey) {
  EXPECT_EQ(errorOf("[limits]\ncpu = 5\n"), "quiver.toml:2: unknown key 'limits.cpu'");
  EXPECT_EQ(errorOf("[limit]\ncpu_ms = 5\n"), "quiver.toml:1: unknown section 'limit'");
  EXPECT_EQ(errorOf("\n\n[limits]\ncpu_ms = \"fast\"\n"),
            "quiver.toml:4: limits.cpu_ms must be an integer from 1 to 4294967295");
  EXPECT_EQ(errorOf("[limits]\ncpu_ms = 0\n"),
            "quiver.toml:2: limits.cpu_ms must be an integer from 1 to 4294967295");
  EXPECT_EQ(errorOf("[host]\nshards = -1\n"),
            "quiver.toml:2: host.shards must be an integer from 0 to 256");
  EXPECT_EQ(errorOf("[listeners]\npublic = \"nowhere\"\n"),
            "quiver.toml:2: listeners.public: expected HOST:PORT, got 'nowhere'");
  EXPECT_EQ(errorOf("[egress]\nallow = \"10.0.0.0/8\"\n"),
            "quiver.toml:2: egress.allow must be an array of strings");
  EXPECT_EQ(errorOf("data_dir = \"x\"\n"), "quiver.toml:1: unknown key 'data_dir'");
  std::string syntax = errorOf("[host]\nshards = = 2\n");
  EXPECT_EQ(syntax.rfind("quiver.toml:2:", 0), 0u) << syntax;
}

TEST(ConfigFileTest, ABadFileChangesNothing) {
  HostConfig config;
  EXPECT_FALSE(applyConfigText("[host]\nshards = 4\n[limits]\ncpu_ms = 0\n", "f", config));
  EXPECT_EQ(config.shards, 0);
  EXPECT_FALSE(applyConfigFile("/nonexistent/quiver.toml", config));
}

TEST(ConfigFileTest, ListenAddresses) {
  auto v6 = parseListenAddress("[::]:8080");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_FALSE(parseListenAddress("h:65536"));
  EXPECT_FALSE(parseListenAddress("h:"));
  EXPECT_FALSE(parseListenAddress("h:8x"));
  EXPECT_FALSE(parseListenAddress("h:-1"));
}

}  // namespace
}  // namespace quiver::host
