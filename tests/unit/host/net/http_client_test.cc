// HttpClient against real upstreams on real sockets: framing both ways, keep-alive,
// backpressure, TLS verification, the egress policy, errors and timeouts.
#include "host/net/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>

#include "tests/unit/host/net/client_test_util.h"
#include "tests/unit/host/net/fake_dns.h"
#include "tests/unit/host/net/upstream.h"
#include "tests/unit/host/temp_dir.h"

namespace quiver::host::net {
namespace {

using quiver::testing::BodyReader;
using quiver::testing::ChunkStream;
using quiver::testing::LoopRunner;
using quiver::testing::Outcome;
using quiver::testing::Upstream;
using quiver::testing::UpstreamRequest;

constexpr const char* kHello = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: Yes\r\n\r\nhello";

class HttpClientTest : public ::testing::Test {
 protected:
  static HttpClientOptions localOptions() {
    HttpClientOptions options;
    options.policy = EgressPolicy::withAllows({"127.0.0.0/8"}).value();
    return options;
  }
  void makeClient(HttpClientOptions options = localOptions()) {
    client = std::make_unique<HttpClient>(runner.loop(), std::move(options));
  }
  void serve(Upstream::Handler handler) {
    upstream = std::make_unique<Upstream>(runner.loop(), std::move(handler));
  }
  void serveFixed(std::string response) {
    serve([response](const UpstreamRequest&, Upstream::Conn& conn) { conn.write(response); });
  }
  std::shared_ptr<HttpClient::Exchange> start(HttpClient::Request request, Outcome& out) {
    return client->start(
        std::move(request), [&out](HttpClient::Response r) { out.response = std::move(r); },
        [&out](std::string e) { out.error = std::move(e); });
  }
  Outcome fetch(HttpClient::Request request) {
    Outcome out;
    start(std::move(request), out);
    EXPECT_TRUE(runner.runUntil([&] { return out.settled(); }));
    return out;
  }
  Outcome get(const std::string& url) { return fetch({"GET", url, {}, nullptr}); }
  BodyReader readBody(const Outcome& out) {
    BodyReader reader{out.response->body};
    reader.readAll();
    EXPECT_TRUE(runner.runUntil([&] { return reader.done(); }));
    return reader;
  }
  void TearDown() override {
    if (client) client->close();
    client.reset();
    if (upstream) upstream->close();
    upstream.reset();
    EXPECT_TRUE(runner.finish()) << "a handle was left open";
  }

  LoopRunner runner;
  std::unique_ptr<Upstream> upstream;
  std::unique_ptr<HttpClient> client;
};

TEST_F(HttpClientTest, GetWithContentLength) {
  makeClient();
  serveFixed(kHello);
  auto out = get(upstream->url("/path?q=1#frag"));
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.response->status_text, "OK");
  EXPECT_EQ(out.header("x-test"), "Yes");
  EXPECT_EQ(out.response->body->length(), 5);
  EXPECT_EQ(out.response->remote_address, "127.0.0.1");
  EXPECT_EQ(out.response->remote_port, upstream->port());
  auto body = readBody(out);
  EXPECT_EQ(body.data, "hello");
  EXPECT_TRUE(body.ended);
  ASSERT_EQ(upstream->requests().size(), 1u);
  const auto& request = upstream->requests()[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/path?q=1");
  EXPECT_EQ(request.header("host"), "127.0.0.1:" + std::to_string(upstream->port()));
  EXPECT_EQ(request.header("content-length"), "");
}

TEST_F(HttpClientTest, RequestHeadersGoOutAndFramingHeadersAreTheClients) {
  makeClient();
  serveFixed(kHello);
  HttpClient::Request request{"PUT", upstream->url("/"), {}, nullptr};
  request.headers = {{"X-One", "1"}, {"Content-Length", "999"}, {"Connection", "close"}};
  auto out = fetch(std::move(request));
  ASSERT_TRUE(out.response) << out.error.value_or("");
  const auto& seen = upstream->requests().at(0);
  EXPECT_EQ(seen.header("x-one"), "1");
  EXPECT_EQ(seen.header("content-length"), "0");  // PUT without a body
  EXPECT_EQ(seen.header("connection"), "");
}

TEST_F(HttpClientTest, PostWithKnownLengthBody) {
  makeClient();
  serveFixed(kHello);
  auto body = std::make_shared<ChunkStream>(runner.loop(),
                                            std::vector<std::string>{"hello ", "world"}, 11, false);
  auto out = fetch({"POST", upstream->url("/up"), {}, body});
  ASSERT_TRUE(out.response) << out.error.value_or("");
  const auto& seen = upstream->requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.header("content-length"), "11");
  EXPECT_EQ(seen.header("transfer-encoding"), "");
  EXPECT_EQ(seen.body, "hello world");
  EXPECT_FALSE(body->cancelled);
}

TEST_F(HttpClientTest, PostWithStreamedChunkedBody) {
  makeClient();
  serveFixed(kHello);
  std::vector<std::string> chunks;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    chunks.push_back(std::string(1000 + i, static_cast<char>('a' + i % 26)));
    expected += chunks.back();
  }
  auto body = std::make_shared<ChunkStream>(runner.loop(), chunks, -1, true);
  auto out = fetch({"POST", upstream->url("/stream"), {}, body});
  ASSERT_TRUE(out.response) << out.error.value_or("");
  const auto& seen = upstream->requests().at(0);
  EXPECT_EQ(seen.header("transfer-encoding"), "chunked");
  EXPECT_EQ(seen.header("content-length"), "");
  EXPECT_EQ(seen.body, expected);
  EXPECT_EQ(body->reads, 51);  // one pull per chunk, then the end
}

