// FunctionRegistry: put/find/erase, a shard's Reader seeing every deploy and delete, and readers
// (locked and lock-free) racing one writer from several threads.
#include "host/function_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace quiver::host {
namespace {

FunctionVersionPtr makeVersion(const std::string& name, int64_t version) {
  auto v = std::make_shared<FunctionVersion>();
  v->name = name;
  v->version = version;
  v->code = name + "@" + std::to_string(version);
  return v;
}

TEST(FunctionRegistryTest, PutFindErase) {
  FunctionRegistry registry;
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_EQ(registry.find("hello"), nullptr);

  registry.put(makeVersion("hello", 1));
  registry.put(makeVersion("world", 1));
  EXPECT_EQ(registry.size(), 2u);
  auto found = registry.find(std::string_view("hello"));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->name, "hello");
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(registry.find("hell"), nullptr);
  EXPECT_EQ(registry.find("hello2"), nullptr);

  // A new version replaces the old one; holders of the old pointer keep it alive.
  registry.put(makeVersion("hello", 2));
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.find("hello")->version, 2);
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(found->code, "hello@1");

  registry.erase("hello");
  EXPECT_EQ(registry.find("hello"), nullptr);
  EXPECT_EQ(registry.size(), 1u);
  registry.erase("hello");  // erasing twice is harmless
  registry.erase("never");
  EXPECT_EQ(registry.size(), 1u);
  ASSERT_NE(registry.find("world"), nullptr);
}

// Readers see, for each name, either nothing or a version whose fields belong together, and
// versions only move forward (the writer only ever publishes higher ones).
// A Reader keeps a snapshot between changes; every put and erase before a find() is seen by it.
TEST(FunctionRegistryTest, ReaderSeesEveryDeployAndDelete) {
  FunctionRegistry registry;
  FunctionRegistry::Reader reader(registry);
  EXPECT_EQ(reader.find("hello"), nullptr);
  registry.put(makeVersion("hello", 1));
  ASSERT_NE(reader.find("hello"), nullptr);
  EXPECT_EQ(reader.find("hello")->version, 1);
  auto held = reader.find("hello");

  registry.put(makeVersion("hello", 2));  // a redeploy
  EXPECT_EQ(reader.find("hello")->version, 2);
  EXPECT_EQ(held->version, 1);  // the old version lives on for whoever holds it

  registry.put(makeVersion("other", 1));
  registry.erase("hello");  // two changes between finds
  EXPECT_EQ(reader.find("hello"), nullptr);
  ASSERT_NE(reader.find("other"), nullptr);
  registry.erase("absent");  // no change: the reader's snapshot stays valid
  EXPECT_NE(reader.find("other"), nullptr);

  FunctionRegistry::Reader late(registry);  // a reader made after the writes
  EXPECT_EQ(late.find("hello"), nullptr);
  EXPECT_EQ(late.find("other")->version, 1);
  registry.put(makeVersion("hello", 3));
  EXPECT_EQ(late.find("hello")->version, 3);
  EXPECT_EQ(reader.find("hello")->version, 3);
}

TEST(FunctionRegistryTest, ConcurrentReadersAndWriter) {
  constexpr int kNames = 8;
  constexpr int kRounds = 200;
  constexpr int kReaders = 3;
  FunctionRegistry registry;
  auto name = [](int i) { return "fn" + std::to_string(i); };
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<long> hits{0};
  for (int i = 0; i < kNames; ++i) registry.put(makeVersion(name(i), 0));  // never empty

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      std::map<int, int64_t> last;
      FunctionRegistry::Reader reader(registry);  // readers 1.. look through a shard's Reader
      do {
        for (int i = 0; i < kNames; ++i) {
          auto v = r == 0 ? registry.find(name(i)) : reader.find(name(i));
          if (!v) continue;
          ++hits;
          if (v->name != name(i) || v->code != v->name + "@" + std::to_string(v->version) ||
              v->version < last[i]) {
            ++errors;
          }
          last[i] = v->version;
        }
        std::this_thread::yield();  // the machine may have fewer cores than threads here
      } while (!done.load());
    });
  }

  std::thread writer([&] {
    for (int64_t round = 1; round <= kRounds; ++round) {
      for (int i = 0; i < kNames; ++i) {
        registry.put(makeVersion(name(i), round));
        if (round % 50 == 0 && i % 2 == 0) registry.erase(name(i));
      }
    }
    done = true;
  });
  writer.join();
  for (auto& reader : readers) reader.join();
  FunctionRegistry::Reader after(registry);

  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(hits.load(), 0);
  // The last round erased the even names and left the odd ones at the final version.
  EXPECT_EQ(registry.size(), static_cast<size_t>(kNames / 2));
  for (int i = 0; i < kNames; ++i) {
    auto v = registry.find(name(i));
    EXPECT_EQ(v, after.find(name(i))) << name(i);
    if (i % 2 == 0) {
      EXPECT_EQ(v, nullptr) << name(i);
    } else {
      ASSERT_NE(v, nullptr) << name(i);
      EXPECT_EQ(v->version, kRounds);
    }
  }
}

}  // namespace
}  // namespace quiver::host
