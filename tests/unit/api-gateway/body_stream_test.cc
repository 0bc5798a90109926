// Bodies through the gateway in both directions, over real sockets: request bodies fed from the
// socket with backpressure (a slow invoker blocks the client), the body limit on chunked bodies,
// pipelining past unread bodies, 100-continue; response streams pulled one write at a time,
// Content-Length streams, errors mid-body, server-sent events, 1 GB with the RSS flat, and
// clients that leave (stream cancelled, InvocationSignal aborted).
#include <uv.h>

#include <gtest/gtest.h>

#include <atomic>
#include <deque>

#include "api-gateway/connection.h"
#include "host/byte_stream_util.h"
#include "tests/unit/api-gateway/gateway_harness.h"

namespace quiver::testing {
namespace {

using namespace std::chrono_literals;
using Event = host::ByteStream::Event;
using isolates::InvokeCallback;
using isolates::InvokeRequest;
using isolates::InvokeResponse;

InvokeResponse textResponse(std::string body) {
  InvokeResponse r;
  r.body = std::move(body);
  return r;
}

std::string post(std::string_view path, size_t length, std::string_view extra = "") {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nhost: h\r\ncontent-length: " + std::to_string(length) + "\r\n" +
         std::string(extra) + "\r\n";
}

std::string chunk(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

// Bytes of the TCP connections' write queues on `loop` not yet handed to the kernel.
size_t queuedWriteBytes(uv_loop_t* loop) {
  size_t total = 0;
  uv_walk(
      loop,
      [](uv_handle_t* handle, void* arg) {
        if (handle->type == UV_TCP && !uv_is_closing(handle)) {
          *static_cast<size_t*>(arg) +=
              uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(handle));
        }
      },
      &total);
  return total;
}

// Produces `total` bytes on demand in `chunk_size` pieces (byte i is 'a' + i % 26), answering
// each read() at once. Checks on every read that no other read is outstanding and that the
// gateway has handed everything written before to the kernel (one write at a time).
class OnDemandStream final : public host::ByteStream {
 public:
  struct Stats {
    std::atomic<size_t> reads{0};
    std::atomic<size_t> produced{0};
    std::atomic<size_t> violations{0};  // a read while another was outstanding or a write queued
    std::atomic<bool> cancelled{false};
  };
  OnDemandStream(uv_loop_t* loop, Stats& stats, size_t total, size_t chunk_size)
      : loop_(loop), stats_(stats), total_(total), chunk_size_(chunk_size) {
    for (size_t i = 0; i < chunk_size + 26; ++i)
      pattern_.push_back(static_cast<char>('a' + i % 26));
  }

  int64_t declared = -1;          // length() reports this
  size_t error_after = SIZE_MAX;  // kError once this many bytes were produced

  void read(ReadCallback callback) override {
    ++stats_.reads;
    if (outstanding_ || queuedWriteBytes(loop_) != 0) ++stats_.violations;
    outstanding_ = true;
    size_t done = stats_.produced;
    if (done >= error_after) {
      outstanding_ = false;
      return callback(Event::kError, "the producer failed");
    }
    if (done >= total_) {
      outstanding_ = false;
      return callback(Event::kEnd, {});
    }
    size_t n = std::min(chunk_size_, total_ - done);
    std::string piece = pattern_.substr(done % 26, n);
    stats_.produced += n;
    outstanding_ = false;
    callback(Event::kData, std::move(piece));
  }
  void cancel() override { stats_.cancelled = true; }
  int64_t length() const override { return declared; }

 private:
  uv_loop_t* loop_;
  Stats& stats_;
  size_t total_;
  size_t chunk_size_;
  std::string pattern_;  // 'a'…'z' repeated, one chunk and a turn long
  bool outstanding_ = false;
};

std::string pattern(size_t from, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (from + i) % 26);
  return s;
}

// A stream the test drives: read() waits until the test produces (on the loop thread).
class ManualStream final : public host::ByteStream {
 public:
  void read(ReadCallback callback) override {
    pending_ = std::move(callback);
    ++reads;
  }
  void cancel() override {
    pending_ = nullptr;
    cancelled = true;
  }
  bool waiting() const { return static_cast<bool>(pending_); }
  void answer(Event event, std::string chunk) {
    auto callback = std::move(pending_);
    pending_ = nullptr;
    callback(event, std::move(chunk));
  }
  std::atomic<size_t> reads{0};
  std::atomic<bool> cancelled{false};

