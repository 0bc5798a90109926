// Functions as users write them, through a real quiverd: sync and async handlers, errors and
// their logs, bad return values, env, console, isolation, redeploys, binary bodies and URL routing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

class FunctionsTest : public ::testing::Test {
 protected:
  int deploy(const std::string& name, const std::string& code) {
    return httpRequest(daemon_.controlPort(), "PUT", "/v1/functions/" + name, code,
                       {{"authorization", "Bearer " + daemon_.token()}})
        .status;
  }
  HttpReply get(const std::string& path, const std::string& body = "") {
    return httpRequest(daemon_.publicPort(), body.empty() ? "GET" : "POST", path, body);
  }
  Quiverd daemon_;
};

TEST_F(FunctionsTest, SyncAndAsyncHandlers) {
  ASSERT_EQ(deploy("sync", "export default { fetch() { return new Response('s'); } };"), 201);
  ASSERT_EQ(deploy("async",
                   "export default { async fetch(r) { await null; return new "
                   "Response(await r.text(), { status: 201, statusText: 'Made' }); } };"),
            201);
  EXPECT_EQ(get("/fn/sync").body, "s");
  auto reply = get("/fn/async", "payload");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.reason, "Made");
  EXPECT_EQ(reply.body, "payload");
}

TEST_F(FunctionsTest, ThrownErrorIs500AndTheStackGoesToTheLog) {
  ASSERT_EQ(deploy("thrower", "export default { fetch() { throw new Error('kaboom-sync'); } };"),
            201);
  auto reply = get("/fn/thrower");
  EXPECT_EQ(reply.status, 500);
  auto j = nlohmann::json::parse(reply.body);
  EXPECT_EQ(j["error"]["code"], "function_error");
  EXPECT_EQ(j["error"]["request_id"], reply.header("x-request-id"));
  ASSERT_TRUE(daemon_.waitForLog("kaboom-sync", std::chrono::seconds(5)));
  std::string logs = daemon_.logs();
  EXPECT_NE(logs.find("fn=thrower@1 req=" + reply.header("x-request-id") +
                      " error: Uncaught "
                      "Error: kaboom-sync"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("at Object.fetch (fn:thrower.js:1"), std::string::npos) << logs;
}

TEST_F(FunctionsTest, RejectedPromiseIs500) {
  ASSERT_EQ(deploy("rejecter",
                   "export default { async fetch() { await 1; throw new "
                   "TypeError('kaboom-async'); } };"),
            201);
  EXPECT_EQ(get("/fn/rejecter").status, 500);
  EXPECT_TRUE(daemon_.waitForLog("TypeError: kaboom-async", std::chrono::seconds(5)));
}

TEST_F(FunctionsTest, NonResponseResultIs500WithAMessageSayingSo) {
  ASSERT_EQ(deploy("wrong", "export default { fetch() { return { hello: 1 }; } };"), 201);
  auto reply = get("/fn/wrong");
  EXPECT_EQ(reply.status, 500);
  auto message = nlohmann::json::parse(reply.body)["error"]["message"].get<std::string>();
  EXPECT_NE(message.find("must return a Response"), std::string::npos) << message;
  ASSERT_EQ(deploy("undef", "export default { async fetch() {} };"), 201);
  auto undef = nlohmann::json::parse(get("/fn/undef").body)["error"]["message"].get<std::string>();
  EXPECT_NE(undef.find("undefined"), std::string::npos) << undef;
}

TEST_F(FunctionsTest, ModuleThatFailsToStartIs500AndLogged) {
  ASSERT_EQ(deploy("broken", "throw new Error('top-level-failure'); export default {};"), 201);
  auto reply = get("/fn/broken");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["code"], "function_start_failed");
  EXPECT_TRUE(daemon_.waitForLog("top-level-failure", std::chrono::seconds(5)));
  ASSERT_EQ(deploy("nofetch", "export default { notFetch() {} };"), 201);
  auto nofetch = get("/fn/nofetch");
  EXPECT_NE(nofetch.body.find("no fetch"), std::string::npos) << nofetch.body;
}

TEST_F(FunctionsTest, ConsoleLinesAreTheFunctionsLog) {
  ASSERT_EQ(deploy("talker",
                   "export default { fetch() { console.log('hello', 42, {a: [1]}); "
                   "console.error('bad thing'); return new Response('ok'); } };"),
            201);
  auto reply = get("/fn/talker");
  ASSERT_EQ(reply.status, 200);
  std::string id = reply.header("x-request-id");
  ASSERT_TRUE(daemon_.waitForLog("bad thing", std::chrono::seconds(5)));
  std::string logs = daemon_.logs();
  EXPECT_NE(logs.find("fn=talker@1 req=" + id + " log: hello 42 { a: [ 1 ] }"), std::string::npos)
      << logs;
  EXPECT_NE(logs.find("fn=talker@1 req=" + id + " error: bad thing"), std::string::npos) << logs;
}

