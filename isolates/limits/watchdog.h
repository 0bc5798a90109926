// Watchdog: enforces the CPU limit. One thread per process watches every shard's current entry
// into JavaScript; when the shard thread's CPU clock passes the entry's deadline it asks V8 for an
// interrupt (which records the JS stack and terminates execution) and, if JS does not reach an
// interrupt check soon (a regex deep in backtracking), terminates it directly.
//
// Threads: arm()/disarm() are called by the shard thread that owns the slot; the watchdog thread
// reads slots under each slot's mutex, so an isolate is never touched after disarm() returned.
#pragma once

#include <v8.h>

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace quiver::isolates {

int64_t threadCpuNanos();

class Watchdog {
 public:
  class Slot;
  struct Outcome {
    bool fired = false;
    std::string stack;  // where the JS was, when V8 could say
  };

  static Watchdog& instance();
  ~Watchdog();

  // A slot for the calling thread (a shard), used by everything that runs JS on it.
  std::shared_ptr<Slot> slotForThisThread();

  // The calling thread is about to run JS in `isolate`; kill it once the thread's CPU clock
  // reaches `deadline_ns` (a threadCpuNanos() value).
  void arm(Slot& slot, v8::Isolate* isolate, int64_t deadline_ns);
  Outcome disarm(Slot& slot);

 private:
  Watchdog();
  void run();
  bool check(const std::shared_ptr<Slot>& slot, int64_t now_wall_ns);
  static void onInterrupt(v8::Isolate* isolate, void* data);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::weak_ptr<Slot>> slots_;
  int64_t last_armed_wall_ns_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

class Watchdog::Slot {
 public:
  explicit Slot(clockid_t clock) : clock_(clock) {}

 private:
  friend class Watchdog;
  std::mutex mutex_;
  clockid_t clock_;
  v8::Isolate* isolate_ = nullptr;  // non-null while armed
  uint64_t generation_ = 0;         // bumped by every arm()
  int64_t deadline_ns_ = 0;
  int64_t interrupt_requested_at_ = 0;  // thread CPU ns; 0 until the deadline passed
  bool fired_ = false;
  std::string stack_;
};

}  // namespace quiver::isolates
