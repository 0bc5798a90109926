#include "host/net/dns_resolver.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace quiver::host::net {
namespace {

std::string reasonFor(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
      return "domain name not found";
    case ARES_ETIMEOUT:
      return "no answer from the DNS server (timed out)";
    case ARES_ECONNREFUSED:
      return "the DNS server refused the connection";
    case ARES_ESERVFAIL:
      return "the DNS server failed to answer (SERVFAIL)";
    case ARES_EREFUSED:
      return "the DNS server refused the query";
    case ARES_EBADNAME:
      return "not a valid host name";
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
      return "the lookup was cancelled (the host is shutting down)";
    default: {
      std::string text = ares_strerror(status);
      if (!text.empty()) text[0] = static_cast<char>(std::tolower(text[0]));
      return text;
    }
  }
}

Error lookupFailed(const std::string& host, const std::string& reason) {
  return Error{"dns_failed", "DNS lookup failed for " + host + ": " + reason};
}

bool isInvalidName(const std::string& host) {
  constexpr std::string_view kSuffix = ".invalid";
  return host == "invalid" ||
         (host.size() > kSuffix.size() &&
          host.compare(host.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0);
}

}  // namespace

struct DnsResolver::Lookup {
  DnsResolver* resolver;
  std::string host;
};

DnsResolver::DnsResolver(uv_loop_t* loop, DnsOptions options) : loop_(loop), options_(options) {}

DnsResolver::~DnsResolver() { close(); }

bool DnsResolver::ensureChannel(std::string* error) {
  if (channel_) return true;
  static std::once_flag once;
  static int library_status = ARES_SUCCESS;
  std::call_once(once, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS) {
    *error = "c-ares could not start: " + reasonFor(library_status);
    return false;
  }
  ares_options opts{};
  opts.sock_state_cb = &DnsResolver::onSocketState;
  opts.sock_state_cb_data = this;
  opts.timeout = options_.query_timeout_ms;
  opts.tries = options_.tries;
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  int rc = ares_init_options(&channel_, &opts, mask);
  if (rc != ARES_SUCCESS) {
    channel_ = nullptr;
    *error = "the resolver could not start: " + reasonFor(rc);
    return false;
  }
  if (!options_.servers.empty()) {
    rc = ares_set_servers_ports_csv(channel_, options_.servers.c_str());
    if (rc != ARES_SUCCESS) {
      ares_destroy(channel_);
      channel_ = nullptr;
      *error = "bad DNS servers '" + options_.servers + "': " + reasonFor(rc);
      return false;
    }
  }
  return true;
}

void DnsResolver::resolve(const std::string& name, Callback callback) {
  std::string host = name;
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (auto numeric = IpAddress::parse(host)) {
    callback(std::vector<IpAddress>{*numeric});
    return;
  }
  if (closed_) return callback(lookupFailed(host, reasonFor(ARES_EDESTRUCTION)));
  if (isInvalidName(host)) return callback(lookupFailed(host, reasonFor(ARES_ENOTFOUND)));
  if (auto hit = cache_.find(host); hit != cache_.end()) {
    if (hit->second.expires_at > uv_now(loop_)) return callback(hit->second.addresses);
    cache_.erase(hit);
  }
  if (auto joined = waiting_.find(host); joined != waiting_.end()) {
    joined->second.push_back(std::move(callback));
    return;
  }
  std::string error;
  if (!ensureChannel(&error)) return callback(lookupFailed(host, error));
  waiting_[host].push_back(std::move(callback));
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // The callback may run inside ares_getaddrinfo (an /etc/hosts answer): it only queues.
  ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &DnsResolver::onAddrInfo,
                   new Lookup{this, host});
  runCompleted();
  if (!closed_) armTimer();
}

