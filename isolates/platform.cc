#include "isolates/platform.h"

#include <libplatform/libplatform.h>

#include <unordered_map>
#include <utility>

namespace quiver::isolates {
namespace {

// V8's view of one isolate's queue. Holds it by shared_ptr: V8 may keep a runner after the
// isolate's queue was forgotten; posting to it then is harmless (nobody runs the tasks).
class QueueTaskRunner final : public v8::TaskRunner {
 public:
  explicit QueueTaskRunner(std::shared_ptr<ForegroundTaskQueue> queue) : queue_(std::move(queue)) {}
  void PostTask(std::unique_ptr<v8::Task> task) override { queue_->post(std::move(task)); }
  void PostNonNestableTask(std::unique_ptr<v8::Task> task) override {
    queue_->post(std::move(task));  // tasks never run nested inside JS here
  }
  void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) override {
    queue_->post(std::move(task), delay_in_seconds);
  }
  void PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task,
                                  double delay_in_seconds) override {
    queue_->post(std::move(task), delay_in_seconds);
  }
  void PostIdleTask(std::unique_ptr<v8::IdleTask>) override {}  // idle tasks are disabled
  bool IdleTasksEnabled() override { return false; }
  bool NonNestableTasksEnabled() const override { return true; }
  bool NonNestableDelayedTasksEnabled() const override { return true; }

 private:
  std::shared_ptr<ForegroundTaskQueue> queue_;
};

struct IsolateEntry {
  std::shared_ptr<ForegroundTaskQueue> queue;
  std::shared_ptr<QueueTaskRunner> runner;
};

class QuiverPlatform final : public v8::Platform {
 public:
  QuiverPlatform() : base_(v8::platform::NewDefaultPlatform()) {}

  IsolateEntry& entry(v8::Isolate* isolate) {
    std::lock_guard lock(mutex_);
    IsolateEntry& e = isolates_[isolate];
    if (!e.queue) {
      e.queue = std::make_shared<ForegroundTaskQueue>();
      e.runner = std::make_shared<QueueTaskRunner>(e.queue);
    }
    return e;
  }
  void forget(v8::Isolate* isolate) {
    IsolateEntry dropped;
    {
      std::lock_guard lock(mutex_);
      auto it = isolates_.find(isolate);
      if (it == isolates_.end()) return;
      dropped = std::move(it->second);
      isolates_.erase(it);
    }
    // `dropped` (and the tasks in its queue, unless V8 still holds the runner) goes here,
    // outside our lock: a task's destructor may post.
  }

  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
    return entry(isolate).runner;
  }
  v8::PageAllocator* GetPageAllocator() override { return base_->GetPageAllocator(); }
  void OnCriticalMemoryPressure() override { base_->OnCriticalMemoryPressure(); }
  bool OnCriticalMemoryPressure(size_t length) override {
    return base_->OnCriticalMemoryPressure(length);
  }
  int NumberOfWorkerThreads() override { return base_->NumberOfWorkerThreads(); }
  void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    base_->CallOnWorkerThread(std::move(task));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    base_->CallBlockingTaskOnWorkerThread(std::move(task));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    base_->CallLowPriorityTaskOnWorkerThread(std::move(task));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay) override {
    base_->CallDelayedOnWorkerThread(std::move(task), delay);
  }
  bool IdleTasksEnabled(v8::Isolate*) override { return false; }
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job_task) override {
    return base_->PostJob(priority, std::move(job_task));
  }
  double MonotonicallyIncreasingTime() override { return base_->MonotonicallyIncreasingTime(); }
  double CurrentClockTimeMillis() override { return base_->CurrentClockTimeMillis(); }
  StackTracePrinter GetStackTracePrinter() override { return base_->GetStackTracePrinter(); }
  v8::TracingController* GetTracingController() override { return base_->GetTracingController(); }

 private:
  std::unique_ptr<v8::Platform> base_;
  std::mutex mutex_;
  std::unordered_map<v8::Isolate*, IsolateEntry> isolates_;
};

std::once_flag g_once;
std::unique_ptr<QuiverPlatform> g_platform;

}  // namespace

void ForegroundTaskQueue::post(std::unique_ptr<v8::Task> task, double delay_seconds) {
  {
    std::lock_guard lock(mutex_);
    if (delay_seconds > 0) {
      auto delay =
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay_seconds));
      delayed_.emplace(Clock::now() + delay, std::move(task));
    } else {
      ready_.push_back(std::move(task));
    }
    // Under the lock: once setWaker({}) returned, no thread is still inside the old waker.
    if (waker_) waker_();
  }
  posted_.notify_all();
}

void ForegroundTaskQueue::setWaker(std::function<void()> waker) {
  std::lock_guard lock(mutex_);
  waker_ = std::move(waker);
  if (waker_ && (!ready_.empty() || !delayed_.empty())) waker_();
}

std::chrono::milliseconds ForegroundTaskQueue::runDue() {
  std::deque<std::unique_ptr<v8::Task>> due;
  {
    std::lock_guard lock(mutex_);
    due.swap(ready_);
    auto now = Clock::now();
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      due.push_back(std::move(delayed_.begin()->second));
      delayed_.erase(delayed_.begin());
    }
  }
  for (auto& task : due) task->Run();
  due.clear();
  std::lock_guard lock(mutex_);
  if (!ready_.empty()) return std::chrono::milliseconds(0);
  if (delayed_.empty()) return std::chrono::milliseconds(-1);
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(delayed_.begin()->first - Clock::now());
  return std::max(wait, std::chrono::milliseconds(0));
}

void ForegroundTaskQueue::waitForTask(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto until = Clock::now() + timeout;
  if (!delayed_.empty()) until = std::min(until, delayed_.begin()->first);
  posted_.wait_until(lock, until, [&] { return !ready_.empty(); });
}

std::shared_ptr<ForegroundTaskQueue> foregroundTasks(v8::Isolate* isolate) {
  return g_platform->entry(isolate).queue;
}

void forgetIsolate(v8::Isolate* isolate) {
  if (g_platform) g_platform->forget(isolate);
}

void initializeV8(const char* argv0) {
  std::call_once(g_once, [argv0] {
    v8::V8::InitializeICUDefaultLocation(argv0);
    // Functions must not generate code from strings at request time; harmony flags stay off.
    // The startup snapshot is linked into the binary (isolates/runtime/snapshot.h): V8's checksum
    // of it on every new isolate costs more than a millisecond of each cold start and guards
    // nothing a corrupt binary would not break anyway. (The flag also drops V8's checksum of code
    // caches: those read from the store carry their own, checked before V8 sees them.) Rehashing
    // stays on: each isolate gets its own hash seed, not the one baked into the snapshot.
    v8::V8::SetFlagsFromString("--no-verify-snapshot-checksum");
    g_platform = std::make_unique<QuiverPlatform>();
    v8::V8::InitializePlatform(g_platform.get());
    v8::V8::Initialize();
  });
}

void shutdownV8() {
  if (!g_platform) return;
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
  g_platform.reset();
}

}  // namespace quiver::isolates
