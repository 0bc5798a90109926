// IpAddress, Cidr and EgressPolicy: which addresses functions' fetch() may connect to.
//
// The policy is checked on every address a connection is about to use, after DNS, so a name
// that resolves to 127.0.0.1 is refused exactly like the literal. By default it denies loopback,
// private, link-local, CGNAT, multicast and reserved ranges (kDefaultDeny in the .cc), and those
// same IPv4 ranges when they hide inside an IPv6 address (IPv4-mapped ::ffff:a.b.c.d, NAT64
// 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::). Explicit allows (quiverd --allow-egress CIDR) win
// over denies: allowed = in some allow || in no deny.
//
// Plain values, no I/O; copyable and safe to share read-only between threads.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/result.h"

namespace quiver::host::net {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // network order; an IPv4 address uses the first 4

  // Numeric forms only ("127.0.0.1", "::1", "fe80::1"); brackets and zone ids are not accepted.
  static std::optional<IpAddress> parse(std::string_view text);
  // AF_INET or AF_INET6; anything else gives nullopt.
  static std::optional<IpAddress> fromSockaddr(const sockaddr* address);
  // The address with `port`, ready for uv_tcp_connect.
  sockaddr_storage toSockaddr(int port) const;

  size_t bitLength() const { return v6 ? 128 : 32; }
  // The IPv4 address inside an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
  std::optional<IpAddress> embeddedV4() const;
  std::string toString() const;
  // "127.0.0.1:80", "[::1]:80".
  std::string withPort(int port) const;

  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress base;  // host bits are zero
  int prefix = 0;

  // "10.0.0.0/8", "fc00::/7", or a bare address (a /32 or /128). Host bits set past the prefix
  // are an error ("10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?").
  static Result<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
  std::string toString() const;
};

class EgressPolicy {
 public:
  // Denies the default ranges, allows nothing explicitly.
  static EgressPolicy defaults();
  // Allows everything: for hosts (and tests) that mean it.
  static EgressPolicy allowAll();
  // The defaults plus these allows, each parsed with Cidr::parse; the error names the bad one.
  static Result<EgressPolicy> withAllows(const std::vector<std::string>& cidrs);

  void allow(const Cidr& range) { allows_.push_back(range); }
  void deny(const Cidr& range) { denies_.push_back(range); }
  bool allows(const IpAddress& address) const;

 private:
  bool matches(const std::vector<Cidr>& ranges, const IpAddress& address) const;

  std::vector<Cidr> allows_;
  std::vector<Cidr> denies_;
};

}  // namespace quiver::host::net
