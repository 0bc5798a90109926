#include "isolates/limits/watchdog.h"

#include <pthread.h>

#include <chrono>

namespace quiver::isolates {
namespace {

constexpr int64_t kMillis = 1'000'000;
// How often armed slots are checked; also the granularity of a CPU kill.
constexpr int64_t kPollNs = 1 * kMillis;
// Past the deadline, how long V8 gets to reach an interrupt check before a direct terminate.
constexpr int64_t kInterruptGraceNs = 3 * kMillis;
// The thread sleeps on its condition variable after this long without any arm().
constexpr int64_t kIdleAfterNs = 200 * kMillis;

int64_t wallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t clockNanos(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// What the interrupt needs to know that it still belongs to the entry that overran.
struct InterruptToken {
  std::shared_ptr<Watchdog::Slot> slot;
  uint64_t generation;
};

std::string currentStack(v8::Isolate* isolate) {
  v8::HandleScope scope(isolate);
  auto trace = v8::StackTrace::CurrentStackTrace(isolate, 8);
  std::string out;
  for (int i = 0; i < trace->GetFrameCount(); ++i) {
    auto frame = trace->GetFrame(isolate, i);
    v8::String::Utf8Value fn(isolate, frame->GetFunctionName());
    v8::String::Utf8Value script(isolate, frame->GetScriptName());
    out += "\n    at ";
    out += (*fn && **fn) ? *fn : "<anonymous>";
    out += " (";
    out += *script ? *script : "<unknown>";
    out += ":" + std::to_string(frame->GetLineNumber()) + ":" + std::to_string(frame->GetColumn()) +
           ")";
  }
  return out;
}

}  // namespace

int64_t threadCpuNanos() { return clockNanos(CLOCK_THREAD_CPUTIME_ID); }

Watchdog& Watchdog::instance() {
  static Watchdog watchdog;
  return watchdog;
}

Watchdog::Watchdog() : thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<Watchdog::Slot> Watchdog::slotForThisThread() {
  clockid_t clock;
  pthread_getcpuclockid(pthread_self(), &clock);
  auto slot = std::make_shared<Slot>(clock);
  std::lock_guard lock(mutex_);
  slots_.push_back(slot);
  return slot;
}

void Watchdog::arm(Slot& slot, v8::Isolate* isolate, int64_t deadline_ns) {
  {
    std::lock_guard lock(slot.mutex_);
    slot.isolate_ = isolate;
    slot.deadline_ns_ = deadline_ns;
    slot.interrupt_requested_at_ = 0;
    slot.fired_ = false;
    slot.stack_.clear();
    ++slot.generation_;
  }
  // Wake the watchdog only when it sleeps: under load it is polling anyway.
  int64_t now = wallNanos();
  bool was_idle;
  {
    std::lock_guard lock(mutex_);
    was_idle = now - last_armed_wall_ns_ > kIdleAfterNs;
    last_armed_wall_ns_ = now;
  }
  if (was_idle) wake_.notify_one();
}

Watchdog::Outcome Watchdog::disarm(Slot& slot) {
  std::lock_guard lock(slot.mutex_);
  slot.isolate_ = nullptr;
  Outcome outcome{slot.fired_, std::move(slot.stack_)};
  slot.fired_ = false;
  slot.stack_.clear();
  return outcome;
}

void Watchdog::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto slots = slots_;
    lock.unlock();
    int64_t now = wallNanos();
    bool any_armed = false;
    for (auto& weak : slots) {
      if (auto slot = weak.lock()) any_armed |= check(slot, now);
    }
    lock.lock();
    if (!any_armed && now - last_armed_wall_ns_ > kIdleAfterNs) {
      // Nothing runs and nothing ran lately: sleep until an arm() wakes us.
      wake_.wait_for(lock, std::chrono::seconds(1));
    } else {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::nanoseconds(kPollNs));  // the polling period
      lock.lock();
    }
  }
}

// Returns whether the slot is armed.
bool Watchdog::check(const std::shared_ptr<Slot>& shared, int64_t now_wall_ns) {
  (void)now_wall_ns;
  Slot& slot = *shared;
  std::lock_guard lock(slot.mutex_);
  if (!slot.isolate_) return false;
  if (slot.fired_ && slot.interrupt_requested_at_ == 0) return true;
  int64_t cpu_now = clockNanos(slot.clock_);
  if (slot.interrupt_requested_at_ == 0) {
    if (cpu_now < slot.deadline_ns_) return true;
    slot.interrupt_requested_at_ = cpu_now;
    slot.fired_ = true;
    slot.isolate_->RequestInterrupt(&Watchdog::onInterrupt,
                                    new InterruptToken{shared, slot.generation_});
    return true;
  }
  if (cpu_now - slot.interrupt_requested_at_ >= kInterruptGraceNs) {
    slot.isolate_->TerminateExecution();
    slot.interrupt_requested_at_ = 0;  // done: fired_ stays set
  }
  return true;
}

void Watchdog::onInterrupt(v8::Isolate* isolate, void* data) {
  std::unique_ptr<InterruptToken> token(static_cast<InterruptToken*>(data));
  if (!token->slot) return;
  Slot& slot = *token->slot;
  std::lock_guard lock(slot.mutex_);
  // An interrupt that arrives after its entry ended must not touch a later one.
  if (slot.isolate_ != isolate || slot.generation_ != token->generation) return;
  slot.stack_ = currentStack(isolate);
  slot.interrupt_requested_at_ = 0;
  isolate->TerminateExecution();
}

}  // namespace quiver::isolates
