// HttpRequestParser: parsing, pipelining, pausing, and every refusal (431/413/400/505/smuggling).
#include "api-gateway/http_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quiver::gateway {
namespace {

using State = HttpRequestParser::State;

host::HttpLimits smallLimits() {
  host::HttpLimits limits;
  limits.max_head_bytes = 1024;
  limits.max_body_bytes = 100;
  return limits;
}

// Records every callback; pauses after each request while `pause` is set.
class RecordingSink : public HttpRequestParser::Sink {
 public:
  void onMessageBegin() override { ++begins; }
  BodyDelivery onHeadersComplete(HttpRequest& request) override {
    heads.push_back(request);
    return BodyDelivery::kWhole;
  }
  bool onRequest(HttpRequest&& request) override {
    requests.push_back(std::move(request));
    return !pause;
  }

  int begins = 0;
  std::vector<HttpRequest> heads;
  std::vector<HttpRequest> requests;
  bool pause = false;
};

class HttpParserTest : public ::testing::Test {
 protected:
  HttpParserTest() : parser_(limits_, sink_) {}

  // Feeds `data` in pieces of `piece` bytes (0: all at once); returns bytes consumed in total.
  size_t feed(const std::string& data, size_t piece = 0) {
    if (piece == 0) piece = data.size();
    size_t total = 0;
    for (size_t at = 0; at < data.size(); at += piece) {
      size_t n = std::min(piece, data.size() - at);
      size_t consumed = parser_.feed(data.data() + at, n);
      total += consumed;
      if (consumed != n) break;
    }
    return total;
  }
  void expectFailed(int status) {
    EXPECT_EQ(parser_.state(), State::kFailed);
    EXPECT_EQ(parser_.errorStatus(), status) << parser_.errorMessage();
    EXPECT_FALSE(parser_.errorMessage().empty());
    // A failed parser consumes nothing more.
    EXPECT_EQ(parser_.feed("GET / HTTP/1.1\r\n", 16), 0u);
    EXPECT_EQ(parser_.state(), State::kFailed);
  }

  host::HttpLimits limits_ = smallLimits();
  RecordingSink sink_;
  HttpRequestParser parser_;
};

TEST_F(HttpParserTest, SimpleGet) {
  std::string req = "GET /fn/hello/a?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  EXPECT_EQ(parser_.state(), State::kOk);
  EXPECT_FALSE(parser_.inMessage());
  EXPECT_EQ(sink_.begins, 1);
  ASSERT_EQ(sink_.heads.size(), 1u);
  ASSERT_EQ(sink_.requests.size(), 1u);
  const HttpRequest& r = sink_.requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/fn/hello/a?x=1&y=2");
  EXPECT_EQ(r.path(), "/fn/hello/a");
  EXPECT_EQ(r.version_major, 1);
  EXPECT_EQ(r.version_minor, 1);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"host", "example.com"}));
  ASSERT_NE(r.header("host"), nullptr);
  EXPECT_EQ(*r.header("host"), "example.com");
  EXPECT_EQ(r.header("Host"), nullptr);  // lookups are by the lowercased name
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(sink_.heads[0].target, r.target);
}

TEST_F(HttpParserTest, HeadersLowercasedTrimmedAndRepeatedInOrder) {
  std::string req =
      "GET / HTTP/1.1\r\n"
      "Host: h\r\n"
      "X-Custom-HEADER:   padded value  \t\r\n"
      "Set-Cookie: a=1\r\n"
      "SET-COOKIE: b=2\r\n"
      "x-empty:\r\n"
      "Accept: text/html,  application/json\r\n"
      "\r\n";
  ASSERT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  const HeaderList expected{{"host", "h"},         {"x-custom-header", "padded value"},
                            {"set-cookie", "a=1"}, {"set-cookie", "b=2"},
                            {"x-empty", ""},       {"accept", "text/html,  application/json"}};
  EXPECT_EQ(sink_.requests[0].headers, expected);
  EXPECT_EQ(*sink_.requests[0].header("set-cookie"), "a=1");
  EXPECT_EQ(sink_.heads[0].headers, expected);
}

