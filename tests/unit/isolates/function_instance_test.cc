// FunctionInstance without sockets: a real isolate running real modules through the runtime.
#include "isolates/function_instance.h"

#include <chrono>
#include <optional>

#include "host/byte_stream_util.h"
#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

[[maybe_unused]] auto* const g_v8 = ::testing::AddGlobalTestEnvironment(new V8Environment);

host::FunctionVersionPtr version(const std::string& code,
                                 std::map<std::string, std::string> env = {}) {
  auto v = std::make_shared<host::FunctionVersion>();
  v->name = "t";
  v->version = 7;
  v->code = code;
  v->config.env = std::move(env);
  return v;
}

isolates::InvokeRequest request(std::string method, std::string url, std::string body = "",
                                std::string id = "req-1") {
  isolates::InvokeRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"content-type", "text/plain"}, {"x-multi", "a"}, {"x-multi", "b"}};
  if (!body.empty()) {
    r.body_length = static_cast<int64_t>(body.size());
    r.body = std::make_shared<host::StringByteStream>(std::move(body));
  }
  r.request_id = std::move(id);
  return r;
}

class FunctionInstanceTest : public ::testing::Test {
 protected:
  FunctionInstanceTest() { uv_loop_init(&loop_); }
  ~FunctionInstanceTest() override {
    uv_run(&loop_, UV_RUN_NOWAIT);  // close callbacks of the instances' timers
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  isolates::InstanceServices services() {
    return {&loop_, logs_, metrics_, isolates::Watchdog::instance().slotForThisThread()};
  }
  Result<std::unique_ptr<isolates::FunctionInstance>> create(
      const std::string& code, std::map<std::string, std::string> env = {},
      host::LimitValues limits = {}) {
    return isolates::FunctionInstance::create(version(code, std::move(env)), limits, services());
  }
  std::unique_ptr<isolates::FunctionInstance> make(const std::string& code,
                                                   std::map<std::string, std::string> env = {}) {
    auto created = create(code, std::move(env));
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? std::move(*created) : nullptr;
  }
  std::optional<isolates::InvokeResponse> call(isolates::FunctionInstance& f,
                                               isolates::InvokeRequest r) {
    std::optional<isolates::InvokeResponse> out;
    f.invoke(std::move(r), [&](isolates::InvokeResponse response) { out = std::move(response); });
    return out;
  }
  uv_loop_t loop_;
  host::Metrics metrics_;
  CollectingLogSink logs_;
};

TEST_F(FunctionInstanceTest, PassesRequestEnvAndReturnsTheResponse) {
  auto f = make(R"js(
export default {
  async fetch(request, env, ctx) {
    const text = await request.text();
    return new Response(JSON.stringify([request.method, request.url, text,
      request.headers.get("x-multi"), env.KEY, typeof ctx.waitUntil]),
      { status: 203, headers: { "x-a": "1" } });
  },
};)js",
                {{"KEY", "value"}});
  ASSERT_TRUE(f);
  auto r = call(*f, request("POST", "http://h/fn/t/x?y", "body"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 203);
  EXPECT_EQ(r->body, R"(["POST","http://h/fn/t/x?y","body","a, b","value","function"])");
  bool found = false;
  for (auto& [n, v] : r->headers) found |= n == "x-a" && v == "1";
  EXPECT_TRUE(found);
  EXPECT_EQ(f->inFlight(), 0u);
}

TEST_F(FunctionInstanceTest, InterleavesConcurrentRequests) {
  auto f = make(R"js(
const waiting = [];
export default {
  async fetch(request) {
    if (request.url.endsWith("/release")) {
      for (const resolve of waiting) resolve("released");
      return new Response("done");
    }
    return new Response(await new Promise((resolve) => waiting.push(resolve)));
  },
};)js");
  ASSERT_TRUE(f);
  std::vector<std::string> answers;
  for (int i = 0; i < 3; ++i) {
    f->invoke(request("GET", "http://h/wait"),
              [&](isolates::InvokeResponse r) { answers.push_back(r.body); });
  }
  EXPECT_EQ(f->inFlight(), 3u);
  EXPECT_TRUE(answers.empty());
  auto release = call(*f, request("GET", "http://h/release"));
  ASSERT_TRUE(release);
  EXPECT_EQ(release->body, "done");
  EXPECT_EQ(answers, std::vector<std::string>(3, "released"));
  EXPECT_EQ(f->inFlight(), 0u);
}

TEST_F(FunctionInstanceTest, ErrorsBecomeHostErrorsAndLogLines) {
  auto f = make(R"js(
export default {
  fetch(request) {
    if (request.url.endsWith("/throw")) throw new RangeError("bad-range");
    if (request.url.endsWith("/reject")) return Promise.reject(new Error("bad-reject"));
    if (request.url.endsWith("/string")) throw "a string";
    return 42;
  },
};)js");
  ASSERT_TRUE(f);
  auto thrown = call(*f, request("GET", "http://h/throw", "", "r-throw"));
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(thrown->error_code, "function_error");
  auto rejected = call(*f, request("GET", "http://h/reject"));
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->error_code, "function_error");
  auto string = call(*f, request("GET", "http://h/string"));
  ASSERT_TRUE(string);
  EXPECT_EQ(string->error_code, "function_error");
  auto number = call(*f, request("GET", "http://h/number"));
  ASSERT_TRUE(number);
  EXPECT_EQ(number->error_code, "invalid_response");
  EXPECT_NE(number->error_message.find("got a number"), std::string::npos) << number->error_message;
  std::string all = logs_.all();
  EXPECT_NE(all.find("Uncaught RangeError: bad-range"), std::string::npos) << all;
  EXPECT_NE(all.find("Uncaught Error: bad-reject"), std::string::npos) << all;
  EXPECT_NE(all.find("Uncaught a string"), std::string::npos) << all;
  EXPECT_EQ(logs_.lines[0].request_id, "r-throw");
  EXPECT_EQ(logs_.lines[0].function, "t");
}

TEST_F(FunctionInstanceTest, DiscardingAnInstanceAnswersItsPendingRequests) {
  auto f = make("export default { fetch() { return new Promise(() => {}); } };");
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/"), [&](isolates::InvokeResponse r) { answer = r; });
  EXPECT_FALSE(answer);
  f.reset();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503);
}