 private:
  ReadCallback pending_;
};

// Reads a request body on command, one read() per command, keeping what it got.
struct SlowReader {
  std::shared_ptr<host::ByteStream> body;
  InvokeCallback done;
  bool reading = false;
  std::atomic<size_t> received{0};
  std::atomic<size_t> largest_chunk{0};
  std::atomic<int> reads_answered{0};
  std::atomic<bool> ended{false};
  std::string error;

  void readOnce() {
    if (!body || reading) return;
    reading = true;
    body->read([this](Event event, std::string data) {
      reading = false;
      ++reads_answered;
      if (event == Event::kData) {
        received += data.size();
        largest_chunk = std::max(largest_chunk.load(), data.size());
        return;
      }
      if (event == Event::kError) error = data;
      ended = true;
      done(textResponse(error.empty() ? std::to_string(received.load()) : error));
    });
  }
  void readAll() {
    if (!body || ended) return;
    body->read([this](Event event, std::string data) {
      if (event == Event::kData) {
        received += data.size();
        largest_chunk = std::max(largest_chunk.load(), data.size());
        return readAll();
      }
      if (event == Event::kError) error = data;
      ended = true;
      done(textResponse(error.empty() ? std::to_string(received.load()) : error));
    });
  }
};

TEST(BodyStreamTest, ASlowReaderBlocksTheClientUntilItReads) {
  host::HttpLimits limits;
  limits.max_body_bytes = 256 * 1024 * 1024;
  GatewayHarness gateway(limits);
  SlowReader reader;
  std::atomic<int> invoked{0};
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    EXPECT_EQ(request.body_length, 64 * 1024 * 1024);
    reader.body = request.body;
    reader.done = std::move(done);
    ++invoked;
  };
  const size_t total = 64 * 1024 * 1024;
  std::string payload(total, 'x');
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(post("/fn/slow", total)));
  ASSERT_TRUE(eventually([&] { return invoked == 1; }));  // at the head, before any body
  size_t sent = 0;
  auto sendMore = [&] {
    sent += client.sendSome(std::string_view(payload).substr(sent));
    return sent;
  };
  // Nobody reads: the client's sends stop going through once the socket buffers are full.
  ASSERT_TRUE(settles(sendMore, 200ms, 20s));
  EXPECT_LT(sent, total);
  EXPECT_EQ(reader.received, 0u);
  // Reading resumes the flow; each read gets at most what the connection may buffer.
  gateway.call([&] { reader.readOnce(); });
  ASSERT_TRUE(eventually([&] { return reader.reads_answered == 1; }));
  EXPECT_GT(reader.received, 0u);
  EXPECT_LE(reader.received, 96u * 1024);
  gateway.call([&] { reader.readAll(); });
  ASSERT_TRUE(client.sendAll(std::string_view(payload).substr(sent), 30s));
  auto response = client.readResponse(20s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::to_string(total));
  EXPECT_LE(reader.largest_chunk, 96u * 1024);
}

TEST(BodyStreamTest, AChunkedBodyPastTheLimitErrorsTheStreamAndClosesAfterTheResponse) {
  host::HttpLimits limits;
  limits.max_body_bytes = 1000;
  GatewayHarness gateway(limits);
  SlowReader reader;
  std::shared_ptr<isolates::InvocationSignal> signal;
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    EXPECT_EQ(request.body_length, -1);
    signal = request.signal;
    reader.body = request.body;
    reader.done = std::move(done);
    reader.readAll();
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(
      client.sendAll("POST /fn/x HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n" +
                     chunk(std::string(600, 'a')) + chunk(std::string(600, 'b')) + "0\r\n\r\n"));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  // The host answers (the function's own answer is dropped) and the connection closes.
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->body.find("\"request_body_too_large\""), std::string::npos);
  EXPECT_NE(response->body.find("request body exceeds the 1000-byte limit"), std::string::npos);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.closedByPeer());
  std::string error, reason;
  gateway.call([&] {
    error = reader.error;
    reason = signal ? signal->reason() : "";
  });
  EXPECT_EQ(error, "request body exceeds the 1000-byte limit");
  EXPECT_EQ(reason, "request body exceeds the 1000-byte limit");
}

TEST(BodyStreamTest, ABodyThatStopsArrivingWhileReadIs408) {
  host::HttpLimits limits;
  limits.idle_timeout_ms = 100;
  GatewayHarness gateway(limits);
  SlowReader reader;
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    reader.body = request.body;
    reader.done = std::move(done);
    reader.readAll();
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(post("/fn/x", 10) + "12345"));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 408);
  EXPECT_NE(response->body.find("the request body stopped arriving"), std::string::npos);
  EXPECT_TRUE(client.closedByPeer());
}

