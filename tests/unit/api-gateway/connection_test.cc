// Connection with streamed response bodies (length unknown): chunked to HTTP/1.1 clients,
// close-delimited to HTTP/1.0, nothing for HEAD, ordering with pipelined requests, and the
// producer cancelled when the client goes away. Whole responses: one socket write for head and
// body, and a body bigger than the socket takes at once still arrives whole, in order. A real
// libuv loop, real sockets on port 0.
#include "api-gateway/connection.h"

#include <gtest/gtest.h>

#include <csignal>

#include <atomic>
#include <thread>
#include <unordered_set>

#include "api-gateway/listener.h"
#include "tests/e2e/support.h"

namespace quiver::gateway {
namespace {

using quiver::testing::HttpConnection;

// Produces `count` chunks "chunk0", "chunk1", … (or forever when count < 0), one per loop turn.
class CountingSource final : public host::ByteStream {
 public:
  CountingSource(uv_loop_t* loop, int count, std::atomic<bool>* cancelled)
      : count_(count), cancelled_(cancelled) {
    timer_ = new uv_timer_t;
    uv_timer_init(loop, timer_);
  }
  ~CountingSource() override {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }
  void read(ReadCallback sink) override {
    sink_ = std::move(sink);
    timer_->data = this;
    uv_timer_start(
        timer_,
        [](uv_timer_t* t) {
          auto* self = static_cast<CountingSource*>(t->data);
          auto sink = std::move(self->sink_);
          if (self->count_ >= 0 && self->next_ == self->count_) {
            return sink(Event::kEnd, "");
          }
          sink(Event::kData, "chunk" + std::to_string(self->next_++));
        },
        0, 0);
  }
  void cancel() override {
    uv_timer_stop(timer_);
    if (cancelled_) *cancelled_ = true;
  }

