// Cidr parsing and matching, and the default egress policy, address by address.
#include "host/net/egress_policy.h"

#include <gtest/gtest.h>

#include "host/net/http_url.h"

namespace quiver::host::net {
namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

TEST(CidrTest, ParsesV4AndV6RangesAndBareAddresses) {
  auto v4 = Cidr::parse("10.0.0.0/8");
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(v4->prefix, 8);
  EXPECT_EQ(v4->toString(), "10.0.0.0/8");
  auto v6 = Cidr::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->base.v6);
  auto bare = Cidr::parse("192.0.2.7");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->prefix, 32);
  EXPECT_EQ(Cidr::parse("::1")->prefix, 128);
  EXPECT_EQ(Cidr::parse("0.0.0.0/0")->prefix, 0);
}

TEST(CidrTest, RefusesMalformedRangesWithClearMessages) {
  EXPECT_EQ(Cidr::parse("banana").error().message,
            "'banana' is not an address range (expected ADDRESS/PREFIX, e.g. 10.0.0.0/8 or "
            "fd00::/8)");
  EXPECT_EQ(Cidr::parse("10.0.0.0/33").error().message,
            "'10.0.0.0/33' has a bad prefix length (0 to 32)");
  EXPECT_FALSE(Cidr::parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/-1"));
  EXPECT_FALSE(Cidr::parse("::/129"));
  EXPECT_FALSE(Cidr::parse("[::1]/128"));
  EXPECT_EQ(Cidr::parse("10.0.0.1/8").error().message,
            "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?");
}

TEST(CidrTest, Contains) {
  auto range = Cidr::parse("172.16.0.0/12").value();
  EXPECT_TRUE(range.contains(ip("172.16.0.1")));
  EXPECT_TRUE(range.contains(ip("172.31.255.255")));
  EXPECT_FALSE(range.contains(ip("172.32.0.0")));
  EXPECT_FALSE(range.contains(ip("::ffff:172.16.0.1")));  // families never mix here
  auto v6 = Cidr::parse("fe80::/10").value();
  EXPECT_TRUE(v6.contains(ip("febf::1")));
  EXPECT_FALSE(v6.contains(ip("fec0::1")));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->contains(ip("8.8.8.8")));
}

TEST(EgressPolicyTest, DefaultsDenyLocalPrivateAndReservedRanges) {
  auto policy = EgressPolicy::defaults();
  for (const char* denied : {"0.0.0.0",
                             "10.1.2.3",
                             "100.64.0.1",
                             "100.127.255.255",
                             "127.0.0.1",
                             "127.255.0.9",
                             "169.254.169.254",
                             "172.16.5.5",
                             "192.0.0.8",
                             "192.168.1.1",
                             "198.18.0.1",
                             "198.19.9.9",
                             "224.0.0.1",
                             "239.255.255.250",
                             "240.0.0.1",
                             "255.255.255.255",
                             "::",
                             "::1",
                             "fc00::1",
                             "fd12:3456::1",
                             "fe80::1",
                             "ff02::1",
                             "::ffff:127.0.0.1",
                             "::ffff:10.0.0.1",
                             "::ffff:169.254.169.254",
                             "64:ff9b::7f00:1",
                             "64:ff9b::a9fe:a9fe",
                             "2002:7f00:1::1",
                             "2002:c0a8:101::",
                             "::127.0.0.1",
                             "64:ff9b:1::1"}) {
    EXPECT_FALSE(policy.allows(ip(denied))) << denied;
  }
  for (const char* allowed : {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1",
                              "192.0.1.1", "198.20.0.1", "223.255.255.255", "2001:4860:4860::8888",
                              "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    EXPECT_TRUE(policy.allows(ip(allowed))) << allowed;
  }
}

TEST(EgressPolicyTest, ExplicitAllowsOverrideDenies) {
  auto policy = EgressPolicy::withAllows({"127.0.0.0/8", "fd00::/8"});
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->allows(ip("127.0.0.1")));
  EXPECT_TRUE(policy->allows(ip("::ffff:127.0.0.1")));
  EXPECT_TRUE(policy->allows(ip("fd00::5")));
  EXPECT_FALSE(policy->allows(ip("10.0.0.1")));
  EXPECT_FALSE(policy->allows(ip("::1")));
  auto bad = EgressPolicy::withAllows({"127.0.0.0/8", "nope"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'nope'"), std::string::npos);
}

TEST(IpAddressTest, FormatsWithPorts) {
  EXPECT_EQ(ip("127.0.0.1").withPort(80), "127.0.0.1:80");
  EXPECT_EQ(ip("::1").withPort(443), "[::1]:443");
  EXPECT_FALSE(IpAddress::parse("localhost"));
  EXPECT_FALSE(IpAddress::parse("1.2.3"));
}

TEST(HttpUrlTest, SplitsUrls) {
  auto url = parseHttpUrl("https://Example.COM/a/b?c=d#frag").value();
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/a/b?c=d");
  EXPECT_EQ(url.authority(), "example.com");
  EXPECT_EQ(url.origin(), "https://example.com:443");
  auto v6 = parseHttpUrl("http://user:pw@[::1]:8080?x").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8080);
  EXPECT_EQ(v6.target, "/?x");
  EXPECT_EQ(v6.authority(), "[::1]:8080");
  EXPECT_FALSE(parseHttpUrl("http://host:0/"));
  EXPECT_FALSE(parseHttpUrl("http://host:70000/"));
  EXPECT_FALSE(parseHttpUrl("http:///path"));
  EXPECT_FALSE(parseHttpUrl("http://a b/"));
  EXPECT_FALSE(parseHttpUrl("data:text/plain,hi"));
}

}  // namespace
}  // namespace quiver::host::net
