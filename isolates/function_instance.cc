#include "isolates/function_instance.h"

#include <algorithm>
#include <vector>

#include "isolates/module_loader.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

constexpr int64_t kNanosPerMs = 1'000'000;

// The request's headers as the runtime's header list, [[name, value], …] (makeRequest in
// 90_internals.js keeps it as the Request's own). Array::New from elements defines own
// properties: setters user code may have put on Array.prototype or Object.prototype never run.
// Header bytes are Latin-1 per the Fetch standard's ByteString; names are internalized, so the
// runtime's comparisons with literal names ("content-type") are pointer compares.
v8::MaybeLocal<v8::Array> headerList(v8::Isolate* isolate, const HeaderList& headers) {
  constexpr size_t kInline = 32;
  v8::Local<v8::Value> inline_pairs[kInline];
  std::vector<v8::Local<v8::Value>> more;
  v8::Local<v8::Value>* pairs = inline_pairs;
  if (headers.size() > kInline) {
    more.resize(headers.size());
    pairs = more.data();
  }
  for (size_t i = 0; i < headers.size(); ++i) {
    const auto& [name, value] = headers[i];
    v8::Local<v8::Value> pair[2];
    v8::Local<v8::String> s;
    if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(name.data()),
                                    v8::NewStringType::kInternalized, static_cast<int>(name.size()))
             .ToLocal(&s)) {
      return {};
    }
    pair[0] = s;
    if (!oneByteString(isolate, value).ToLocal(&s)) return {};
    pair[1] = s;
    pairs[i] = v8::Array::New(isolate, pair, 2);
  }
  return v8::Array::New(isolate, pairs, headers.size());
}

void appendView(std::string& out, v8::Local<v8::ArrayBufferView> view) {
  size_t offset = out.size();
  out.resize(offset + view->ByteLength());
  view->CopyContents(out.data() + offset, view->ByteLength());
}

}  // namespace

std::string_view limitName(Limit limit) {
  switch (limit) {
    case Limit::kCpu:
      return "cpu";
    case Limit::kMemory:
      return "memory";
    case Limit::kWall:
      return "wall_time";
  }
  return "unknown";
}

// A JS timer (setTimeout/setInterval). Heap-allocated because libuv frees handles only in the
// close callback; the callback runs after the instance may be gone, so it touches only this.
struct FunctionInstance::Timer {
  uv_timer_t handle;
  FunctionInstance* instance;
  uint64_t id;
  uint64_t request;
  bool repeat;
  v8::Global<v8::Function> callback;
};

// A request's wall-time limit.
struct FunctionInstance::WallTimer {
  uv_timer_t handle;
  FunctionInstance* instance;
  uint64_t request;
};

// One off-thread task on its way through libuv's pool. Freed by the after-work callback, which
// runs on the shard's thread and reaches the instance only if `liveness` says it still exists.
struct FunctionInstance::OffThreadWork {
  uv_work_t req;
  std::shared_ptr<Liveness> liveness;
  uint64_t id;
  std::unique_ptr<OffThreadTask> task;
};

FunctionInstance::FunctionInstance(host::FunctionVersionPtr version,
                                   const host::LimitValues& limits, InstanceServices services,
                                   std::unique_ptr<PreparedIsolate> prepared)
    : version_(std::move(version)), limits_(limits), services_(std::move(services)) {
  if (prepared && prepared->memory_mb == limits.memory_mb) {
    holder_ = std::move(prepared->holder);
    holder_->setOnMemoryExceeded([this] { memory_exceeded_ = true; });
    context_ = std::move(prepared->context);
    runtime_ = std::move(prepared->runtime);
  } else {
    holder_ = std::make_unique<IsolateHolder>(IsolateOptions{
        .max_heap_bytes = static_cast<size_t>(limits.memory_mb) * 1024 * 1024,
        .max_array_buffer_bytes = static_cast<size_t>(limits.memory_mb) * 1024 * 1024,
        .on_memory_exceeded = [this] { memory_exceeded_ = true; }});
  }
}

