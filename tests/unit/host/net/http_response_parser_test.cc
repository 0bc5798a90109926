// HttpResponseParser on byte strings, split at every position where it matters.
#include "host/net/http_response_parser.h"

#include <gtest/gtest.h>

namespace quiver::host::net {
namespace {

TEST(HttpResponseParserTest, ChunkedBodyWithTrailersSplitAnywhere) {
  std::string wire =
      "HTTP/1.1 201 Created\r\nX-A: 1 \r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nTrailer: t\r\n\r\n";
  for (size_t split = 0; split <= wire.size(); ++split) {
    HttpResponseParser parser(4096, false);
    std::string body;
    ASSERT_TRUE(parser.feed(wire.data(), split, &body)) << split;
    ASSERT_TRUE(parser.feed(wire.data() + split, wire.size() - split, &body)) << split;
    ASSERT_TRUE(parser.messageComplete());
    EXPECT_EQ(parser.head().status, 201);
    EXPECT_EQ(parser.head().status_text, "Created");
    ASSERT_EQ(parser.head().headers.size(), 2u);
    EXPECT_EQ(parser.head().headers[0], (std::pair<std::string, std::string>{"x-a", "1"}));
    EXPECT_EQ(body, "abcde");
    EXPECT_TRUE(parser.keepAlive());
    EXPECT_FALSE(parser.extraBytes());
  }
}

TEST(HttpResponseParserTest, BytesAfterTheResponseAreNoticed) {
  HttpResponseParser parser(4096, false);
  std::string body;
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
  ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
  EXPECT_TRUE(parser.messageComplete());
  EXPECT_EQ(body, "ok");
  EXPECT_TRUE(parser.extraBytes());
}

TEST(HttpResponseParserTest, Http10AndConnectionCloseAreNotKeptAlive) {
  for (std::string wire : {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}) {
    HttpResponseParser parser(4096, false);
    std::string body;
    ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
    ASSERT_TRUE(parser.messageComplete());
    EXPECT_FALSE(parser.keepAlive()) << wire;
  }
}

TEST(HttpResponseParserTest, CloseDelimitedBodyEndsWithFinish) {
  HttpResponseParser parser(4096, false);
  std::string body;
  std::string wire = "HTTP/1.1 200 OK\r\n\r\nall of it";
  ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
  EXPECT_FALSE(parser.messageComplete());
  EXPECT_EQ(parser.bodyLength(), -1);
  EXPECT_TRUE(parser.finish());
  EXPECT_TRUE(parser.messageComplete());
  EXPECT_FALSE(parser.keepAlive());
  EXPECT_EQ(body, "all of it");
}

TEST(HttpResponseParserTest, HeadResponseHasNoBody) {
  HttpResponseParser parser(4096, true);
  std::string body;
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
  ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
  EXPECT_TRUE(parser.messageComplete());
  EXPECT_EQ(parser.bodyLength(), 0);
  EXPECT_TRUE(parser.keepAlive());
}

// Found by the fuzzer: llhttp 8.1 reads a body a 1xx announces, which would land in the final
// response's body.
TEST(HttpResponseParserTest, AnInterimResponseNeverHasABody) {
  for (bool head_request : {false, true}) {
    HttpResponseParser parser(4096, head_request);
    std::string body;
    std::string wire =
        "HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    if (!head_request) wire += "ok";
    ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
    EXPECT_TRUE(parser.messageComplete());
    EXPECT_EQ(parser.head().status, 200);
    EXPECT_EQ(body, head_request ? "" : "ok");
    EXPECT_FALSE(parser.extraBytes());
  }
}

TEST(HttpResponseParserTest, ManyInterimResponsesCountAgainstTheHeadLimit) {
  HttpResponseParser parser(1024, false);
  std::string body;
  bool ok = true;
  for (int i = 0; i < 100 && ok; ++i) {
    std::string interim = "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n";
    ok = parser.feed(interim.data(), interim.size(), &body);
  }
  EXPECT_FALSE(ok);
  EXPECT_EQ(parser.error(), "the response head exceeds the limit of 1024 bytes");
}

// RFC 9112 5.2: a user agent replaces an obs-fold in a response with spaces.
TEST(HttpResponseParserTest, FoldedHeaderValuesArriveUnfolded) {
  HttpResponseParser parser(4096, false);
  std::string body;
  std::string wire = "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
  ASSERT_TRUE(parser.messageComplete());
  EXPECT_EQ(parser.head().headers.at(0).second, "one two");
}

TEST(HttpResponseParserTest, TruncatedHeadIsAnErrorAtFinish) {
  HttpResponseParser parser(4096, false);
  std::string body;
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Le";
  ASSERT_TRUE(parser.feed(wire.data(), wire.size(), &body));
  EXPECT_FALSE(parser.finish());
  EXPECT_EQ(parser.error(), "the connection closed before a complete response head arrived");
}

}  // namespace
}  // namespace quiver::host::net