TEST_F(FunctionsTest, FunctionsDoNotShareGlobals) {
  ASSERT_EQ(
      deploy("writer",
             "globalThis.secret = 'mine'; Object.prototype.polluted = 1; "
             "export default { fetch() { return new Response(String(globalThis.secret)); } };"),
      201);
  ASSERT_EQ(deploy("reader",
                   "export default { fetch() { return new Response("
                   "String(globalThis.secret) + ',' + String(({}).polluted)); } };"),
            201);
  EXPECT_EQ(get("/fn/writer").body, "mine");
  EXPECT_EQ(get("/fn/reader").body, "undefined,undefined");
}

TEST_F(FunctionsTest, PoisonedPrototypesDoNotBreakTheHost) {
  ASSERT_EQ(deploy("poison", R"js(
// Only names the runtime itself must not trip over: "then", "status" or "headers" getters would
// be read by the language (thenables) and WebIDL (init dictionaries) on the user's own objects.
for (const key of ["0", "1", "2", "3", "length", "done", "value"]) {
  Object.defineProperty(Object.prototype, key, { set() { throw new Error("poisoned " + key); },
                                                 get() { throw new Error("poisoned get " + key); },
                                                 configurable: true });
}
Array.prototype.push = () => { throw new Error("no push"); };
Promise.prototype.then = () => { throw new Error("no then"); };
JSON.stringify = () => { throw new Error("no stringify"); };
export default {
  async fetch(request) {
    return new Response(`ok ${request.method} ${request.headers.get("x-a")}`, {
      headers: { "x-b": "c" },
    });
  },
};)js"),
            201);
  for (int i = 0; i < 3; ++i) {
    auto reply = httpRequest(daemon_.publicPort(), "GET", "/fn/poison", "", {{"x-a", "1"}});
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "ok GET 1") << daemon_.logs();
    EXPECT_EQ(reply.header("x-b"), "c");
  }
}

TEST_F(FunctionsTest, TimersAbortSignalsAndMicrotasksRunOnTheRequest) {
  ASSERT_EQ(deploy("clock", R"js(
export default {
  async fetch() {
    const signal = AbortSignal.timeout(20);
    const reason = await new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve(signal.reason.name)));
    const order = [];
    queueMicrotask(() => order.push("microtask"));
    await new Promise((resolve) => setTimeout(resolve, 1));
    order.push("timer");
    return new Response(`${reason} ${order.join(",")} ${performance.now() > 0} ${navigator.userAgent}`);
  },
};)js"),
            201);
  auto reply = get("/fn/clock");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, "TimeoutError microtask,timer true Quiver/0.1");
}

TEST_F(FunctionsTest, GlobalErrorAndUnhandledRejectionEventsReachTheFunction) {
  ASSERT_EQ(deploy("events", R"js(
const seen = [];
addEventListener("error", (e) => { seen.push(`error:${e.error.message}`); e.preventDefault(); });
addEventListener("unhandledrejection", (e) => { seen.push(`rejection:${e.reason}`); e.preventDefault(); });
export default {
  async fetch() {
    seen.length = 0;
    setTimeout(() => { throw new Error("timer-threw"); }, 0);
    Promise.reject("nobody-caught");
    await new Promise((resolve) => setTimeout(resolve, 5));
    return new Response(seen.sort().join(","));
  },
};)js"),
            201);
  auto reply = get("/fn/events");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, "error:timer-threw,rejection:nobody-caught");
  std::string logs = daemon_.logs();
  EXPECT_EQ(logs.find("timer-threw"), std::string::npos) << "cancelled events are not logged";
  // Not cancelled (no listener calls preventDefault for it): logged with the request's id.
  ASSERT_EQ(deploy("unhandled",
                   "export default { fetch() { Promise.reject(new "
                   "Error('left-alone')); return new Response('ok'); } };"),
            201);
  reply = get("/fn/unhandled");
  EXPECT_EQ(reply.body, "ok");
  ASSERT_TRUE(daemon_.waitForLog("left-alone", std::chrono::seconds(5)));
  EXPECT_NE(daemon_.logs().find("req=" + reply.header("x-request-id") +
                                " error: Uncaught (in promise) Error: left-alone"),
            std::string::npos)
      << daemon_.logs();
}

TEST_F(FunctionsTest, AsynchronousWebAssemblyCompilesOnTheShardsLoop) {
  // WebAssembly.instantiate() finishes through a V8 foreground task: it hung before quiverd ran
  // them on the shard's loop.
  ASSERT_EQ(deploy("wasm", R"js(
const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,
  100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
export default {
  async fetch() {
    const { instance } = await WebAssembly.instantiate(bytes);
    return new Response(`${instance.exports.add(40, 2)}`);
  },
};)js"),
            201);
  for (int i = 0; i < 3; ++i) {
    auto reply = get("/fn/wasm");
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.body, "42");
  }
}

