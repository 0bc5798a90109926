// Streamed bodies through a real quiverd: request bodies pulled from the socket as the function
// reads them (backpressure to the client), streamed responses (chunked, server-sent events), a
// large stream with quiverd's memory flat, a client that leaves mid-stream, and compression
// streams checked against the system's gzip.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kStreams = R"js(
let gate = null;           // /open resolves it: a function waiting for the test
const waitGate = () => new Promise((resolve) => { gate = resolve; });
const encoder = new TextEncoder();
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/fn/s/open":
        if (gate) gate();
        return new Response(gate ? "opened" : "nobody waiting");
      case "/fn/s/slow-reader": {
        await waitGate();  // reads nothing until the test says so
        let total = 0;
        for await (const chunk of request.body) total += chunk.length;
        return new Response(String(total));
      }
      case "/fn/s/echo":
        return new Response(request.body);
      case "/fn/s/sse": {
        const stream = new ReadableStream({
          async start(c) {
            c.enqueue(encoder.encode("data: first\n\n"));
          },
          async pull(c) {
            await waitGate();
            c.enqueue(encoder.encode("data: second\n\n"));
            c.close();
          },
        }, { highWaterMark: 0 });
        return new Response(stream, { headers: { "content-type": "text/event-stream" } });
      }
      case "/fn/s/big": {
        const mb = Number(url.searchParams.get("mb"));
        const chunk = new Uint8Array(64 * 1024).fill(120);
        let sent = 0;
        return new Response(new ReadableStream({
          pull(c) {
            c.enqueue(chunk.slice());
            if (++sent === mb * 16) c.close();
          },
        }, { highWaterMark: 0 }));
      }
      case "/fn/s/forever":
        return new Response(new ReadableStream({
          async pull(c) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            c.enqueue(encoder.encode("tick\n"));
          },
          cancel(reason) { console.log("forever stream cancelled:", String(reason)); },
        }, { highWaterMark: 0 }));
      case "/fn/s/duplex":  // each chunk goes back as soon as it arrives
        return new Response(request.body.pipeThrough(new TransformStream()));
      case "/fn/s/pending":
        request.signal.addEventListener("abort", () =>
          console.log("request signal aborted:", request.signal.reason.name));
        setInterval(() => console.log("still pending"), 20);
        return new Promise(() => {});
      case "/fn/s/gzip":
        return new Response(request.body.pipeThrough(new CompressionStream("gzip")));
      case "/fn/s/gunzip":
        return new Response(request.body.pipeThrough(new DecompressionStream("gzip")));
    }
    return new Response("no such path", { status: 404 });
  },
};
)js";

class StreamsTest : public ::testing::Test {
 protected:
  StreamsTest()
      : daemon_(Quiverd::Options{.shards = 1, .extra_args = {"--max-body-bytes", "134217728"}}) {}
  void SetUp() override {
    ASSERT_EQ(httpRequest(daemon_.controlPort(), "PUT", "/v1/functions/s", kStreams,
                          {{"authorization", "Bearer " + daemon_.token()}})
                  .status,
              201);
  }
  long rssKb() {
    std::ifstream status("/proc/" + std::to_string(daemon_.pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
  }
  Quiverd daemon_;
};

// The function does not read: the client can only get so far (socket buffers plus the gateway's
// bounded buffer), then its writes block. Once the function reads, everything goes through.
TEST_F(StreamsTest, ASlowReaderSlowsTheClient) {
  HttpConnection conn(daemon_.publicPort());
  ASSERT_TRUE(conn.connected());
  constexpr size_t kBody = 64u << 20;
  conn.send("POST /fn/s/slow-reader HTTP/1.1\r\nhost: t\r\ncontent-length: " +
            std::to_string(kBody) + "\r\n\r\n");
  int fd = conn.fdForTest();
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string block(1 << 20, 'z');
  size_t sent = 0;
  // Write until the socket stays unwritable for half a second: nothing reads the far end.
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (sent < kBody && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = ::send(fd, block.data(), std::min(block.size(), kBody - sent), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 500) == 0) break;  // blocked: the backpressure reached the client
  }
  EXPECT_LT(sent, kBody / 2) << "the gateway took the body in while the function read nothing";
  // Let the function read; the rest of the body goes through.
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/s/open").body, "opened");
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  conn.send(std::string(kBody - sent, 'z'));
  auto reply = conn.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, std::to_string(kBody));
}

