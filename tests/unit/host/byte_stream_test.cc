// StringByteStream, readWhole (bounded, loop not recursion for synchronous streams) and
// InvocationSignal (once, in order, late registrations at once, forget).
#include <gtest/gtest.h>

#include <deque>
#include <optional>

#include "host/byte_stream_util.h"
#include "host/invocation_signal.h"

namespace quiver::host {
namespace {

using Event = ByteStream::Event;

// Answers every read at once with the next of `chunks`, then kEnd (or kError if `fail`).
class ListStream final : public ByteStream {
 public:
  ListStream(std::deque<std::string> chunks, bool fail = false)
      : chunks_(std::move(chunks)), fail_(fail) {}
  void read(ReadCallback callback) override {
    ++reads;
    if (chunks_.empty()) {
      return fail_ ? callback(Event::kError, "broken") : callback(Event::kEnd, {});
    }
    std::string next = std::move(chunks_.front());
    chunks_.pop_front();
    callback(Event::kData, std::move(next));
  }
  void cancel() override { cancelled = true; }
  int reads = 0;
  bool cancelled = false;

 private:
  std::deque<std::string> chunks_;
  bool fail_;
};

TEST(ByteStreamTest, AStringStreamIsOneChunkThenTheEnd) {
  StringByteStream s("hello");
  EXPECT_EQ(s.length(), 5);
  std::vector<std::pair<Event, std::string>> seen;
  for (int i = 0; i < 2; ++i) {
    s.read([&](Event e, std::string c) { seen.emplace_back(e, std::move(c)); });
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(Event::kData, std::string("hello")));
  EXPECT_EQ(seen[1].first, Event::kEnd);
  StringByteStream empty("");
  Event e = Event::kData;
  empty.read([&](Event got, std::string) { e = got; });
  EXPECT_EQ(e, Event::kEnd);
}

TEST(ByteStreamTest, ReadWholeJoinsChunksWithoutRecursing) {
  std::deque<std::string> chunks(100000, "x");  // deep recursion would overflow the stack
  auto stream = std::make_shared<ListStream>(std::move(chunks));
  std::optional<std::pair<bool, std::string>> result;
  readWhole(stream, 1 << 20, [&](bool ok, std::string bytes) { result.emplace(ok, bytes); });
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->first);
  EXPECT_EQ(result->second, std::string(100000, 'x'));
}

TEST(ByteStreamTest, ReadWholeStopsAtTheLimitAndCancels) {
  auto stream = std::make_shared<ListStream>(std::deque<std::string>{"1234", "5678", "9"});
  std::optional<std::pair<bool, std::string>> result;
  readWhole(stream, 6, [&](bool ok, std::string bytes) { result.emplace(ok, bytes); });
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->first);
  EXPECT_EQ(result->second, "request body exceeds the 6-byte limit");
  EXPECT_TRUE(stream->cancelled);
}

TEST(ByteStreamTest, ReadWholeReportsTheStreamsError) {
  auto stream = std::make_shared<ListStream>(std::deque<std::string>{"ab"}, /*fail=*/true);
  std::optional<std::pair<bool, std::string>> result;
  readWhole(stream, 100, [&](bool ok, std::string bytes) { result.emplace(ok, bytes); });
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->first);
  EXPECT_EQ(result->second, "broken");
}

TEST(InvocationSignalTest, AbortRunsEachCallbackOnceInOrder) {
  InvocationSignal signal;
  std::string order;
  signal.onAbort([&] { order += "a"; });
  uint64_t b = signal.onAbort([&] { order += "b"; });
  signal.onAbort([&] {
    order += "c";
    signal.onAbort([&] { order += "d"; });  // registered while aborting: runs at once
  });
  signal.forget(b);
  EXPECT_FALSE(signal.aborted());
  signal.abort();
  signal.abort("again");
  EXPECT_EQ(order, "acd");
  EXPECT_TRUE(signal.aborted());
  EXPECT_EQ(signal.reason(), "client disconnected");
  EXPECT_EQ(signal.onAbort([&] { order += "e"; }), 0u);
  EXPECT_EQ(order, "acde");
}

}  // namespace
}  // namespace quiver::host
