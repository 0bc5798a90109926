#include "isolates/function_host.h"

#include <algorithm>

#include <chrono>

namespace quiver::isolates {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// The HTTP client under fetch(), from the host's configuration (egress policy, trust).
host::net::HttpClientOptions FunctionHost::httpClientOptions(const host::HostConfig& config) {
  // quiverd checked the same config at startup (a bad CIDR or CA file refuses to start).
  auto options = host::net::httpClientOptionsFor(config.outbound);
  return options ? std::move(*options) : host::net::HttpClientOptions{};
}

FunctionHost::FunctionHost(uv_loop_t* loop, const host::HostConfig& config,
                           const host::FunctionRegistry& registry, host::Metrics& metrics,
                           host::LogSink& logs)
    : loop_(loop),
      config_(config),
      registry_(registry),
      metrics_(metrics),
      logs_(logs),
      watchdog_(Watchdog::instance().slotForThisThread()),
      http_client_(std::make_unique<host::net::HttpClient>(loop, httpClientOptions(config))),
      pool_(std::make_unique<IsolatePool>(loop, config.isolate_pool, config.limits.memory_mb,
                                          &metrics.isolates("pooled"))) {
  collector_ = new uv_idle_t;
  uv_idle_init(loop_, collector_);
  collector_->data = this;
  evictor_ = new uv_timer_t;
  uv_timer_init(loop_, evictor_);
  evictor_->data = this;
  // Often enough that an instance goes within about a quarter of its idle time more (at most
  // every 5 s); the timer alone never keeps the shard's loop running.
  uint64_t every = std::clamp<uint64_t>(config_.instance_idle_ms / 4, 10, 5000);
  uv_timer_start(
      evictor_, [](uv_timer_t* t) { static_cast<FunctionHost*>(t->data)->evict(); }, every, every);
  uv_unref(reinterpret_cast<uv_handle_t*>(evictor_));
}

FunctionHost::~FunctionHost() {
  // Answers to requests still in flight come back through release(): nothing may start now.
  shutting_down_ = true;
  for (auto& [name, admission] : admission_) {
    for (auto& waiting : admission.queue) {
      waiting.done(InvokeResponse::hostError(503, "shutting_down", "the host is shutting down"));
    }
    admission.queue.clear();
  }
  metrics_.isolates("warm").Decrement(static_cast<double>(instances_.size() + retired_.size()));
  instances_.clear();
  retired_.clear();
  pool_.reset();
  http_client_->close();  // after the instances: their exchanges are aborted by then
  // The handles outlive this object until libuv has closed them.
  uv_close(reinterpret_cast<uv_handle_t*>(collector_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
  uv_timer_stop(evictor_);
  uv_close(reinterpret_cast<uv_handle_t*>(evictor_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

host::FunctionSeries& FunctionHost::seriesOf(Admission& admission, const std::string& name) {
  if (!admission.series) admission.series = std::make_unique<host::FunctionSeries>(metrics_, name);
  return *admission.series;
}

void FunctionHost::invoke(std::string_view function, InvokeRequest request, InvokeCallback done) {
  auto version = registry_.find(function);
  if (!version) {
    if (auto it = instances_.find(std::string(function)); it != instances_.end()) {
      retire(std::move(it->second));  // the function was deleted
      instances_.erase(it);
    }
    if (auto it = admission_.find(std::string(function)); it != admission_.end()) {
      if (it->second.in_flight == 0 && it->second.queue.empty()) {
        admission_.erase(it);
      } else {
        it->second.deleted = true;  // erased by release() once its last request is done
      }
    }
    return done(InvokeResponse::hostError(404, "function_not_found",
                                          "no function named '" + std::string(function) + "'"));
  }
  auto limits = host::effectiveLimits(config_.limits, version->config.limits);
  Admission& admission = admission_[version->name];
  admission.deleted = false;  // deployed again
  if (admission.in_flight >= limits.max_concurrency) {
    if (admission.queue.size() >= config_.max_queue) {
      std::string message = "function " + version->name + "@" + std::to_string(version->version) +
                            " has " + std::to_string(admission.in_flight) +
                            " requests in flight (its limit) and " +
                            std::to_string(admission.queue.size()) + " waiting (request " +
                            request.request_id + "); try again later";
      metrics_.limitExceeded(version->name, "concurrency").Increment();
      seriesOf(admission, version->name).invocations(429).Increment();
      logs_.write({version->name, version->version, request.request_id, host::LogLevel::kWarn,
                   "limit exceeded: concurrency_limit: " + message});
      return done(InvokeResponse::hostError(429, "concurrency_limit", std::move(message)));
    }
    admission.queue.push_back({std::move(request), std::move(done)});
    return;
  }
  dispatch(version, std::move(request), std::move(done));
}

void FunctionHost::dispatch(const host::FunctionVersionPtr& version, InvokeRequest request,
                            InvokeCallback done) {
  InvokeResponse error;
  FunctionInstance* instance = instanceFor(version, &error, request.request_id);
  // Stays until this request's release(): an Admission is erased only when nothing is in flight.
  Admission* admission = &admission_[version->name];
  host::FunctionSeries* series = &seriesOf(*admission, version->name);
  if (!instance) {
    series->invocations(error.status).Increment();
    return done(std::move(error));
  }
  ++admission->in_flight;
  auto start = std::chrono::steady_clock::now();
  last_used_[version->name] = start;
  std::string name = version->name;
  instance->invoke(std::move(request), [this, name = std::move(name), series, start,
                                        done = std::move(done)](InvokeResponse response) mutable {
    series->invocations(response.status).Increment();
    series->duration().Observe(secondsSince(start));
    done(std::move(response));
    release(name);
  });
}

// A request of `name` finished: its slot goes to the next waiting request, if any.
void FunctionHost::release(const std::string& name) {
  auto it = admission_.find(name);
  if (it == admission_.end() || shutting_down_) return;
  Admission& admission = it->second;
  if (admission.in_flight > 0) --admission.in_flight;
  last_used_[name] = std::chrono::steady_clock::now();
  if (admission.queue.empty()) {
    if (admission.deleted && admission.in_flight == 0) admission_.erase(it);
    return;
  }
  Waiting next = std::move(admission.queue.front());
  admission.queue.pop_front();
  auto version = registry_.find(name);
  if (!version) {
    return next.done(
        InvokeResponse::hostError(404, "function_not_found", "no function named '" + name + "'"));
  }
  dispatch(version, std::move(next.request), std::move(next.done));
}

FunctionInstance* FunctionHost::instanceFor(const host::FunctionVersionPtr& version,
                                            InvokeResponse* error, const std::string& request_id) {
  auto it = instances_.find(version->name);
  if (it != instances_.end()) {
    if (it->second->version()->version == version->version && !it->second->dead()) {
      return it->second.get();
    }
    retire(std::move(it->second));
    instances_.erase(it);
  }
  auto start = std::chrono::steady_clock::now();
  auto limits = host::effectiveLimits(config_.limits, version->config.limits);
  auto created = FunctionInstance::create(version, limits,
                                          {loop_, logs_, metrics_, watchdog_, http_client_.get()},
                                          request_id, pool_->take(limits.memory_mb));
  if (!created) {
    const Error& e = created.error();
    if (e.code.ends_with("_limit_exceeded")) {
      // A kill while the module evaluated: the instance logged and counted it for this request.
      *error = InvokeResponse::hostError(503, e.code, e.message);
    } else {
      logs_.write({version->name, version->version, request_id, host::LogLevel::kError,
                   "cannot start the function: " + e.message});
      *error = InvokeResponse::hostError(500, "function_start_failed",
                                         "the function failed to start: " + e.message);
    }
    return nullptr;
  }
  metrics_.coldStarts(version->name).Increment();
  metrics_.coldStartDuration().Observe(secondsSince(start));
  metrics_.isolates("warm").Increment();
  auto* instance = created->get();
  instance->setOnDead([this] { scheduleCollect(); });
  instances_.emplace(version->name, std::move(*created));
  return instance;
}

void FunctionHost::retire(std::unique_ptr<FunctionInstance> instance) {
  retired_.push_back(std::move(instance));
  scheduleCollect();
}

// Instances are destroyed from an idle callback, never from inside one of their own calls.
void FunctionHost::scheduleCollect() {
  uv_idle_start(collector_, [](uv_idle_t* idle) {
    uv_idle_stop(idle);
    static_cast<FunctionHost*>(idle->data)->collectRetired();
  });
}

void FunctionHost::collectRetired() {
  // Dead instances leave the warm map too, so the next request gets a fresh one.
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (it->second->dead()) {
      retired_.push_back(std::move(it->second));
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  for (size_t i = 0; i < retired_.size();) {
    if (retired_[i]->inFlight() == 0 || retired_[i]->dead()) {
      metrics_.isolates("warm").Decrement();
      retired_[i] = std::move(retired_.back());
      retired_.pop_back();
    } else {
      ++i;
    }
  }
}

void FunctionHost::evict() {
  if (shutting_down_) return;
  auto now = std::chrono::steady_clock::now();
  auto idle_for = std::chrono::milliseconds(config_.instance_idle_ms);
  auto lastUsed = [&](const std::string& name) {
    auto it = last_used_.find(name);
    return it == last_used_.end() ? now : it->second;
  };
  // Idle too long. An instance with work in flight (waitUntil, a stream) is not idle.
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (it->second->inFlight() == 0 && !it->second->dead() &&
        now - lastUsed(it->first) >= idle_for) {
      metrics_.evictions("idle").Increment();
      metrics_.isolates("warm").Decrement();
      last_used_.erase(it->first);
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  if (config_.warm_memory_mb == 0) return;
  // Over the memory budget: the least recently used idle instances go first.
  size_t budget = static_cast<size_t>(config_.warm_memory_mb) << 20;
  size_t total = 0;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> idle;
  for (auto& [name, instance] : instances_) {
    total += instance->heapBytes();
    if (instance->inFlight() == 0 && !instance->dead()) idle.emplace_back(lastUsed(name), name);
  }
  std::sort(idle.begin(), idle.end());
  for (const auto& [when, name] : idle) {
    if (total <= budget) break;
    auto it = instances_.find(name);
    if (it == instances_.end()) continue;
    size_t freed = it->second->heapBytes();
    metrics_.evictions("memory").Increment();
    metrics_.isolates("warm").Decrement();
    last_used_.erase(name);
    instances_.erase(it);
    total -= std::min(total, freed);
  }
}

void FunctionHost::disposeIdle() {
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (it->second->inFlight() == 0) {
      metrics_.isolates("warm").Decrement();
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  collectRetired();
}

}  // namespace quiver::isolates