TEST_F(FunctionInstanceTest, StartFailuresAreReported) {
  auto thrown = create("throw new Error('at-load');");
  ASSERT_FALSE(thrown.ok());
  EXPECT_NE(thrown.error().message.find("at-load"), std::string::npos);
  auto no_default = create("export const x = 1;");
  ASSERT_FALSE(no_default.ok());
  EXPECT_NE(no_default.error().message.find("default export"), std::string::npos);
}

TEST_F(FunctionInstanceTest, StringBodiesAreUtf8OnTheWire) {
  auto f = make("export default { fetch() { return new Response('h\\u00e9llo \\u{1F600}'); } };");
  ASSERT_TRUE(f);
  auto r = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "h\xc3\xa9llo \xf0\x9f\x98\x80");
}

// Runs the loop until `done` or the deadline; timers and wall limits fire from it.
template <typename Pred>
bool runUntil(uv_loop_t* loop, Pred done,
              std::chrono::seconds deadline = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!done() && std::chrono::steady_clock::now() < end) uv_run(loop, UV_RUN_ONCE);
  return done();
}

TEST_F(FunctionInstanceTest, TimersResolveTheResponseFromTheLoop) {
  auto f = make(R"js(
export default {
  fetch() {
    return new Promise((resolve) => {
      let ticks = 0;
      const id = setInterval(() => {
        if (++ticks === 3) { clearInterval(id); setTimeout(resolve, 1, new Response("ticks " + ticks)); }
      }, 1);
    });
  },
};)js");
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/"), [&](isolates::InvokeResponse r) { answer = r; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->body, "ticks 3");
}

TEST_F(FunctionInstanceTest, HugeAndOddTimeoutsAreClampedNotUndefined) {
  auto f = make(R"js(
export default {
  fetch() {
    const ids = [setTimeout(() => {}, 1e300), setTimeout(() => {}, Infinity),
                 setTimeout(() => {}, -5), setTimeout(() => {}, NaN), setInterval(() => {}, 1e20)];
    ids.forEach((id) => clearTimeout(id));
    return new Promise((resolve) => setTimeout(() => resolve(new Response("ok")), "2"));
  },
};)js");
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/"), [&](isolates::InvokeResponse r) { answer = r; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->body, "ok");
}

TEST_F(FunctionInstanceTest, TimersAreRefusedOutsideARequest) {
  auto created = create("setTimeout(() => {}, 1); export default { fetch() {} };");
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("only be started while handling a request"),
            std::string::npos)
      << created.error().message;
}

