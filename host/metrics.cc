#include "host/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <prometheus/text_serializer.h>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace quiver::host {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

// Latency buckets from 100 µs to 30 s: functions answer in well under a millisecond when warm
// and may run up to the wall-time limit.
const Histogram::BucketBoundaries& latencyBuckets() {
  static const Histogram::BucketBoundaries b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10,    30};
  return b;
}

prometheus::ClientMetric gaugeValue(double v) {
  prometheus::ClientMetric m;
  m.gauge.value = v;
  return m;
}

// The standard process_* metrics (as the Go and Java clients export them), read from /proc.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    auto add = [&](const char* name, const char* help, prometheus::MetricType type, double v) {
      prometheus::ClientMetric m;
      if (type == prometheus::MetricType::Counter) {
        m.counter.value = v;
      } else {
        m = gaugeValue(v);
      }
      out.push_back({name, help, type, {m}});
    };
    long ticks = sysconf(_SC_CLK_TCK);
    long page = sysconf(_SC_PAGESIZE);
    Stat st = readStat();
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
        prometheus::MetricType::Counter, static_cast<double>(st.utime + st.stime) / ticks);
    add("process_resident_memory_bytes", "Resident memory size in bytes.",
        prometheus::MetricType::Gauge, static_cast<double>(st.rss) * page);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        prometheus::MetricType::Gauge, static_cast<double>(st.vsize));
    add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
        prometheus::MetricType::Gauge, bootTime() + static_cast<double>(st.start) / ticks);
    add("process_open_fds", "Number of open file descriptors.", prometheus::MetricType::Gauge,
        openFds());
    struct rlimit lim {};
    getrlimit(RLIMIT_NOFILE, &lim);
    add("process_max_fds", "Maximum number of open file descriptors.",
        prometheus::MetricType::Gauge, static_cast<double>(lim.rlim_cur));
    return out;
  }

 private:
  struct Stat {
    unsigned long utime = 0, stime = 0, vsize = 0;
    long rss = 0;
    unsigned long long start = 0;
  };
  // /proc/self/stat, read and closed before the descriptors are counted.
  static Stat readStat() {
    Stat st;
    std::ifstream stat("/proc/self/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the parenthesised command name, which may itself contain spaces.
    auto close = line.rfind(')');
    if (close == std::string::npos) return st;
    std::istringstream in(line.substr(close + 2));
    std::string skip;
    for (int i = 3; i <= 13; ++i) in >> skip;
    in >> st.utime >> st.stime;
    for (int i = 16; i <= 21; ++i) in >> skip;
    in >> st.start >> st.vsize >> st.rss;
    return st;
  }
  static double bootTime() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
      if (key == "btime") {
        in >> value;
        return value;
      }
      in.ignore(1 << 20, '\n');
    }
    return 0;
  }
  static double openFds() {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return 0;
    double n = 0;
    while (auto* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n - 1;  // the directory stream itself
  }
};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_shared<ProcessCollector>()),
      invocations_(BuildCounter()
                       .Name("quiver_invocations_total")
                       .Help("Function invocations by HTTP status code.")
                       .Register(*registry_)),
      invocation_duration_(BuildHistogram()
                               .Name("quiver_invocation_duration_seconds")
                               .Help("Wall time from request dispatch to response, per function.")
                               .Register(*registry_)),
      invocation_cpu_(BuildHistogram()
                          .Name("quiver_invocation_cpu_seconds")
                          .Help("Thread CPU time spent in JavaScript per invocation.")
                          .Register(*registry_)),
      cold_starts_(BuildCounter()
                       .Name("quiver_cold_starts_total")
                       .Help("Function instances created to serve a request.")
                       .Register(*registry_)),
      cold_start_duration_(BuildHistogram()
                               .Name("quiver_cold_start_duration_seconds")
                               .Help("Time to create a function instance on a cold start.")
                               .Register(*registry_)
                               .Add({}, latencyBuckets())),
      code_cache_(BuildCounter()
                      .Name("quiver_code_cache_total")
                      .Help("Cold-start module compiles by what became of the version's V8 code "
                            "cache (result: hit, miss, rejected).")
                      .Register(*registry_)),
      limit_exceeded_(BuildCounter()
                          .Name("quiver_limit_exceeded_total")
                          .Help("Requests ended because a resource limit was exceeded.")
                          .Register(*registry_)),
      isolates_(BuildGauge()
                    .Name("quiver_isolates")
                    .Help("Live V8 isolates by state.")
                    .Register(*registry_)),
      evictions_(BuildCounter()
                     .Name("quiver_instance_evictions_total")
                     .Help("Warm function instances disposed while idle (reason: idle, memory).")
                     .Register(*registry_)),
      functions_deployed_(BuildGauge()
                              .Name("quiver_functions_deployed")
                              .Help("Functions with a live version.")
                              .Register(*registry_)
                              .Add({})),
      http_connections_(BuildGauge()
                            .Name("quiver_http_connections")
                            .Help("Open HTTP connections on all listeners.")
                            .Register(*registry_)
                            .Add({})),
      http_errors_(BuildCounter()
                       .Name("quiver_http_errors_total")
                       .Help("Requests the gateway answered itself with an error, by code.")
                       .Register(*registry_)) {}

