// Shard: tasks run on the shard's thread in order; stop() and join() end its loop.
#include "host/shard.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace quiver::host {
namespace {

constexpr auto kDeadline = std::chrono::seconds(10);

TEST(ShardTest, PostedTasksRunOnShardThreadInOrder) {
  Shard shard(3);
  EXPECT_EQ(shard.index(), 3);
  ASSERT_NE(shard.loop(), nullptr);

  std::promise<std::thread::id> init_thread;
  shard.start([&] { init_thread.set_value(std::this_thread::get_id()); });

  constexpr int kTasks = 1000;
  std::vector<int> order;                // touched only on the shard thread
  std::vector<std::thread::id> threads;  // likewise
  for (int i = 0; i < kTasks; ++i) {
    shard.post([&, i] {
      order.push_back(i);
      threads.push_back(std::this_thread::get_id());
    });
  }
  std::promise<void> drained;
  shard.post([&] { drained.set_value(); });
  auto waited = drained.get_future().wait_for(kDeadline);
  shard.stop();
  shard.join();
  ASSERT_EQ(waited, std::future_status::ready);

  auto shard_thread = init_thread.get_future().get();
  EXPECT_NE(shard_thread, std::this_thread::get_id());
  ASSERT_EQ(order.size(), static_cast<size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_EQ(order[i], i);
    ASSERT_EQ(threads[i], shard_thread);
  }
}

TEST(ShardTest, TasksFromManyThreadsKeepPerThreadOrder) {
  Shard shard(0);
  shard.start([] {});
  constexpr int kPosters = 4;
  constexpr int kPerPoster = 500;
  std::vector<std::vector<int>> seen(kPosters);  // touched only on the shard thread
  std::vector<std::thread> posters;
  for (int p = 0; p < kPosters; ++p) {
    posters.emplace_back([&, p] {
      for (int i = 0; i < kPerPoster; ++i) shard.post([&, p, i] { seen[p].push_back(i); });
    });
  }
  for (auto& poster : posters) poster.join();
  shard.stop();
  shard.join();
  for (int p = 0; p < kPosters; ++p) {
    ASSERT_EQ(seen[p].size(), static_cast<size_t>(kPerPoster)) << "poster " << p;
    for (int i = 0; i < kPerPoster; ++i) ASSERT_EQ(seen[p][i], i);
  }
}

TEST(ShardTest, TasksPostedBeforeStartRunAfterInit) {
  Shard shard(0);
  std::vector<std::string> events;  // the shard thread only, once started
  shard.post([&] { events.push_back("task"); });
  shard.start([&] { events.push_back("init"); });
  shard.stop();
  shard.join();
  EXPECT_EQ(events, (std::vector<std::string>{"init", "task"}));
}

TEST(ShardTest, StopRunsTasksAlreadyPosted) {
  Shard shard(0);
  shard.start([] {});
  int ran = 0;
  for (int i = 0; i < 100; ++i) shard.post([&] { ++ran; });
  shard.stop();
  shard.join();
  EXPECT_EQ(ran, 100);
}

TEST(ShardTest, TaskMayPostAnotherTask) {
  Shard shard(0);
  shard.start([] {});
  std::promise<int> result;
  shard.post([&] { shard.post([&] { result.set_value(42); }); });
  auto future = result.get_future();
  auto waited = future.wait_for(kDeadline);
  shard.stop();
  shard.join();
  ASSERT_EQ(waited, std::future_status::ready);
  EXPECT_EQ(future.get(), 42);
}

// stop() does not end the loop while the shard's own handles are open: it ends when they close.
TEST(ShardTest, LoopEndsOnlyWhenShardHandlesClose) {
  struct Handles {
    uv_timer_t timer;
    uv_async_t closer;  // closes both handles when signalled, from the shard thread
    bool closer_ran = false;
  } h;
  h.closer.data = &h;
  std::promise<void> initialised;
  Shard shard(0);
  shard.start([&] {
    uv_timer_init(shard.loop(), &h.timer);
    uv_timer_start(
        &h.timer, [](uv_timer_t*) {}, 3'600'000, 0);  // keeps the loop alive
    uv_async_init(shard.loop(), &h.closer, [](uv_async_t* async) {
      auto* handles = static_cast<Handles*>(async->data);
      handles->closer_ran = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&handles->timer), nullptr);
      uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
    });
    initialised.set_value();
  });
  if (initialised.get_future().wait_for(kDeadline) != std::future_status::ready) {
    ADD_FAILURE() << "the shard never ran init";
    std::abort();  // joining would wait for handles that were never opened
  }
  shard.stop();
  uv_async_send(&h.closer);
  shard.join();
  EXPECT_TRUE(h.closer_ran);  // the loop was still running after stop() to close them
}

TEST(ShardTest, DestroyWithoutStartDoesNotHang) {
  Shard shard(7);
  shard.post([] {});
}

}  // namespace
}  // namespace quiver::host