TEST_F(HttpParserTest, ContentLengthBody) {
  std::string head = "POST /fn/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
  ASSERT_EQ(feed(head + "hello"), head.size() + 5);
  EXPECT_TRUE(parser_.inMessage());
  EXPECT_TRUE(parser_.inBody());
  ASSERT_EQ(sink_.heads.size(), 1u);
  EXPECT_TRUE(sink_.heads[0].body.empty());
  EXPECT_TRUE(sink_.requests.empty());
  ASSERT_EQ(feed(" world"), 6u);
  EXPECT_FALSE(parser_.inMessage());
  EXPECT_FALSE(parser_.inBody());
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].method, "POST");
  EXPECT_EQ(sink_.requests[0].body, "hello world");
}

TEST_F(HttpParserTest, BodyExactlyAtLimitIsAccepted) {
  std::string body(limits_.max_body_bytes, 'b');
  std::string req = "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + body;
  EXPECT_EQ(feed(req, 1), req.size());
  EXPECT_EQ(parser_.state(), State::kOk);
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].body, body);
}

TEST_F(HttpParserTest, BinaryBodyIsKeptVerbatim) {
  std::string body("\0\r\n\xff\x80GET / HTTP/1.1\r\n\r\n", 22);
  std::string req = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 22\r\n\r\n" + body;
  ASSERT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].body, body);
}

const std::string kChunked =
    "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n"
    "6;ext=1\r\n world\r\n"
    "A\r\n, chunked!\r\n"
    "0\r\n\r\n";

TEST_F(HttpParserTest, ChunkedBodyInOneFeed) {
  EXPECT_EQ(feed(kChunked), kChunked.size());
  EXPECT_EQ(parser_.state(), State::kOk);
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].body, "hello world, chunked!");
  EXPECT_EQ(*sink_.requests[0].header("transfer-encoding"), "chunked");
}

TEST_F(HttpParserTest, ChunkedBodyInManyFeeds) {
  for (size_t piece : {1u, 2u, 3u, 7u, 13u}) {
    RecordingSink sink;
    HttpRequestParser parser(limits_, sink);
    for (size_t at = 0; at < kChunked.size(); at += piece) {
      size_t n = std::min(piece, kChunked.size() - at);
      ASSERT_EQ(parser.feed(kChunked.data() + at, n), n) << "piece " << piece << " at " << at;
    }
    ASSERT_EQ(sink.requests.size(), 1u) << "piece " << piece;
    EXPECT_EQ(sink.requests[0].body, "hello world, chunked!") << "piece " << piece;
    EXPECT_EQ(sink.begins, 1);
  }
}