FunctionInstance::~FunctionInstance() {
  if (tasks_) {
    tasks_->setWaker({});  // from here on no thread touches tasks_async_
    uv_close(reinterpret_cast<uv_handle_t*>(tasks_async_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
    uv_close(reinterpret_cast<uv_handle_t*>(tasks_timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }
  // Work still on the pool finds no instance when it comes back and is just freed.
  liveness_->instance = nullptr;
  // Requests still waiting get an answer: the instance is going away under them.
  std::vector<uint64_t> ids;
  for (auto& [id, state] : requests_) ids.push_back(id);
  for (uint64_t id : ids) {
    finish(id, InvokeResponse::hostError(503, "instance_discarded",
                                         "the function instance was discarded"));
  }
  for (auto& c : completed_) c.done(std::move(c.response));
  for (auto& e : stream_events_) e.callback(e.event, std::move(e.chunk));
  for (auto& [id, fetch] : fetches_) {
    if (fetch.exchange) fetch.exchange->abort();
  }
  fetches_.clear();
  for (auto& [id, body] : host_bodies_) body.stream->cancel();
  for (auto& [id, stream] : js_streams_) {
    if (stream.pending)
      stream.pending(host::ByteStream::Event::kError, "the function instance was discarded");
  }
  std::vector<uint64_t> timers;
  for (auto& [id, timer] : timers_) timers.push_back(id);
  for (uint64_t id : timers) closeTimer(id);
  for (WallTimer* wall : spare_walls_) closeWall(wall);
}

// A wall timer is gone for good: libuv frees handles only in the close callback.
void FunctionInstance::closeWall(WallTimer* wall) {
  uv_close(reinterpret_cast<uv_handle_t*>(&wall->handle),
           [](uv_handle_t* h) { delete static_cast<WallTimer*>(h->data); });
}

Result<std::unique_ptr<FunctionInstance>> FunctionInstance::create(
    host::FunctionVersionPtr version, const host::LimitValues& limits, InstanceServices services,
    std::string startup_request_id, std::unique_ptr<PreparedIsolate> prepared) {
  std::unique_ptr<FunctionInstance> instance(
      new FunctionInstance(std::move(version), limits, std::move(services), std::move(prepared)));
  instance->startup_request_id_ = std::move(startup_request_id);
  if (auto status = instance->load(); !status) return status.error();
  return instance;
}

void FunctionInstance::startForegroundTasks() {
  tasks_ = foregroundTasks(holder_->get());
  tasks_async_ = new uv_async_t;
  uv_async_init(services_.loop, tasks_async_, [](uv_async_t* async) {
    static_cast<FunctionInstance*>(async->data)->runForegroundTasks();
  });
  tasks_async_->data = this;
  tasks_timer_ = new uv_timer_t;
  uv_timer_init(services_.loop, tasks_timer_);
  tasks_timer_->data = this;
  // Neither keeps the loop alive by itself: they matter only while the shard runs anyway.
  uv_unref(reinterpret_cast<uv_handle_t*>(tasks_async_));
  uv_unref(reinterpret_cast<uv_handle_t*>(tasks_timer_));
  tasks_->setWaker([async = tasks_async_] { uv_async_send(async); });
}

void FunctionInstance::runForegroundTasks() {
  auto next = std::chrono::milliseconds(-1);
  runEntry(0, [&] { next = tasks_->runDue(); });
  if (dead_ || next.count() < 0) return;
  uv_timer_start(
      tasks_timer_,
      [](uv_timer_t* timer) { static_cast<FunctionInstance*>(timer->data)->runForegroundTasks(); },
      static_cast<uint64_t>(next.count()), 0);
}

Status FunctionInstance::load() {
  v8::Isolate* isolate = holder_->get();
  isolate->SetData(kOpsHostSlot, static_cast<OpsHost*>(this));
  startForegroundTasks();
  Status status = okStatus();
  runEntry(
      0,
      [&] {
        v8::Local<v8::Context> context;
        if (context_.IsEmpty()) {
          auto runtime = Runtime::newContext(isolate, &context);
          if (!runtime) {
            status = runtime.error();
            return;
          }
          runtime_ = std::move(*runtime);
          context_.Reset(isolate, context);
        } else {
          context = context_.Get(isolate);  // a prepared isolate's (from the pool)
          runtime_->startClock(isolate, context);
        }
        // From here on user code runs: no eval() or new Function() from strings unless allowed.
        context->AllowCodeGenerationFromStrings(version_->config.allow_eval);
      },
      /*limited=*/false);
  if (!status || dead_) return status;
  runEntry(0, [&] {
    auto context = isolate->GetCurrentContext();
    // Held for the compile: another shard may replace the slot's bytes meanwhile.
    host::CodeCacheSlot::Bytes cache = version_->code_cache->get();
    CodeCacheUse use = CodeCacheUse::kMiss;
    auto module =
        compileModule(isolate, context, version_->name, version_->code, cache.get(), &use);
    services_.metrics.codeCache(codeCacheUseName(use)).Increment();
    if (use == CodeCacheUse::kRejected) {
      // Made by another V8 or with other flags (an upgrade): dropped, so this is said once;
      // the after-first-run cache replaces it.
      version_->code_cache->discard(cache);
      host::logHost(host::LogLevel::kDebug, "code cache of " + version_->name + "@" +
                                                std::to_string(version_->version) +
                                                " rejected by V8; compiled from source");
    }
    if (!module) {
      status = module.error();
      return;
    }
    module_script_.Reset(isolate, (*module)->GetUnboundModuleScript());
    auto handler = evaluateModule(isolate, context, *module);
    if (!handler) {
      status = handler.error();
      return;
    }
    handler_.Reset(isolate, *handler);
    v8::Local<v8::Value> fetch;
    if (!(*handler)->Get(context, v8str(isolate, "fetch")).ToLocal(&fetch) ||
        !fetch->IsFunction()) {
      status = Error{"module_error", "the module's default export has no fetch method"};
      return;
    }
    fetch_.Reset(isolate, fetch.As<v8::Function>());
    env_.Reset(isolate, makeEnv(context));
  });
  if (dead_) {
    Limit limit = memory_exceeded_ ? Limit::kMemory : Limit::kCpu;
    return Error{std::string(limitName(limit)) + "_limit_exceeded",
                 limitResponse(limit, startup_request_id_).error_message};
  }
  return status;
}

v8::Local<v8::Object> FunctionInstance::makeEnv(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = holder_->get();
  auto env = v8::Object::New(isolate);
  for (const auto& [key, value] : version_->config.env) {
    // An env entry that cannot be defined (none can fail on a fresh object) is skipped.
    bool defined = env->CreateDataProperty(context, v8str(isolate, key), v8str(isolate, value))
                       .FromMaybe(false);
    (void)defined;
  }
  return env;
}

// One entry into JS on behalf of request `owner` (0: the module itself): under the watchdog with
// what the request's CPU budget has left, then microtasks, then kills, then completions.
void FunctionInstance::runEntry(uint64_t owner, const std::function<void()>& body, bool limited) {
  if (dead_) return;
  v8::Isolate* isolate = holder_->get();
  int64_t used = 0;
  if (auto it = requests_.find(owner); it != requests_.end()) used = it->second.cpu_used_ns;
  int64_t budget = static_cast<int64_t>(limits_.cpu_ms) * kNanosPerMs - used;
  int64_t cpu_start = threadCpuNanos();
  bool outermost = entry_depth_++ == 0;
  if (outermost) {
    entry_owner_ = owner;
  }
  if (outermost && !limited) budget = int64_t{1} << 60;  // the host's own work
  if (outermost) {
    Watchdog::instance().arm(*services_.watchdog, isolate,
                             cpu_start + std::max<int64_t>(budget, 0));
  }
  uint64_t previous_owner = current_owner_;
  IsolateHolder::setRunningFunction(version_->name.c_str());
  {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    auto context = context_.IsEmpty() ? v8::Local<v8::Context>() : context_.Get(isolate);
    if (!context.IsEmpty()) context->Enter();
    current_owner_ = owner;
    body();
    if (outermost && !isolate->IsExecutionTerminating()) {
      isolate->PerformMicrotaskCheckpoint();
      if (runtime_ && !context.IsEmpty()) runtime_->processRejections(isolate, context);
    }
    current_owner_ = previous_owner;
    if (!context.IsEmpty()) context->Exit();
  }
  --entry_depth_;
  if (!outermost) return;
  IsolateHolder::setRunningFunction(nullptr);
  Watchdog::Outcome outcome = Watchdog::instance().disarm(*services_.watchdog);
  int64_t spent = threadCpuNanos() - cpu_start;
  if (auto it = requests_.find(owner); it != requests_.end()) it->second.cpu_used_ns += spent;
  for (int64_t before : ended_in_entry_cpu_) {
    cpu_series_->Observe(static_cast<double>(before + spent) * 1e-9);
  }
  ended_in_entry_cpu_.clear();
  entry_owner_ = 0;
  if (memory_exceeded_) {
    kill(Limit::kMemory, owner, "");
  } else if (outcome.fired) {
    kill(Limit::kCpu, owner, outcome.stack);
  }
  deliverCompletions();
  if (dead_ && on_dead_) on_dead_();
}

size_t FunctionInstance::heapBytes() {
  v8::HeapStatistics stats;
  holder_->get()->GetHeapStatistics(&stats);
  // External memory: the isolate's ArrayBuffers and such, less the runtime's shared sources.
  size_t external = stats.external_memory();
  return stats.total_heap_size() +
         (external > runtimeSourceBytes() ? external - runtimeSourceBytes() : 0);
}

void FunctionInstance::invoke(InvokeRequest request, InvokeCallback done) {
  if (dead_) {
    return done(InvokeResponse::hostError(503, "instance_discarded",
                                          "the function instance was discarded"));
  }
  uint64_t id = next_id_++;
  RequestState& state = requests_[id];
  state.done = std::move(done);
  state.request_id = request.request_id;
  // A stopped wall timer of an earlier request when there is one (no allocation, no handle
  // init/close per request).
  WallTimer* wall;
  if (!spare_walls_.empty()) {
    wall = spare_walls_.back();
    spare_walls_.pop_back();
    wall->request = id;
  } else {
    wall = new WallTimer{{}, this, id};
    uv_timer_init(services_.loop, &wall->handle);
    wall->handle.data = wall;
  }
  uv_timer_start(
      &wall->handle,
      [](uv_timer_t* t) {
        auto* w = static_cast<WallTimer*>(t->data);
        w->instance->onWallTimeout(w->request);
      },
      static_cast<uint64_t>(limits_.timeout_s) * 1000, 0);
  state.wall = wall;
  if (request.signal) {
    state.signal = request.signal;
    state.signal_id = request.signal->onAbort([liveness = liveness_, id] {
      if (FunctionInstance* self = liveness->instance) self->onClientGone(id);
    });
  }
  runEntry(id, [&] { start(id, request); });
}

// The client went away. Before the response, the request is over: its timers, fetches and
// streams stop. After it, the gateway cancels the response stream; ctx.waitUntil() work goes on.
void FunctionInstance::onClientGone(uint64_t id) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.responded()) return;
  log(host::LogLevel::kInfo, it->second.request_id,
      "the client disconnected before the response; the request was cancelled");
  if (!it->second.js_request.IsEmpty()) {
    runEntry(id, [&] {
      auto state = requests_.find(id);
      if (state == requests_.end()) return;
      v8::Isolate* isolate = holder_->get();
      auto context = isolate->GetCurrentContext();
      v8::TryCatch try_catch(isolate);
      v8::Local<v8::Function> abort;
      v8::Local<v8::Value> argv[] = {state->second.js_request.Get(isolate)};
      if (runtime_->internalFunction(isolate, context, "abortIncomingRequest").ToLocal(&abort)) {
        callForEffect(context, abort, 1, argv);
      }
    });
  }
  it = requests_.find(id);
  if (it == requests_.end()) return;
  finish(id, InvokeResponse::hostError(499, "client_disconnected", "the client disconnected"));
  deliverCompletions();
}

void FunctionInstance::start(uint64_t id, InvokeRequest& request) {
  v8::Isolate* isolate = holder_->get();
  auto context = isolate->GetCurrentContext();
  v8::TryCatch try_catch(isolate);
  auto fail = [&] {
    // A terminated isolate is answered by kill(); anything else is the function's error.
    if (!try_catch.HasTerminated() && !memory_exceeded_) {
      settle(id, try_catch.Exception(), /*rejected=*/true);
    }
  };

  v8::Local<v8::Value> url = v8str(isolate, request.url);
  v8::Local<v8::Value> ignored;
  if (!runtime_->setBaseUrl(isolate)
           ->Call(context, v8::Undefined(isolate), 1, &url)
           .ToLocal(&ignored)) {
    return fail();
  }
  v8::Local<v8::Array> headers;
  if (!headerList(isolate, request.headers).ToLocal(&headers)) return fail();
  // The body as a stream JS pulls from the socket (28_host_streams.js, instance_streams.cc).
  v8::Local<v8::Value> body = v8::Null(isolate);
  if (request.body && request.body_length != 0) {
    uint64_t handle = adoptBody(id, std::move(request.body));
    host_bodies_[handle].incoming = true;
    if (!hostReadableStream(context, handle).ToLocal(&body)) return fail();
  }
  v8::Local<v8::Value> request_args[] = {v8str(isolate, request.method), url, headers, body};
  v8::Local<v8::Value> js_request;
  if (!runtime_->makeRequest(isolate)
           ->Call(context, v8::Undefined(isolate), 4, request_args)
           .ToLocal(&js_request)) {
    return fail();
  }
  v8::Local<v8::Value> ctx;
  if (!runtime_->makeContext(isolate)
           ->Call(context, v8::Undefined(isolate), 0, nullptr)
           .ToLocal(&ctx)) {
    return fail();
  }
  requests_[id].ctx.Reset(isolate, ctx);
  requests_[id].js_request.Reset(isolate, js_request);
  v8::Local<v8::Value> fetch_args[] = {js_request, env_.Get(isolate), ctx};
  v8::Local<v8::Value> result;
  if (!fetch_.Get(isolate)->Call(context, handler_.Get(isolate), 3, fetch_args).ToLocal(&result)) {
    return fail();
  }
  if (result->IsPromise()) {
    return watch(id, result.As<v8::Promise>(), Settled::kFulfilled, Settled::kRejected);
  }
  settle(id, result, /*rejected=*/false);
}

void FunctionInstance::watch(uint64_t id, v8::Local<v8::Promise> promise, Settled ok, Settled err) {
  v8::Isolate* isolate = holder_->get();
  auto context = isolate->GetCurrentContext();
  // The callbacks' data is id * 4 + what settling means (Settled); onSettled finds this
  // instance through the isolate's data slot. Ids stay far below 2^51, exact in a double.
  auto data_ok = v8::Number::New(isolate, static_cast<double>(id * 4 + uint64_t(ok)));
  auto data_err = v8::Number::New(isolate, static_cast<double>(id * 4 + uint64_t(err)));
  v8::Local<v8::Function> on_ok, on_err;
  v8::Local<v8::Promise> ignored;
  // Promise::Then is the engine's own, unaffected by user changes to Promise.prototype.then.
  if (!v8::Function::New(context, &FunctionInstance::onSettled, data_ok).ToLocal(&on_ok) ||
      !v8::Function::New(context, &FunctionInstance::onSettled, data_err).ToLocal(&on_err) ||
      !promise->Then(context, on_ok, on_err).ToLocal(&ignored)) {
    if (!isolate->IsExecutionTerminating()) {
      finish(id, InvokeResponse::hostError(500, "internal_error", "cannot await the response"));
    }
  }
}

void FunctionInstance::onSettled(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  auto* self =
      static_cast<FunctionInstance*>(static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot)));
  auto data = static_cast<uint64_t>(args.Data().As<v8::Number>()->Value());
  v8::Local<v8::Value> value = args.Length() > 0 ? args[0] : v8::Undefined(isolate).As<v8::Value>();
  switch (static_cast<Settled>(data % 4)) {
    case Settled::kFulfilled:
      return self->settle(data / 4, value, /*rejected=*/false);
    case Settled::kRejected:
      return self->settle(data / 4, value, /*rejected=*/true);
    case Settled::kWaitUntilDone:
      return self->release(data / 4);
    case Settled::kStreamChunk:
      return self->onJsChunk(data / 4, value);
  }
}

