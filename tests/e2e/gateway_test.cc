// The HTTP/1.1 gateway against a real quiverd: keep-alive, pipelining, bodies, HEAD,
// Expect: 100-continue, limits, timeouts, malformed input, request ids and the error shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

constexpr const char* kEcho = R"js(
export default {
  async fetch(request) {
    const body = await request.text();
    return Response.json({
      method: request.method,
      url: request.url,
      body,
      contentType: request.headers.get("content-type"),
    });
  },
};
)js";

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string file = daemon_.dataDir() + "/echo.js";
    writeFile(file, kEcho);
    auto deployed = daemon_.cli({"deploy", file, "--name", "echo"});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }
  std::string request(const std::string& method, const std::string& path,
                      const std::string& extra = "", const std::string& body = "") {
    std::string r = method + " " + path + " HTTP/1.1\r\nhost: example.test\r\n" + extra;
    if (!body.empty()) r += "content-length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + body;
  }
  Quiverd daemon_{Quiverd::Options{.extra_args = {"--header-timeout-ms", "400", "--idle-timeout-ms",
                                                  "1500", "--max-body-bytes", "65536"}}};
};

TEST_F(GatewayTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpConnection c(daemon_.publicPort());
  for (int i = 0; i < 3; ++i) {
    c.send(request("GET", "/fn/echo/" + std::to_string(i)));
    auto reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    auto j = nlohmann::json::parse(reply->body);
    EXPECT_EQ(j["url"], "http://example.test/fn/echo/" + std::to_string(i));
    EXPECT_EQ(reply->header("connection"), "");
  }
}

TEST_F(GatewayTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpConnection c(daemon_.publicPort());
  std::string batch;
  for (int i = 0; i < 20; ++i)
    batch += request("POST", "/fn/echo/p" + std::to_string(i), "", "body-" + std::to_string(i));
  c.send(batch);
  for (int i = 0; i < 20; ++i) {
    auto reply = c.read();
    ASSERT_TRUE(reply) << "response " << i;
    auto j = nlohmann::json::parse(reply->body);
    EXPECT_EQ(j["body"], "body-" + std::to_string(i));
    EXPECT_EQ(j["url"], "http://example.test/fn/echo/p" + std::to_string(i));
  }
}

TEST_F(GatewayTest, ChunkedRequestBodyIsReassembled) {
  HttpConnection c(daemon_.publicPort());
  c.send(
      "POST /fn/echo HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n"
      "content-type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  auto j = nlohmann::json::parse(reply->body);
  EXPECT_EQ(j["body"], "hello world");
  EXPECT_EQ(j["contentType"], "text/plain");
}

TEST_F(GatewayTest, HeadGetsHeadersAndLengthButNoBody) {
  HttpConnection c(daemon_.publicPort());
  c.send(request("HEAD", "/fn/echo"));
  auto reply = c.read(/*head_request=*/true);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_GT(std::stoi(reply->header("content-length")), 0);
  // The connection stays usable: the next response starts right where the head ended.
  c.send(request("GET", "/fn/echo/next"));
  auto next = c.read();
  ASSERT_TRUE(next);
  EXPECT_NE(next->body.find("/fn/echo/next"), std::string::npos);
}

TEST_F(GatewayTest, ExpectContinueGets100BeforeTheBody) {
  HttpConnection c(daemon_.publicPort());
  c.send("POST /fn/echo HTTP/1.1\r\nhost: h\r\nexpect: 100-continue\r\ncontent-length: 4\r\n\r\n");
  ASSERT_TRUE(c.waitFor("HTTP/1.1 100 Continue\r\n\r\n", std::chrono::seconds(10)));
  c.send("data");
  auto interim = c.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["body"], "data");
}

TEST_F(GatewayTest, EveryResponseHasARequestId) {
  auto ok = httpRequest(daemon_.publicPort(), "GET", "/fn/echo");
  auto missing = httpRequest(daemon_.publicPort(), "GET", "/fn/nope");
  auto health = httpRequest(daemon_.controlPort(), "GET", "/healthz");
  for (const auto* reply : {&ok, &missing, &health}) {
    EXPECT_EQ(reply->header("x-request-id").size(), 16u);
  }
  EXPECT_NE(ok.header("x-request-id"), missing.header("x-request-id"));
}

TEST_F(GatewayTest, UnknownFunctionIs404WithTheErrorShape) {
  auto reply = httpRequest(daemon_.publicPort(), "GET", "/fn/nope/x");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  auto j = nlohmann::json::parse(reply.body);
  EXPECT_EQ(j["error"]["code"], "function_not_found");
  EXPECT_EQ(j["error"]["request_id"], reply.header("x-request-id"));
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/other").status, 404);
}