Metrics::~Metrics() = default;

prometheus::Counter& Metrics::invocations(std::string_view function, int status) {
  return invocations_.Add({{"function", std::string(function)}, {"code", std::to_string(status)}});
}

prometheus::Histogram& Metrics::invocationDuration(std::string_view function) {
  return invocation_duration_.Add({{"function", std::string(function)}}, latencyBuckets());
}

prometheus::Histogram& Metrics::invocationCpu(std::string_view function) {
  return invocation_cpu_.Add({{"function", std::string(function)}}, latencyBuckets());
}

prometheus::Counter& Metrics::coldStarts(std::string_view function) {
  return cold_starts_.Add({{"function", std::string(function)}});
}

prometheus::Counter& Metrics::codeCache(std::string_view result) {
  return code_cache_.Add({{"result", std::string(result)}});
}

prometheus::Counter& Metrics::limitExceeded(std::string_view function, std::string_view limit) {
  return limit_exceeded_.Add({{"function", std::string(function)}, {"limit", std::string(limit)}});
}

prometheus::Gauge& Metrics::isolates(std::string_view state) {
  return isolates_.Add({{"state", std::string(state)}});
}

prometheus::Counter& Metrics::evictions(std::string_view reason) {
  return evictions_.Add({{"reason", std::string(reason)}});
}

prometheus::Counter& Metrics::httpErrors(std::string_view code) {
  return http_errors_.Add({{"code", std::string(code)}});
}

FunctionSeries::FunctionSeries(Metrics& metrics, std::string function)
    : metrics_(metrics),
      function_(std::move(function)),
      duration_(metrics.invocationDuration(function_)),
      cpu_(metrics.invocationCpu(function_)) {}

prometheus::Counter& FunctionSeries::invocations(int status) {
  for (int i = 0; i < kCodes; ++i) {
    if (counters_[i] == nullptr) {
      codes_[i] = status;
      counters_[i] = &metrics_.invocations(function_, status);
      return *counters_[i];
    }
    if (codes_[i] == status) return *counters_[i];
  }
  return metrics_.invocations(function_, status);
}

std::string Metrics::serialize() const {
  auto families = registry_->Collect();
  auto process = process_->Collect();
  families.insert(families.end(), process.begin(), process.end());
  return prometheus::TextSerializer().Serialize(families);
}

double Metrics::sum(std::string_view family, std::string_view label,
                    std::string_view value_prefix) const {
  auto families = registry_->Collect();
  auto process = process_->Collect();
  families.insert(families.end(), process.begin(), process.end());
  double total = 0;
  for (const auto& f : families) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      if (!label.empty()) {
        bool match = false;
        for (const auto& l : m.label) {
          match |= l.name == label && std::string_view(l.value).starts_with(value_prefix);
        }
        if (!match) continue;
      }
      switch (f.type) {
        case prometheus::MetricType::Counter:
          total += m.counter.value;
          break;
        case prometheus::MetricType::Gauge:
          total += m.gauge.value;
          break;
        case prometheus::MetricType::Histogram:
          total += static_cast<double>(m.histogram.sample_count);
          break;
        default:
          break;
      }
    }
  }
  return total;
}

}  // namespace quiver::host