void FunctionInstance::settle(uint64_t id, v8::Local<v8::Value> value, bool rejected) {
  auto it = requests_.find(id);
  // Past a memory limit the errors JS sees ("allocation failed") are symptoms: kill() answers.
  if (it == requests_.end() || it->second.responded() || memory_exceeded_) return;
  auto context = holder_->get()->GetCurrentContext();
  std::string request_id = it->second.request_id;
  InvokeResponse response = rejected ? functionError(context, value, request_id)
                                     : toResponse(id, context, value, request_id);
  if (holder_->get()->IsExecutionTerminating()) return;  // kill() answers
  if (auto again = requests_.find(id); again != requests_.end() && again->second.body_error) {
    if (response.stream) response.stream->cancel();
    response = std::move(*again->second.body_error);
    again->second.body_error.reset();
  }
  respond(id, std::move(response));
}

// Queues the response; with ctx.waitUntil() work pending the request lives on until it settles
// (https://developers.cloudflare.com/workers/runtime-apis/context/#waituntil). Runs inside an
// entry into JS (settle()), with the context entered.
void FunctionInstance::respond(uint64_t id, InvokeResponse response) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.responded()) return;
  RequestState& state = it->second;
  completed_.push_back({id, state.request_id, std::move(state.done), std::move(response)});
  state.done = nullptr;
  v8::Isolate* isolate = holder_->get();
  if (!state.ctx.IsEmpty() && !isolate->IsExecutionTerminating()) {
    auto context = isolate->GetCurrentContext();
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> ctx = state.ctx.Get(isolate);
    v8::Local<v8::Value> pending;
    if (runtime_->waitUntilSettled(isolate)
            ->Call(context, v8::Undefined(isolate), 1, &ctx)
            .ToLocal(&pending) &&
        pending->IsPromise()) {
      ++state.holds;
      watch(id, pending.As<v8::Promise>(), Settled::kWaitUntilDone, Settled::kWaitUntilDone);
    }
  }
  if (auto again = requests_.find(id); again != requests_.end() && again->second.holds == 0) {
    end(id);
  }
}

