#include "isolates/function_host.h"

#include <time.h>

#include <chrono>

namespace quiver::isolates {
namespace {

// CPU time of the calling thread: JS of one shard runs only on that shard's thread.
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

FunctionHost::FunctionHost(uv_loop_t* loop, const host::FunctionRegistry& registry,
                           host::Metrics& metrics, host::LogSink& logs)
    : loop_(loop), registry_(registry), metrics_(metrics), logs_(logs) {}

FunctionHost::~FunctionHost() {
  metrics_.isolates("warm").Decrement(static_cast<double>(instances_.size() + retired_.size()));
}

void FunctionHost::invoke(std::string_view function, InvokeRequest request, InvokeCallback done) {
  auto version = registry_.find(function);
  if (!version) {
    if (auto it = instances_.find(std::string(function)); it != instances_.end()) {
      retire(std::move(it->second));  // the function was deleted
      instances_.erase(it);
    }
    return done(InvokeResponse::hostError(404, "function_not_found",
                                          "no function named '" + std::string(function) + "'"));
  }
  InvokeResponse error;
  FunctionInstance* instance = instanceFor(version, &error);
  if (!instance) {
    metrics_.invocations(version->name, error.status).Increment();
    return done(std::move(error));
  }
  auto start = std::chrono::steady_clock::now();
  double cpu_start = threadCpuSeconds();
  std::string name = version->name;
  instance->invoke(std::move(request), [this, name = std::move(name), start,
                                        done = std::move(done)](InvokeResponse response) mutable {
    metrics_.invocations(name, response.status).Increment();
    metrics_.invocationDuration(name).Observe(secondsSince(start));
    done(std::move(response));
  });
  // The request's JS that ran in this entry (its synchronous part and the microtasks it queued);
  // continuations woken later by timers or I/O are counted when those exist.
  metrics_.invocationCpu(version->name).Observe(threadCpuSeconds() - cpu_start);
  collectRetired();
}

FunctionInstance* FunctionHost::instanceFor(const host::FunctionVersionPtr& version,
                                            InvokeResponse* error) {
  auto it = instances_.find(version->name);
  if (it != instances_.end()) {
    if (it->second->version()->version == version->version) return it->second.get();
    retire(std::move(it->second));
    instances_.erase(it);
  }
  auto start = std::chrono::steady_clock::now();
  auto created = FunctionInstance::create(version, logs_);
  if (!created) {
    logs_.write({version->name, version->version, "", host::LogLevel::kError,
                 "cannot start the function: " + created.error().message});
    *error = InvokeResponse::hostError(500, "function_start_failed",
                                       "the function failed to start: " + created.error().message);
    return nullptr;
  }
  metrics_.coldStarts(version->name).Increment();
  metrics_.coldStartDuration().Observe(secondsSince(start));
  metrics_.isolates("warm").Increment();
  auto* instance = created->get();
  instances_.emplace(version->name, std::move(*created));
  return instance;
}

void FunctionHost::retire(std::unique_ptr<FunctionInstance> instance) {
  if (instance->inFlight() == 0) {
    metrics_.isolates("warm").Decrement();
    return;  // destroyed here
  }
  retired_.push_back(std::move(instance));
}

void FunctionHost::collectRetired() {
  for (size_t i = 0; i < retired_.size();) {
    if (retired_[i]->inFlight() == 0) {
      metrics_.isolates("warm").Decrement();
      retired_[i] = std::move(retired_.back());
      retired_.pop_back();
    } else {
      ++i;
    }
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