TEST_F(FunctionsTest, EvalIsRefusedAtRequestTime) {
  ASSERT_EQ(deploy("evil",
                   "export default { fetch() { try { return new Response(String(eval('1+1'))); } "
                   "catch (e) { return new Response(e.name, { status: 400 }); } } };"),
            201);
  auto reply = get("/fn/evil");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, "EvalError");
}

TEST_F(FunctionsTest, UrlAndUrlPatternRouteRealRequests) {
  ASSERT_EQ(deploy("router", R"js(
const book = new URLPattern({ pathname: "/fn/router/books/:id(\\d+)" });
export default {
  fetch(request) {
    const url = new URL(request.url);
    const match = book.exec(request.url);
    if (match !== null) {
      return new Response(`book ${match.pathname.groups.id} ${url.searchParams.get("q")} ${url.protocol}`);
    }
    if (url.pathname === "/fn/router/old") return Response.redirect("books/1?from=old", 301);
    const idna = new URL("https://B\u00fccher.example/").host;
    return new Response(`none ${idna} ${new URLSearchParams({ a: "1 2" })}`, { status: 404 });
  },
};)js"),
            201);
  auto found = get("/fn/router/books/42?q=caf%C3%A9+au+lait");
  EXPECT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.body, "book 42 caf\u00e9 au lait http:");
  auto redirect = get("/fn/router/old");
  EXPECT_EQ(redirect.status, 301) << redirect.body;
  std::string location = redirect.header("location");
  EXPECT_EQ(location.substr(0, 7), "http://") << location;
  EXPECT_NE(location.find("/fn/router/books/1?from=old"), std::string::npos) << location;
  auto none = get("/fn/router/books/x");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.body, "none xn--bcher-kva.example a=1+2");
}

TEST_F(FunctionsTest, RedeployServesTheNewVersion) {
  ASSERT_EQ(deploy("ver", "export default { fetch() { return new Response('v1'); } };"), 201);
  EXPECT_EQ(get("/fn/ver").body, "v1");
  ASSERT_EQ(deploy("ver", "export default { fetch() { return new Response('v2'); } };"), 200);
  // Every shard sees the new version on its next request.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(get("/fn/ver").body, "v2");
}