// One piece of background work of request `id` is over; the last one ends the request.
void FunctionInstance::release(uint64_t id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  if (--it->second.holds <= 0 && it->second.responded()) end(id);
}

// Ends a request now: `response` is queued unless one was already.
void FunctionInstance::finish(uint64_t id, InvokeResponse response) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  if (!it->second.responded()) {
    completed_.push_back(
        {id, it->second.request_id, std::move(it->second.done), std::move(response)});
    it->second.done = nullptr;
  }
  end(id);
}

// A request's end: its CPU time is recorded, its wall timer, JS timers and tasks cancelled.
void FunctionInstance::end(uint64_t id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  RequestState state = std::move(it->second);
  requests_.erase(it);
  // The request's CPU time: earlier entries, plus the running one if it is the request's own.
  // When it ends inside its own entry (the usual case), the entry's share is added once the entry
  // is over (runEntry reads the clock then anyway: one clock read fewer per request).
  if (!cpu_series_) cpu_series_ = &services_.metrics.invocationCpu(version_->name);
  if (entry_depth_ > 0 && entry_owner_ == id) {
    ended_in_entry_cpu_.push_back(state.cpu_used_ns);
  } else {
    cpu_series_->Observe(static_cast<double>(state.cpu_used_ns) * 1e-9);
  }
  if (state.wall) {
    uv_timer_stop(&state.wall->handle);
    if (spare_walls_.size() < kSpareWallTimers) {
      spare_walls_.push_back(state.wall);
    } else {
      closeWall(state.wall);
    }
  }
  for (uint64_t timer : state.timers) closeTimer(timer);
  for (uint64_t task : state.off_thread) dropOffThread(task);
  if (state.signal) state.signal->forget(state.signal_id);
  endStreams(id, "the function's request ended before its stream did");
  endFetches(id);
}