TEST_F(HttpParserTest, WholeRequestByteByByteMatchesOneFeed) {
  std::string req =
      "POST /fn/x?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Long-Header-Name: some longer value\r\n"
      "Content-Length: 4\r\n\r\nbody";
  ASSERT_EQ(feed(req, 1), req.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  const HttpRequest& r = sink_.requests[0];
  EXPECT_EQ(r.target, "/fn/x?q=1");
  EXPECT_EQ(r.headers, (HeaderList{{"host", "example.com"},
                                   {"x-long-header-name", "some longer value"},
                                   {"content-length", "4"}}));
  EXPECT_EQ(r.body, "body");
}

TEST_F(HttpParserTest, PipelinedRequestsInOneBuffer) {
  std::string req =
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "DELETE /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 3u);
  EXPECT_EQ(sink_.begins, 3);
  EXPECT_EQ(sink_.requests[0].target, "/one");
  EXPECT_EQ(sink_.requests[1].target, "/two");
  EXPECT_EQ(sink_.requests[1].body, "abc");
  EXPECT_EQ(sink_.requests[2].method, "DELETE");
  EXPECT_TRUE(sink_.requests[0].keep_alive);
  EXPECT_FALSE(sink_.requests[2].keep_alive);
  // Headers do not leak from one request into the next.
  EXPECT_EQ(sink_.requests[2].header("content-length"), nullptr);
  EXPECT_TRUE(sink_.requests[2].body.empty());
}

TEST_F(HttpParserTest, HeadLimitAppliesPerRequest) {
  // Two pipelined requests each under the head limit, together well over it.
  std::string value(600, 'v');
  std::string one = "GET /a HTTP/1.1\r\nHost: h\r\nX-Big: " + value + "\r\n\r\n";
  EXPECT_EQ(feed(one + one), 2 * one.size());
  EXPECT_EQ(parser_.state(), State::kOk);
  EXPECT_EQ(sink_.requests.size(), 2u);
}

TEST_F(HttpParserTest, PauseAfterRequestAndResume) {
  std::string first = "GET /first HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string second = "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok";
  std::string all = first + second;
  sink_.pause = true;
  size_t consumed = parser_.feed(all.data(), all.size());
  EXPECT_EQ(consumed, first.size());
  EXPECT_EQ(parser_.state(), State::kPaused);
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].target, "/first");
  // While paused, nothing is consumed.
  EXPECT_EQ(parser_.feed(all.data() + consumed, all.size() - consumed), 0u);
  EXPECT_EQ(sink_.requests.size(), 1u);

  parser_.resume();
  EXPECT_EQ(parser_.state(), State::kOk);
  size_t rest = parser_.feed(all.data() + consumed, all.size() - consumed);
  // The second request completes at the very end of the buffer and pauses again there.
  EXPECT_EQ(rest, second.size());
  EXPECT_EQ(parser_.state(), State::kPaused);
  ASSERT_EQ(sink_.requests.size(), 2u);
  EXPECT_EQ(sink_.requests[1].target, "/second");
  EXPECT_EQ(sink_.requests[1].body, "ok");

  sink_.pause = false;
  parser_.resume();
  std::string third = "GET /third HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(feed(third), third.size());
  ASSERT_EQ(sink_.requests.size(), 3u);
  EXPECT_EQ(sink_.requests[2].target, "/third");
}

TEST_F(HttpParserTest, PauseWithPartialNextRequest) {
  std::string first = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string second = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string buffer = first + second.substr(0, 10);
  sink_.pause = true;
  EXPECT_EQ(parser_.feed(buffer.data(), buffer.size()), first.size());
  EXPECT_EQ(parser_.state(), State::kPaused);
  sink_.pause = false;
  parser_.resume();
  // The caller keeps the unconsumed bytes and feeds them with what arrives later.
  std::string stash = buffer.substr(first.size());
  EXPECT_EQ(feed(stash), stash.size());
  EXPECT_TRUE(parser_.inMessage());
  EXPECT_EQ(feed(second.substr(10)), second.size() - 10) << parser_.errorMessage();
  ASSERT_EQ(sink_.requests.size(), 2u);
  EXPECT_EQ(sink_.requests[1].target, "/2");
}

TEST_F(HttpParserTest, ResumeWhenNotPausedIsHarmless) {
  parser_.resume();
  EXPECT_EQ(parser_.state(), State::kOk);
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  EXPECT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(parser_.feed(req.data(), 0), 0u);
  EXPECT_EQ(parser_.state(), State::kOk);
}

TEST_F(HttpParserTest, HeadRequest) {
  std::string req =
      "HEAD /fn/x HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /fn/y HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 2u);
  EXPECT_EQ(sink_.requests[0].method, "HEAD");
  EXPECT_TRUE(sink_.requests[0].body.empty());
  EXPECT_EQ(sink_.requests[1].method, "GET");
}

TEST_F(HttpParserTest, KeepAliveRules) {
  struct Case {
    std::string request;
    bool keep_alive;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", false},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
  };
  for (const auto& c : cases) {
    RecordingSink sink;
    HttpRequestParser parser(limits_, sink);
    ASSERT_EQ(parser.feed(c.request.data(), c.request.size()), c.request.size()) << c.request;
    ASSERT_EQ(sink.requests.size(), 1u) << c.request;
    EXPECT_EQ(sink.requests[0].keep_alive, c.keep_alive) << c.request;
  }
}