TEST_F(GatewayTest, MalformedRequestGets400AndTheConnectionCloses) {
  HttpConnection c(daemon_.publicPort());
  c.send("GET /fn/echo HTTP/1.1\r\nhost: h\r\nbad header line\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["error"]["code"], "bad_request");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(GatewayTest, Http11WithoutHostIs400) {
  HttpConnection c(daemon_.publicPort());
  c.send("GET /fn/echo HTTP/1.1\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

TEST_F(GatewayTest, OversizeHeadIs431) {
  HttpConnection c(daemon_.publicPort());
  c.send("GET /fn/echo HTTP/1.1\r\nhost: h\r\nx-big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["error"]["code"], "request_head_too_large");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(GatewayTest, OversizeBodyIs413BeforeTheFunctionRuns) {
  HttpConnection c(daemon_.publicPort());
  c.send("POST /fn/echo HTTP/1.1\r\nhost: h\r\ncontent-length: 70000\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["error"]["code"], "request_body_too_large");
}

TEST_F(GatewayTest, OversizeChunkedBodyIs413) {
  HttpConnection c(daemon_.publicPort());
  std::string chunk(40000, 'x');
  c.send("POST /fn/echo HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n9c40\r\n" + chunk +
         "\r\n9c40\r\n" + chunk + "\r\n0\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  // The function was already running (bodies stream): the host answers in its stead, and the
  // connection closes after the answer.
  EXPECT_EQ(nlohmann::json::parse(reply->body)["error"]["code"], "request_body_too_large");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(10)));
}

TEST_F(GatewayTest, UnreadBodiesAreDrainedBeforeThePipelinedRequestsAfterThem) {
  std::string file = daemon_.dataDir() + "/ignore.js";
  writeFile(file, "export default { fetch(request) { return new Response('ignored'); } };");
  ASSERT_EQ(daemon_.cli({"deploy", file, "--name", "ignore"}).exit_code, 0);
  HttpConnection c(daemon_.publicPort());
  std::string body(60000, 'b');
  c.send(request("POST", "/fn/ignore", "", body) + request("POST", "/fn/echo", "", "after") +
         request("POST", "/fn/ignore", "", body) + request("GET", "/fn/ignore"));
  for (std::string expected : {"ignored", "after", "ignored", "ignored"}) {
    auto reply = c.read();
    ASSERT_TRUE(reply) << expected;
    EXPECT_EQ(reply->status, 200);
    if (expected == "after") {
      EXPECT_EQ(nlohmann::json::parse(reply->body)["body"], "after");
    } else {
      EXPECT_EQ(reply->body, expected);
    }
  }
}

TEST_F(GatewayTest, ABodyThatStopsArrivingIs408AndCloses) {
  HttpConnection c(daemon_.publicPort());
  c.send("POST /fn/echo HTTP/1.1\r\nhost: h\r\ncontent-length: 10\r\n\r\n12345");
  auto reply = c.read();  // after --idle-timeout-ms with the function waiting for the rest
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(nlohmann::json::parse(reply->body)["error"]["code"], "request_timeout");
  EXPECT_NE(reply->body.find("the request body stopped arriving"), std::string::npos)
      << reply->body;
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(10)));
}

TEST_F(GatewayTest, SlowHeadTimesOutWith408) {
  HttpConnection c(daemon_.publicPort());
  c.send("GET /fn/echo HTTP/1.1\r\nhost: h\r\n");
  // A slowloris keeps sending header bytes: that must not extend the head deadline.
  auto start = std::chrono::steady_clock::now();
  std::optional<HttpReply> reply;
  while (!reply && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    c.send("x-a: b\r\n");
    reply = c.read(false, std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 408);
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(GatewayTest, IdleKeepAliveConnectionIsClosed) {
  HttpConnection c(daemon_.publicPort());
  c.send(request("GET", "/fn/echo"));
  ASSERT_TRUE(c.read());
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(10)));
}

TEST_F(GatewayTest, ConnectionCloseIsHonoured) {
  HttpConnection c(daemon_.publicPort());
  c.send(request("GET", "/fn/echo", "connection: close\r\n"));
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(GatewayTest, Http10GetsAnAnswerAndClose) {
  HttpConnection c(daemon_.publicPort());
  c.send("GET /fn/echo/old HTTP/1.0\r\n\r\n");
  auto reply = c.read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(GatewayTest, HostKeepsServingAfterGarbage) {
  for (const char* garbage : {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "GET\r\n\r\n",
                              "POST /fn/echo HTTP/1.1\r\nhost: h\r\ncontent-length: -1\r\n\r\n",
                              "GET /fn/echo HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n"
                              "content-length: 3\r\n\r\n"}) {
    HttpConnection c(daemon_.publicPort());
    c.send(garbage);
    auto reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400) << garbage;
  }
  EXPECT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/echo").status, 200);
}

}  // namespace
}  // namespace quiver::testing