void FunctionInstance::onWallTimeout(uint64_t id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  std::string request_id = it->second.request_id;
  services_.metrics.limitExceeded(version_->name, limitName(Limit::kWall)).Increment();
  log(host::LogLevel::kError, request_id,
      std::string("limit exceeded: wall_time_exceeded: ") +
          (it->second.responded() ? "its background work (ctx.waitUntil)" : "the request") +
          " did not finish within " + std::to_string(limits_.timeout_s) +
          " s; its timers were cancelled");
  finish(id, limitResponse(Limit::kWall, request_id));
  deliverCompletions();
}

InvokeResponse FunctionInstance::limitResponse(Limit limit, const std::string& request_id) const {
  std::string what;
  int status = 503;
  switch (limit) {
    case Limit::kCpu:
      what = "its CPU time limit of " + std::to_string(limits_.cpu_ms) + " ms";
      break;
    case Limit::kMemory:
      what = "its memory limit of " + std::to_string(limits_.memory_mb) + " MB";
      break;
    case Limit::kWall:
      what = "its wall time limit of " + std::to_string(limits_.timeout_s) + " s";
      status = 504;
      break;
  }
  std::string code = limit == Limit::kWall ? "wall_time_exceeded"
                                           : std::string(limitName(limit)) + "_limit_exceeded";
  std::string message =
      "function " + version_->name + "@" + std::to_string(version_->version) + " exceeded " + what;
  if (!request_id.empty()) message += " (request " + request_id + ")";
  return InvokeResponse::hostError(status, std::move(code), std::move(message));
}

