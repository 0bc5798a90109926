// The V8 platform: initialised once per process, before any isolate exists, and torn down after
// the last one is gone. Every thread that creates isolates shares it.
//
// It is V8's default platform (worker threads, page allocator, tracing) except for foreground
// tasks: the tasks V8 posts for an isolate's own thread (finishing an asynchronous WebAssembly
// compile, GC steps, FinalizationRegistry cleanup, Atomics.waitAsync) go to that isolate's
// ForegroundTaskQueue, which wakes whoever owns the isolate (a FunctionInstance: a uv_async on
// its shard's loop) so that they run on the event loop like any other callback, the way Node's
// platform feeds them to libuv. Without this they would wait forever: nothing pumps V8's default
// per-isolate queues.
#pragma once

#include <v8.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace quiver::isolates {

// Idempotent and thread-safe. `argv0` locates ICU data when it is not the system's.
void initializeV8(const char* argv0);
// Call at most once, after every isolate has been disposed.
void shutdownV8();

// The foreground tasks of one isolate. Posting is thread-safe (V8 posts from its worker
// threads); running happens on the isolate's thread, with the isolate entered.
class ForegroundTaskQueue {
 public:
  using Clock = std::chrono::steady_clock;

  void post(std::unique_ptr<v8::Task> task, double delay_seconds = 0);

  // Called (from any thread, under the queue's lock: it must be quick and must not post) each
  // time a task is posted; empty: nobody to wake (tasks wait until someone calls runDue). Set
  // and cleared on the isolate's thread; once cleared, it is not running and never runs again.
  void setWaker(std::function<void()> waker);

  // Runs the tasks that are due, in order (tasks they post wait for the next call). Returns the
  // time until the next delayed task is due (0: more are ready), or -1 ms when there is none.
  std::chrono::milliseconds runDue();

  // Waits until a task is due or `timeout` passes (for hosts without an event loop).
  void waitForTask(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::unique_ptr<v8::Task>> ready_;
  std::multimap<Clock::time_point, std::unique_ptr<v8::Task>> delayed_;
  std::function<void()> waker_;
};

// The queue of `isolate` (created on first use; V8 may post before the owner asks).
std::shared_ptr<ForegroundTaskQueue> foregroundTasks(v8::Isolate* isolate);
// Drops the isolate's queue and its pending tasks. Call after isolate->Dispose().
void forgetIsolate(v8::Isolate* isolate);

}  // namespace quiver::isolates