TEST_F(HttpClientTest, AnAnswerBeforeTheUploadEndsStopsTheUpload) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn&) {});
  upstream->onHead([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo much");
  });
  std::vector<std::string> chunks(1000, std::string(100, 'u'));
  auto body = std::make_shared<ChunkStream>(runner.loop(), chunks, -1, true);
  auto out = fetch({"POST", upstream->url(), {}, body});
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->status, 413);
  auto reader = readBody(out);
  EXPECT_EQ(reader.data, "too much");
  EXPECT_TRUE(reader.ended);
  EXPECT_TRUE(body->cancelled);
  EXPECT_LT(body->reads, 1000);
  EXPECT_EQ(client->idleConnections(), 0u);  // half an upload: never reused
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
}

TEST_F(HttpClientTest, RequestBodyShorterThanDeclaredFails) {
  makeClient();
  serveFixed(kHello);
  auto body =
      std::make_shared<ChunkStream>(runner.loop(), std::vector<std::string>{"abc"}, 10, false);
  auto out = fetch({"POST", upstream->url("/"), {}, body});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "the request body ended after 3 of its 10 bytes");
}

TEST_F(HttpClientTest, ChunkedResponseBody) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    conn.write("1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->body->length(), -1);
  auto body = readBody(out);
  EXPECT_EQ(body.data, "hello world");
  EXPECT_TRUE(body.ended);
  EXPECT_EQ(client->idleConnections(), 1u);
}

TEST_F(HttpClientTest, CloseDelimitedResponseBody) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\n\r\nuntil ", nullptr);
    conn.write("the end", [&conn] { conn.close(); });
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  auto body = readBody(out);
  EXPECT_EQ(body.data, "until the end");
  EXPECT_TRUE(body.ended);
  EXPECT_EQ(client->idleConnections(), 0u);
}

TEST_F(HttpClientTest, TruncatedContentLengthBodyIsAnError) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", [&conn] { conn.close(); });
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  auto body = readBody(out);
  ASSERT_TRUE(body.error);
  EXPECT_EQ(body.data, "short");
  EXPECT_NE(body.error->find("closed before the response body was complete"), std::string::npos)
      << *body.error;
}

TEST_F(HttpClientTest, InterimResponsesAreSkipped) {
  makeClient();
  serveFixed(
      std::string("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n") +
      kHello);
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(out.header("link"), "");
  EXPECT_EQ(readBody(out).data, "hello");
}