// The instance exceeded a limit: it is terminated and will be discarded. The request that ran
// over gets the limit's error; for a memory kill every request in flight does (they shared the
// heap), for a CPU kill the others are told their instance was discarded.
void FunctionInstance::kill(Limit limit, uint64_t owner, const std::string& where) {
  if (dead_) return;
  dead_ = true;
  services_.metrics.limitExceeded(version_->name, limitName(limit)).Increment();
  std::string owner_id = owner == 0 ? startup_request_id_ : "";
  if (auto it = requests_.find(owner); it != requests_.end()) {
    owner_id = it->second.request_id;
  } else {
    // The owner's response is made but not delivered yet (the limit was passed in the
    // microtask checkpoint after it): it is the one that ran over.
    for (Completion& c : completed_) {
      if (c.id == owner && owner != 0) {
        owner_id = c.request_id;
        c.response = limitResponse(limit, owner_id);
      }
    }
  }
  InvokeResponse first = limitResponse(limit, owner_id);
  std::string line = "limit exceeded: " + first.error_code + ": " + first.error_message;
  if (!where.empty()) line += "; the JavaScript was" + where;
  log(host::LogLevel::kError, owner_id, line);
  std::vector<uint64_t> ids;
  for (auto& [id, state] : requests_) ids.push_back(id);
  for (uint64_t id : ids) {
    const std::string rid = requests_[id].request_id;
    if (id == owner || limit == Limit::kMemory) {
      finish(id, limitResponse(limit, rid));
    } else {
      finish(id, InvokeResponse::hostError(503, "instance_discarded",
                                           "the function instance was discarded: request " +
                                               owner_id + " exceeded " +
                                               std::string(limitName(limit)) + " limit"));
    }
  }
  std::vector<uint64_t> timers;
  for (auto& [id, timer] : timers_) timers.push_back(id);
  for (uint64_t id : timers) closeTimer(id);
}

Result<uint64_t> FunctionInstance::startTimer(v8::Local<v8::Function> callback, double delay_ms,
                                              bool repeat) {
  if (dead_) return Error{"dead", "the function instance is being discarded"};
  auto owner = requests_.find(current_owner_);
  if (owner == requests_.end()) {
    return Error{"no_request", "timers can only be started while handling a request"};
  }
  uint64_t id = next_id_++;
  auto* timer = new Timer{{}, this, id, current_owner_, repeat, {}};
  timer->callback.Reset(holder_->get(), callback);
  uv_timer_init(services_.loop, &timer->handle);
  timer->handle.data = timer;
  // HTML clamps nested timers to 4 ms; a repeating timer of 0 ms would spin the loop.
  // As HTML: a timeout is a signed 32-bit number of ms; NaN and negatives mean 0.
  constexpr double kMaxDelayMs = 2147483647.0;
  uint64_t delay = delay_ms > 0 ? static_cast<uint64_t>(std::min(delay_ms, kMaxDelayMs)) : 0;
  if (repeat && delay < 1) delay = 1;
  uv_timer_start(
      &timer->handle,
      [](uv_timer_t* t) {
        auto* self = static_cast<Timer*>(t->data);
        self->instance->fireTimer(self);
      },
      delay, repeat ? delay : 0);
  timers_[id] = timer;
  owner->second.timers.push_back(id);
  return id;
}

void FunctionInstance::cancelTimer(uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto owner = requests_.find(it->second->request);
  if (owner != requests_.end()) std::erase(owner->second.timers, id);
  closeTimer(id);
}

void FunctionInstance::closeTimer(uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  Timer* timer = it->second;
  timers_.erase(it);
  timer->callback.Reset();
  uv_timer_stop(&timer->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle),
           [](uv_handle_t* h) { delete static_cast<Timer*>(h->data); });
}

void FunctionInstance::fireTimer(Timer* timer) {
  uint64_t id = timer->id;
  uint64_t owner = timer->request;
  bool repeat = timer->repeat;
  runEntry(owner, [&] {
    v8::Isolate* isolate = holder_->get();
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    auto callback = it->second->callback.Get(isolate);
    if (!repeat) {
      auto state = requests_.find(owner);
      if (state != requests_.end()) std::erase(state->second.timers, id);
      closeTimer(id);
    }
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> ignored;
    auto context = isolate->GetCurrentContext();
    if (!callback->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&ignored) &&
        !try_catch.HasTerminated()) {
      // HTML's "report the exception": an `error` event at globalThis, logged unless cancelled.
      runtime_->reportException(isolate, context, try_catch.Exception());
    }
  });
}

