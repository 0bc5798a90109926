// FunctionInstance: one function version loaded and ready to serve: its own isolate, its own
// context with the runtime installed, the module evaluated, `env` built. Serves many requests at
// once (async interleaving, as in Workers); each request is a RequestState that owns its wall
// timer, the JS timers it started and its off-thread tasks (OffThreadTask), which end with it.
//
// Off-thread tasks: queued per instance in FIFO order, at most kMaxOffThreadRunningPerInstance on
// libuv's pool at once; each finished task completes through runEntry charged to its request.
// A task whose request ended, or whose instance died, is dropped: a waiting one at once, a
// running one when the pool hands it back. The pool's after-work callback reaches the instance
// only through a shared Liveness token that the destructor clears, so an instance may be
// destroyed while its tasks still run.
//
// Code cache: the module is compiled from its version's V8 code cache when there is one; after
// the first response the instance offers the version a richer cache (refreshCodeCache), made
// once per version in the process.
//
// Limits: every entry into JS (a request's start, a timer callback) runs under the CPU watchdog
// with the budget its request has left; the heap and ArrayBuffer limits terminate the isolate.
// A kill makes the instance dead: every request still in flight is answered, and the owner
// (FunctionHost) is told through on_dead to dispose of the instance once control returns to it.
//
// Owner: the shard's FunctionHost. Thread: only the shard's thread ever touches it.
// Callbacks to the gateway are never made from inside a V8 callback: completions are queued and
// delivered after the JS entry point returned and microtasks ran.
#pragma once

#include <uv.h>
#include <v8.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/byte_stream.h"
#include "host/config.h"
#include "host/function_version.h"
#include "host/log.h"
#include "host/metrics.h"
#include "host/net/http_client.h"
#include "host/result.h"
#include "isolates/invoker.h"
#include "isolates/isolate_holder.h"
#include "isolates/isolate_pool.h"
#include "isolates/limits/watchdog.h"
#include "isolates/platform.h"
#include "isolates/runtime/ops.h"
#include "isolates/runtime/runtime.h"

namespace quiver::isolates {

// Which limit ended a request; the name is the metric label and, suffixed, the error code.
enum class Limit { kCpu, kMemory, kWall };
std::string_view limitName(Limit limit);

struct InstanceServices {
  uv_loop_t* loop;
  host::LogSink& logs;
  host::Metrics& metrics;
  std::shared_ptr<Watchdog::Slot> watchdog;
  // The shard's outbound HTTP client for fetch(); null: fetch() of http(s) URLs fails.
  host::net::HttpClient* http_client = nullptr;
};

// fetch() network requests (redirect hops included) one request may make (DESIGN.md).
constexpr int kMaxSubrequestsPerRequest = 50;

class FunctionInstance final : public OpsHost {
 public:
  // Creates the isolate (or adopts `prepared`, one made ahead of need, when it has the function's
  // memory limit) and evaluates the module (under the CPU limit). Errors: "module_error",
  // "syntax_error", "runtime_error", or "cpu_limit_exceeded"/"memory_limit_exceeded".
  static Result<std::unique_ptr<FunctionInstance>> create(
      host::FunctionVersionPtr version, const host::LimitValues& limits, InstanceServices services,
      std::string startup_request_id = {}, std::unique_ptr<PreparedIsolate> prepared = nullptr);
  ~FunctionInstance() override;

  void invoke(InvokeRequest request, InvokeCallback done);

  size_t inFlight() const { return requests_.size(); }
  // The isolate's V8 heap (what the memory budget of warm instances counts).
  size_t heapBytes();
  bool dead() const { return dead_; }
  const host::FunctionVersionPtr& version() const { return version_; }
  void setOnDead(std::function<void()> on_dead) { on_dead_ = std::move(on_dead); }

  // OpsHost
  void onConsole(host::LogLevel level, std::string_view text) override;
  Result<uint64_t> startTimer(v8::Local<v8::Function> callback, double delay_ms,
                              bool repeat) override;
  void cancelTimer(uint64_t id) override;
  Result<v8::Local<v8::Promise>> queueOffThread(std::unique_ptr<OffThreadTask> task) override;
  Result<v8::Local<v8::Promise>> bodyRead(uint64_t handle) override;
  void bodyCancel(uint64_t handle) override;
  Result<v8::Local<v8::Array>> fetchStart(FetchArgs& args) override;
  void fetchAbort(uint64_t id) override;