TEST_F(StreamsTest, RequestBodyStreamsBackAsTheResponse) {
  std::string body;
  for (int i = 0; i < 200000; ++i) body += static_cast<char>('A' + i % 53);
  auto reply = httpRequest(daemon_.publicPort(), "POST", "/fn/s/echo", body);
  EXPECT_EQ(reply.status, 200);
  // The untouched request body goes back as it came, with its length known.
  EXPECT_EQ(reply.header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(reply.body, body);
}

TEST_F(StreamsTest, ServerSentEventsArriveWhenEnqueued) {
  HttpConnection conn(daemon_.publicPort());
  conn.send("GET /fn/s/sse HTTP/1.1\r\nhost: t\r\n\r\n");
  // The first event is there while the stream is still open (the function waits for /open).
  ASSERT_TRUE(conn.waitFor("data: first\n\n", seconds(10)));
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/s/open").body, "opened");
  auto reply = conn.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type"), "text/event-stream");
  EXPECT_EQ(reply->body, "data: first\n\ndata: second\n\n");
}

TEST_F(StreamsTest, ALargeStreamedResponseKeepsMemoryFlat) {
  auto warm = httpRequest(daemon_.publicPort(), "GET", "/fn/s/big?mb=1");
  ASSERT_EQ(warm.body.size(), 1u << 20);
  long before = rssKb();
  HttpConnection conn(daemon_.publicPort());
  conn.send("GET /fn/s/big?mb=256 HTTP/1.1\r\nhost: t\r\n\r\n");
  auto reply = conn.read(false, seconds(120));
  ASSERT_TRUE(reply);
  long after = rssKb();
  EXPECT_EQ(reply->body.size(), 256u << 20);
  // 256 MB went through; quiverd grew by far less than that (the V8 heap may grow a little).
  EXPECT_LT(after - before, 48 * 1024) << "RSS " << before << " kB -> " << after << " kB";
}

TEST_F(StreamsTest, AClientThatLeavesCancelsTheStream) {
  {
    HttpConnection conn(daemon_.publicPort());
    conn.send("GET /fn/s/forever HTTP/1.1\r\nhost: t\r\n\r\n");
    ASSERT_TRUE(conn.waitFor("tick\n", seconds(10)));
  }  // closed mid-stream
  EXPECT_TRUE(daemon_.waitForLog("forever stream cancelled", seconds(10))) << daemon_.logs();
  // The shard is fine.
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/s/open").status, 200);
}

// A slow writer: the client sends its body a piece at a time and sees each piece come back
// before it sends the next (the response streams while the request body still arrives).
TEST_F(StreamsTest, ASlowWriterGetsEachPieceBackBeforeSendingTheNext) {
  HttpConnection conn(daemon_.publicPort());
  conn.send("POST /fn/s/duplex HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n");
  for (const char* piece : {"piece-one;", "piece-two;", "piece-three;"}) {
    char size[16];
    snprintf(size, sizeof size, "%zx\r\n", strlen(piece));
    conn.send(size + std::string(piece) + "\r\n");
    ASSERT_TRUE(conn.waitFor(piece, seconds(10))) << piece;
  }
  conn.send("0\r\n\r\n");
  auto reply = conn.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "piece-one;piece-two;piece-three;");
}

TEST_F(StreamsTest, AClientThatLeavesBeforeTheResponseCancelsTheRequest) {
  {
    HttpConnection conn(daemon_.publicPort());
    conn.send("GET /fn/s/pending HTTP/1.1\r\nhost: t\r\n\r\n");
    ASSERT_TRUE(daemon_.waitForLog("still pending", seconds(10)));
  }
  EXPECT_TRUE(daemon_.waitForLog("the client disconnected before the response", seconds(10)))
      << daemon_.logs();
  EXPECT_TRUE(daemon_.waitForLog("request signal aborted: AbortError", seconds(10)))
      << daemon_.logs();
}

TEST_F(StreamsTest, GzipRoundTripAgainstTheSystemGzip) {
  std::string dir = makeTempDir();
  std::string original;
  for (int i = 0; i < 100000; ++i) original += "line " + std::to_string(i) + "\n";
  writeFile(dir + "/original", original);
  // Compressed by the function, decompressed by gzip.
  auto compressed = httpRequest(daemon_.publicPort(), "POST", "/fn/s/gzip", original);
  ASSERT_EQ(compressed.status, 200);
  writeFile(dir + "/from-function.gz", compressed.body);
  auto unzipped = runProgram({"/usr/bin/gzip", "-dc", dir + "/from-function.gz"});
  EXPECT_EQ(unzipped.exit_code, 0) << unzipped.err;
  EXPECT_TRUE(unzipped.out == original) << "gzip -dc gave " << unzipped.out.size() << " bytes";
  // Compressed by gzip, decompressed by the function.
  auto zipped = runProgram({"/usr/bin/gzip", "-c", dir + "/original"});
  ASSERT_EQ(zipped.exit_code, 0);
  auto back = httpRequest(daemon_.publicPort(), "POST", "/fn/s/gunzip", zipped.out);
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == original) << back.body.size() << " bytes";
  // Truncated input errors the stream: the response is cut short, the connection closed.
  auto truncated = httpRequest(daemon_.publicPort(), "POST", "/fn/s/gunzip",
                               zipped.out.substr(0, zipped.out.size() / 2));
  EXPECT_NE(truncated.body, original);
  EXPECT_TRUE(
      daemon_.waitForLog("The compressed data ended before the end of the stream", seconds(5)))
      << daemon_.logs();
  removeTree(dir);
}

}  // namespace
}  // namespace quiver::testing