TEST_F(FunctionInstanceTest, CpuLimitKillsAndDiscardsTheInstance) {
  auto created = create("export default { fetch() { for (;;) {} } };", {}, {20, 128, 30, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  bool dead_reported = false;
  f->setOnDead([&] { dead_reported = true; });
  auto r = call(*f, request("GET", "http://h/", "", "r-cpu"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->error_code, "cpu_limit_exceeded");
  EXPECT_NE(r->error_message.find("20 ms"), std::string::npos);
  EXPECT_NE(r->error_message.find("r-cpu"), std::string::npos);
  EXPECT_TRUE(f->dead());
  EXPECT_TRUE(dead_reported);
  EXPECT_NE(logs_.all().find("at fetch (fn:t.js:1:"), std::string::npos) << logs_.all();
}

TEST_F(FunctionInstanceTest, MemoryLimitAnswersEveryRequestInFlight) {
  auto created = create(R"js(
const held = [];
export default {
  fetch(request) {
    if (request.url.endsWith("/wait")) return new Promise(() => {});
    for (;;) held.push(new Array(10000).fill(1));
  },
};)js",
                        {}, {1000, 16, 30, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  std::optional<isolates::InvokeResponse> waiting;
  f->invoke(request("GET", "http://h/wait"), [&](isolates::InvokeResponse r) { waiting = r; });
  auto bomb = call(*f, request("GET", "http://h/bomb"));
  ASSERT_TRUE(bomb);
  EXPECT_EQ(bomb->error_code, "memory_limit_exceeded");
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->error_code, "memory_limit_exceeded");
  EXPECT_TRUE(f->dead());
}

TEST_F(FunctionInstanceTest, ArrayBuffersCountTowardsTheMemoryLimit) {
  auto created = create(
      "export default { fetch() { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); } };",
      {}, {1000, 16, 30, 10});
  ASSERT_TRUE(created.ok());
  auto r = call(**created, request("GET", "http://h/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error_code, "memory_limit_exceeded");
}

TEST_F(FunctionInstanceTest, WallLimitCancelsTheRequestsTimers) {
  auto created = create(R"js(
export default {
  fetch() {
    setInterval(() => console.log("tick"), 5);
    return new Promise(() => {});
  },
};)js",
                        {}, {1000, 128, 1, 10});
  ASSERT_TRUE(created.ok()) << created.error().code << ":" << created.error().message;
  auto& f = *created;
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/"), [&](isolates::InvokeResponse r) { answer = r; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->status, 504);
  EXPECT_EQ(answer->error_code, "wall_time_exceeded");
  EXPECT_FALSE(f->dead());  // the isolate is fine; only the request ended
  size_t ticks = logs_.lines.size();
  // With the request gone its interval is closed: the loop has nothing left to run.
  EXPECT_EQ(uv_run(&loop_, UV_RUN_NOWAIT), 0);
  EXPECT_EQ(logs_.lines.size(), ticks);
}

// --- ctx.waitUntil: background work after the response ---

TEST_F(FunctionInstanceTest, WaitUntilWorkRunsAfterTheResponseIsSent) {
  auto f = make(R"js(
export default {
  fetch(request, env, ctx) {
    ctx.waitUntil(new Promise((resolve) => setTimeout(() => {
      console.log("background done for", request.url);
      resolve();
    }, 5)));
    return new Response("sent first");
  },
};)js");
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/bg", "", "req-bg"),
            [&](isolates::InvokeResponse r) { answer = r; });
  // The response is out before the background work; the request lives on until it is done.
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "sent first");
  EXPECT_EQ(f->inFlight(), 1u);
  EXPECT_EQ(logs_.all().find("background done"), std::string::npos);
  ASSERT_TRUE(runUntil(&loop_, [&] { return f->inFlight() == 0; }));
  ASSERT_EQ(logs_.lines.size(), 1u);
  EXPECT_EQ(logs_.lines[0].message, "background done for http://h/bg");
  EXPECT_EQ(logs_.lines[0].request_id, "req-bg");  // still the request's own log line
}

TEST_F(FunctionInstanceTest, WithoutWaitUntilTheRequestEndsWithItsResponse) {
  auto f = make(R"js(
export default {
  fetch() {
    setTimeout(() => console.log("never"), 1);
    return new Response("ok");
  },
};)js");
  ASSERT_TRUE(f);
  auto r = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(f->inFlight(), 0u);
  EXPECT_EQ(uv_run(&loop_, UV_RUN_NOWAIT), 0);  // its timer went with it
  EXPECT_EQ(logs_.all(), "");
}

TEST_F(FunctionInstanceTest, WaitUntilWorkIsBoundByTheWallLimit) {
  auto created = create(R"js(
export default {
  fetch(request, env, ctx) {
    ctx.waitUntil(new Promise(() => setInterval(() => {}, 5)));
    return new Response("ok");
  },
};)js",
                        {}, {1000, 128, 1, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  auto r = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(runUntil(&loop_, [&] { return f->inFlight() == 0; }));
  EXPECT_NE(logs_.all().find("its background work (ctx.waitUntil) did not finish within 1 s"),
            std::string::npos)
      << logs_.all();
  EXPECT_EQ(uv_run(&loop_, UV_RUN_NOWAIT), 0);
}

TEST_F(FunctionInstanceTest, WaitUntilCpuCountsAgainstTheRequest) {
  auto created = create(R"js(
export default {
  fetch(request, env, ctx) {
    ctx.waitUntil(new Promise((resolve) => setTimeout(() => { for (;;) {} }, 1)));
    return new Response("ok");
  },
};)js",
                        {}, {50, 128, 5, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  auto r = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(runUntil(&loop_, [&] { return f->dead(); }));
  EXPECT_NE(logs_.all().find("cpu_limit_exceeded"), std::string::npos) << logs_.all();
}

// --- off-thread tasks (OpsHost::queueOffThread), driven by Web Crypto's PBKDF2 ---

// ?n=<iterations>&k=<count>: starts k PBKDF2 derivations at once (more than 10,000 iterations run
// on libuv's pool) and answers with each outcome: a hex prefix of the bits, or the error.
constexpr const char* kOffThreadFunction = R"js(
const bytes = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const param = (url, name, fallback) => {
  const match = new RegExp("[?&]" + name + "=([^&]*)").exec(url);
  return match ? Number(match[1]) : fallback;
};
export default {
  async fetch(request) {
    const iterations = param(request.url, "n", 20000);
    const count = param(request.url, "k", 1);
    const key = await crypto.subtle.importKey("raw", bytes("password"), "PBKDF2", false, ["deriveBits"]);
    const pending = [];
    for (let i = 0; i < count; i++) {
      pending.push(crypto.subtle.deriveBits(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes("salt"), iterations }, key, 256));
    }
    const results = await Promise.allSettled(pending);
    return new Response(results.map((r) => r.status === "fulfilled"
        ? [...new Uint8Array(r.value)].slice(0, 4).map((b) => b.toString(16).padStart(2, "0")).join("")
        : r.reason.constructor.name + ": " + r.reason.message).join("\n"));
  },
};)js";

TEST_F(FunctionInstanceTest, OffThreadWorkCompletesFromTheLoop) {
  auto f = make(kOffThreadFunction);
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/?n=20000"), [&](isolates::InvokeResponse r) { answer = r; });
  EXPECT_FALSE(answer.has_value()) << "the derivation did not leave the thread";
  EXPECT_EQ(f->inFlight(), 1u);
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  // PBKDF2-HMAC-SHA256("password", "salt", 20000) starts 2a6a4f08 (Python's hashlib agrees).
  EXPECT_EQ(answer->body, "2a6a4f08");
  EXPECT_EQ(f->inFlight(), 0u);
}

TEST_F(FunctionInstanceTest, OffThreadTasksPerRequestAreBounded) {
  auto f = make(kOffThreadFunction);
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/?n=20000&k=17"),
            [&](isolates::InvokeResponse r) { answer = r; });
  ASSERT_TRUE(runUntil(
      &loop_, [&] { return answer.has_value(); }, std::chrono::seconds(60)));
  std::string expected;
  for (int i = 0; i < 16; ++i) expected += "2a6a4f08\n";
  expected += "TypeError: a request may have at most 16 background operations pending at once";
  EXPECT_EQ(answer->body, expected);
}

TEST_F(FunctionInstanceTest, WallLimitDropsTheOffThreadCompletion) {
  auto created = create(kOffThreadFunction, {}, {1000, 128, 1, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  std::optional<isolates::InvokeResponse> answer;
  // Some seconds of PBKDF2: the 1 s wall limit ends the request first.
  f->invoke(request("GET", "http://h/?n=10000000"),
            [&](isolates::InvokeResponse r) { answer = r; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->status, 504);
  EXPECT_EQ(answer->error_code, "wall_time_exceeded");
  // The work comes back from the pool to a request that is gone: nothing runs, nothing breaks.
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_FALSE(f->dead());
  std::optional<isolates::InvokeResponse> next;
  f->invoke(request("GET", "http://h/?n=1"), [&](isolates::InvokeResponse r) { next = r; });
  ASSERT_TRUE(next.has_value());      // one iteration runs inline
  EXPECT_EQ(next->body, "120fb6cf");  // the RFC 7914-style vector for one iteration
}

TEST_F(FunctionInstanceTest, DestroyingTheInstanceWhileWorkRunsIsSafe) {
  auto f = make(kOffThreadFunction);
  ASSERT_TRUE(f);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(request("GET", "http://h/?n=2000000&k=3"),
            [&](isolates::InvokeResponse r) { answer = r; });
  EXPECT_FALSE(answer.has_value());
  f.reset();  // two tasks on the pool, one waiting in the instance's queue
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->error_code, "instance_discarded");
  // The pool hands the running tasks back to a destroyed instance: they are just freed (ASan
  // builds check that nothing touches the instance). The loop then has nothing left.
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_run(&loop_, UV_RUN_NOWAIT), 0);
}

}  // namespace
}  // namespace quiver::testing