TEST_F(HttpClientTest, HeadAnd204And304HaveNoBodyAndKeepTheConnection) {
  makeClient();
  serve([](const UpstreamRequest& request, Upstream::Conn& conn) {
    if (request.method == "HEAD") {
      conn.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    } else if (request.target == "/204") {
      conn.write("HTTP/1.1 204 No Content\r\n\r\n");
    } else {
      conn.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n");
    }
  });
  for (auto [method, path] : {std::pair{"HEAD", "/"}, {"GET", "/204"}, {"GET", "/304"}}) {
    SCOPED_TRACE(path);
    auto out = fetch({method, upstream->url(path), {}, nullptr});
    ASSERT_TRUE(out.response) << out.error.value_or("");
    EXPECT_EQ(out.response->body->length(), 0);
    auto body = readBody(out);
    EXPECT_TRUE(body.ended);
    EXPECT_EQ(body.data, "");
  }
  EXPECT_EQ(upstream->connectionsAccepted(), 1);
}

TEST_F(HttpClientTest, KeepAliveReusesTheConnection) {
  makeClient();
  serveFixed(kHello);
  for (int i = 0; i < 3; ++i) {
    auto out = get(upstream->url("/" + std::to_string(i)));
    ASSERT_TRUE(out.response) << out.error.value_or("");
    EXPECT_EQ(readBody(out).data, "hello");
    EXPECT_EQ(client->idleConnections(), 1u);
  }
  EXPECT_EQ(upstream->requests().size(), 3u);
  EXPECT_EQ(upstream->connectionsAccepted(), 1);
  EXPECT_EQ(upstream->requests()[2].connection, 1);
}

TEST_F(HttpClientTest, ConcurrentExchangesAndAPoolBound) {
  auto options = localOptions();
  options.max_idle_per_origin = 2;
  makeClient(options);
  serveFixed(kHello);
  constexpr int kParallel = 10;
  std::vector<Outcome> outs(kParallel);
  for (auto& out : outs) start({"GET", upstream->url(), {}, nullptr}, out);
  ASSERT_TRUE(runner.runUntil([&] {
    return std::all_of(outs.begin(), outs.end(), [](const Outcome& o) { return o.settled(); });
  }));
  std::vector<BodyReader> readers;
  readers.reserve(kParallel);
  for (auto& out : outs) {
    ASSERT_TRUE(out.response) << out.error.value_or("");
    readers.push_back(BodyReader{out.response->body});
  }
  for (auto& reader : readers) reader.readAll();
  ASSERT_TRUE(runner.runUntil([&] {
    return std::all_of(readers.begin(), readers.end(),
                       [](const BodyReader& r) { return r.done(); });
  }));
  for (auto& reader : readers) EXPECT_EQ(reader.data, "hello");
  EXPECT_EQ(upstream->connectionsAccepted(), kParallel);
  EXPECT_EQ(client->idleConnections(), 2u);
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 2; }));
}

TEST_F(HttpClientTest, IdlePooledConnectionsTimeOut) {
  auto options = localOptions();
  options.pool_idle_timeout_ms = 50;
  makeClient(options);
  serveFixed(kHello);
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response);
  readBody(out);
  EXPECT_EQ(client->idleConnections(), 1u);
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
  EXPECT_EQ(client->idleConnections(), 0u);
}

TEST_F(HttpClientTest, ConnectionCloseIsNotReused) {
  makeClient();
  serveFixed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  for (int i = 0; i < 2; ++i) {
    auto out = get(upstream->url());
    ASSERT_TRUE(out.response) << out.error.value_or("");
    EXPECT_EQ(readBody(out).data, "ok");
  }
  EXPECT_EQ(client->idleConnections(), 0u);
  EXPECT_EQ(upstream->connectionsAccepted(), 2);
}

TEST_F(HttpClientTest, PooledConnectionClosedByTheServerIsDropped) {
  makeClient();
  serveFixed(kHello);
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response);
  readBody(out);
  ASSERT_EQ(client->idleConnections(), 1u);
  upstream->close();  // the upstream goes away: the idle connection sees EOF
  EXPECT_TRUE(runner.runUntil([&] { return client->idleConnections() == 0; }));
}