Result<v8::Local<v8::Promise>> FunctionInstance::queueOffThread(
    std::unique_ptr<OffThreadTask> task) {
  if (dead_) return Error{"dead", "the function instance is being discarded"};
  auto owner = requests_.find(current_owner_);
  if (owner == requests_.end()) {
    return Error{"no_request", "this operation can only be started while handling a request"};
  }
  if (owner->second.off_thread.size() >= kMaxOffThreadTasksPerRequest) {
    return Error{"too_many_tasks", "a request may have at most " +
                                       std::to_string(kMaxOffThreadTasksPerRequest) +
                                       " background operations pending at once"};
  }
  v8::Isolate* isolate = holder_->get();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(isolate->GetCurrentContext()).ToLocal(&resolver)) {
    return Error{"no_promise", "cannot create a promise"};
  }
  uint64_t id = next_id_++;
  auto work = std::make_unique<OffThreadWork>();
  work->req.data = work.get();
  work->liveness = liveness_;
  work->id = id;
  work->task = std::move(task);
  PendingTask& pending = off_thread_[id];
  pending.request = current_owner_;
  pending.resolver.Reset(isolate, resolver);
  pending.waiting = std::move(work);
  owner->second.off_thread.push_back(id);
  off_thread_queue_.push_back(id);
  startOffThreadWork();
  return resolver->GetPromise();
}

// Moves waiting tasks onto the pool while this instance has a free slot there.
void FunctionInstance::startOffThreadWork() {
  while (!dead_ && off_thread_running_ < kMaxOffThreadRunningPerInstance &&
         !off_thread_queue_.empty()) {
    uint64_t id = off_thread_queue_.front();
    off_thread_queue_.pop_front();
    auto it = off_thread_.find(id);
    if (it == off_thread_.end() || !it->second.waiting) continue;  // dropped meanwhile
    OffThreadWork* work = it->second.waiting.get();
    int rc = uv_queue_work(
        services_.loop, &work->req,
        [](uv_work_t* req) { static_cast<OffThreadWork*>(req->data)->task->run(); },
        [](uv_work_t* req, int status) {
          std::unique_ptr<OffThreadWork> owned(static_cast<OffThreadWork*>(req->data));
          FunctionInstance* instance = owned->liveness->instance;
          if (instance) instance->onOffThreadDone(std::move(owned), status);
        });
    if (rc != 0) {
      dropOffThread(id);  // the promise stays pending, as for a dropped task
      continue;
    }
    it->second.submitted = it->second.waiting.release();  // libuv owns it now
    ++off_thread_running_;
  }
}

// Forgets task `id`: a waiting task is destroyed now, one on the pool is cancelled if it has not
// started (its after-work callback still runs and frees it).
void FunctionInstance::dropOffThread(uint64_t id) {
  auto it = off_thread_.find(id);
  if (it == off_thread_.end()) return;
  if (it->second.submitted) uv_cancel(reinterpret_cast<uv_req_t*>(&it->second.submitted->req));
  off_thread_.erase(it);
}

void FunctionInstance::onOffThreadDone(std::unique_ptr<OffThreadWork> work, int status) {
  --off_thread_running_;
  startOffThreadWork();
  auto it = off_thread_.find(work->id);
  if (it == off_thread_.end() || status != 0) return;  // dropped: its request is over
  uint64_t owner = it->second.request;
  v8::Global<v8::Promise::Resolver> resolver = std::move(it->second.resolver);
  off_thread_.erase(it);
  if (auto state = requests_.find(owner); state != requests_.end()) {
    std::erase(state->second.off_thread, work->id);
  }
  runEntry(owner, [&] {
    v8::Isolate* isolate = holder_->get();
    auto context = isolate->GetCurrentContext();
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> value;
    bool settled =
        work->task->complete(isolate, context).ToLocal(&value)
            ? resolver.Get(isolate)->Resolve(context, value).FromMaybe(false)
            : !try_catch.HasTerminated() && try_catch.HasCaught() &&
                  resolver.Get(isolate)->Reject(context, try_catch.Exception()).FromMaybe(false);
    (void)settled;  // a failure here is a termination, which kill() answers
  });
}