TEST_F(FunctionsTest, BinaryBodiesAndHeadersRoundTrip) {
  ASSERT_EQ(deploy("bytes", R"js(
export default {
  async fetch(request) {
    const input = new Uint8Array(await request.arrayBuffer());
    const out = new Uint8Array(input.length + 2);
    out.set(input, 1);
    out[0] = 0; out[out.length - 1] = 255;
    const headers = new Headers({ "content-type": "application/octet-stream" });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    headers.set("x-seen", request.headers.get("x-in") ?? "none");
    return new Response(out.subarray(0), { headers });
  },
};)js"),
            201);
  std::string input("\x01\x02\x00\xfe", 4);
  auto reply = httpRequest(daemon_.publicPort(), "POST", "/fn/bytes", input, {{"X-In", "yes"}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, std::string("\x00\x01\x02\x00\xfe\xff", 6));
  EXPECT_EQ(reply.header("x-seen"), "yes");
  int cookies = 0;
  for (const auto& [name, value] : reply.headers) cookies += name == "set-cookie";
  EXPECT_EQ(cookies, 2);
}

TEST_F(FunctionsTest, ResponseJsonAndRedirect) {
  ASSERT_EQ(deploy("j", R"js(
export default {
  fetch(request) {
    if (request.url.endsWith("/go")) return Response.redirect("/fn/j/there", 307);
    return Response.json({ ok: true }, { status: 202 });
  },
};)js"),
            201);
  auto json = get("/fn/j");
  EXPECT_EQ(json.status, 202);
  EXPECT_EQ(json.header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(json.body)["ok"], true);
  auto redirect = get("/fn/j/go");
  EXPECT_EQ(redirect.status, 307);
  EXPECT_EQ(redirect.header("location"),
            "http://127.0.0.1:" + std::to_string(daemon_.publicPort()) + "/fn/j/there");
}

TEST_F(FunctionsTest, MultipartFormDataRequestsAreParsedWithFormData) {
  ASSERT_EQ(deploy("form", R"js(
export default {
  async fetch(request) {
    const form = await request.formData();
    const file = form.get("upload");
    const bytes = await file.bytes();
    return Response.json({
      name: form.get("name"),
      multi: form.getAll("multi"),
      file: { name: file.name, type: file.type, size: file.size, first: bytes[0], last: bytes[bytes.length - 1] },
    });
  },
};)js"),
            201);
  std::string boundary = "----e2eBoundary7MA4YWxk";
  std::string file_bytes("\x00\x01--\r\n\xfe\xff", 8);
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda Lovelace\r\n" +
                     "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"multi\"\r\n\r\n1\r\n" + "--" +
                     boundary + "\r\nContent-Disposition: form-data; name=\"multi\"\r\n\r\n2\r\n" +
                     "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"upload\"; "
                     "filename=\"r\xc3\xa9sum\xc3\xa9.bin\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n" +
                     file_bytes + "\r\n--" + boundary + "--\r\n";
  auto reply = httpRequest(daemon_.publicPort(), "POST", "/fn/form", body,
                           {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(reply.status, 200) << reply.body << daemon_.logs();
  auto j = nlohmann::json::parse(reply.body);
  EXPECT_EQ(j["name"], "Ada Lovelace");
  EXPECT_EQ(j["multi"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(j["file"]["name"], "r\xc3\xa9sum\xc3\xa9.bin");
  EXPECT_EQ(j["file"]["type"], "application/octet-stream");
  EXPECT_EQ(j["file"]["size"], 8);
  EXPECT_EQ(j["file"]["first"], 0);
  EXPECT_EQ(j["file"]["last"], 255);

  // A malformed body is the function's TypeError (here uncaught: a 500 with the message logged).
  auto bad = httpRequest(daemon_.publicPort(), "POST", "/fn/form", "--" + boundary + "\r\nX: y",
                         {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(bad.status, 500);
  EXPECT_TRUE(daemon_.waitForLog("Failed to parse the body as multipart/form-data",
                                 std::chrono::seconds(5)));
}

TEST_F(FunctionsTest, BlobAndFormDataResponsesReachTheClient) {
  ASSERT_EQ(deploy("bodies", R"js(
export default {
  async fetch(request) {
    const path = request.url.slice(request.url.lastIndexOf("/") + 1);
    if (path === "blob") {
      return new Response(new Blob(["<h1>", "hi", new Uint8Array([0x3c, 0x2f, 0x68, 0x31, 0x3e])], { type: "text/html;charset=utf-8" }));
    }
    if (path === "big") {
      const parts = [];
      for (let i = 0; i < 100; i++) parts.push(new Uint8Array(10000).fill(0x61 + (i % 26)));
      return new Response(new Blob(parts).slice(5, -5));
    }
    if (path === "form") {
      const form = new FormData();
      form.append("a", "1");
      form.append("file", new File(["xyz"], "x.txt", { type: "text/plain" }));
      return new Response(form);
    }
    if (path === "clone") {
      const copy = request.clone();
      return new Response(`${await copy.text()}|${await request.text()}`);
    }
    return new Response("?", { status: 404 });
  },
};)js"),
            201);
  auto blob = get("/fn/bodies/blob");
  EXPECT_EQ(blob.status, 200);
  EXPECT_EQ(blob.header("content-type"), "text/html;charset=utf-8");
  EXPECT_EQ(blob.body, "<h1>hi</h1>");

  auto big = get("/fn/bodies/big");
  ASSERT_EQ(big.body.size(), 999990u);
  EXPECT_EQ(big.body.substr(0, 3), "aaa");
  EXPECT_EQ(big.body.substr(9994, 2), "ab");  // the slice starts 5 bytes into chunk 0
  EXPECT_EQ(big.body.back(), 'v');            // chunk 99: 'a' + 99 % 26

  auto form = get("/fn/bodies/form");
  ASSERT_EQ(form.status, 200);
  std::string content_type = form.header("content-type");
  std::string prefix = "multipart/form-data; boundary=";
  ASSERT_EQ(content_type.rfind(prefix, 0), 0u) << content_type;
  std::string boundary = content_type.substr(prefix.size());
  EXPECT_EQ(form.body,
            "--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                "--" +
                boundary +
                "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n"
                "Content-Type: text/plain\r\n\r\nxyz\r\n"
                "--" +
                boundary + "--\r\n");

  EXPECT_EQ(get("/fn/bodies/clone", "twice").body, "twice|twice");
}

TEST_F(FunctionsTest, DeepRecursionIsARangeErrorInsideTheFunction) {
  ASSERT_EQ(deploy("deep",
                   "function f(n) { return f(n + 1) + 1; } export default { fetch() { "
                   "try { f(0); } catch (e) { return new Response(e.constructor.name); } } };"),
            201);
  EXPECT_EQ(get("/fn/deep").body, "RangeError");
  EXPECT_EQ(get("/fn/deep").body, "RangeError");
}

}  // namespace
}  // namespace quiver::testing
