// FunctionConfig JSON: round trip of env maps, and tolerant parsing of what the store holds.
#include "host/function_version.h"

#include <gtest/gtest.h>

#include <string>

namespace quiver::host {
namespace {

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
  EXPECT_TRUE(configFromJson(configToJson(empty)).env.empty());
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

}  // namespace
}  // namespace quiver::host