TEST_F(HttpParserTest, Http10WithoutHostIsAccepted) {
  std::string req = "GET /x HTTP/1.0\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].version_minor, 0);
}

TEST_F(HttpParserTest, UpgradeStopsParsingAfterTheHead) {
  std::string head =
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
  std::string all = head + "\x81\x05hello";
  size_t consumed = parser_.feed(all.data(), all.size());
  EXPECT_EQ(parser_.state(), State::kUpgrade);
  EXPECT_EQ(consumed, head.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  EXPECT_EQ(sink_.requests[0].target, "/ws");
}

// A sink that pauses on an upgrade request must still learn, on resume, that no more HTTP follows
// (otherwise the connection goes back to reading requests after a CONNECT or an Upgrade).
TEST_F(HttpParserTest, PausedUpgradeRequestReportsUpgradeAfterResume) {
  std::string head = "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n";
  sink_.pause = true;
  EXPECT_EQ(parser_.feed(head.data(), head.size()), head.size());
  EXPECT_EQ(parser_.state(), State::kPaused);
  ASSERT_EQ(sink_.requests.size(), 1u);
  parser_.resume();
  EXPECT_EQ(parser_.state(), State::kUpgrade);
}

// --- Limits.

TEST_F(HttpParserTest, HugeUrlIs431) {
  std::string req = "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
  feed(req);
  expectFailed(431);
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, HugeUrlIs431EvenByteByByte) {
  std::string req = "GET /" + std::string(2000, 'a');  // the line never even ends
  feed(req, 1);
  expectFailed(431);
}

TEST_F(HttpParserTest, ManyHeadersAre431) {
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 100; ++i) req += "X-Header-" + std::to_string(i) + ": value\r\n";
  req += "\r\n";
  feed(req);
  expectFailed(431);
  EXPECT_TRUE(sink_.heads.empty());
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, HugeHeaderValueIs431) {
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\nCookie: " + std::string(5000, 'c') + "\r\n\r\n";
  feed(req, 64);
  expectFailed(431);
}

// The limit is on the head as sent (request line + headers), so padding that the parser
// skips, or headers that are nearly empty, count too.
TEST_F(HttpParserTest, HeadPaddedWithWhitespaceIs431) {
  std::string req =
      "GET / HTTP/1.1\r\nHost: h\r\nX-Pad:" + std::string(4 * 1024, ' ') + "v\r\n\r\n";
  ASSERT_GT(req.size(), 4 * limits_.max_head_bytes);
  feed(req);
  expectFailed(431);
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, ManyEmptyHeadersAre431) {
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 1000; ++i) req += "a:\r\n";
  req += "\r\n";
  ASSERT_GT(req.size(), 2 * limits_.max_head_bytes);
  feed(req);
  expectFailed(431);
  EXPECT_TRUE(sink_.requests.empty());
}

// Header lines with an empty name and value carry no field bytes at all: the head limit must
// still stop a client that sends them for ever (each one is an entry in the header list).
TEST_F(HttpParserTest, EndlessEmptyHeaderLinesAreRefused) {
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 20000; ++i) req += ":\r\n";
  feed(req, 4096);
  EXPECT_EQ(parser_.state(), State::kFailed);
  EXPECT_TRUE(parser_.errorStatus() == 431 || parser_.errorStatus() == 400)
      << parser_.errorStatus();
  EXPECT_TRUE(sink_.heads.empty());
}