TEST_F(HttpClientTest, ARequestOnAPooledConnectionTheServerDroppedIsRetriedOnce) {
  makeClient();
  // The second request reaches the kept-alive connection as the server gives up on it.
  serve([this](const UpstreamRequest& request, Upstream::Conn& conn) {
    if (upstream->requests().size() == 2) return conn.close();
    conn.write(kHello);
  });
  auto first = get(upstream->url());
  ASSERT_TRUE(first.response);
  readBody(first);
  auto second = get(upstream->url());
  ASSERT_TRUE(second.response) << second.error.value_or("");
  EXPECT_EQ(readBody(second).data, "hello");
  EXPECT_EQ(upstream->connectionsAccepted(), 2);
  EXPECT_EQ(upstream->requests().size(), 3u);
}

TEST_F(HttpClientTest, ARequestWithABodyIsNotRetried) {
  makeClient();
  serve([this](const UpstreamRequest&, Upstream::Conn& conn) {
    if (upstream->requests().size() == 2) return conn.close();
    conn.write(kHello);
  });
  auto first = get(upstream->url());
  ASSERT_TRUE(first.response);
  readBody(first);
  auto body =
      std::make_shared<ChunkStream>(runner.loop(), std::vector<std::string>{"data"}, 4, false);
  auto second = fetch({"POST", upstream->url(), {}, body});
  ASSERT_TRUE(second.error);
  EXPECT_EQ(upstream->connectionsAccepted(), 1);
}

TEST_F(HttpClientTest, AFailedRequestCancelsItsBody) {
  makeClient(HttpClientOptions{});  // 127.0.0.1 is denied: it fails before connecting
  auto body =
      std::make_shared<ChunkStream>(runner.loop(), std::vector<std::string>{"data"}, -1, true);
  auto out = fetch({"POST", "http://127.0.0.1:9/", {}, body});
  ASSERT_TRUE(out.error);
  EXPECT_TRUE(body->cancelled);
  EXPECT_EQ(body->reads, 0);
}

TEST_F(HttpClientTest, BodyIsNotReadAheadOfTheConsumer) {
  makeClient();
  constexpr size_t kTotal = 32 * 1024 * 1024;
  constexpr size_t kChunk = 64 * 1024;
  size_t written = 0;  // bytes the kernel took from the upstream
  Upstream::Conn* server_conn = nullptr;
  std::function<void()> writeMore = [&] {
    if (written >= kTotal) return;
    server_conn->write(std::string(kChunk, 'x'), [&] {
      written += kChunk;
      writeMore();
    });
  };
  serve([&](const UpstreamRequest&, Upstream::Conn& conn) {
    server_conn = &conn;
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kTotal) + "\r\n\r\n");
    writeMore();
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  BodyReader reader{out.response->body};
  reader.readOne();
  ASSERT_TRUE(runner.runUntil([&] { return !reader.pending; }));
  // Nobody reads now: the socket buffers fill and the upstream's next write cannot complete.
  ASSERT_TRUE(runner.runUntil([&] { return server_conn->writeQueueSize() > 0; }));
  size_t stalled_at = written;
  for (int i = 0; i < 20; ++i) uv_run(runner.loop(), UV_RUN_NOWAIT);
  EXPECT_EQ(written, stalled_at);
  EXPECT_LT(written, kTotal / 2) << "the client read far ahead of its consumer";
  EXPECT_LE(reader.data.size(), 256u * 1024);
  // Reading again drains it all, intact.
  reader.readAll();
  ASSERT_TRUE(runner.runUntil([&] { return reader.done(); }, std::chrono::seconds(60)));
  EXPECT_TRUE(reader.ended);
  EXPECT_EQ(reader.data.size(), kTotal);
  EXPECT_EQ(written, kTotal);
}

