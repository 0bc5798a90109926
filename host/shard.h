// Shard: one thread running one libuv loop. Everything a shard owns (listeners, connections,
// isolates) is created, used and destroyed on that thread; other threads reach it only through
// post(), which queues a task and wakes the loop with uv_async.
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace quiver::host {

class Shard {
 public:
  using Task = std::function<void()>;

  explicit Shard(int index);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  int index() const { return index_; }
  uv_loop_t* loop() { return &loop_; }

  // Starts the thread: runs `init` on it, then the loop until stop() and every handle closed.
  void start(Task init);
  // Thread-safe. Tasks run on the shard's thread in the order posted.
  void post(Task task);
  // Thread-safe. After the tasks already posted, closes the wake-up handle so that the loop ends
  // once the shard's own handles are closed too.
  void stop();
  void join();

 private:
  static void onAsync(uv_async_t* handle);
  void runTasks();

  int index_;
  uv_loop_t loop_{};
  uv_async_t async_{};
  std::mutex mutex_;
  std::vector<Task> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace quiver::host
