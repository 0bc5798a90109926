// InvocationSignal: tells whoever serves a request that its client went away, so the work done
// for it (JS still running, streams, subrequests) can stop. The gateway creates one per request
// and calls abort() when the client disconnects (socket closed or reset, an error writing to
// it, or end-of-file from it) before the response has been fully sent, and when it answers the
// request itself because its body failed (over the limit, stalled, malformed: the function's
// answer would be dropped). The serving layer registers what to stop with onAbort().
//
// Thread: one loop thread (the shard's); abort() and every callback run on it. Not thread-safe.
// Owner: shared (the gateway's exchange and the invocation each hold a shared_ptr).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace quiver::host {

class InvocationSignal {
 public:
  using Callback = std::function<void()>;

  bool aborted() const { return aborted_; }
  // Why, for logs: "client disconnected", … Empty until aborted.
  const std::string& reason() const { return reason_; }

  // Runs `callback` once when the signal aborts; at once (re-entrantly) if it already has.
  // Returns an id for forget(); 0 when the callback already ran.
  uint64_t onAbort(Callback callback) {
    if (aborted_) {
      callback();
      return 0;
    }
    callbacks_.emplace_back(++last_id_, std::move(callback));
    return last_id_;
  }

  // Drops a callback that is no longer wanted (its request finished). Unknown ids are ignored.
  void forget(uint64_t id) {
    for (auto& entry : callbacks_) {
      if (entry.first == id) entry.second = nullptr;
    }
  }

  // The first call runs every registered callback, in registration order; later calls do
  // nothing. A callback registered while they run runs at once (see onAbort).
  void abort(std::string reason = "client disconnected") {
    if (aborted_) return;
    aborted_ = true;
    reason_ = std::move(reason);
    auto callbacks = std::move(callbacks_);
    callbacks_.clear();
    for (auto& entry : callbacks) {
      if (entry.second) entry.second();
    }
  }

 private:
  bool aborted_ = false;
  std::string reason_;
  uint64_t last_id_ = 0;
  std::vector<std::pair<uint64_t, Callback>> callbacks_;
};

}  // namespace quiver::host
