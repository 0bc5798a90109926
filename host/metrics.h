// Metrics: every metric Quiver exports is declared here, once (names follow Prometheus
// conventions; see DESIGN.md "Metrics"). Callers get references to series and update them;
// prometheus-cpp counters, gauges and histograms are atomic, so updates are thread-safe.
// Looking a series up (Family::Add) takes the family's lock: hot paths cache the reference
// (FunctionSeries for the per-invocation ones).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace quiver::host {

// The series of one function that every invocation updates, looked up once (Family::Add locks
// the family and hashes the labels) and then updated without a lock. Series are never removed
// from the registry, so the references stay valid as long as the Metrics. Not thread-safe
// (the status-code cache): one per function per shard.
class FunctionSeries {
 public:
  FunctionSeries(class Metrics& metrics, std::string function);
  prometheus::Counter& invocations(int status);
  prometheus::Histogram& duration() { return duration_; }
  prometheus::Histogram& cpu() { return cpu_; }

 private:
  class Metrics& metrics_;
  std::string function_;
  prometheus::Histogram& duration_;
  prometheus::Histogram& cpu_;
  // The codes seen so far (a function answers with few); the first kCodes without a lookup.
  static constexpr int kCodes = 8;
  int codes_[kCodes] = {};
  prometheus::Counter* counters_[kCodes] = {};
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Counter& invocations(std::string_view function, int status);
  prometheus::Histogram& invocationDuration(std::string_view function);
  prometheus::Histogram& invocationCpu(std::string_view function);
  prometheus::Counter& coldStarts(std::string_view function);
  prometheus::Histogram& coldStartDuration() { return cold_start_duration_; }
  // What a cold start's module compile made of its version's V8 code cache: result "hit"
  // (consumed), "miss" (none yet) or "rejected" (made by another V8 build or with other flags).
  prometheus::Counter& codeCache(std::string_view result);
  prometheus::Counter& limitExceeded(std::string_view function, std::string_view limit);
  prometheus::Gauge& isolates(std::string_view state);
  // Warm instances disposed while idle: reason "idle" (unused too long) or "memory" (the budget).
  prometheus::Counter& evictions(std::string_view reason);
  prometheus::Gauge& functionsDeployed() { return functions_deployed_; }
  prometheus::Gauge& httpConnections() { return http_connections_; }
  prometheus::Counter& httpErrors(std::string_view code);

  // The Prometheus text exposition of every metric, process_* included.
  std::string serialize() const;
  // The sum of a family's series (counters and gauges: values; histograms: observation counts),
  // only those whose `label` starts with `value_prefix` when a label is given. For summaries
  // (quiver status), not for hot paths: it collects the whole registry.
  double sum(std::string_view family, std::string_view label = {},
             std::string_view value_prefix = {}) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> process_;
  prometheus::Family<prometheus::Counter>& invocations_;
  prometheus::Family<prometheus::Histogram>& invocation_duration_;
  prometheus::Family<prometheus::Histogram>& invocation_cpu_;
  prometheus::Family<prometheus::Counter>& cold_starts_;
  prometheus::Histogram& cold_start_duration_;
  prometheus::Family<prometheus::Counter>& code_cache_;
  prometheus::Family<prometheus::Counter>& limit_exceeded_;
  prometheus::Family<prometheus::Gauge>& isolates_;
  prometheus::Family<prometheus::Counter>& evictions_;
  prometheus::Gauge& functions_deployed_;
  prometheus::Gauge& http_connections_;
  prometheus::Family<prometheus::Counter>& http_errors_;
};

}  // namespace quiver::host
