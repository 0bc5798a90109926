#include "host/net/http_client.h"

#include <algorithm>

#include "host/net/http_exchange.h"

namespace quiver::host::net {

ClientCore::ClientCore(uv_loop_t* loop_in, HttpClientOptions options_in)
    : loop(loop_in),
      options(std::move(options_in)),
      dns(loop_in, options.dns),
      pool(options.max_idle_per_origin, options.pool_idle_timeout_ms) {}

void ClientCore::defer(std::function<void()> task) {
  if (closed) return;
  if (!defer_timer_ &&
      defer_timer_.init(this, [&](uv_timer_t* h) { return uv_timer_init(loop, h); }) < 0) {
    return;
  }
  deferred_.push_back(std::move(task));
  if (deferred_.size() == 1) uv_timer_start(defer_timer_.get(), &ClientCore::onDeferTimer, 0, 0);
}

void ClientCore::onDeferTimer(uv_timer_t* handle) {
  auto* self = static_cast<ClientCore*>(handle->data);
  if (!self) return;
  auto tasks = std::move(self->deferred_);
  self->deferred_.clear();
  for (auto& task : tasks) task();
}

std::shared_ptr<TlsContext> ClientCore::tlsContext(std::string* error) {
  if (!tls_ && tls_error_.empty()) {
    auto made = TlsContext::create(options.ca_file);
    if (made) {
      tls_ = *made;
    } else {
      tls_error_ = made.error().message;
    }
  }
  if (!tls_) *error = tls_error_;
  return tls_;
}

void ClientCore::close() {
  if (closed) return;
  closed = true;
  defer_timer_.reset();
  deferred_.clear();
  auto exchanges = std::move(all);
  all.clear();
  for (auto& weak : exchanges) {
    if (auto exchange = weak.lock()) exchange->shutdown("the HTTP client was closed");
  }
  starting.clear();
  pool.closeAll();
  dns.close();
}

Result<HttpClientOptions> httpClientOptionsFor(const OutboundConfig& config) {
  HttpClientOptions options;
  auto policy = EgressPolicy::withAllows(config.allow_egress);
  if (!policy) return Error{"bad_flag", "--allow-egress " + policy.error().message};
  options.policy = std::move(*policy);
  if (!config.ca_file.empty()) {
    auto tls = TlsContext::create(config.ca_file);
    if (!tls) return Error{"bad_flag", "--fetch-ca-file: " + tls.error().message};
    options.ca_file = config.ca_file;
  }
  return options;
}

HttpClient::HttpClient(uv_loop_t* loop, HttpClientOptions options)
    : core_(std::make_shared<ClientCore>(loop, std::move(options))) {}

HttpClient::~HttpClient() { close(); }

std::shared_ptr<HttpClient::Exchange> HttpClient::start(Request request,
                                                        ResponseCallback on_response,
                                                        ErrorCallback on_error) {
  auto exchange = std::make_shared<HttpExchange>(core_, std::move(request), std::move(on_response),
                                                 std::move(on_error));
  if (core_->closed) return exchange;
  auto& all = core_->all;
  if (all.size() >= 64 && all.size() % 64 == 0) {
    std::erase_if(all, [](const auto& weak) { return weak.expired(); });
  }
  all.push_back(exchange);
  core_->starting.push_back(exchange);
  core_->defer([exchange] { exchange->begin(); });
  return exchange;
}

void HttpClient::close() { core_->close(); }

size_t HttpClient::idleConnections() const { return core_->pool.idleCount(); }

}  // namespace quiver::host::net