TEST(BodyStreamTest, AContentLengthPastTheLimitIs413BeforeTheInvoker) {
  host::HttpLimits limits;
  limits.max_body_bytes = 1000;
  GatewayHarness gateway(limits);
  std::atomic<int> invoked{0};
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    ++invoked;
    done(textResponse("no"));
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(post("/fn/x", 1001)));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(invoked, 0);
}

TEST(BodyStreamTest, PipelinedRequestsWithUnreadBodiesAreAnsweredInOrder) {
  GatewayHarness gateway;
  std::vector<std::string> seen;
  gateway.on_invoke = [&](std::string name, InvokeRequest request, InvokeCallback done) {
    seen.push_back(name);
    if (name == "half" && request.body) {
      // Reads one chunk, then answers with the rest unread.
      auto body = request.body;
      body->read([body, done](Event, std::string data) {
        done(textResponse("half " + std::to_string(data.size() > 0)));
      });
      return;
    }
    done(textResponse(name));  // the body left unread
  };
  std::string requests = post("/fn/one", 100 * 1024) + std::string(100 * 1024, '1') +
                         "POST /fn/two HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n" +
                         chunk(std::string(70 * 1024, '2')) + chunk("x") + "0\r\n\r\n" +
                         post("/fn/half", 150 * 1024) + std::string(150 * 1024, '3') +
                         "GET /fn/four HTTP/1.1\r\nhost: h\r\n\r\n";
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(requests));
  for (std::string expected : {"one", "two", "half 1", "four"}) {
    auto response = client.readResponse();
    ASSERT_TRUE(response) << expected;
    EXPECT_EQ(response->body, expected);
    EXPECT_EQ(response->header("connection"), "");
  }
  // Past the drain bound the connection closes after the response instead.
  ASSERT_TRUE(client.sendAll(post("/fn/big", 4 * 1024 * 1024)));
  std::string big(4 * 1024 * 1024, 'b');
  client.sendSome(big);
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "big");
  EXPECT_TRUE(client.closedByPeer());
}

TEST(BodyStreamTest, ContinueIsSentWhenTheBodyIsFirstRead) {
  GatewayHarness gateway;
  SlowReader reader;
  gateway.on_invoke = [&](std::string name, InvokeRequest request, InvokeCallback done) {
    if (name == "ignore") return done(textResponse("ignored"));
    reader.body = request.body;
    reader.done = std::move(done);
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(post("/fn/read", 5, "expect: 100-continue\r\n")));
  ASSERT_TRUE(eventually([&] { return reader.body != nullptr; }));
  EXPECT_FALSE(client.fill(50ms));  // nothing yet: no 100 before the body is read
  gateway.call([&] { reader.readAll(); });
  ASSERT_TRUE(client.waitFor("HTTP/1.1 100 Continue\r\n\r\n"));
  ASSERT_TRUE(client.sendAll("hello"));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "5");
  // Answered without reading: no 100, and the connection closes (the body never came).
  ASSERT_TRUE(client.sendAll(post("/fn/ignore", 5, "expect: 100-continue\r\n")));
  response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "ignored");
  EXPECT_EQ(response->head.find("100 Continue"), std::string::npos);
  EXPECT_TRUE(client.closedByPeer());
}

TEST(BodyStreamTest, AResponseStreamIsPulledOneWriteAtATime) {
  GatewayHarness gateway;
  OnDemandStream::Stats stats;
  const size_t total = 64 * 1024 * 1024;
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    InvokeResponse response;
    response.stream = std::make_shared<OnDemandStream>(gateway.loop(), stats, total, 64 * 1024);
    done(std::move(response));
  };
  RawClient client(gateway.port(), /*receive_buffer=*/64 * 1024);
  ASSERT_TRUE(client.sendAll("GET /fn/s HTTP/1.1\r\nhost: h\r\n\r\n"));
  // The client does not read: the producer stops being asked once the socket is full.
  ASSERT_TRUE(settles([&] { return stats.produced.load(); }, 200ms, 20s));
  EXPECT_LT(stats.produced, total);
  EXPECT_LE(stats.produced, 32u * 1024 * 1024);
  auto response = client.readResponse(30s);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->complete);
  EXPECT_EQ(response->header("transfer-encoding"), "chunked");
  ASSERT_EQ(response->body.size(), total);
  EXPECT_TRUE(response->body == pattern(0, total));
  EXPECT_EQ(stats.violations, 0u);
  EXPECT_FALSE(stats.cancelled);
}