TEST_F(HttpClientTest, AbortMidBodyClosesTheConnection) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst");  // and the rest never
  });
  Outcome out;
  auto exchange = start({"GET", upstream->url(), {}, nullptr}, out);
  ASSERT_TRUE(runner.runUntil([&] { return out.settled(); }));
  ASSERT_TRUE(out.response);
  BodyReader reader{out.response->body};
  reader.readOne();
  ASSERT_TRUE(runner.runUntil([&] { return !reader.pending; }));
  EXPECT_EQ(reader.data, "first");
  reader.readOne();
  exchange->abort();
  ASSERT_TRUE(reader.error);
  EXPECT_EQ(*reader.error, "the request was aborted");
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
  EXPECT_EQ(client->idleConnections(), 0u);
}

TEST_F(HttpClientTest, AbortBeforeTheResponseRunsNoCallback) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn&) {});  // never answers
  Outcome out;
  auto exchange = start({"GET", upstream->url(), {}, nullptr}, out);
  ASSERT_TRUE(runner.runUntil([&] { return upstream->requests().size() == 1; }));
  exchange->abort();
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
  EXPECT_FALSE(out.settled());
}

TEST_F(HttpClientTest, CancellingTheBodyClosesTheConnection) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst");
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response);
  out.response->body->cancel();
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
  EXPECT_EQ(client->idleConnections(), 0u);
}

TEST_F(HttpClientTest, ConnectionRefused) {
  makeClient();
  // A port that was just free: nothing listens there.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  auto out = get("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "connection refused (127.0.0.1:" + std::to_string(port) + ")");
}

TEST_F(HttpClientTest, DnsFailure) {
  makeClient();
  auto out = get("http://nothing-here.invalid/");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "DNS lookup failed for nothing-here.invalid: domain name not found");
}

TEST_F(HttpClientTest, EgressDeniedByDefaultForTheLiteral) {
  makeClient(HttpClientOptions{});
  serveFixed(kHello);
  auto out = get(upstream->url());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "egress to 127.0.0.1 is blocked by the host's egress policy");
  EXPECT_EQ(upstream->connectionsAccepted(), 0);
}

TEST_F(HttpClientTest, EgressDeniedByDefaultForANameResolvingToLoopback) {
  makeClient(HttpClientOptions{});
  serveFixed(kHello);
  auto out = get("http://localhost:" + std::to_string(upstream->port()) + "/");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "egress to 127.0.0.1 (localhost) is blocked by the host's egress policy");
  EXPECT_EQ(upstream->connectionsAccepted(), 0);
  auto v6 = get("http://[::ffff:127.0.0.1]:" + std::to_string(upstream->port()) + "/");
  ASSERT_TRUE(v6.error);
  EXPECT_EQ(*v6.error, "egress to ::ffff:127.0.0.1 is blocked by the host's egress policy");
}

TEST_F(HttpClientTest, EgressIsCheckedOnWhatADnsServerAnswers) {
  quiver::testing::FakeDns dns(runner.loop());
  dns.add("rebind.test", {{"127.0.0.1"}, {"::1"}, 300});
  HttpClientOptions options;  // the default policy
  options.dns.servers = dns.server();
  makeClient(options);
  serveFixed(kHello);
  auto out = get("http://rebind.test:" + std::to_string(upstream->port()) + "/");
  ASSERT_TRUE(out.error);
  EXPECT_NE(out.error->find("is blocked by the host's egress policy"), std::string::npos)
      << *out.error;
  EXPECT_NE(out.error->find("(rebind.test)"), std::string::npos) << *out.error;
  EXPECT_EQ(upstream->connectionsAccepted(), 0);
  client->close();
  dns.close();
}

TEST_F(HttpClientTest, AnAllowedNameFromADnsServerConnects) {
  quiver::testing::FakeDns dns(runner.loop());
  dns.add("upstream.test", {{"127.0.0.1"}, {}, 300});
  auto options = localOptions();
  options.dns.servers = dns.server();
  makeClient(options);
  serveFixed(kHello);
  auto out = get("http://upstream.test:" + std::to_string(upstream->port()) + "/");
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(readBody(out).data, "hello");
  EXPECT_EQ(upstream->requests().at(0).header("host"),
            "upstream.test:" + std::to_string(upstream->port()));
  client->close();
  dns.close();
}

