// FunctionHost: a shard's Invoker. Keeps at most one warm FunctionInstance per function (the
// live version's), creates one on a cold start, and replaces it when a new version goes live;
// the old instance is kept until its in-flight requests finish.
//
// Owner: the shard (created and destroyed on the shard's thread). Reads the shared
// FunctionRegistry on each request; writes only shard-local state and thread-safe metrics.
#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/function_registry.h"
#include "host/log.h"
#include "host/metrics.h"
#include "isolates/function_instance.h"
#include "isolates/invoker.h"

namespace quiver::isolates {

class FunctionHost final : public Invoker {
 public:
  FunctionHost(uv_loop_t* loop, const host::FunctionRegistry& registry, host::Metrics& metrics,
               host::LogSink& logs);
  ~FunctionHost() override;

  void invoke(std::string_view function, InvokeRequest request, InvokeCallback done) override;

  // Disposes every idle instance (shutdown, memory pressure).
  void disposeIdle();
  size_t warmInstances() const { return instances_.size(); }

 private:
  FunctionInstance* instanceFor(const host::FunctionVersionPtr& version, InvokeResponse* error);
  void retire(std::unique_ptr<FunctionInstance> instance);
  void collectRetired();

  uv_loop_t* loop_;
  const host::FunctionRegistry& registry_;
  host::Metrics& metrics_;
  host::LogSink& logs_;
  std::unordered_map<std::string, std::unique_ptr<FunctionInstance>> instances_;
  std::vector<std::unique_ptr<FunctionInstance>> retired_;  // old versions still serving
};

}  // namespace quiver::isolates