TEST(BodyStreamTest, AGigabyteStreamsThroughWithTheMemoryFlat) {
  GatewayHarness gateway;
  OnDemandStream::Stats stats;
  const size_t total = size_t{1} << 30;
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    InvokeResponse response;
    auto stream = std::make_shared<OnDemandStream>(gateway.loop(), stats, total, 64 * 1024);
    stream->declared = static_cast<int64_t>(total);
    response.stream = std::move(stream);
    done(std::move(response));
  };
  long before = residentKb();
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll("GET /fn/big HTTP/1.1\r\nhost: h\r\n\r\n"));
  ASSERT_TRUE(client.waitFor("\r\n\r\n"));
  std::string head = client.buffer().substr(0, client.buffer().find("\r\n\r\n") + 4);
  EXPECT_NE(head.find("content-length: 1073741824"), std::string::npos) << head;
  client.buffer().erase(0, head.size());
  ASSERT_TRUE(client.discard(total, 60s));
  long after = residentKb();
  EXPECT_LT(after - before, 32 * 1024) << "RSS grew from " << before << " kB to " << after;
  EXPECT_EQ(stats.produced, total);
  EXPECT_EQ(stats.violations, 0u);
}

TEST(BodyStreamTest, AClientThatLeavesMidStreamCancelsItAndAbortsTheSignal) {
  GatewayHarness gateway;
  OnDemandStream::Stats stats;
  std::shared_ptr<isolates::InvocationSignal> signal;
  std::atomic<bool> aborted{false};
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    signal = request.signal;
    signal->onAbort([&] { aborted = true; });
    InvokeResponse response;
    response.stream = std::make_shared<OnDemandStream>(gateway.loop(), stats, SIZE_MAX, 16 * 1024);
    done(std::move(response));
  };
  {
    RawClient client(gateway.port());
    ASSERT_TRUE(client.sendAll("GET /fn/forever HTTP/1.1\r\nhost: h\r\n\r\n"));
    ASSERT_TRUE(client.discard(1024 * 1024, 10s));
  }
  EXPECT_TRUE(eventually([&] { return stats.cancelled && aborted; }));
}

TEST(BodyStreamTest, AClientThatLeavesBeforeTheResponseAbortsTheSignal) {
  GatewayHarness gateway;
  std::atomic<bool> aborted{false};
  std::atomic<bool> invoked{false};
  InvokeCallback kept;
  std::shared_ptr<host::ByteStream> body;
  std::string body_error;
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    kept = std::move(done);  // never answers
    body = request.body;
    request.signal->onAbort([&] { aborted = true; });
    body->read([&](Event, std::string) {
      body->read([&](Event event, std::string message) {
        if (event == Event::kError) body_error = message;
      });
    });
    invoked = true;
  };
  {
    RawClient client(gateway.port());
    ASSERT_TRUE(client.sendAll(post("/fn/hang", 10) + "12345"));
    ASSERT_TRUE(eventually([&] { return invoked.load(); }));
  }
  EXPECT_TRUE(eventually([&] { return aborted.load(); }));
  std::string error;
  gateway.call([&] { error = body_error; });
  EXPECT_EQ(error, "client disconnected");
  // An answer after the client left is dropped, and its stream cancelled.
  auto stream = std::make_shared<ManualStream>();
  gateway.call([&] {
    InvokeResponse late;
    late.stream = stream;
    kept(std::move(late));
  });
  EXPECT_TRUE(stream->cancelled);
}

TEST(BodyStreamTest, EachServerSentEventReachesTheClientBeforeTheNextIsProduced) {
  GatewayHarness gateway;
  auto stream = std::make_shared<ManualStream>();
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    InvokeResponse response;
    response.headers.emplace_back("content-type", "text/event-stream");
    response.stream = stream;
    done(std::move(response));
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll("GET /fn/events HTTP/1.1\r\nhost: h\r\n\r\n"));
  for (int i = 0; i < 5; ++i) {
    bool waiting = false;
    ASSERT_TRUE(eventually([&] {
      gateway.call([&] { waiting = stream->waiting(); });
      return waiting;
    }));
    std::string event = "data: " + std::to_string(i) + "\n\n";
    gateway.call([&] { stream->answer(Event::kData, event); });
    ASSERT_TRUE(client.waitFor(event)) << i;  // alone: nothing held back for more
  }
  gateway.call([&] { stream->answer(Event::kEnd, {}); });
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->complete);
  EXPECT_EQ(response->header("content-type"), "text/event-stream");
}