TEST_F(HttpClientTest, ExplicitAllowLetsANameThrough) {
  makeClient();
  serveFixed(kHello);
  auto out = get("http://localhost:" + std::to_string(upstream->port()) + "/");
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(readBody(out).data, "hello");
  EXPECT_EQ(upstream->requests().at(0).header("host"),
            "localhost:" + std::to_string(upstream->port()));
}

TEST_F(HttpClientTest, ResponseTimeout) {
  auto options = localOptions();
  options.response_timeout_ms = 100;
  makeClient(options);
  serve([](const UpstreamRequest&, Upstream::Conn&) {});
  auto out = get(upstream->url());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "timed out waiting for the response from 127.0.0.1:" +
                            std::to_string(upstream->port()));
  EXPECT_TRUE(runner.runUntil([&] { return upstream->connectionsOpen() == 0; }));
}

TEST_F(HttpClientTest, BodyIdleTimeout) {
  auto options = localOptions();
  options.idle_timeout_ms = 100;
  makeClient(options);
  serve([](const UpstreamRequest&, Upstream::Conn& conn) {
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
  });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.response) << out.error.value_or("");
  auto body = readBody(out);
  EXPECT_EQ(body.data, "some");
  ASSERT_TRUE(body.error);
  EXPECT_EQ(*body.error, "timed out reading the response body from 127.0.0.1:" +
                             std::to_string(upstream->port()));
}

TEST_F(HttpClientTest, SendTimeoutWhenTheUpstreamStopsReading) {
  auto options = localOptions();
  options.idle_timeout_ms = 200;
  makeClient(options);
  serve([](const UpstreamRequest&, Upstream::Conn&) {});
  upstream->onHead([](const UpstreamRequest&, Upstream::Conn& conn) { conn.stopReading(); });
  std::vector<std::string> chunks(2000, std::string(64 * 1024, 'u'));
  auto body = std::make_shared<ChunkStream>(runner.loop(), chunks, -1, false);
  auto out = fetch({"POST", upstream->url(), {}, body});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error,
            "timed out sending the request to 127.0.0.1:" + std::to_string(upstream->port()));
  EXPECT_TRUE(body->cancelled);
  EXPECT_LT(body->reads, 2000);  // pulled only as fast as the socket took it
}

TEST_F(HttpClientTest, ConnectTimeout) {
  auto options = localOptions();
  options.connect_timeout_ms = 100;
  options.policy = EgressPolicy::allowAll();
  makeClient(options);
  // A listener that never accepts, with its backlog full: further SYNs go unanswered.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(c);
  }
  std::string port = std::to_string(ntohs(addr.sin_port));
  auto out = get("http://127.0.0.1:" + port + "/");
  for (int c : fillers) close(c);
  close(fd);
  ASSERT_TRUE(out.error);
  if (out.error->find("timed out") == std::string::npos) {
    GTEST_SKIP() << "this kernel accepted the SYN anyway: " << *out.error;
  }
  EXPECT_EQ(*out.error, "timed out connecting to 127.0.0.1:" + port);
}

TEST_F(HttpClientTest, OversizedResponseHeadIsRefused) {
  auto options = localOptions();
  options.max_head_bytes = 1024;
  makeClient(options);
  serveFixed("HTTP/1.1 200 OK\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n");
  auto out = get(upstream->url());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "the response head exceeds the limit of 1024 bytes (127.0.0.1:" +
                            std::to_string(upstream->port()) + ")");
}

TEST_F(HttpClientTest, MalformedResponseIsAnError) {
  makeClient();
  serveFixed("SMTP ready\r\n\r\n");
  auto out = get(upstream->url());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->rfind("invalid HTTP response: ", 0), 0u) << *out.error;
}

TEST_F(HttpClientTest, ServerClosingWithoutAnswerIsAnError) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn& conn) { conn.close(); });
  auto out = get(upstream->url());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "the server closed the connection without answering (127.0.0.1:" +
                            std::to_string(upstream->port()) + ")");
}

