#include "host/net/egress_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace quiver::host::net {
namespace {

// What functions may not reach unless the host allows it: addresses that are this host, its
// private networks, or not unicast on the internet at all. IPv4-in-IPv6 forms are handled by
// IpAddress::embeddedV4, not listed here.
constexpr const char* kDefaultDeny[] = {
    "0.0.0.0/8",       // "this" network
    "10.0.0.0/8",      // private
    "100.64.0.0/10",   // carrier-grade NAT
    "127.0.0.0/8",     // loopback
    "169.254.0.0/16",  // link-local (cloud metadata services live here)
    "172.16.0.0/12",   // private
    "192.0.0.0/24",    // IETF protocol assignments
    "192.168.0.0/16",  // private
    "198.18.0.0/15",   // benchmarking
    "224.0.0.0/4",     // multicast
    "240.0.0.0/4",     // reserved, and 255.255.255.255 (broadcast) inside it
    "::/128",          // unspecified
    "::1/128",         // loopback
    "::/96",           // IPv4-compatible (deprecated): never a real destination
    "fc00::/7",        // unique local
    "fe80::/10",       // link-local
    "ff00::/8",        // multicast
    "64:ff9b:1::/48",  // local-use NAT64 (RFC 8215): its embedding is site-specific
};

bool bitsEqual(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

IpAddress v4From(const uint8_t* four) {
  IpAddress v4;
  std::memcpy(v4.bytes.data(), four, 4);
  return v4;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  IpAddress address;
  if (inet_pton(AF_INET, s.c_str(), address.bytes.data()) == 1) return address;
  address.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::fromSockaddr(const sockaddr* sa) {
  IpAddress address;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(address.bytes.data(), &in->sin_addr, 4);
    return address;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    address.v6 = true;
    std::memcpy(address.bytes.data(), &in6->sin6_addr, 16);
    return address;
  }
  return std::nullopt;
}

sockaddr_storage IpAddress::toSockaddr(int port) const {
  sockaddr_storage storage{};
  if (v6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&in6->sin6_addr, bytes.data(), 16);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&in->sin_addr, bytes.data(), 4);
  }
  return storage;
}

std::optional<IpAddress> IpAddress::embeddedV4() const {
  if (!v6) return std::nullopt;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(bytes.data(), kMapped, 12) == 0 || std::memcmp(bytes.data(), kNat64, 12) == 0) {
    return v4From(bytes.data() + 12);
  }
  if (bytes[0] == 0x20 && bytes[1] == 0x02) return v4From(bytes.data() + 2);  // 6to4
  return std::nullopt;
}

std::string IpAddress::toString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::string IpAddress::withPort(int port) const {
  return (v6 ? "[" + toString() + "]" : toString()) + ":" + std::to_string(port);
}

Result<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) {
    return Error{"bad_cidr", "'" + std::string(text) +
                                 "' is not an address range (expected ADDRESS/PREFIX, e.g. "
                                 "10.0.0.0/8 or fd00::/8)"};
  }
  Cidr cidr{*address, static_cast<int>(address->bitLength())};
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    int prefix = 0;
    bool ok = !digits.empty() && digits.size() <= 3;
    for (char c : digits) {
      if (c < '0' || c > '9') ok = false;
      prefix = prefix * 10 + (c - '0');
    }
    if (!ok || prefix > static_cast<int>(address->bitLength())) {
      return Error{"bad_cidr", "'" + std::string(text) + "' has a bad prefix length (0 to " +
                                   std::to_string(address->bitLength()) + ")"};
    }
    cidr.prefix = prefix;
  }
  Cidr masked{IpAddress{address->v6, {}}, cidr.prefix};
  for (int bit = 0; bit < cidr.prefix; ++bit) {
    uint8_t flag = static_cast<uint8_t>(0x80 >> (bit % 8));
    masked.base.bytes[bit / 8] |= address->bytes[bit / 8] & flag;
  }
  if (!(masked.base == *address)) {
    return Error{"bad_cidr", "'" + std::string(text) + "' has host bits set; did you mean " +
                                 masked.toString() + "?"};
  }
  return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
  return address.v6 == base.v6 && bitsEqual(address.bytes, base.bytes, prefix);
}

std::string Cidr::toString() const { return base.toString() + "/" + std::to_string(prefix); }

EgressPolicy EgressPolicy::defaults() {
  EgressPolicy policy;
  for (const char* range : kDefaultDeny) policy.deny(Cidr::parse(range).value());
  return policy;
}

EgressPolicy EgressPolicy::allowAll() {
  EgressPolicy policy;
  policy.allow(Cidr::parse("0.0.0.0/0").value());
  policy.allow(Cidr::parse("::/0").value());
  return policy;
}

Result<EgressPolicy> EgressPolicy::withAllows(const std::vector<std::string>& cidrs) {
  EgressPolicy policy = defaults();
  for (const auto& text : cidrs) {
    auto cidr = Cidr::parse(text);
    if (!cidr) return cidr.error();
    policy.allow(*cidr);
  }
  return policy;
}

bool EgressPolicy::matches(const std::vector<Cidr>& ranges, const IpAddress& address) const {
  auto v4 = address.embeddedV4();
  for (const auto& range : ranges) {
    if (range.contains(address) || (v4 && range.contains(*v4))) return true;
  }
  return false;
}

bool EgressPolicy::allows(const IpAddress& address) const {
  return matches(allows_, address) || !matches(denies_, address);
}

}  // namespace quiver::host::net
