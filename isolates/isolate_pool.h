// Isolates made ahead of need. A PreparedIsolate is an isolate with a context the runtime is in
// (from the startup snapshot) and no function yet: the part of a cold start that does not depend
// on the function. An IsolatePool keeps a few per shard, made off the request path (from a timer
// on the shard's loop once a request took one), so that a cold start only loads the function's
// own module.
//
// An isolate's heap limit is fixed when it is made, so the pool holds isolates for one memory
// limit (the host's default); a function that asks for another limit gets a new isolate made on
// its cold start (still from the snapshot).
//
// Thread: the shard's, like the instances the isolates end up in.
#pragma once

#include <prometheus/gauge.h>
#include <uv.h>
#include <v8.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "host/result.h"
#include "isolates/isolate_holder.h"
#include "isolates/runtime/runtime.h"

namespace quiver::isolates {

struct PreparedIsolate {
  // The isolate (heap and ArrayBuffer limits of `memory_mb`) and its runtime context.
  static Result<std::unique_ptr<PreparedIsolate>> make(uint32_t memory_mb);
  ~PreparedIsolate();

  uint32_t memory_mb = 0;
  std::unique_ptr<IsolateHolder> holder;
  v8::Global<v8::Context> context;
  std::unique_ptr<Runtime> runtime;
};

class IsolatePool {
 public:
  // Keeps `size` isolates of `memory_mb` ready (0: no pool). Starts filling at once, from the
  // loop (not from the constructor's caller). `ready_gauge` (may be null) follows ready().
  IsolatePool(uv_loop_t* loop, size_t size, uint32_t memory_mb,
              prometheus::Gauge* ready_gauge = nullptr);
  ~IsolatePool();
  IsolatePool(const IsolatePool&) = delete;
  IsolatePool& operator=(const IsolatePool&) = delete;

  // One ready isolate for `memory_mb`, or null (none ready, or another limit). Schedules a
  // refill.
  std::unique_ptr<PreparedIsolate> take(uint32_t memory_mb);
  size_t ready() const { return ready_.size(); }

 private:
  void scheduleRefill();
  void refill();

  size_t size_;
  prometheus::Gauge* gauge_;
  uint32_t memory_mb_;
  std::vector<std::unique_ptr<PreparedIsolate>> ready_;
  uv_timer_t* timer_;  // makes one isolate per tick until full; does not keep the loop alive
};

}  // namespace quiver::isolates