 private:
  uv_timer_t* timer_;
  ReadCallback sink_;
  int count_;
  int next_ = 0;
  std::atomic<bool>* cancelled_;
};

class StreamingServer : public RequestHandler, public ConnectionOwner {
 public:
  StreamingServer() {
    // As quiverd does: a write to a client that left is an error code, not a signal.
    signal(SIGPIPE, SIG_IGN);
    uv_loop_init(&loop_);
    auto bound = bindListenSocket({"127.0.0.1", 0}, BindMode::kFirst);
    EXPECT_TRUE(bound.ok());
    port_ = bound->address.port;
    listener_ = std::make_unique<Listener>(&loop_, [this](uv_stream_t* server) {
      auto* c = new Connection(&loop_, limits_, *this, *this);
      connections_.insert(c);
      c->accept(server);
    });
    EXPECT_TRUE(listener_->listen(bound->fd).ok());
    uv_async_init(&loop_, &stop_, [](uv_async_t* a) {
      auto* self = static_cast<StreamingServer*>(a->data);
      self->listener_->close(nullptr);
      for (auto* c :
           std::vector<Connection*>(self->connections_.begin(), self->connections_.end())) {
        c->close();
      }
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    stop_.data = this;
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }
  ~StreamingServer() override {
    uv_async_send(&stop_);
    thread_.join();
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  int port() const { return port_; }
  std::atomic<bool> cancelled{false};

  void handle(HttpRequest request, Responder responder) override {
    HttpResponse response;
    if (request.path() == "/fixed") {
      response.body = "fixed";
    } else if (request.path() == "/big") {
      response.body.resize(kBigBody);
      for (size_t i = 0; i < kBigBody; ++i) response.body[i] = static_cast<char>('a' + i % 26);
    } else {
      int count = request.path() == "/forever" ? -1 : 3;
      response.stream = std::make_shared<CountingSource>(&loop_, count, &cancelled);
    }
    responder.send(std::move(response));
  }
  void onConnectionClosed(Connection* c) override {
    connections_.erase(c);
    delete c;
  }
  std::string nextRequestId() override { return std::to_string(++ids_); }
  void countError(std::string_view) override {}
  void countWrite() override { ++writes; }
  static constexpr size_t kBigBody = 8 << 20;  // more than a loopback socket takes at once
  std::atomic<int> writes{0};

 private:
  uv_loop_t loop_;
  uv_async_t stop_;
  host::HttpLimits limits_;
  std::unique_ptr<Listener> listener_;
  std::unordered_set<Connection*> connections_;
  std::thread thread_;
  int port_ = 0;
  int ids_ = 0;
};

TEST(ConnectionStreamTest, UnknownLengthIsChunkedAndLaterResponsesFollowInOrder) {
  StreamingServer server;
  HttpConnection c(server.port());
  c.send("GET /stream HTTP/1.1\r\nhost: h\r\n\r\nGET /fixed HTTP/1.1\r\nhost: h\r\n\r\n");
  auto streamed = c.read();
  ASSERT_TRUE(streamed);
  EXPECT_EQ(streamed->header("transfer-encoding"), "chunked");
  EXPECT_EQ(streamed->header("content-length"), "");
  EXPECT_EQ(streamed->body, "chunk0chunk1chunk2");
  auto fixed = c.read();
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->body, "fixed");
  EXPECT_EQ(fixed->header("x-request-id"), "2");
}

TEST(ConnectionStreamTest, Http10GetsTheBodyUntilClose) {
  StreamingServer server;
  HttpConnection c(server.port());
  c.send("GET /stream HTTP/1.0\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("transfer-encoding"), "");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_EQ(reply->body, "chunk0chunk1chunk2");
}

TEST(ConnectionStreamTest, HeadCancelsTheStream) {
  StreamingServer server;
  HttpConnection c(server.port());
  c.send("HEAD /forever HTTP/1.1\r\nhost: h\r\n\r\nGET /fixed HTTP/1.1\r\nhost: h\r\n\r\n");
  auto head = c.read(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto fixed = c.read();
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->body, "fixed");
  EXPECT_TRUE(server.cancelled);
}

TEST(ConnectionStreamTest, AWholeResponseIsOneWrite) {
  StreamingServer server;
  HttpConnection c(server.port());
  for (int i = 1; i <= 3; ++i) {
    c.send("GET /fixed HTTP/1.1\r\nhost: h\r\n\r\n");
    auto fixed = c.read();
    ASSERT_TRUE(fixed);
    EXPECT_EQ(fixed->status, 200);
    EXPECT_EQ(fixed->header("content-length"), "5");
    EXPECT_EQ(fixed->body, "fixed");
    EXPECT_EQ(server.writes.load(), i);  // head and body together, once per response
  }
}

TEST(ConnectionStreamTest, ABodyTheSocketCannotTakeAtOnceArrivesWholeAndInOrder) {
  StreamingServer server;
  HttpConnection c(server.port());
  // The rest of the big body is queued behind what the socket took; the next response after it.
  c.send("GET /big HTTP/1.1\r\nhost: h\r\n\r\nGET /fixed HTTP/1.1\r\nhost: h\r\n\r\n");
  auto big = c.read();
  ASSERT_TRUE(big);
  ASSERT_EQ(big->body.size(), StreamingServer::kBigBody);
  for (size_t i = 0; i < big->body.size(); ++i) {
    if (big->body[i] != static_cast<char>('a' + i % 26)) FAIL() << "byte " << i;
  }
  auto fixed = c.read();
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->body, "fixed");
}

TEST(ConnectionStreamTest, ClientThatLeavesCancelsTheProducer) {
  StreamingServer server;
  {
    HttpConnection c(server.port());
    c.send("GET /forever HTTP/1.1\r\nhost: h\r\n\r\n");
    ASSERT_TRUE(c.waitFor("chunk3", std::chrono::seconds(10)));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.cancelled && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval
  }
  EXPECT_TRUE(server.cancelled);
}

}  // namespace
}  // namespace quiver::gateway