// --- streamed bodies (instance_streams.cc) ---

namespace quiver::testing {
namespace {

// A request body produced on demand: `chunks` chunks of `size` bytes, each read answered at once.
// Counts the reads, so a test can tell how far JS has pulled.
class OnDemandStream final : public host::ByteStream {
 public:
  OnDemandStream(int chunks, size_t size) : chunks_(chunks), size_(size) {}
  void read(ReadCallback callback) override {
    ++reads;
    if (produced_ == chunks_) return callback(Event::kEnd, {});
    ++produced_;
    callback(Event::kData, std::string(size_, static_cast<char>('a' + produced_ % 26)));
  }
  void cancel() override { cancelled = true; }
  int64_t length() const override { return static_cast<int64_t>(chunks_ * size_); }
  int reads = 0;
  bool cancelled = false;

 private:
  int chunks_;
  size_t size_;
  int produced_ = 0;
};

TEST_F(FunctionInstanceTest, RequestBodyIsPulledOnlyAsFastAsJsReads) {
  auto f = make(R"js(
export default {
  async fetch(request) {
    const reader = request.body.getReader();
    const first = await reader.read();
    const second = await reader.read();
    return new Response(`${first.value.length} ${second.value.length}`);
  },
};)js");
  ASSERT_TRUE(f);
  auto body = std::make_shared<OnDemandStream>(100, 1000);
  auto r = request("POST", "http://h/");
  r.body = body;
  r.body_length = body->length();
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(std::move(r), [&](isolates::InvokeResponse response) { answer = response; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->body, "1000 1000");
  EXPECT_EQ(body->reads, 2);     // two reads in JS, two reads of the source: nothing read ahead
  EXPECT_TRUE(body->cancelled);  // the request ended with the rest unread
}

TEST_F(FunctionInstanceTest, RequestBodyTextReadsTheWholeStream) {
  auto f = make(R"js(
export default { async fetch(request) { return new Response(String((await request.text()).length)); } };
)js");
  ASSERT_TRUE(f);
  auto r = request("POST", "http://h/");
  r.body = std::make_shared<OnDemandStream>(300, 4096);
  std::optional<isolates::InvokeResponse> answer;
  f->invoke(std::move(r), [&](isolates::InvokeResponse response) { answer = response; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return answer.has_value(); }));
  EXPECT_EQ(answer->body, std::to_string(300 * 4096));
}

TEST_F(FunctionInstanceTest, AnUntouchedBodyPassedOnIsTheSameHostStream) {
  auto f = make(R"js(
export default {
  fetch(request) {
    const copy = new Request("http://elsewhere/", request);  // moves the body, still untouched
    return new Response(copy.body, { headers: { "x-proxied": "1" } });
  },
};)js");
  ASSERT_TRUE(f);
  auto body = std::make_shared<OnDemandStream>(3, 10);
  auto r = request("POST", "http://h/");
  r.body = body;
  auto answer = call(*f, std::move(r));
  ASSERT_TRUE(answer);
  // The bytes never entered V8: the response streams the request's own ByteStream.
  EXPECT_EQ(answer->stream.get(), body.get());
  EXPECT_EQ(body->reads, 0);
  EXPECT_EQ(f->inFlight(), 0u);
}

TEST_F(FunctionInstanceTest, StreamedResponseIsProducedAsItIsReadAndHoldsItsRequest) {
  auto f = make(R"js(
let pulls = 0;
export default {
  fetch(request) {
    if (request.url.endsWith("/pulls")) return new Response(String(pulls));
    const stream = new ReadableStream({
      async pull(controller) {
        pulls++;
        await new Promise((resolve) => setTimeout(resolve, 1));  // a timer of the request
        controller.enqueue(new TextEncoder().encode(`chunk${pulls};`));
        if (pulls === 3) controller.close();
      },
    }, { highWaterMark: 0 });
    return new Response(stream);
  },
};)js");
  ASSERT_TRUE(f);
  auto answer = call(*f, request("GET", "http://h/stream"));
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->stream);
  EXPECT_EQ(f->inFlight(), 1u);                                      // its body is still to come
  EXPECT_EQ(call(*f, request("GET", "http://h/pulls"))->body, "0");  // nothing read, nothing made
  std::optional<std::string> whole;
  host::readWhole(answer->stream, 1 << 20,
                  [&](bool ok, std::string bytes) { whole = ok ? bytes : "error: " + bytes; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return whole.has_value(); }));
  EXPECT_EQ(*whole, "chunk1;chunk2;chunk3;");
  ASSERT_TRUE(runUntil(&loop_, [&] { return f->inFlight() == 0; }));
}

