// FunctionHost: a shard's Invoker. Keeps at most one warm FunctionInstance per function (the
// live version's), creates one on a cold start, replaces it when a new version goes live (the
// old one is kept until its in-flight requests finish), and disposes of instances a limit killed.
// Cold starts take an isolate from the shard's IsolatePool when one of the right memory limit is
// ready (HostConfig::isolate_pool).
// Admission: at most max_concurrency requests per function in flight on this shard, then a
// bounded queue (HostConfig::max_queue), then 429.
//
// Owner: the shard (created and destroyed on the shard's thread). Reads the shared
// FunctionRegistry on each request (through its own lock-free Reader); writes only shard-local
// state and thread-safe metrics (each function's series looked up once, see Admission).
#pragma once

#include <uv.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/config.h"
#include "host/function_registry.h"
#include "host/log.h"
#include "host/metrics.h"
#include "host/net/http_client.h"
#include "isolates/function_instance.h"
#include "isolates/invoker.h"
#include "isolates/isolate_pool.h"

namespace quiver::isolates {

class FunctionHost final : public Invoker {
 public:
  FunctionHost(uv_loop_t* loop, const host::HostConfig& config,
               const host::FunctionRegistry& registry, host::Metrics& metrics, host::LogSink& logs);
  ~FunctionHost() override;

  void invoke(std::string_view function, InvokeRequest request, InvokeCallback done) override;

  // Disposes every idle instance (shutdown, memory pressure).
  void disposeIdle();
  // Disposes instances idle longer than HostConfig::instance_idle_ms, then the least recently
  // used idle ones while the warm heaps are over HostConfig::warm_memory_mb. Runs from a timer.
  void evict();
  size_t warmInstances() const { return instances_.size(); }

 private:
  struct Waiting {
    InvokeRequest request;
    InvokeCallback done;
  };
  // Per function on this shard: requests in flight and those waiting for a slot, and the
  // function's metric series (made on first use). Erased when the function is found deleted
  // and nothing of it is in flight or waiting (a request in flight holds a pointer to it).
  struct Admission {
    size_t in_flight = 0;
    std::deque<Waiting> queue;
    std::unique_ptr<host::FunctionSeries> series;
    bool deleted = false;
  };

  void dispatch(const host::FunctionVersionPtr& version, InvokeRequest request,
                InvokeCallback done);
  void release(const std::string& name);
  host::FunctionSeries& seriesOf(Admission& admission, const std::string& name);
  FunctionInstance* instanceFor(const host::FunctionVersionPtr& version, InvokeResponse* error,
                                const std::string& request_id);
  void retire(std::unique_ptr<FunctionInstance> instance);
  void collectRetired();
  void scheduleCollect();

  uv_loop_t* loop_;
  const host::HostConfig& config_;
  host::FunctionRegistry::Reader registry_;
  host::Metrics& metrics_;
  host::LogSink& logs_;
  std::shared_ptr<Watchdog::Slot> watchdog_;
  std::unordered_map<std::string, std::unique_ptr<FunctionInstance>> instances_;
  std::unordered_map<std::string, Admission> admission_;
  std::vector<std::unique_ptr<FunctionInstance>> retired_;  // old versions still serving, dead ones
  static host::net::HttpClientOptions httpClientOptions(const host::HostConfig& config);
  std::unique_ptr<host::net::HttpClient> http_client_;  // fetch() of every instance here
  std::unique_ptr<IsolatePool> pool_;                   // isolates ready for cold starts
  uv_idle_t* collector_;
  uv_timer_t* evictor_;  // runs evict(); does not keep the loop alive
  std::unordered_map<std::string, std::chrono::steady_clock::time_point>
      last_used_;               // disposes of retired instances outside their own call stacks
  bool shutting_down_ = false;  // disposes of retired instances outside their own call stacks
};

}  // namespace quiver::isolates