TEST_F(HttpClientTest, BadUrlsAndHeadersAreErrorsNotCrashes) {
  makeClient();
  EXPECT_EQ(get("ftp://example.com/").error.value_or(""),
            "invalid URL 'ftp://example.com/': only http: and https: URLs can be fetched over the "
            "network");
  HttpClient::Request bad{"GET", "http://127.0.0.1:1/", {{"X-Evil", "a\r\nInjected: 1"}}, nullptr};
  EXPECT_EQ(fetch(bad).error.value_or(""), "invalid value for header 'X-Evil'");
}

TEST_F(HttpClientTest, CallbacksNeverRunInsideStart) {
  makeClient();
  bool inside = true, called = false;
  client->start(
      {"GET", "http://x.invalid/", {}, nullptr}, [&](HttpClient::Response) { called = true; },
      [&](std::string) {
        EXPECT_FALSE(inside);
        called = true;
      });
  inside = false;
  EXPECT_FALSE(called);
  EXPECT_TRUE(runner.runUntil([&] { return called; }));
}

TEST_F(HttpClientTest, CloseFailsExchangesInFlight) {
  makeClient();
  serve([](const UpstreamRequest&, Upstream::Conn&) {});
  Outcome out;
  start({"GET", upstream->url(), {}, nullptr}, out);
  ASSERT_TRUE(runner.runUntil([&] { return upstream->requests().size() == 1; }));
  client->close();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "the HTTP client was closed");
}

// --- TLS

class HttpsClientTest : public HttpClientTest {
 protected:
  void SetUp() override {
    pki = quiver::testing::makeTestPki(dir.path().string());
    if (pki.ca_pem.empty()) GTEST_SKIP() << "the openssl CLI could not make a test PKI";
  }
  std::string url(const quiver::testing::TlsUpstream& server) {
    return "https://localhost:" + std::to_string(server.port()) + "/";
  }
  quiver::testing::TempDir dir;
  quiver::testing::TestPki pki;
};

TEST_F(HttpsClientTest, VerifiesAgainstTheGivenCa) {
  auto options = localOptions();
  options.ca_file = pki.ca_pem;
  makeClient(options);
  quiver::testing::TlsUpstream server(pki.localhost_cert, pki.localhost_key);
  auto out = get(url(server));
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(readBody(out).data, "secure");
  EXPECT_EQ(server.lastServerName(), "localhost");
  EXPECT_EQ(server.lastAlpn(), "http/1.1");
}

TEST_F(HttpsClientTest, ALargeBodyStreamsThroughTls) {
  auto options = localOptions();
  options.ca_file = pki.ca_pem;
  makeClient(options);
  quiver::testing::TlsUpstream server(pki.localhost_cert, pki.localhost_key, 4 * 1024 * 1024);
  auto out = get(url(server));
  ASSERT_TRUE(out.response) << out.error.value_or("");
  EXPECT_EQ(out.response->body->length(), 4 * 1024 * 1024);
  auto body = readBody(out);
  EXPECT_TRUE(body.ended) << body.error.value_or("");
  EXPECT_EQ(body.data, std::string(4 * 1024 * 1024, 's'));
  EXPECT_GT(body.chunks, 4);  // it came in pieces, as it arrived
}

TEST_F(HttpsClientTest, FailsWithoutTheCa) {
  makeClient();  // the system store does not know the test CA
  quiver::testing::TlsUpstream server(pki.localhost_cert, pki.localhost_key);
  auto out = get(url(server));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error,
            "TLS certificate verification failed for localhost: unable to get local "
            "issuer certificate");
}

TEST_F(HttpsClientTest, FailsForTheWrongHostname) {
  auto options = localOptions();
  options.ca_file = pki.ca_pem;
  makeClient(options);
  quiver::testing::TlsUpstream server(pki.other_cert, pki.other_key);
  auto out = get(url(server));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(*out.error, "TLS certificate verification failed for localhost: hostname mismatch");
}

TEST_F(HttpsClientTest, AnUnreadableCaFileIsAClearError) {
  auto options = localOptions();
  options.ca_file = pki.dir + "/missing.pem";
  makeClient(options);
  auto out = get("https://localhost:1/");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->rfind("TLS setup failed: cannot read the CA file " + options.ca_file +
                                 ": No such file or directory",
                             0),
            0u)
      << *out.error;
}

}  // namespace
}  // namespace quiver::host::net
