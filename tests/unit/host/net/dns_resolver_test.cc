// DnsResolver with real c-ares on a real loop: /etc/hosts names, numeric hosts, .invalid,
// the cache, and closing with a lookup in flight.
#include "host/net/dns_resolver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tests/unit/host/net/fake_dns.h"
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

// Through a DNS server (FakeDns): the network path, not /etc/hosts.
class DnsServerTest : public ::testing::Test {
 protected:
  DnsResolver& resolver(DnsOptions options = {}) {
    options.servers = server.server();
    dns = std::make_unique<DnsResolver>(runner.loop(), options);
    return *dns;
  }
  Answer lookup(const std::string& name) {
    Answer answer;
    dns->resolve(name, [&](auto result) { answer = std::move(result); });
    EXPECT_TRUE(runner.runUntil([&] { return answer.has_value(); }));
    return answer;
  }
  void TearDown() override {
    if (dns) dns->close();
    server.close();
    EXPECT_TRUE(runner.finish());
  }
  quiver::testing::LoopRunner runner;
  quiver::testing::FakeDns server{runner.loop()};
  std::unique_ptr<DnsResolver> dns;
};

TEST_F(DnsServerTest, AAndAaaaAnswersAreCachedForTheirTtl) {
  server.add("both.test", {{"192.0.2.1", "192.0.2.2"}, {"2001:db8::1"}, 300});
  resolver();
  auto first = lookup("both.test");
  ASSERT_TRUE(first && first->ok()) << first->error().message;
  std::vector<std::string> seen;
  for (const auto& address : first->value()) seen.push_back(address.toString());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "2001:db8::1"}));
  int asked = server.queries("both.test");
  EXPECT_GE(asked, 2);  // A and AAAA
  auto again = lookup("both.test");
  ASSERT_TRUE(again && again->ok());
  EXPECT_EQ(server.queries("both.test"), asked);  // from the cache
}

TEST_F(DnsServerTest, AZeroTtlIsNotCachedWhenTheFloorIsZero) {
  server.add("brief.test", {{"192.0.2.9"}, {}, 0});
  DnsOptions options;
  options.min_ttl_ms = 0;
  resolver(options);
  ASSERT_TRUE(lookup("brief.test")->ok());
  int asked = server.queries("brief.test");
  ASSERT_TRUE(lookup("brief.test")->ok());
  EXPECT_GT(server.queries("brief.test"), asked);
}

TEST_F(DnsServerTest, TheCacheIsBounded) {
  DnsOptions options;
  options.max_cache_entries = 2;
  resolver(options);
  for (const char* name : {"a.test", "b.test", "c.test", "d.test"}) {
    server.add(name, {{"192.0.2.3"}, {}, 300});
    ASSERT_TRUE(lookup(name)->ok()) << name;
    EXPECT_LE(dns->cacheSize(), 2u);
  }
}

TEST_F(DnsServerTest, UnknownNamesAreNotFound) {
  resolver();
  auto answer = lookup("nope.test");
  ASSERT_TRUE(answer && !answer->ok());
  EXPECT_EQ(answer->error().message, "DNS lookup failed for nope.test: domain name not found");
}

TEST_F(DnsServerTest, ASilentServerTimesOut) {
  server.add("silent.test", {{}, {}, 0, true});
  DnsOptions options;
  options.query_timeout_ms = 50;
  options.tries = 1;
  resolver(options);
  auto answer = lookup("silent.test");
  ASSERT_TRUE(answer && !answer->ok());
  EXPECT_EQ(answer->error().message,
            "DNS lookup failed for silent.test: no answer from the DNS server (timed out)");
}

TEST_F(DnsServerTest, ConcurrentLookupsOfOneNameShareAQuery) {
  server.add("shared.test", {{"192.0.2.4"}, {}, 300});
  resolver();
  Answer one, two;
  dns->resolve("shared.test", [&](auto result) { one = std::move(result); });
  dns->resolve("shared.test", [&](auto result) { two = std::move(result); });
  ASSERT_TRUE(runner.runUntil([&] { return one && two; }));
  EXPECT_TRUE(one->ok() && two->ok());
  EXPECT_LE(server.queries("shared.test"), 2);  // one A and one AAAA, not two of each
}

}  // namespace
}  // namespace quiver::host::net
