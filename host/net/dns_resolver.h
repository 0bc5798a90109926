// DnsResolver: asynchronous name lookups (A and AAAA) with c-ares on a libuv loop, and a cache.
//
// c-ares runs inside the loop: each socket it opens is watched with a uv_poll, its retransmit
// timeouts with one uv_timer. /etc/hosts is consulted first (c-ares' default "fb" order), so
// `localhost` resolves without a server. Numeric hosts answer at once without any lookup, and
// names under `.invalid` fail at once (RFC 6761 6.4: they never exist).
//
// The cache keeps up to max_cache_entries names for their record TTL, clamped to
// [min_ttl_ms, max_ttl_ms]; failures are not cached. Lookups of a name already in flight join it.
//
// Thread: the loop's; not thread-safe. Owner: the HttpClient. Callbacks never run inside
// resolve() unless the answer is known already (cache, numeric, .invalid): callers that must not
// be re-entered defer their call themselves.
#pragma once

#include <ares.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/net/egress_policy.h"
#include "host/net/uv_handle.h"
#include "host/result.h"

namespace quiver::host::net {

struct DnsOptions {
  size_t max_cache_entries = 1024;
  uint64_t min_ttl_ms = 1'000;
  uint64_t max_ttl_ms = 300'000;
  int query_timeout_ms = 2'000;  // per try, per server
  int tries = 2;
  // "127.0.0.1:5353,[::1]:53": these servers instead of /etc/resolv.conf's (tests use it).
  std::string servers;
};

class DnsResolver {
 public:
  // Addresses in the order to try them, or an error whose message names the host:
  // "DNS lookup failed for example.invalid: domain name not found".
  using Callback = std::function<void(Result<std::vector<IpAddress>>)>;

  DnsResolver(uv_loop_t* loop, DnsOptions options);
  ~DnsResolver();
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  void resolve(const std::string& host, Callback callback);
  // Ends every lookup (their callbacks get an error) and closes every handle. Idempotent.
  void close();

  size_t cacheSize() const { return cache_.size(); }

 private:
  struct CacheEntry {
    std::vector<IpAddress> addresses;
    uint64_t expires_at;  // uv_now
  };
  struct Lookup;  // one c-ares query in flight: the resolver and the name

  static void onSocketState(void* data, ares_socket_t fd, int readable, int writable);
  static void onPoll(uv_poll_t* handle, int status, int events);
  static void onTimer(uv_timer_t* handle);
  static void onAddrInfo(void* arg, int status, int timeouts, ares_addrinfo* result);

  bool ensureChannel(std::string* error);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void armTimer();
  void complete(const std::string& host, Result<std::vector<IpAddress>> result);
  void runCompleted();
  void store(const std::string& host, const std::vector<IpAddress>& addresses, uint64_t ttl_ms);

  uv_loop_t* loop_;
  DnsOptions options_;
  ares_channel channel_ = nullptr;
  bool closed_ = false;
  UvHandle<uv_timer_t> timer_;
  std::map<ares_socket_t, UvHandle<uv_poll_t>> polls_;
  std::unordered_map<std::string, std::vector<Callback>> waiting_;  // by name, in flight
  // Answers that arrived inside a c-ares callback, run once c-ares has returned (a waiter may
  // close the resolver, which c-ares does not allow from its own callbacks).
  std::vector<std::pair<std::string, Result<std::vector<IpAddress>>>> completed_;
  std::unordered_map<std::string, CacheEntry> cache_;
};

}  // namespace quiver::host::net
