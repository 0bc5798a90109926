// DnsResolver with real c-ares on a real loop: /etc/hosts names, numeric hosts, .invalid,
// the cache, and closing with a lookup in flight.
#include "host/net/dns_resolver.h"

#include <gtest/gtest.h>

#include "tests/unit/host/net/upstream.h"

namespace quiver::host::net {
namespace {

using Answer = std::optional<Result<std::vector<IpAddress>>>;

TEST(DnsResolverTest, NumericHostsNeedNoLookup) {
  quiver::testing::LoopRunner runner;
  DnsResolver dns(runner.loop(), {});
  Answer answer;
  dns.resolve("::1", [&](auto result) { answer = std::move(result); });
  ASSERT_TRUE(answer && answer->ok());
  EXPECT_EQ(answer->value().at(0).toString(), "::1");
  EXPECT_EQ(dns.cacheSize(), 0u);
  dns.close();
  EXPECT_TRUE(runner.finish());
}

TEST(DnsResolverTest, LocalhostResolvesAndIsCached) {
  quiver::testing::LoopRunner runner;
  DnsResolver dns(runner.loop(), {});
  Answer first, second;
  dns.resolve("localhost", [&](auto result) { first = std::move(result); });
  ASSERT_TRUE(runner.runUntil([&] { return first.has_value(); }));
  ASSERT_TRUE(first->ok()) << first->error().message;
  bool loopback = false;
  for (const auto& address : first->value()) {
    loopback = loopback || address.toString() == "127.0.0.1" || address.toString() == "::1";
  }
  EXPECT_TRUE(loopback);
  EXPECT_EQ(dns.cacheSize(), 1u);
  dns.resolve("localhost.", [&](auto result) { second = std::move(result); });
  ASSERT_TRUE(second.has_value());  // from the cache, at once
  EXPECT_EQ(second->value(), first->value());
  dns.close();
  EXPECT_TRUE(runner.finish());
}

TEST(DnsResolverTest, InvalidNamesFailAtOnce) {
  quiver::testing::LoopRunner runner;
  DnsResolver dns(runner.loop(), {});
  Answer answer;
  dns.resolve("example.invalid", [&](auto result) { answer = std::move(result); });
  ASSERT_TRUE(answer && !answer->ok());
  EXPECT_EQ(answer->error().message,
            "DNS lookup failed for example.invalid: domain name not found");
  dns.close();
  EXPECT_TRUE(runner.finish());
}

TEST(DnsResolverTest, CloseEndsLookupsInFlight) {
  quiver::testing::LoopRunner runner;
  DnsOptions options;
  options.query_timeout_ms = 60'000;
  DnsResolver dns(runner.loop(), options);
  Answer answer;
  // A name no hosts file has: it goes to the network (or fails fast if there is none).
  dns.resolve("quiver-test-name.example", [&](auto result) { answer = std::move(result); });
  dns.close();
  ASSERT_TRUE(answer && !answer->ok());
  EXPECT_NE(answer->error().message.find("DNS lookup failed for quiver-test-name.example"),
            std::string::npos);
  EXPECT_TRUE(runner.finish());
}

}  // namespace
}  // namespace quiver::host::net
