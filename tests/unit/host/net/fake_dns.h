// FakeDns: a tiny authoritative DNS server over UDP on the test's loop, so that the resolver's
// network path (not /etc/hosts) runs for real: A and AAAA answers with TTLs, NXDOMAIN for
// unknown names, and names it never answers (to time out). It counts the queries it gets.
#pragma once

#include <uv.h>

#include <map>
#include <string>
#include <vector>

namespace quiver::testing {

class FakeDns {
 public:
  struct Records {
    std::vector<std::string> v4;  // "127.0.0.1"
    std::vector<std::string> v6;  // "::1"
    uint32_t ttl_s = 300;
    bool silent = false;  // never answer
  };

  explicit FakeDns(uv_loop_t* loop);
  ~FakeDns();
  void add(const std::string& name, Records records) { zone_[name] = std::move(records); }
  // For DnsOptions::servers.
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  int queries(const std::string& name) const;
  void close();

 private:
  static void onRecv(uv_udp_t* handle, ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
                     unsigned flags);
  void answer(const char* query, size_t length, const sockaddr* from);

  uv_udp_t* udp_ = nullptr;
  int port_ = 0;
  std::map<std::string, Records> zone_;
  std::map<std::string, int> queries_;
};

}  // namespace quiver::testing