void DnsResolver::onAddrInfo(void* arg, int status, int, ares_addrinfo* result) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(arg));
  DnsResolver& self = *lookup->resolver;
  if (status != ARES_SUCCESS || !result) {
    if (result) ares_freeaddrinfo(result);
    self.complete(lookup->host, lookupFailed(lookup->host, reasonFor(status)));
    return;
  }
  std::vector<IpAddress> addresses;
  int ttl_s = -1;
  for (auto* node = result->nodes; node; node = node->ai_next) {
    auto address = IpAddress::fromSockaddr(node->ai_addr);
    if (!address || std::find(addresses.begin(), addresses.end(), *address) != addresses.end()) {
      continue;
    }
    addresses.push_back(*address);
    ttl_s = ttl_s < 0 ? node->ai_ttl : std::min(ttl_s, node->ai_ttl);
  }
  ares_freeaddrinfo(result);
  if (addresses.empty()) {
    self.complete(lookup->host, lookupFailed(lookup->host, reasonFor(ARES_ENODATA)));
    return;
  }
  uint64_t ttl_ms = ttl_s > 0 ? static_cast<uint64_t>(ttl_s) * 1000 : 0;
  self.store(lookup->host, addresses, ttl_ms);
  self.complete(lookup->host, std::move(addresses));
}

void DnsResolver::complete(const std::string& host, Result<std::vector<IpAddress>> result) {
  completed_.emplace_back(host, std::move(result));
}

void DnsResolver::runCompleted() {
  auto done = std::move(completed_);
  completed_.clear();
  for (auto& [host, result] : done) {
    auto node = waiting_.extract(host);
    if (node.empty()) continue;
    for (auto& callback : node.mapped()) callback(result);
  }
}

void DnsResolver::store(const std::string& host, const std::vector<IpAddress>& addresses,
                        uint64_t ttl_ms) {
  if (options_.max_cache_entries == 0) return;
  ttl_ms = std::clamp(ttl_ms, options_.min_ttl_ms, options_.max_ttl_ms);
  uint64_t now = uv_now(loop_);
  if (cache_.size() >= options_.max_cache_entries && !cache_.count(host)) {
    std::erase_if(cache_, [now](const auto& entry) { return entry.second.expires_at <= now; });
  }
  if (cache_.size() >= options_.max_cache_entries && !cache_.count(host)) {
    auto soonest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    cache_.erase(soonest);
  }
  cache_[host] = CacheEntry{addresses, now + ttl_ms};
}

void DnsResolver::onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
  auto& self = *static_cast<DnsResolver*>(data);
  if (!readable && !writable) {
    self.polls_.erase(fd);  // closes the uv_poll before c-ares closes the socket
    return;
  }
  auto& poll = self.polls_[fd];
  if (!poll &&
      poll.init(&self, [&](uv_poll_t* h) { return uv_poll_init_socket(self.loop_, h, fd); }) < 0) {
    self.polls_.erase(fd);
    return;  // c-ares times the query out
  }
  int events = (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0);
  uv_poll_start(poll.get(), events, &DnsResolver::onPoll);
}

void DnsResolver::onPoll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<DnsResolver*>(handle->data);
  if (!self || !self->channel_) return;
  ares_socket_t fd = ARES_SOCKET_BAD;
  uv_os_fd_t os_fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(handle), &os_fd) == 0) fd = os_fd;
  // An error on the socket: let c-ares read and write it to find out and fail over.
  bool all = status < 0;
  self->process(all || (events & UV_READABLE) ? fd : ARES_SOCKET_BAD,
                all || (events & UV_WRITABLE) ? fd : ARES_SOCKET_BAD);
}

void DnsResolver::onTimer(uv_timer_t* handle) {
  auto* self = static_cast<DnsResolver*>(handle->data);
  if (self && self->channel_) self->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

void DnsResolver::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  runCompleted();
  if (!closed_) armTimer();
}

void DnsResolver::armTimer() {
  timeval tv{};
  if (!channel_ || !ares_timeout(channel_, nullptr, &tv)) {
    if (timer_) uv_timer_stop(timer_.get());
    return;
  }
  if (!timer_ && timer_.init(this, [&](uv_timer_t* h) { return uv_timer_init(loop_, h); }) < 0) {
    return;
  }
  uint64_t ms = static_cast<uint64_t>(tv.tv_sec) * 1000 + (tv.tv_usec + 999) / 1000;
  uv_timer_start(timer_.get(), &DnsResolver::onTimer, ms, 0);
}

void DnsResolver::close() {
  if (closed_) return;
  closed_ = true;
  if (channel_) {
    ares_destroy(channel_);  // every query's callback runs with ARES_EDESTRUCTION
    channel_ = nullptr;
  }
  polls_.clear();
  timer_.reset();
  for (auto& [host, callbacks] : waiting_) {
    complete(host, lookupFailed(host, reasonFor(ARES_EDESTRUCTION)));
  }
  runCompleted();
  waiting_.clear();
}

}  // namespace quiver::host::net