TEST(BodyStreamTest, AContentLengthStreamIsSentWithItsLengthAndKeepsTheConnection) {
  GatewayHarness gateway;
  OnDemandStream::Stats stats;
  gateway.on_invoke = [&](std::string name, InvokeRequest, InvokeCallback done) {
    stats.produced = 0;
    size_t produces = name == "short" ? 100 : name == "long" ? 300 : 200;
    auto stream = std::make_shared<OnDemandStream>(gateway.loop(), stats, produces, 64);
    stream->declared = 200;
    InvokeResponse response;
    response.stream = std::move(stream);
    done(std::move(response));
  };
  RawClient client(gateway.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.sendAll("GET /fn/exact HTTP/1.1\r\nhost: h\r\n\r\n"));
    auto response = client.readResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("content-length"), "200");
    EXPECT_EQ(response->header("transfer-encoding"), "");
    EXPECT_EQ(response->body, pattern(0, 200));
  }
  // HEAD: the length, no body, the stream cancelled.
  ASSERT_TRUE(client.sendAll("HEAD /fn/exact HTTP/1.1\r\nhost: h\r\n\r\n"));
  ASSERT_TRUE(client.waitFor("\r\n\r\n"));
  EXPECT_NE(client.buffer().find("content-length: 200"), std::string::npos);
  client.buffer().clear();
  EXPECT_TRUE(stats.cancelled);
  for (std::string name : {"short", "long"}) {
    RawClient other(gateway.port());
    ASSERT_TRUE(other.sendAll("GET /fn/" + name + " HTTP/1.1\r\nhost: h\r\n\r\n"));
    auto response = other.readResponse();
    ASSERT_TRUE(response) << name;
    EXPECT_FALSE(response->complete) << name;
    EXPECT_TRUE(other.closedByPeer()) << name;
  }
}

TEST(BodyStreamTest, AnErrorMidBodyTruncatesTheChunkedResponse) {
  GatewayHarness gateway;
  OnDemandStream::Stats stats;
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    auto stream = std::make_shared<OnDemandStream>(gateway.loop(), stats, 10000, 100);
    stream->error_after = 300;
    InvokeResponse response;
    response.stream = std::move(stream);
    done(std::move(response));
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll("GET /fn/e HTTP/1.1\r\nhost: h\r\n\r\n"));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->complete);
  EXPECT_EQ(response->body, pattern(0, 300));
  EXPECT_TRUE(client.closedByPeer());
}

TEST(BodyStreamTest, AnEchoStreamsTheRequestBodyBackAsItArrives) {
  GatewayHarness gateway;
  gateway.on_invoke = [&](std::string, InvokeRequest request, InvokeCallback done) {
    InvokeResponse response;
    response.stream = request.body;  // a request body is a ByteStream like any other
    done(std::move(response));
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll(
      "POST /fn/echo HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n" + chunk("ping")));
  ASSERT_TRUE(client.waitFor("ping"));  // before the request has ended
  ASSERT_TRUE(client.sendAll(chunk("pong") + "0\r\n\r\n"));
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->complete);
  EXPECT_EQ(response->body, "pingpong");
}

TEST(BodyStreamTest, AGracefulDrainLetsAResponseStreamFinish) {
  GatewayHarness gateway;
  auto stream = std::make_shared<ManualStream>();
  gateway.on_invoke = [&](std::string, InvokeRequest, InvokeCallback done) {
    InvokeResponse response;
    response.stream = stream;
    done(std::move(response));
  };
  RawClient client(gateway.port());
  ASSERT_TRUE(client.sendAll("GET /fn/s HTTP/1.1\r\nhost: h\r\n\r\n"));
  bool waiting = false;
  ASSERT_TRUE(eventually([&] {
    gateway.call([&] { waiting = stream->waiting(); });
    return waiting;
  }));
  std::atomic<bool> drained{false};
  gateway.drain(&drained);
  gateway.call([&] { stream->answer(Event::kData, "still here"); });
  ASSERT_TRUE(client.waitFor("still here"));
  EXPECT_FALSE(drained);
  ASSERT_TRUE(eventually([&] {
    gateway.call([&] { waiting = stream->waiting(); });
    return waiting;
  }));
  gateway.call([&] { stream->answer(Event::kEnd, {}); });
  auto response = client.readResponse();
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->complete);
  EXPECT_EQ(response->body, "still here");
  EXPECT_TRUE(client.closedByPeer());  // its head went out before the drain: no "close" in it
  EXPECT_TRUE(eventually([&] { return drained.load(); }));
  EXPECT_FALSE(stream->cancelled);
}

}  // namespace
}  // namespace quiver::testing
