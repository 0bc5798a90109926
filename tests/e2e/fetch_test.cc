// fetch() from functions through a real quiverd, against real local upstream servers (plain HTTP
// and HTTPS with a CA made for the test): bodies both ways, redirects, errors, the egress policy,
// proxying, gzip decoding, waitUntil.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "tests/e2e/support.h"
#include "tests/e2e/upstream.h"

namespace quiver::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Functions: /fn/f?u=URL&... fetches URL and describes what came back; /fn/proxy forwards.
constexpr const char* kFetcher = R"js(
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const target = url.searchParams.get("u");
    const mode = url.searchParams.get("redirect") || "follow";
    try {
      if (url.pathname.endsWith("/post")) {
        const r = await fetch(target, { method: "POST", body: await request.text(),
                                        headers: { "x-from": "fn" } });
        return new Response(`${r.status} ${await r.text()}`);
      }
      if (url.pathname.endsWith("/stream-up")) {
        // A streamed request body: produced chunk by chunk, chunked on the wire.
        let i = 0;
        const body = new ReadableStream({
          pull(c) { c.enqueue(new TextEncoder().encode(`part${i};`)); if (++i === 5) c.close(); },
        });
        const r = await fetch(target, { method: "PUT", body, duplex: "half" });
        return new Response(`${r.status} ${await r.text()}`);
      }
      if (url.pathname.endsWith("/proxy")) return fetch(target, { headers: request.headers });
      if (url.pathname.endsWith("/proxy-request")) {
        // The incoming request, body and all, forwarded as it is (a copy with another URL).
        return fetch(new Request(target, request));
      }
      if (url.pathname.endsWith("/abort")) {
        const controller = new AbortController();
        const r = await fetch(target, { signal: controller.signal });
        const reader = r.body.getReader();
        const first = await reader.read();
        controller.abort();
        try {
          await reader.read();
          return new Response("read on after the abort");
        } catch (e) {
          return new Response(`got ${first.value.length} bytes, then ${e.name}`);
        }
      }
      if (url.pathname.endsWith("/timeout")) {
        await fetch(target, { signal: AbortSignal.timeout(200) });
        return new Response("no timeout");
      }
      if (url.pathname.endsWith("/many")) {
        const results = [];
        for (let i = 0; i < 51; i++) {
          try { await (await fetch(target)).text(); results.push("ok"); }
          catch (e) { results.push(`${e.name}: ${e.message}`); }
        }
        return new Response(`${results.filter((r) => r === "ok").length} ok; last: ${results[50]}`);
      }
      if (url.pathname.endsWith("/later")) {
        ctx.waitUntil(fetch(target).then((r) => r.text()).then((t) => console.log("background fetch got", t)));
        return new Response("answered first");
      }
      const r = await fetch(target, { redirect: mode });
      return new Response(JSON.stringify({
        status: r.status, url: r.url, redirected: r.redirected,
        location: r.headers.get("location"), encoding: r.headers.get("content-encoding"),
        body: await r.text(),
      }));
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`, { status: 502 });
    }
  },
};
)js";

class FetchTest : public ::testing::Test {
 protected:
  explicit FetchTest(std::vector<std::string> args = {"--allow-egress", "127.0.0.0/8"})
      : daemon_(Quiverd::Options{.shards = 1, .extra_args = withCa(std::move(args))}) {}

  std::vector<std::string> withCa(std::vector<std::string> args) {
    args.push_back("--fetch-ca-file");
    args.push_back(ca_.ca_cert);
    return args;
  }
  void SetUp() override { ASSERT_EQ(deploy("f", kFetcher), 201); }
  int deploy(const std::string& name, const std::string& code) {
    return httpRequest(daemon_.controlPort(), "PUT", "/v1/functions/" + name, code,
                       {{"authorization", "Bearer " + daemon_.token()}})
        .status;
  }
  HttpReply call(const std::string& path, const std::string& target, const std::string& body = "",
                 const std::string& query = "") {
    std::string escaped;
    for (char c : target) {
      if (isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') {
        escaped += c;
      } else {
        char hex[4];
        snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        escaped += hex;
      }
    }
    return httpRequest(daemon_.publicPort(), body.empty() ? "GET" : "POST",
                       path + "?u=" + escaped + query, body);
  }
  nlohmann::json described(const std::string& target, const std::string& query = "") {
    auto reply = call("/fn/f", target, "", query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.status == 200 ? nlohmann::json::parse(reply.body) : nlohmann::json();
  }

  TestCa ca_;
  Quiverd daemon_;
};

Upstream::Handler echoHandler() {
  return [](const Upstream::Request& r, Upstream::Reply& reply) {
    if (r.target == "/hello") return reply.respond(200, "hello from upstream");
    if (r.target == "/redirect") return reply.respond(302, "", {{"location", "/hello"}});
    if (r.target == "/loop") return reply.respond(307, "", {{"location", "/loop"}});
    if (r.target == "/echo") {
      return reply.respond(200, r.method + " " + r.header("x-from") + " " + r.body);
    }
    reply.respond(404, "nothing at " + r.target);
  };
}

TEST_F(FetchTest, GetFromAPlainHttpUpstream) {
  Upstream upstream(echoHandler());
  auto j = described(upstream.url("/hello"));
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["body"], "hello from upstream");
  EXPECT_EQ(j["redirected"], false);
  EXPECT_EQ(j["url"], upstream.url("/hello"));
  auto requests = upstream.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("host"), "127.0.0.1:" + std::to_string(upstream.port()));
  EXPECT_EQ(requests[0].header("accept-encoding"), "gzip, deflate");
}

TEST_F(FetchTest, HttpsUpstreamVerifiedWithTheConfiguredCa) {
  Upstream upstream(echoHandler(), &ca_);
  auto j = described(upstream.url("/hello"));
  EXPECT_EQ(j["body"], "hello from upstream");
  // By name too (SNI, and the certificate's DNS name): localhost resolves to 127.0.0.1.
  auto named = described("https://localhost:" + std::to_string(upstream.port()) + "/hello");
  EXPECT_EQ(named["body"], "hello from upstream");
}

TEST_F(FetchTest, RequestBodiesGoUpWholeAndStreamed) {
  Upstream upstream(echoHandler());
  auto whole = call("/fn/f/post", upstream.url("/echo"), "payload-123");
  EXPECT_EQ(whole.body, "200 POST fn payload-123");
  auto streamed = call("/fn/f/stream-up", upstream.url("/echo"));
  EXPECT_EQ(streamed.body, "200 PUT  part0;part1;part2;part3;part4;");
  auto requests = upstream.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header("transfer-encoding"), "chunked");
}

TEST_F(FetchTest, KeepAliveReusesTheConnection) {
  Upstream upstream(echoHandler());
  described(upstream.url("/hello"));
  described(upstream.url("/hello"));
  EXPECT_EQ(upstream.connections(), 1);
}

TEST_F(FetchTest, RedirectsFollowManualAndError) {
  Upstream upstream(echoHandler());
  auto followed = described(upstream.url("/redirect"));
  EXPECT_EQ(followed["status"], 200);
  EXPECT_EQ(followed["body"], "hello from upstream");
  EXPECT_EQ(followed["redirected"], true);
  EXPECT_EQ(followed["url"], upstream.url("/hello"));
  // manual: the redirect response itself, as Workers and Deno give it.
  auto manual = described(upstream.url("/redirect"), "&redirect=manual");
  EXPECT_EQ(manual["status"], 302);
  EXPECT_EQ(manual["location"], "/hello");
  EXPECT_EQ(manual["redirected"], false);
  auto error = call("/fn/f", upstream.url("/redirect"), "", "&redirect=error");
  EXPECT_EQ(error.status, 502);
  EXPECT_NE(error.body.find("TypeError: fetch failed:"), std::string::npos) << error.body;
  EXPECT_NE(error.body.find("redirect mode is \"error\""), std::string::npos) << error.body;
  auto loop = call("/fn/f", upstream.url("/loop"));
  EXPECT_EQ(loop.status, 502);
  EXPECT_NE(loop.body.find("too many redirects"), std::string::npos) << loop.body;
}

TEST_F(FetchTest, DnsFailureAndRefusedConnectionAreTypeErrors) {
  auto dns = call("/fn/f", "http://no-such-host.invalid/");
  EXPECT_EQ(dns.status, 502);
  EXPECT_NE(dns.body.find("TypeError: fetch failed: DNS lookup failed for no-such-host.invalid"),
            std::string::npos)
      << dns.body;
  int closed_port;
  {
    Upstream gone(echoHandler());
    closed_port = gone.port();
  }
  auto refused = call("/fn/f", "http://127.0.0.1:" + std::to_string(closed_port) + "/");
  EXPECT_EQ(refused.status, 502);
  EXPECT_NE(refused.body.find("TypeError: fetch failed: connection refused"), std::string::npos)
      << refused.body;
}

TEST_F(FetchTest, ProxyingStreamsTheUpstreamResponse) {
  Upstream upstream([](const Upstream::Request&, Upstream::Reply& reply) {
    reply.writeHead(200, {{"content-type", "application/octet-stream"}});
    for (int i = 0; i < 64; ++i)
      reply.write(std::string(64 * 1024, static_cast<char>('a' + i % 26)));
    reply.end();
  });
  auto reply = call("/fn/f/proxy", upstream.url("/big"));
  EXPECT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body.size(), 64u * 64 * 1024);
  EXPECT_EQ(reply.body[0], 'a');
  EXPECT_EQ(reply.body.back(), static_cast<char>('a' + 63 % 26));
  EXPECT_EQ(reply.header("content-type"), "application/octet-stream");
}

TEST_F(FetchTest, WaitUntilWorkCompletesAfterTheResponse) {
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  Upstream upstream([&](const Upstream::Request&, Upstream::Reply& reply) {
    // Answers only once the test has seen the function's response.
    std::unique_lock lock(mutex);
    cv.wait_for(lock, seconds(10), [&] { return release; });
    reply.respond(200, "late");
  });
  auto reply = call("/fn/f/later", upstream.url("/slow"));
  EXPECT_EQ(reply.body, "answered first");
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(daemon_.waitForLog("background fetch got late", seconds(10))) << daemon_.logs();
}

TEST_F(FetchTest, GzipAndDeflateBodiesAreDecodedAndPassedOnEncoded) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "compressible line " + std::to_string(i % 10) + "\n";
  std::string dir = makeTempDir();
  writeFile(dir + "/text", text);
  std::string gzipped = runProgram({"/usr/bin/gzip", "-c", dir + "/text"}).out;
  removeTree(dir);
  ASSERT_FALSE(gzipped.empty());
  Upstream upstream([&](const Upstream::Request&, Upstream::Reply& reply) {
    reply.respond(200, gzipped, {{"content-encoding", "gzip"}});
  });
  auto j = described(upstream.url("/gz"));
  EXPECT_EQ(j["encoding"], "gzip");  // the header stays, as in browsers
  EXPECT_TRUE(j["body"] == text) << "decoded " << j["body"].get<std::string>().size() << " bytes";
  // Proxied untouched: the encoded bytes and their header go to the client as they came.
  auto proxied = call("/fn/f/proxy", upstream.url("/gz"));
  EXPECT_EQ(proxied.header("content-encoding"), "gzip");
  EXPECT_TRUE(proxied.body == gzipped) << proxied.body.size() << " bytes";
}

TEST_F(FetchTest, ProxyingARequestStreamsItsBodyUpstream) {
  Upstream upstream(echoHandler());
  std::string body(300000, 'q');
  auto reply = call("/fn/f/proxy-request", upstream.url("/echo"), body);
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body == "POST  " + body) << reply.body.substr(0, 100);
}

TEST_F(FetchTest, AbortAndTimeoutEndTheExchange) {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  Upstream upstream([&](const Upstream::Request& r, Upstream::Reply& reply) {
    std::unique_lock lock(mutex);
    if (r.target == "/stall") {  // a head and one chunk, then nothing until the test ends
      reply.writeHead(200, {});
      reply.write("first chunk");
    }  // "/never": not even a head
    cv.wait_for(lock, seconds(20), [&] { return done; });
    reply.close();
  });
  auto aborted = call("/fn/f/abort", upstream.url("/stall"));
  EXPECT_EQ(aborted.body, "got 11 bytes, then AbortError") << aborted.body;
  auto timed_out = call("/fn/f/timeout", upstream.url("/never"));
  EXPECT_EQ(timed_out.status, 502);
  EXPECT_EQ(timed_out.body, "TimeoutError: signal timed out") << timed_out.body;
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  cv.notify_all();
}

TEST_F(FetchTest, SubrequestsPerRequestAreLimited) {
  Upstream upstream(echoHandler());
  auto reply = call("/fn/f/many", upstream.url("/hello"));
  EXPECT_NE(reply.body.find("50 ok; last: TypeError: too many subrequests"), std::string::npos)
      << reply.body;
}

class DefaultEgressTest : public FetchTest {
 protected:
  DefaultEgressTest() : FetchTest({}) {}
};

TEST_F(DefaultEgressTest, LoopbackIsBlockedByDefaultByAddressAndByName) {
  Upstream upstream(echoHandler());
  auto literal = call("/fn/f", upstream.url("/hello"));
  EXPECT_EQ(literal.status, 502);
  EXPECT_NE(literal.body.find("blocked by the host's egress policy"), std::string::npos)
      << literal.body;
  auto named = call("/fn/f", "http://localhost:" + std::to_string(upstream.port()) + "/hello");
  EXPECT_EQ(named.status, 502);
  EXPECT_NE(named.body.find("blocked by the host's egress policy"), std::string::npos)
      << named.body;
  EXPECT_TRUE(upstream.requests().empty());
}

}  // namespace
}  // namespace quiver::testing