 private:
  struct Timer;
  struct WallTimer;
  struct OffThreadWork;
  // Shared with every OffThreadWork on the pool; `instance` is cleared when the instance dies.
  struct Liveness {
    FunctionInstance* instance;
  };
  // A request lives from invoke() until its response is sent *and* its background work is
  // over: the promises given to ctx.waitUntil() (and, with streamed bodies, the response body).
  // Its timers, tasks, CPU budget and wall limit run for that whole life.
  struct RequestState {
    InvokeCallback done;  // empty once the response is queued
    std::string request_id;
    int64_t cpu_used_ns = 0;
    WallTimer* wall = nullptr;
    std::vector<uint64_t> timers;
    std::vector<uint64_t> off_thread;          // ids of its tasks not completed yet
    std::shared_ptr<InvocationSignal> signal;  // the client going away
    uint64_t signal_id = 0;
    v8::Global<v8::Value> ctx;  // the handler's ExecutionContext
    v8::Global<v8::Value>
        js_request;       // the handler's Request (its signal aborts if the client goes)
    int holds = 0;        // background work still keeping it after its response
    int subrequests = 0;  // fetch() exchanges started
    // Set when the incoming body failed on the gateway's side (over the limit, stalled,
    // malformed): the client gets this error whatever the function answers.
    std::optional<InvokeResponse> body_error;
    bool responded() const { return !done; }
  };
  // What a settled promise the instance watches meant (the callback's data encodes it).
  enum class Settled : uint64_t {
    kFulfilled = 0,
    kRejected = 1,
    kWaitUntilDone = 2,
    kStreamChunk = 3,  // a JsStream's readChunk() promise (the data's id is the stream's)
  };
  // Streams between the host and JS (instance_streams.cc). A HostBody is a host::ByteStream
  // that JS reads through ops.bodyRead (incoming request bodies, fetch() responses); a JsStream
  // is a JS ReadableStream the host reads through a JsByteStream (response bodies, fetch()
  // request bodies). Both belong to a request and end with it.
  struct HostBody {
    uint64_t request;
    std::shared_ptr<host::ByteStream> stream;
    std::shared_ptr<host::ByteStream> raw;      // set when `stream` decodes it: handed on instead
    bool incoming = false;                      // the request's own body (from the client)
    v8::Global<v8::Promise::Resolver> pending;  // the read in progress
  };
  struct JsStream {
    uint64_t request;
    v8::Global<v8::Object> reader;  // the stream's default reader (the host holds the lock)
    host::ByteStream::ReadCallback pending;
    bool holds;  // keeps its request alive after the response (a response body)
  };
  class JsByteStream;
  struct StreamEvent {
    host::ByteStream::ReadCallback callback;
    host::ByteStream::Event event;
    std::string chunk;
  };
  // A task queued or running. Owns the work while it waits; once on the pool, libuv owns it.
  struct PendingTask {
    uint64_t request;
    v8::Global<v8::Promise::Resolver> resolver;
    std::unique_ptr<OffThreadWork> waiting;  // null once submitted
    OffThreadWork* submitted = nullptr;      // for uv_cancel; not owned
  };

