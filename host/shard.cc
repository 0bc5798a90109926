#include "host/shard.h"

#include <cassert>
#include <string>

#include "host/log.h"

namespace quiver::host {

Shard::Shard(int index) : index_(index) {
  uv_loop_init(&loop_);
  async_.data = this;
  uv_async_init(&loop_, &async_, &Shard::onAsync);
}

Shard::~Shard() {
  join();
  // If the thread never ran, the async handle is still open: close it and drain the loop.
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&async_))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
  }
  int rc = uv_loop_close(&loop_);
  if (rc != 0) logHost(LogLevel::kWarn, "shard loop closed with live handles");
}

void Shard::start(Task init) {
  thread_ = std::thread([this, init = std::move(init)] {
    init();
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void Shard::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  uv_async_send(&async_);
}

void Shard::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  uv_async_send(&async_);
}

void Shard::join() {
  if (thread_.joinable()) thread_.join();
}

void Shard::onAsync(uv_async_t* handle) { static_cast<Shard*>(handle->data)->runTasks(); }

void Shard::runTasks() {
  std::vector<Task> tasks;
  bool stopping;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
    stopping = stopping_;
  }
  for (auto& task : tasks) task();
  if (stopping && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&async_))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  }
}

}  // namespace quiver::host