// Whether a head near the limit fits must not depend on where the network cut it: try heads a
// few bytes either side of the limit, each cut once at every offset.
TEST_F(HttpParserTest, HeadLimitDoesNotDependOnSplitPoints) {
  const std::string prefix = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
  std::vector<std::string> mismatches;
  for (size_t size = limits_.max_head_bytes - 4; size <= limits_.max_head_bytes + 6; ++size) {
    std::string req = prefix + std::string(size - prefix.size() - 4, 'p') + "\r\n\r\n";
    RecordingSink whole_sink;
    HttpRequestParser whole(limits_, whole_sink);
    whole.feed(req.data(), req.size());
    for (size_t cut = 1; cut < req.size(); ++cut) {
      RecordingSink sink;
      HttpRequestParser parser(limits_, sink);
      size_t first = parser.feed(req.data(), cut);
      if (parser.state() == State::kOk) parser.feed(req.data() + first, req.size() - first);
      if (parser.state() != whole.state() || parser.errorStatus() != whole.errorStatus() ||
          sink.requests.size() != whole_sink.requests.size()) {
        mismatches.push_back("head of " + std::to_string(size) + " bytes cut at " +
                             std::to_string(cut) + ": status " +
                             std::to_string(parser.errorStatus()) + ", in one piece " +
                             std::to_string(whole.errorStatus()));
      }
    }
  }
  EXPECT_TRUE(mismatches.empty()) << mismatches.size()
                                  << " mismatches, first: " << mismatches.front();
}

TEST_F(HttpParserTest, ContentLengthOverLimitIs413BeforeAnyBodyByte) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n";
  feed(head);  // no body byte has been sent
  expectFailed(413);
  EXPECT_TRUE(sink_.heads.empty());
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, HugeContentLengthIs413) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n";
  feed(head);
  expectFailed(413);
}

TEST_F(HttpParserTest, ChunkedBodyGrowingOverLimitIs413) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string chunk = "3c\r\n" + std::string(60, 'x') + "\r\n";
  ASSERT_EQ(feed(head + chunk), head.size() + chunk.size());
  EXPECT_EQ(parser_.state(), State::kOk);
  EXPECT_TRUE(parser_.inBody());
  feed(chunk, 5);
  expectFailed(413);
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, HugeChunkSizeIs413AsBytesArrive) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_EQ(feed(head + "ffffffff\r\n"), head.size() + 10);
  EXPECT_EQ(parser_.state(), State::kOk);
  feed(std::string(200, 'x'));
  expectFailed(413);
}

// --- Malformed input.

TEST_F(HttpParserTest, GarbageIs400) {
  const std::string inputs[] = {
      std::string("\x00\x01\x02garbage\r\n\r\n", 14),
      "HELLO WORLD\r\n\r\n",
      "GET\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
      "GET / HTTP/x.y\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nBad\tHeader: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
      "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\nHost: h\n\n",
      "GET / HTTP/1.1\r\nHost: h\r\nNo-Colon\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (const auto& input : inputs) {
    RecordingSink sink;
    HttpRequestParser parser(limits_, sink);
    EXPECT_EQ(parser.feed(input.data(), input.size()), 0u) << input;
    EXPECT_EQ(parser.state(), State::kFailed) << input;
    EXPECT_EQ(parser.errorStatus(), 400) << input << " -> " << parser.errorMessage();
    EXPECT_TRUE(sink.requests.empty()) << input;
  }
}

