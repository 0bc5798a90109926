// FunctionConfig JSON: round trip of env maps, limits and allow_eval, and tolerant parsing of what
// the store holds (rows written before limits existed load as host defaults).
#include "host/function_version.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace quiver::host {
namespace {

void expectLimits(const FunctionLimits& limits, uint32_t cpu_ms, uint32_t memory_mb,
                  uint32_t timeout_s, uint32_t max_concurrency) {
  EXPECT_EQ(limits.cpu_ms, cpu_ms);
  EXPECT_EQ(limits.memory_mb, memory_mb);
  EXPECT_EQ(limits.timeout_s, timeout_s);
  EXPECT_EQ(limits.max_concurrency, max_concurrency);
}

TEST(FunctionConfigJsonTest, RoundTripsEnv) {
  FunctionConfig config;
  config.env = {{"KEY", "value"},
                {"EMPTY", ""},
                {"QUOTES", "say \"hi\" \\ back"},
                {"NEWLINES", "a\nb\r\n\tc"},
                {"UNICODE", "héllo ☃"}};
  std::string json = configToJson(config);
  EXPECT_EQ(configFromJson(json).env, config.env) << json;
}

TEST(FunctionConfigJsonTest, EmptyConfig) {
  FunctionConfig empty;
  std::string json = configToJson(empty);
  FunctionConfig loaded = configFromJson(json);
  EXPECT_TRUE(loaded.env.empty());
  expectLimits(loaded.limits, 0, 0, 0, 0);
  EXPECT_FALSE(loaded.allow_eval);
  // Defaults are not written out: the row says only what the deploy chose.
  EXPECT_EQ(json, R"({"env":{}})");
}

TEST(FunctionConfigJsonTest, RoundTripsLimitsAndAllowEval) {
  FunctionConfig config;
  config.env = {{"A", "1"}};
  config.limits = {250, 64, 5, 7};
  config.allow_eval = true;
  std::string json = configToJson(config);
  FunctionConfig loaded = configFromJson(json);
  expectLimits(loaded.limits, 250, 64, 5, 7);
  EXPECT_TRUE(loaded.allow_eval) << json;
  EXPECT_EQ(loaded.env, config.env);
}

TEST(FunctionConfigJsonTest, PartialLimitsLeaveTheRestAtZero) {
  FunctionConfig config;
  config.limits.memory_mb = 512;
  std::string json = configToJson(config);
  EXPECT_EQ(json, R"({"env":{},"limits":{"memory_mb":512}})");
  expectLimits(configFromJson(json).limits, 0, 512, 0, 0);
}

TEST(FunctionConfigJsonTest, LargestLimitValuesRoundTrip) {
  FunctionConfig config;
  config.limits = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
  auto max = UINT32_MAX;
  expectLimits(configFromJson(configToJson(config)).limits, max, max, max, max);
}

TEST(FunctionConfigJsonTest, OldRowsLoadAsDefaults) {
  FunctionConfig old = configFromJson(R"({"env":{"K":"v"}})");
  EXPECT_EQ(old.env, (std::map<std::string, std::string>{{"K", "v"}}));
  expectLimits(old.limits, 0, 0, 0, 0);
  EXPECT_FALSE(old.allow_eval);
}

TEST(FunctionConfigJsonTest, ToleratesBadJson) {
  EXPECT_TRUE(configFromJson("").env.empty());
  EXPECT_TRUE(configFromJson("not json").env.empty());
  EXPECT_TRUE(configFromJson("[1,2]").env.empty());
  EXPECT_TRUE(configFromJson(R"({"env":"x"})").env.empty());
  // Non-string values are dropped, strings kept.
  auto mixed = configFromJson(R"({"env":{"A":"1","B":2,"C":null,"D":{"x":1}},"other":true})");
  EXPECT_EQ(mixed.env, (std::map<std::string, std::string>{{"A", "1"}}));
}

TEST(FunctionConfigJsonTest, BadLimitValuesReadAsDefaults) {
  auto odd = configFromJson(
      R"({"limits":{"cpu_ms":"100","memory_mb":-5,"timeout_s":1.5,"max_concurrency":4294967296},)"
      R"("allow_eval":"yes"})");
  expectLimits(odd.limits, 0, 0, 0, 0);
  EXPECT_FALSE(odd.allow_eval);
  expectLimits(configFromJson(R"({"limits":[1,2]})").limits, 0, 0, 0, 0);
  auto mixed = configFromJson(R"({"limits":{"cpu_ms":10,"memory_mb":null},"allow_eval":false})");
  expectLimits(mixed.limits, 10, 0, 0, 0);
  EXPECT_FALSE(mixed.allow_eval);
}

}  // namespace
}  // namespace quiver::host
