// Connection on its own: the next address after a failed one, and the message when all fail.
#include "host/net/connection.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/unit/host/net/upstream.h"

namespace quiver::host::net {
namespace {

// A loopback port nothing listens on (bound, then closed).
int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(ConnectionTest, TriesTheNextAddressWhenOneFails) {
  quiver::testing::LoopRunner runner;
  {
    quiver::testing::Upstream upstream(runner.loop(), [](const auto&, auto&) {});
    auto connection = Connection::create(runner.loop());
    Connection::Target target;
    target.host = "example.test";
    target.port = upstream.port();
    // ::1 may be missing or refuse (the upstream listens on 127.0.0.1 only): either way the
    // second address is the one that works.
    target.addresses = {IpAddress::parse("::1").value(), IpAddress::parse("127.0.0.1").value()};
    std::optional<std::string> result;
    connection->connect(target, [&](const std::string& error) { result = error; });
    ASSERT_TRUE(runner.runUntil([&] { return result.has_value(); }));
    EXPECT_EQ(*result, "");
    EXPECT_TRUE(connection->isOpen());
    EXPECT_EQ(connection->remoteAddress().toString(), "127.0.0.1");
    EXPECT_EQ(connection->describe(), "example.test:" + std::to_string(upstream.port()));
    EXPECT_TRUE(runner.runUntil([&] { return upstream.connectionsAccepted() == 1; }));
    connection->close();
    upstream.close();
  }
  EXPECT_TRUE(runner.finish());
}

TEST(ConnectionTest, ReportsTheLastFailureWhenEveryAddressFails) {
  quiver::testing::LoopRunner runner;
  int port = freePort();
  auto connection = Connection::create(runner.loop());
  Connection::Target target;
  target.host = "127.0.0.1";
  target.port = port;
  target.addresses = {IpAddress::parse("127.0.0.1").value(), IpAddress::parse("127.0.0.1").value()};
  std::optional<std::string> result;
  connection->connect(target, [&](const std::string& error) { result = error; });
  ASSERT_TRUE(runner.runUntil([&] { return result.has_value(); }));
  EXPECT_EQ(*result, "connection refused (127.0.0.1:" + std::to_string(port) + ")");
  EXPECT_FALSE(connection->isOpen());
  EXPECT_FALSE(connection->write("x", nullptr));
  connection.reset();
  EXPECT_TRUE(runner.finish());
}

}  // namespace
}  // namespace quiver::host::net