InvokeResponse FunctionInstance::toResponse(uint64_t id, v8::Local<v8::Context> context,
                                            v8::Local<v8::Value> value,
                                            const std::string& request_id) {
  v8::Isolate* isolate = holder_->get();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> record_value;
  if (!runtime_->responseRecord(isolate)
           ->Call(context, v8::Undefined(isolate), 1, &value)
           .ToLocal(&record_value) ||
      !record_value->IsArray()) {
    if (try_catch.HasTerminated()) return {};
    std::string message = try_catch.HasCaught() ? toUtf8(isolate, try_catch.Exception())
                                                : "the function's response could not be read";
    log(host::LogLevel::kError, request_id, message);
    return InvokeResponse::hostError(500, "invalid_response", message);
  }
  auto record = record_value.As<v8::Array>();
  InvokeResponse response;
  v8::Local<v8::Value> status, status_text, headers, body;
  if (!record->Get(context, 0).ToLocal(&status) || !record->Get(context, 1).ToLocal(&status_text) ||
      !record->Get(context, 2).ToLocal(&headers) || !record->Get(context, 3).ToLocal(&body) ||
      !headers->IsArray()) {
    return InvokeResponse::hostError(500, "internal_error", "malformed response record");
  }
  response.status = static_cast<int>(status->Int32Value(context).FromMaybe(500));
  response.status_text = byteString(isolate, status_text);
  // The runtime's own [[name, value], …] (sorted and combined): no user code runs reading it.
  auto list = headers.As<v8::Array>();
  uint32_t count = list->Length();
  response.headers.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    v8::Local<v8::Value> pair, name, header_value;
    if (!list->Get(context, i).ToLocal(&pair) || !pair->IsArray() ||
        !pair.As<v8::Array>()->Get(context, 0).ToLocal(&name) ||
        !pair.As<v8::Array>()->Get(context, 1).ToLocal(&header_value)) {
      break;
    }
    response.headers.emplace_back(byteString(isolate, name), byteString(isolate, header_value));
  }
  if (body->IsString()) {
    response.body = stringToUtf8(isolate, body.As<v8::String>());
  } else if (body->IsObject() && !body->IsArray() && !body->IsArrayBufferView()) {
    // A ReadableStream: sent as it is produced (see instance_streams.cc).
    auto stream = bodyStreamOf(id, context, body, /*holds=*/true);
    if (!stream) {
      if (try_catch.HasTerminated()) return {};
      log(host::LogLevel::kError, request_id, stream.error().message);
      return InvokeResponse::hostError(500, "invalid_response", stream.error().message);
    }
    response.stream = std::move(*stream);
  } else if (body->IsArrayBufferView()) {
    appendView(response.body, body.As<v8::ArrayBufferView>());
  } else if (body->IsArray()) {
    // A Blob or FormData body: its chunks, in order (see responseRecord in 90_internals.js).
    auto chunks = body.As<v8::Array>();
    size_t total = 0;
    for (uint32_t i = 0; i < chunks->Length(); ++i) {
      v8::Local<v8::Value> chunk;
      if (chunks->Get(context, i).ToLocal(&chunk) && chunk->IsArrayBufferView()) {
        total += chunk.As<v8::ArrayBufferView>()->ByteLength();
      }
    }
    response.body.reserve(total);
    for (uint32_t i = 0; i < chunks->Length(); ++i) {
      v8::Local<v8::Value> chunk;
      if (!chunks->Get(context, i).ToLocal(&chunk) || !chunk->IsArrayBufferView()) {
        return InvokeResponse::hostError(500, "internal_error", "malformed response body chunks");
      }
      appendView(response.body, chunk.As<v8::ArrayBufferView>());
    }
  }
  return response;
}

InvokeResponse FunctionInstance::functionError(v8::Local<v8::Context> context,
                                               v8::Local<v8::Value> exception,
                                               const std::string& request_id) {
  std::string description = describeException(holder_->get(), context, exception);
  log(host::LogLevel::kError, request_id, "Uncaught " + description);
  return InvokeResponse::hostError(
      500, "function_error",
      "the function threw an uncaught exception; its log has the message and stack");
}

void FunctionInstance::onConsole(host::LogLevel level, std::string_view text) {
  std::string_view request_id;
  if (auto it = requests_.find(current_owner_); it != requests_.end()) {
    request_id = it->second.request_id;
  } else {
    // Answered during this entry (its completion not delivered yet): still its log line.
    for (const Completion& done : completed_) {
      if (done.id == current_owner_) request_id = done.request_id;
    }
  }
  log(level, request_id, text);
}

void FunctionInstance::log(host::LogLevel level, std::string_view request_id,
                           std::string_view message) {
  services_.logs.write({version_->name, version_->version, request_id, level, message});
}

void FunctionInstance::deliverCompletions() {
  // Callbacks may re-enter invoke() (a pipelined request) or read streams again; take the
  // lists first.
  bool responded = false;
  while (!completed_.empty() || !stream_events_.empty()) {
    auto batch = std::move(completed_);
    completed_.clear();
    responded = responded || !batch.empty();
    for (auto& c : batch) c.done(std::move(c.response));
    auto events = std::move(stream_events_);
    stream_events_.clear();
    for (auto& e : events) e.callback(e.event, std::move(e.chunk));
  }
  if (responded && !module_script_.IsEmpty()) refreshCodeCache();
}

// After the first response, the module's functions that ran are compiled too: a code cache
// made now serves later cold starts far better than the deploy-time one (its top level only).
// Made once per version in this process (the slot's claim), after the response went out; the
// slot keeps it only if it covers more than what it holds, and persists it off this thread.
void FunctionInstance::refreshCodeCache() {
  v8::Isolate* isolate = holder_->get();
  if (!dead_ && version_->code_cache->claimRefresh()) {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    std::string fresh = createCodeCache(module_script_.Get(isolate));
    if (!fresh.empty()) {
      version_->code_cache->offer(std::make_shared<const std::string>(std::move(fresh)));
    }
  }
  module_script_.Reset();
}

}  // namespace quiver::isolates
