// FunctionInstance: one function version loaded and ready to serve: its own isolate, its own
// context with the runtime installed, the module evaluated, `env` built. Serves many requests at
// once (async interleaving, as in Workers); each pending request is a promise the instance
// waits on.
//
// Owner: the shard's FunctionHost. Thread: only the shard's thread ever touches it.
// Callbacks to the gateway are never made from inside a V8 callback: completions are queued and
// delivered after the JS entry point returned and microtasks ran.
#pragma once

#include <v8.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/function_version.h"
#include "host/log.h"
#include "host/result.h"
#include "isolates/invoker.h"
#include "isolates/isolate_holder.h"
#include "isolates/runtime/ops.h"
#include "isolates/runtime/runtime.h"

namespace quiver::isolates {

class FunctionInstance final : public OpsHost {
 public:
  // Creates the isolate and evaluates the module. Errors: "module_error", "syntax_error",
  // "runtime_error" (a runtime bug), each with a message for the function's log.
  static Result<std::unique_ptr<FunctionInstance>> create(host::FunctionVersionPtr version,
                                                          host::LogSink& logs);
  ~FunctionInstance() override;

  void invoke(InvokeRequest request, InvokeCallback done);

  size_t inFlight() const { return pending_.size(); }
  const host::FunctionVersionPtr& version() const { return version_; }

  void onConsole(host::LogLevel level, std::string_view text) override;

 private:
  struct Pending {
    InvokeCallback done;
    std::string request_id;
  };

  FunctionInstance(host::FunctionVersionPtr version, host::LogSink& logs);
  Status load();
  v8::Local<v8::Object> makeEnv(v8::Local<v8::Context> context);
  void start(uint64_t id, InvokeRequest& request);
  void watch(uint64_t id, v8::Local<v8::Promise> promise);
  void settle(uint64_t id, v8::Local<v8::Value> value, bool rejected);
  InvokeResponse toResponse(v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                            const std::string& request_id);
  InvokeResponse functionError(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                               const std::string& request_id);
  void log(host::LogLevel level, std::string_view request_id, std::string_view message);
  void deliverCompletions();

  static void onSettled(const v8::FunctionCallbackInfo<v8::Value>& args);

  // Declared first so that it is destroyed last, after every v8::Global below.
  IsolateHolder holder_;
  host::FunctionVersionPtr version_;
  host::LogSink& logs_;
  v8::Global<v8::Context> context_;
  std::unique_ptr<Runtime> runtime_;
  v8::Global<v8::Object> handler_;
  v8::Global<v8::Function> fetch_;
  v8::Global<v8::Object> env_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Pending> pending_;
  std::vector<std::pair<InvokeCallback, InvokeResponse>> completed_;
  std::string current_request_id_;  // of the request whose JS is running synchronously
};

}  // namespace quiver::isolates