  FunctionInstance(host::FunctionVersionPtr version, const host::LimitValues& limits,
                   InstanceServices services, std::unique_ptr<PreparedIsolate> prepared);
  Status load();
  v8::Local<v8::Object> makeEnv(v8::Local<v8::Context> context);
  void runEntry(uint64_t owner, const std::function<void()>& body, bool limited = true);
  std::string startup_request_id_;
  void start(uint64_t id, InvokeRequest& request);
  void onClientGone(uint64_t id);
  void watch(uint64_t id, v8::Local<v8::Promise> promise, Settled on_ok, Settled on_err);
  void settle(uint64_t id, v8::Local<v8::Value> value, bool rejected);
  // respond(): the response is queued; the request ends now unless background work holds it.
  // finish(): the request ends now; `response` is sent if none was yet. end(): cleanup only.
  void respond(uint64_t id, InvokeResponse response);
  void finish(uint64_t id, InvokeResponse response);
  void release(uint64_t id);
  void end(uint64_t id);
  // instance_streams.cc
  uint64_t adoptBody(uint64_t request, std::shared_ptr<host::ByteStream> stream,
                     std::shared_ptr<host::ByteStream> raw = nullptr);
  // instance_fetch.cc
  struct Fetch {
    uint64_t request;
    v8::Global<v8::Promise::Resolver> resolver;
    std::shared_ptr<host::net::HttpClient::Exchange> exchange;
  };
  void onFetchResponse(uint64_t id, host::net::HttpClient::Response response);
  void onFetchError(uint64_t id, std::string message);
  void endFetches(uint64_t request);
  std::shared_ptr<host::ByteStream> takeHostBody(uint64_t handle);
  void onHostChunk(uint64_t handle, host::ByteStream::Event event, std::string chunk);
  std::shared_ptr<host::ByteStream> readFromJs(uint64_t request, v8::Local<v8::Object> reader,
                                               bool holds);
  void jsStreamRead(uint64_t id, host::ByteStream::ReadCallback callback);
  void jsStreamCancel(uint64_t id);
  void onJsChunk(uint64_t id, v8::Local<v8::Value> value);
  void endStreams(uint64_t request, const std::string& why);
  void noteBodyError(uint64_t request, const std::string& message);
  v8::MaybeLocal<v8::Value> hostReadableStream(v8::Local<v8::Context> context, uint64_t handle);
  Result<std::shared_ptr<host::ByteStream>> bodyStreamOf(uint64_t request,
                                                         v8::Local<v8::Context> context,
                                                         v8::Local<v8::Value> stream, bool holds);
  void fireTimer(Timer* timer);
  void onWallTimeout(uint64_t id);
  void kill(Limit limit, uint64_t owner, const std::string& where);
  InvokeResponse limitResponse(Limit limit, const std::string& request_id) const;
  InvokeResponse toResponse(uint64_t id, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                            const std::string& request_id);
  InvokeResponse functionError(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                               const std::string& request_id);
  void log(host::LogLevel level, std::string_view request_id, std::string_view message);
  void deliverCompletions();
  void refreshCodeCache();
  void closeTimer(uint64_t id);
  void startForegroundTasks();
  void runForegroundTasks();
  void startOffThreadWork();
  void dropOffThread(uint64_t id);
  void onOffThreadDone(std::unique_ptr<OffThreadWork> work, int status);

  static void onSettled(const v8::FunctionCallbackInfo<v8::Value>& args);

  host::FunctionVersionPtr version_;
  host::LimitValues limits_;
  InstanceServices services_;
  bool memory_exceeded_ = false;                 // set by the isolate's limit callbacks
  prometheus::Histogram* cpu_series_ = nullptr;  // invocationCpu of this function, looked up once
  // Declared before every v8::Global below so that it is destroyed after them.
  std::unique_ptr<IsolateHolder> holder_;
  v8::Global<v8::Context> context_;
  std::unique_ptr<Runtime> runtime_;
  v8::Global<v8::Object> handler_;
  v8::Global<v8::Function> fetch_;
  v8::Global<v8::Object> env_;
  // The module's script until the first response, when refreshCodeCache() serialises it.
  v8::Global<v8::UnboundModuleScript> module_script_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, RequestState> requests_;
  std::unordered_map<uint64_t, Timer*> timers_;
  std::unordered_map<uint64_t, PendingTask> off_thread_;
  std::deque<uint64_t> off_thread_queue_;  // ids waiting for a pool slot, in order
  size_t off_thread_running_ = 0;
  std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>(Liveness{this});
  struct Completion {
    uint64_t id;
    std::string request_id;
    InvokeCallback done;
    InvokeResponse response;
  };
  std::vector<Completion> completed_;
  uint64_t current_owner_ = 0;  // the request whose JS is running now (0: none)
  int entry_depth_ = 0;
  uint64_t entry_owner_ = 0;  // the request the outermost running entry is charged to
  // Stopped wall timers kept for the next requests (closed with the instance).
  static constexpr size_t kSpareWallTimers = 8;
  std::vector<WallTimer*> spare_walls_;
  void closeWall(WallTimer* wall);
  // CPU time before the running entry of requests that ended inside it (recorded when it ends).
  std::vector<int64_t> ended_in_entry_cpu_;
  bool dead_ = false;
  std::function<void()> on_dead_;
  // V8's foreground tasks for this isolate (see platform.h): posted from any thread, woken
  // through tasks_async_, delayed ones through tasks_timer_; run as entries of owner 0.
  std::shared_ptr<ForegroundTaskQueue> tasks_;
  uv_async_t* tasks_async_ = nullptr;
  uv_timer_t* tasks_timer_ = nullptr;
  std::unordered_map<uint64_t, HostBody> host_bodies_;
  std::unordered_map<uint64_t, JsStream> js_streams_;
  std::unordered_map<uint64_t, Fetch> fetches_;
  std::vector<StreamEvent> stream_events_;  // delivered after the entry, like completions
};

}  // namespace quiver::isolates