TEST_F(HttpParserTest, Http11WithoutHostIs400) {
  feed("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
  expectFailed(400);
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, Http2VersionIs505) {
  feed("GET / HTTP/2.0\r\nHost: h\r\n\r\n");
  expectFailed(505);
  EXPECT_TRUE(sink_.requests.empty());
}

TEST_F(HttpParserTest, OtherVersions) {
  struct Case {
    std::string request;
    int status;
  };
  // llhttp itself refuses versions it does not know (400); known non-1.x ones reach the
  // parser's own check (505).
  const Case cases[] = {
      {"GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/3.0\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.2\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/9.9\r\nHost: h\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    RecordingSink sink;
    HttpRequestParser parser(limits_, sink);
    parser.feed(c.request.data(), c.request.size());
    EXPECT_EQ(parser.state(), State::kFailed) << c.request;
    EXPECT_EQ(parser.errorStatus(), c.status) << c.request << " -> " << parser.errorMessage();
  }
}

// --- Request smuggling shapes: anything two parsers could frame differently is refused.

void expectRefused(const host::HttpLimits& limits, const std::string& input) {
  RecordingSink sink;
  HttpRequestParser parser(limits, sink);
  parser.feed(input.data(), input.size());
  EXPECT_EQ(parser.state(), State::kFailed) << input;
  EXPECT_EQ(parser.errorStatus(), 400) << input << " -> " << parser.errorMessage();
  EXPECT_TRUE(sink.requests.empty()) << input;
}

TEST_F(HttpParserTest, ContentLengthWithTransferEncodingIsRefused) {
  expectRefused(limits_,
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  expectRefused(limits_,
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                "Content-Length: 5\r\n\r\n0\r\n\r\n");
}

TEST_F(HttpParserTest, DuplicateDifferingContentLengthIsRefused) {
  expectRefused(limits_,
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n"
                "abcde");
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 5\r\n\r\nabcde");
}

TEST_F(HttpParserTest, ObsFoldIsRefused) {
  expectRefused(limits_, "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: first\r\n second\r\n\r\n");
}

// Folded framing headers are how two parsers come to disagree on where a body ends.
TEST_F(HttpParserTest, ObsFoldInFramingHeadersIsRefused) {
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\t5\r\n\r\nabcde");
  expectRefused(limits_,
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
                "3\r\nabc\r\n0\r\n\r\n");
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n 3\r\n\r\nabc");
  // A front end that reads the folded line as a header of its own sees a body here.
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\tContent-Length: 3\r\n\r\nabc");
}

// The head ends with CRLF CRLF; llhttp 8.1.0 also takes CRLF CR plus any byte, swallowing that
// byte (CVE-2023-30589), so a body or the next request starts where another parser disagrees.
TEST_F(HttpParserTest, HeadMustEndWithCrlfCrlf) {
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\rXabcde");
  expectRefused(limits_, "GET / HTTP/1.1\r\nHost: h\r\n\rGET /x HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST_F(HttpParserTest, BadTransferEncodingIsRefused) {
  // chunked must be the final coding of a request, or the body's end is unknowable.
  expectRefused(limits_,
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                "0\r\n\r\n");
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabc");
}

TEST_F(HttpParserTest, WhitespaceBeforeColonIsRefused) {
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 5\r\n\r\nabcde");
}

TEST_F(HttpParserTest, SignedContentLengthIsRefused) {
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nabcde");
  expectRefused(limits_, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n");
}

TEST_F(HttpParserTest, HeaderNameWithSpaceIsRefused) {
  // field-name is a token (RFC 9110 section 5.1): no whitespace inside it.
  expectRefused(limits_, "GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n");
}

TEST_F(HttpParserTest, EmptyHeaderNameIsRefused) {
  expectRefused(limits_, "GET / HTTP/1.1\r\nHost: h\r\n: 23\r\n\r\n");
}

TEST_F(HttpParserTest, DuplicateHostIsRefused) {
  // RFC 9112 section 3.2: more than one Host field line is a 400; routing by Host must not
  // depend on which of them a component reads.
  expectRefused(limits_, "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
}

// Trailer fields arrive after the head was routed; they must not turn into header fields the
// router never saw (RFC 9110 section 6.5.1).
TEST_F(HttpParserTest, ChunkedTrailersAreNotMergedIntoHeaders) {
  std::string req =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\nHost: evil\r\nX-Trailer: 1\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  ASSERT_EQ(sink_.requests.size(), 1u);
  ASSERT_EQ(sink_.heads.size(), 1u);
  EXPECT_EQ(sink_.requests[0].body, "abc");
  EXPECT_EQ(sink_.requests[0].headers, sink_.heads[0].headers);
  EXPECT_EQ(sink_.requests[0].header("x-trailer"), nullptr);
}

// Chunk extensions are bytes of the request like any other: an endless one must hit a limit
// (cf. CVE-2024-22019 in Node's use of llhttp).
TEST_F(HttpParserTest, ChunkExtensionsAreBounded) {
  std::string req = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=" +
                    std::string(8 * 1024, 'e');
  feed(req, 512);
  EXPECT_EQ(parser_.state(), State::kFailed);
  EXPECT_TRUE(parser_.errorStatus() == 413 || parser_.errorStatus() == 400)
      << parser_.errorStatus();
}

}  // namespace
}  // namespace quiver::gateway
