// Tests for fetch() in the JS harness (isolates/runtime/js/60_fetch.js): what needs no network
// (data: URLs, argument handling, schemes, abort before start, the Response it makes). The network
// side runs end to end in tests/e2e/fetch_test.cc against real upstream servers.

test("fetch is a global function of length 1", () => {
  assertEquals(typeof fetch, "function");
  assertEquals(fetch.length, 1);
  assertEquals(fetch.name, "fetch");
});

test("fetch() of a data: URL answers 200 with its MIME type and bytes", async () => {
  const response = await fetch("data:text/plain;charset=utf-8,h%C3%A9llo%20world");
  assertEquals(response.status, 200);
  assertEquals(response.statusText, "OK");
  assertEquals(response.ok, true);
  assertEquals(response.type, "basic");
  assertEquals(response.url, "data:text/plain;charset=utf-8,h%C3%A9llo%20world");
  assertEquals(response.redirected, false);
  assertEquals(response.headers.get("content-type"), "text/plain;charset=utf-8");
  assertEquals(await response.text(), "héllo world");
});

test("fetch() of a base64 data: URL, and its body as a stream", async () => {
  const response = await fetch("data:application/octet-stream;base64,AAEC/w==");
  const reader = response.body.getReader();
  const { value } = await reader.read();
  assertEquals([...value], [0, 1, 2, 255]);
  assertEquals((await reader.read()).done, true);
});

test("the response's headers are immutable", async () => {
  const response = await fetch("data:,x");
  assertThrows(() => response.headers.set("x", "y"), TypeError);
});

test("a URL fragment is not part of response.url", async () => {
  const response = await fetch("data:,x#fragment");
  assertEquals(response.url, "data:,x");
});

test("an invalid data: URL is a TypeError", async () => {
  await assertRejects(fetch("data:;base64,%%%"), TypeError, "invalid data: URL");
});

test("unsupported schemes reject with a TypeError naming the scheme", async () => {
  await assertRejects(fetch("ftp://example.com/"), TypeError, 'the URL scheme "ftp" is not supported');
  await assertRejects(fetch("blob:https://example.com/1"), TypeError, '"blob"');
  await assertRejects(fetch("about:blank"), TypeError, '"about"');
});

test("what the Request constructor refuses, fetch() rejects with (not throws)", async () => {
  const p = fetch("data:,x", { method: "GET", body: "no" });
  assert(p instanceof Promise);
  await assertRejects(p, TypeError, "GET/HEAD");
  await assertRejects(fetch("http://[bad"), TypeError);
  await assertRejects(fetch("data:,x", { method: "CONNECT" }), TypeError);
  await assertRejects(fetch(), TypeError, "1 argument required");
});

test("an already aborted signal rejects with its reason", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  controller.abort(reason);
  let caught;
  try {
    await fetch("data:,x", { signal: controller.signal });
  } catch (e) {
    caught = e;
  }
  assertEquals(caught, reason);
  const aborted = AbortSignal.abort();
  try {
    await fetch("http://example.com/", { signal: aborted });
  } catch (e) {
    caught = e;
  }
  assertEquals(caught.name, "AbortError");
});

test("http(s) without a host client rejects with a TypeError saying so", async () => {
  // The JS harness has no HTTP client; quiverd does (tests/e2e/fetch_test.cc).
  await assertRejects(fetch("http://example.com/"), TypeError, "not available");
});

test("a Request object is accepted as input, and its body used up", async () => {
  const request = new Request("data:,from-a-request");
  const response = await fetch(request);
  assertEquals(await response.text(), "from-a-request");
});

test("fetch() does not depend on patchable builtins", async () => {
  const then = Promise.prototype.then;
  const push = Array.prototype.push;
  try {
    Array.prototype.push = () => { throw new Error("patched push"); };
    const response = await fetch("data:,still%20works");
    Array.prototype.push = push;
    assertEquals(await response.text(), "still works");
  } finally {
    Array.prototype.push = push;
    Promise.prototype.then = then;
  }
});