TEST_F(FunctionInstanceTest, CancellingAResponseStreamCancelsTheJsStream) {
  auto f = make(R"js(
export default {
  fetch(request) {
    return new Response(new ReadableStream({
      pull(controller) { controller.enqueue(new Uint8Array(100)); },
      cancel(reason) { console.log("cancelled by the host"); },
    }));
  },
};)js");
  ASSERT_TRUE(f);
  auto answer = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(answer && answer->stream);
  std::optional<host::ByteStream::Event> first;
  answer->stream->read([&](host::ByteStream::Event e, std::string) { first = e; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return first.has_value(); }));
  EXPECT_EQ(*first, host::ByteStream::Event::kData);
  answer->stream->cancel();
  ASSERT_TRUE(runUntil(&loop_, [&] { return f->inFlight() == 0; }));
  EXPECT_NE(logs_.all().find("cancelled by the host"), std::string::npos) << logs_.all();
}

TEST_F(FunctionInstanceTest, ANonByteChunkErrorsTheResponseStream) {
  auto f = make(R"js(
export default {
  fetch() {
    return new Response(new ReadableStream({ start(c) { c.enqueue("not bytes"); c.close(); } }));
  },
};)js");
  ASSERT_TRUE(f);
  auto answer = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(answer && answer->stream);
  std::optional<std::string> whole;
  host::readWhole(answer->stream, 1 << 20,
                  [&](bool ok, std::string bytes) { whole = ok ? "ok" : bytes; });
  ASSERT_TRUE(runUntil(&loop_, [&] { return whole.has_value(); }));
  EXPECT_NE(whole->find("not a Uint8Array"), std::string::npos) << *whole;
  EXPECT_EQ(f->inFlight(), 0u);
}

TEST_F(FunctionInstanceTest, TheWallLimitTruncatesAStreamThatNeverEnds) {
  auto created = create(R"js(
export default {
  fetch() { return new Response(new ReadableStream({ pull() { return new Promise(() => {}); } })); },
};)js",
                        {}, {1000, 128, 1, 10});
  ASSERT_TRUE(created.ok());
  auto& f = *created;
  auto answer = call(*f, request("GET", "http://h/"));
  ASSERT_TRUE(answer && answer->stream);
  std::optional<std::pair<host::ByteStream::Event, std::string>> got;
  answer->stream->read([&](host::ByteStream::Event e, std::string m) { got.emplace(e, m); });
  ASSERT_TRUE(runUntil(&loop_, [&] { return got.has_value(); }));
  EXPECT_EQ(got->first, host::ByteStream::Event::kError);
  EXPECT_EQ(f->inFlight(), 0u);
}

}  // namespace
}  // namespace quiver::testing
