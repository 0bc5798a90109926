// Tests for Request and the Body mixin (isolates/runtime/js/22_body.js, 23_request.js).
// Spec: https://fetch.spec.whatwg.org/#request-class, https://fetch.spec.whatwg.org/#body-mixin
// Relative URLs need the host's base URL; they are tested in internals.test.js.

const URL_A = "https://example.com/path?q=1";

function post(body, init = {}) {
  return new Request("https://example.com/upload", { method: "POST", body, ...init });
}

test("Request is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Request");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(Request.length, 1);
  assertEquals(Request.name, "Request");
  assertEquals(Object.prototype.toString.call(new Request(URL_A)), "[object Request]");
  assertThrows(() => Request(URL_A), TypeError);
});

test("Request has the attributes as enumerable getters", () => {
  const attributes = [
    "method", "url", "headers", "destination", "referrer", "referrerPolicy", "mode", "credentials",
    "cache", "redirect", "integrity", "keepalive", "isReloadNavigation", "isHistoryNavigation",
    "signal", "duplex", "body", "bodyUsed",
  ];
  for (const name of attributes) {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, name);
    assert(descriptor !== undefined && typeof descriptor.get === "function", name);
    assertEquals(descriptor.set, undefined, `${name} is readonly`);
    assertEquals(descriptor.enumerable, true, name);
  }
  for (const name of ["arrayBuffer", "blob", "bytes", "clone", "formData", "json", "text"]) {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.value.length, 0, name);
    assertEquals(descriptor.enumerable, true, name);
  }
});

test("defaults", () => {
  const request = new Request(URL_A);
  assertEquals(request.method, "GET");
  assertEquals(request.url, URL_A);
  assertEquals(request.redirect, "follow");
  assert(request.headers instanceof Headers);
  assertEquals([...request.headers], []);
  assertEquals(request.body, null);
  assertEquals(request.bodyUsed, false);
  assertEquals(request.headers, request.headers, "the same Headers object every time");
  assertEquals(Object.keys(request), []);
});

test("a Request argument is required", () => {
  assertThrows(() => new Request(), TypeError, "1 argument required");
});

test("absolute URLs are parsed and serialized", () => {
  const cases = [
    ["https://example.com", "https://example.com/"],
    ["HTTPS://Example.COM:443/a/../b/./c", "https://example.com/b/c"],
    ["http://example.com:80/", "http://example.com/"],
    ["http://example.com:8080/x", "http://example.com:8080/x"],
    ["http://example.com/a b?c d#e f", "http://example.com/a%20b?c%20d#e%20f"],
    ["http://example.com/caf\u00e9", "http://example.com/caf%C3%A9"],
    ["http://example.com/?q='x'", "http://example.com/?q=%27x%27"],
    ["  http://example.com/trimmed  ", "http://example.com/trimmed"],
    ["http://ex\tample.com/\n", "http://example.com/"],
    ["http://127.1/", "http://127.0.0.1/"],
    ["http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080/"],
    ["http://example.com/#frag", "http://example.com/#frag"],
    ["http:\\\\example.com\\a\\b", "http://example.com/a/b"],
    ["http://example.com/%2e%2E/x", "http://example.com/x"],
  ];
  for (const [input, expected] of cases) {
    assertEquals(new Request(input).url, expected, JSON.stringify(input));
  }
});

test("invalid URLs are TypeErrors", () => {
  // (Inputs that are invalid whatever the base URL; relative ones are in internals.test.js.)
  for (const input of ["http://", "http://exa mple.com/", "http://example.com:99999/", "http://[::1/", "http://:80/", "https://h:x/"]) {
    assertThrows(() => new Request(input), TypeError, undefined, JSON.stringify(input));
  }
  assertThrows(() => new Request("http://exa mple.com/"), TypeError, "Invalid URL");
});

test("URLs with credentials are rejected", () => {
  assertThrows(() => new Request("https://user:pass@example.com/"), TypeError, "credentials");
  assertThrows(() => new Request("https://user@example.com/"), TypeError, "credentials");
});

test("the input is converted to a string", () => {
  const request = new Request({ toString: () => "https://example.com/from-object" });
  assertEquals(request.url, "https://example.com/from-object");
  assertThrows(() => new Request(Symbol("url")), TypeError);
});

test("methods DELETE GET HEAD OPTIONS POST PUT are normalized to upper case", () => {
  for (const method of ["delete", "get", "head", "options", "post", "put", "Get", "pOsT", "DeLeTe"]) {
    const request = new Request(URL_A, { method });
    assertEquals(request.method, method.toUpperCase(), method);
  }
});

test("other methods keep their case", () => {
  for (const method of ["patch", "Patch", "PATCH", "custom", "PROPFIND", "m-search"]) {
    assertEquals(new Request(URL_A, { method }).method, method);
  }
});

test("invalid methods are TypeErrors", () => {
  for (const method of ["", "GE T", "GET\n", "(", "a/b", "\u00e9", "m\u0000"]) {
    assertThrows(() => new Request(URL_A, { method }), TypeError, undefined, JSON.stringify(method));
  }
  assertThrows(() => new Request(URL_A, { method: "\u0100" }), TypeError, "ByteString");
});

test("CONNECT, TRACE and TRACK are forbidden methods", () => {
  for (const method of ["CONNECT", "connect", "TRACE", "trace", "TRACK", "Track"]) {
    assertThrows(() => new Request(URL_A, { method }), TypeError, undefined, method);
  }
});

test("redirect accepts follow, error and manual", () => {
  for (const redirect of ["follow", "error", "manual"]) {
    assertEquals(new Request(URL_A, { redirect }).redirect, redirect);
  }
  assertThrows(() => new Request(URL_A, { redirect: "nope" }), TypeError, "RequestRedirect");
  assertThrows(() => new Request(URL_A, { redirect: "Follow" }), TypeError);
});

test("init may be undefined or null but not a primitive", () => {
  assertEquals(new Request(URL_A, undefined).method, "GET");
  assertEquals(new Request(URL_A, null).method, "GET");
  assertThrows(() => new Request(URL_A, 5), TypeError);
  assertThrows(() => new Request(URL_A, "POST"), TypeError);
});

test("init members are read in lexicographic order, once", () => {
  const reads = [];
  const init = {};
  const names = [
    "window", "signal", "referrerPolicy", "referrer", "redirect", "priority", "mode", "method",
    "keepalive", "integrity", "headers", "duplex", "credentials", "cache", "body", "unknown",
  ];
  for (const name of names) {
    Object.defineProperty(init, name, {
      get() {
        reads.push(name);
        return undefined;
      },
    });
  }
  new Request(URL_A, init);
  assertEquals(reads, [
    "body", "cache", "credentials", "duplex", "headers", "integrity", "keepalive", "method", "mode",
    "priority", "redirect", "referrer", "referrerPolicy", "signal", "window",
  ]);
});

test("init members are read from the prototype chain", () => {
  const init = Object.create({ method: "POST", body: "inherited" });
  const request = new Request(URL_A, init);
  assertEquals(request.method, "POST");
});

test("headers init: record, pairs and Headers", async () => {
  assertEquals([...new Request(URL_A, { headers: { "X-A": "1" } }).headers], [["x-a", "1"]]);
  assertEquals([...new Request(URL_A, { headers: [["X-B", "2"]] }).headers], [["x-b", "2"]]);
  const source = new Headers({ "x-c": "3" });
  const request = new Request(URL_A, { headers: source });
  assertEquals([...request.headers], [["x-c", "3"]]);
  assert(request.headers !== source, "headers are copied");
  source.set("x-c", "changed");
  assertEquals(request.headers.get("x-c"), "3");
  assertThrows(() => new Request(URL_A, { headers: 5 }), TypeError);
  assertThrows(() => new Request(URL_A, { headers: { "bad name": "x" } }), TypeError);
});

test("request headers are mutable and accept forbidden request headers (server runtime)", () => {
  const request = new Request(URL_A);
  request.headers.set("Host", "other.example");
  request.headers.append("Cookie", "a=1");
  request.headers.append("Content-Length", "5");
  assertEquals(request.headers.get("host"), "other.example");
  assertEquals(request.headers.get("cookie"), "a=1");
});

test("a body is not allowed with GET or HEAD", () => {
  assertThrows(() => new Request(URL_A, { body: "x" }), TypeError, "GET/HEAD");
  assertThrows(() => new Request(URL_A, { method: "GET", body: "x" }), TypeError);
  assertThrows(() => new Request(URL_A, { method: "head", body: "x" }), TypeError);
  assertThrows(() => new Request(URL_A, { body: "" }), TypeError, undefined, "an empty string is a body");
  assertThrows(() => new Request(URL_A, { body: new ArrayBuffer(0) }), TypeError);
  assertEquals(new Request(URL_A, { body: null }).body, null);
  assertEquals(new Request(URL_A, { method: "HEAD", body: undefined }).method, "HEAD");
});

test("a string body sets content-type text/plain;charset=UTF-8", async () => {
  const request = post("hello");
  assertEquals(request.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertEquals(await request.text(), "hello");
});

test("an explicit content-type is kept", async () => {
  const request = post("{}", { headers: { "Content-Type": "application/json" } });
  assertEquals(request.headers.get("content-type"), "application/json");
  assertEquals([...request.headers], [["content-type", "application/json"]]);
});

test("byte bodies do not set a content-type", () => {
  assertEquals(post(new ArrayBuffer(2)).headers.has("content-type"), false);
  assertEquals(post(new Uint8Array(2)).headers.has("content-type"), false);
  assertEquals(post(new DataView(new ArrayBuffer(2))).headers.has("content-type"), false);
});

test("ArrayBuffer bodies are copied", async () => {
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const request = post(buffer);
  new Uint8Array(buffer)[0] = 99;
  assertEquals(await request.bytes(), new Uint8Array([1, 2, 3]));
});

test("typed array bodies respect byteOffset and byteLength", async () => {
  const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
  assertEquals(await post(new Uint8Array(buffer, 2, 3)).bytes(), new Uint8Array([2, 3, 4]));
  assertEquals(await post(new Uint16Array(buffer, 2, 2)).bytes(), new Uint8Array([2, 3, 4, 5]));
  assertEquals(await post(new DataView(buffer, 5)).bytes(), new Uint8Array([5, 6, 7]));
  assertEquals(await post(new Int8Array(buffer, 7)).bytes(), new Uint8Array([7]));
  assertEquals(await post(new Float32Array(buffer, 4, 1)).bytes(), new Uint8Array([4, 5, 6, 7]));
  assertEquals(await post(new Uint8Array(buffer, 8)).bytes(), new Uint8Array([]));
});

test("view bodies are copied", async () => {
  const bytes = new Uint8Array([10, 20, 30]);
  const request = post(bytes.subarray(1));
  bytes[1] = 0;
  assertEquals(await request.bytes(), new Uint8Array([20, 30]));
});

test("other objects become strings", async () => {
  assertEquals(await post({ a: 1 }).text(), "[object Object]");
  assertEquals(await post(42).text(), "42");
  assertEquals(await post([1, 2]).text(), "1,2");
  assertEquals(await post({ toString: () => "custom" }).text(), "custom");
  assertEquals(post({}).headers.get("content-type"), "text/plain;charset=UTF-8");
});

test("views of a SharedArrayBuffer are rejected", () => {
  if (typeof SharedArrayBuffer !== "function") return;
  assertThrows(() => post(new Uint8Array(new SharedArrayBuffer(4))), TypeError);
});

test("body methods return promises", async () => {
  const request = post("x");
  const promise = request.text();
  assert(promise instanceof Promise);
  assertEquals(await promise, "x");
});

test("text() decodes UTF-8", async () => {
  assertEquals(await post(new Uint8Array([0xe2, 0x82, 0xac, 0x21])).text(), "\u20ac!");
  assertEquals(await post("\u{1F600} caf\u00e9").text(), "\u{1F600} caf\u00e9");
});

test("text() strips one leading UTF-8 BOM", async () => {
  assertEquals(await post(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])).text(), "hi");
  assertEquals(await post(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x78])).text(), "\ufeffx");
  assertEquals(await post("\ufeffabc").text(), "abc");
  assertEquals(await post("a\ufeffb").text(), "a\ufeffb", "only at the start");
});

test("arrayBuffer() and bytes() keep the BOM", async () => {
  assertEquals(await post("\ufeffa").bytes(), new Uint8Array([0xef, 0xbb, 0xbf, 0x61]));
  assertEquals(new Uint8Array(await post(new Uint8Array([0xef, 0xbb, 0xbf])).arrayBuffer()), new Uint8Array([0xef, 0xbb, 0xbf]));
});

test("invalid UTF-8 decodes to U+FFFD", async () => {
  assertEquals(await post(new Uint8Array([0xff, 0x61])).text(), "\ufffda");
  assertEquals(await post(new Uint8Array([0x61, 0xc3])).text(), "a\ufffd");
});

test("lone surrogates in string bodies are encoded as U+FFFD", async () => {
  assertEquals(await post("a\ud800b").text(), "a\ufffdb");
  assertEquals(await post("\udc00").bytes(), new Uint8Array([0xef, 0xbf, 0xbd]));
});

test("json() parses the body", async () => {
  assertEquals(await post("{\"a\":[1,2,{\"b\":null}]}").json(), { a: [1, 2, { b: null }] });
  assertEquals(await post("\ufeff[1]").json(), [1], "the BOM is stripped before parsing");
  assertEquals(await post(new Uint8Array([0x22, 0x73, 0x74, 0x72, 0x22])).json(), "str");
});

test("json() rejects with a SyntaxError for invalid JSON", async () => {
  await assertRejects(() => post("{not json").json(), SyntaxError);
  await assertRejects(() => post("").json(), SyntaxError);
  await assertRejects(() => new Request(URL_A).json(), SyntaxError, undefined, "a null body is empty");
});

test("arrayBuffer() returns an ArrayBuffer and bytes() a Uint8Array", async () => {
  const buffer = await post(new Uint8Array([1, 2])).arrayBuffer();
  assertEquals(Object.prototype.toString.call(buffer), "[object ArrayBuffer]");
  assertEquals(buffer.byteLength, 2);
  const bytes = await post("ab").bytes();
  assert(bytes instanceof Uint8Array);
  assertEquals(bytes.byteOffset, 0);
  assertEquals(bytes.byteLength, bytes.buffer.byteLength);
  assertEquals(bytes, new Uint8Array([0x61, 0x62]));
});

test("a body can only be read once", async () => {
  for (const method of ["text", "json", "arrayBuffer", "bytes"]) {
    const request = post("1");
    assertEquals(request.bodyUsed, false);
    await request[method]();
    assertEquals(request.bodyUsed, true, method);
    for (const again of ["text", "json", "arrayBuffer", "bytes"]) {
      await assertRejects(() => request[again](), TypeError, "Body has already been used", `${method} then ${again}`);
    }
  }
});

test("bodyUsed becomes true as soon as reading starts", () => {
  const request = post("x");
  const promise = request.text();
  assertEquals(request.bodyUsed, true);
  return promise;
});

test("a null body can be read any number of times", async () => {
  const request = new Request(URL_A);
  assertEquals(await request.text(), "");
  assertEquals(await request.text(), "");
  assertEquals(await request.bytes(), new Uint8Array([]));
  assertEquals((await request.arrayBuffer()).byteLength, 0);
  assertEquals(request.bodyUsed, false);
});

test("the body getter is a ReadableStream of the body (body_streams.test.js has the rest)", async () => {
  const request = post("data");
  assert(request.body instanceof ReadableStream);
  assertEquals(request.body, request.body);
  assertEquals(await request.text(), "data");
  assertEquals(new Request("https://example.com/").body, null);
});

test("new Request(request) copies method, url, redirect and headers", () => {
  const original = new Request("https://example.com/a", { method: "PUT", redirect: "manual", headers: { "x-a": "1" }, body: "b" });
  const copy = new Request(original);
  assertEquals(copy.method, "PUT");
  assertEquals(copy.url, "https://example.com/a");
  assertEquals(copy.redirect, "manual");
  assertEquals([...copy.headers], [["content-type", "text/plain;charset=UTF-8"], ["x-a", "1"]]);
  assert(copy.headers !== original.headers);
  copy.headers.set("x-a", "2");
  assertEquals(original.headers.get("x-a"), "1");
});

test("new Request(request) takes over the body", async () => {
  const original = post("payload");
  const copy = new Request(original);
  assertEquals(original.bodyUsed, true, "the input is disturbed");
  assertEquals(copy.bodyUsed, false);
  assertEquals(await copy.text(), "payload");
  await assertRejects(() => original.text(), TypeError);
});

test("new Request(usedRequest) is a TypeError unless a new body is given", async () => {
  const original = post("payload");
  await original.text();
  assertThrows(() => new Request(original), TypeError);
  const replaced = new Request(original, { body: "new body" });
  assertEquals(await replaced.text(), "new body");
});

test("new Request(request, { body }) leaves the input unread", async () => {
  const original = post("one");
  const copy = new Request(original, { body: "two" });
  assertEquals(original.bodyUsed, false);
  assertEquals(await original.text(), "one");
  assertEquals(await copy.text(), "two");
});

test("new Request(request, init) overrides members", () => {
  const original = new Request("https://example.com/a", { method: "DELETE", headers: { a: "1" } });
  const copy = new Request(original, { method: "patch", headers: { b: "2" }, redirect: "error" });
  assertEquals(copy.method, "patch");
  assertEquals(copy.redirect, "error");
  assertEquals([...copy.headers], [["b", "2"]]);
  assertEquals(copy.url, original.url);
});

test("new Request(requestWithBody, { method: 'GET' }) is a TypeError", () => {
  assertThrows(() => new Request(post("x"), { method: "GET" }), TypeError);
});

test("new Request(bodyless request) keeps a null body", () => {
  const copy = new Request(new Request(URL_A));
  assertEquals(copy.bodyUsed, false);
  assertEquals(copy.method, "GET");
});

test("getters are brand-checked", () => {
  for (const name of ["method", "url", "headers", "redirect", "body", "bodyUsed"]) {
    const getter = Object.getOwnPropertyDescriptor(Request.prototype, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(new Response()), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(Object.create(Request.prototype)), TypeError, "Illegal invocation", name);
  }
});

test("body methods reject (not throw) on the wrong receiver", async () => {
  for (const name of ["text", "json", "arrayBuffer", "bytes"]) {
    await assertRejects(() => Request.prototype[name].call({}), TypeError, "Illegal invocation", name);
    await assertRejects(() => Request.prototype[name].call(new Response("x")), TypeError, "Illegal invocation", name);
  }
});

test("accessing attributes on Request.prototype throws", () => {
  assertThrows(() => Request.prototype.url, TypeError, "Illegal invocation");
});

test("subclasses work", async () => {
  class MyRequest extends Request {
    get upper() {
      return this.method.toUpperCase();
    }
  }
  const request = new MyRequest(URL_A, { method: "post", body: "sub" });
  assert(request instanceof Request);
  assertEquals(request.upper, "POST");
  assertEquals(await request.text(), "sub");
});

test("Request.prototype has the Request toStringTag", () => {
  const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, Symbol.toStringTag);
  assertEquals(descriptor.value, "Request");
  assertEquals(descriptor.writable, false);
  assertEquals(descriptor.enumerable, false);
});

// --- RequestInit members beyond method, headers, body and redirect ---

test("defaults of the other attributes", () => {
  const request = new Request(URL_A);
  assertEquals(request.destination, "");
  assertEquals(request.referrer, "about:client");
  assertEquals(request.referrerPolicy, "");
  assertEquals(request.mode, "cors");
  assertEquals(request.credentials, "same-origin");
  assertEquals(request.cache, "default");
  assertEquals(request.integrity, "");
  assertEquals(request.keepalive, false);
  assertEquals(request.isReloadNavigation, false);
  assertEquals(request.isHistoryNavigation, false);
  assertEquals(request.duplex, "half");
  assert(request.signal instanceof AbortSignal);
  assertEquals(request.signal.aborted, false);
  assertEquals(request.signal, request.signal, "the same signal every time");
});

test("enum members accept their values and reject others", () => {
  const enums = {
    mode: ["same-origin", "no-cors", "cors"],
    credentials: ["omit", "same-origin", "include"],
    cache: ["default", "no-store", "reload", "no-cache", "force-cache"],
    referrerPolicy: [
      "", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
      "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
    ],
  };
  for (const [member, values] of Object.entries(enums)) {
    for (const value of values) {
      assertEquals(new Request(URL_A, { [member]: value })[member], value, `${member}: ${value}`);
    }
    assertThrows(() => new Request(URL_A, { [member]: "bogus" }), TypeError, "not a valid enum value", member);
  }
  assertEquals(new Request(URL_A, { duplex: "half" }).duplex, "half");
  assertThrows(() => new Request(URL_A, { duplex: "full" }), TypeError, "RequestDuplex");
  assertEquals(new Request(URL_A, { priority: "high" }).method, "GET");
  assertThrows(() => new Request(URL_A, { priority: "urgent" }), TypeError, "RequestPriority");
});

test("mode navigate is a TypeError", () => {
  assertThrows(() => new Request(URL_A, { mode: "navigate" }), TypeError, "navigate");
});

test("only-if-cached needs same-origin mode", () => {
  assertThrows(() => new Request(URL_A, { cache: "only-if-cached" }), TypeError, "only-if-cached");
  assertThrows(() => new Request(URL_A, { cache: "only-if-cached", mode: "cors" }), TypeError);
  assertEquals(new Request(URL_A, { cache: "only-if-cached", mode: "same-origin" }).cache, "only-if-cached");
});

test("no-cors mode allows only GET, HEAD and POST", () => {
  for (const method of ["GET", "HEAD", "POST"]) {
    assertEquals(new Request(URL_A, { mode: "no-cors", method }).mode, "no-cors", method);
  }
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    assertThrows(() => new Request(URL_A, { mode: "no-cors", method }), TypeError, "no-cors", method);
  }
});

test("window may only be null", () => {
  assertEquals(new Request(URL_A, { window: null }).method, "GET");
  assertEquals(new Request(URL_A, { window: undefined }).method, "GET");
  assertThrows(() => new Request(URL_A, { window: {} }), TypeError, "window");
  assertThrows(() => new Request(URL_A, { window: 0 }), TypeError, "window");
});

test("integrity and keepalive", () => {
  const request = new Request(URL_A, { integrity: "sha256-abc", keepalive: 1 });
  assertEquals(request.integrity, "sha256-abc");
  assertEquals(request.keepalive, true);
  assertEquals(new Request(URL_A, { keepalive: "" }).keepalive, false);
});

test("referrer: empty is no referrer, about:client is the client, URLs are resolved", () => {
  assertEquals(new Request(URL_A, { referrer: "" }).referrer, "");
  assertEquals(new Request(URL_A, { referrer: "about:client" }).referrer, "about:client");
  assertEquals(new Request(URL_A, { referrer: " ABOUT:CLIENT " }).referrer, "about:client");
  assertEquals(new Request(URL_A, { referrer: "https://Other.example/a/../b" }).referrer, "https://other.example/b");
  assertThrows(() => new Request(URL_A, { referrer: "http://exa mple/" }), TypeError, "Referrer");
});

test("new Request(request) keeps the input's members; a non-empty init resets referrer and policy", () => {
  const original = new Request(URL_A, {
    mode: "same-origin", credentials: "omit", cache: "no-store", integrity: "sha512-x", keepalive: true,
    referrer: "https://example.com/ref", referrerPolicy: "origin", redirect: "manual",
  });
  for (const copy of [new Request(original), new Request(original, {}), new Request(original, { unknown: 1 })]) {
    assertEquals(copy.mode, "same-origin");
    assertEquals(copy.credentials, "omit");
    assertEquals(copy.cache, "no-store");
    assertEquals(copy.integrity, "sha512-x");
    assertEquals(copy.keepalive, true);
    assertEquals(copy.redirect, "manual");
    assertEquals(copy.referrer, "https://example.com/ref");
    assertEquals(copy.referrerPolicy, "origin");
  }
  const changed = new Request(original, { method: "POST" });
  assertEquals(changed.referrer, "about:client");
  assertEquals(changed.referrerPolicy, "");
  assertEquals(changed.mode, "same-origin", "mode is kept");
  assertEquals(new Request(original, { referrer: "" }).referrer, "");
});

test("init.signal: the request's signal follows it", () => {
  const controller = new AbortController();
  const request = new Request(URL_A, { signal: controller.signal });
  assert(request.signal !== controller.signal, "a new dependent signal");
  assertEquals(request.signal.aborted, false);
  let events = 0;
  request.signal.addEventListener("abort", () => events++);
  const reason = new Error("stop");
  controller.abort(reason);
  assertEquals(request.signal.aborted, true);
  assertEquals(request.signal.reason, reason);
  assertEquals(events, 1);
});

test("an already aborted signal gives an aborted request signal", () => {
  const request = new Request(URL_A, { signal: AbortSignal.abort("why") });
  assertEquals(request.signal.aborted, true);
  assertEquals(request.signal.reason, "why");
});

test("new Request(request) follows the input's signal unless init.signal says otherwise", () => {
  const controller = new AbortController();
  const original = new Request(URL_A, { signal: controller.signal });
  const follower = new Request(original);
  const detached = new Request(original, { signal: null });
  const other = new AbortController();
  const redirected = new Request(original, { signal: other.signal });
  controller.abort();
  assertEquals(follower.signal.aborted, true);
  assertEquals(detached.signal.aborted, false);
  assertEquals(redirected.signal.aborted, false);
  other.abort();
  assertEquals(redirected.signal.aborted, true);
});

test("init.signal must be an AbortSignal or null", () => {
  assertThrows(() => new Request(URL_A, { signal: {} }), TypeError, "AbortSignal");
  assertThrows(() => new Request(URL_A, { signal: new AbortController() }), TypeError, "AbortSignal");
  assertEquals(new Request(URL_A, { signal: null }).signal.aborted, false);
});

test("the new attributes are brand-checked", () => {
  const names = [
    "destination", "referrer", "referrerPolicy", "mode", "credentials", "cache", "integrity",
    "keepalive", "isReloadNavigation", "isHistoryNavigation", "signal", "duplex",
  ];
  for (const name of names) {
    const getter = Object.getOwnPropertyDescriptor(Request.prototype, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
  }
  assertThrows(() => Request.prototype.clone.call({}), TypeError, "Illegal invocation");
});

// --- Blob, FormData and URLSearchParams bodies ---

test("a Blob body takes its Content-Type from the Blob's type", async () => {
  const request = post(new Blob(["<p>"], { type: "text/html" }));
  assertEquals(request.headers.get("content-type"), "text/html");
  assertEquals(await request.text(), "<p>");
  assertEquals(post(new Blob(["x"])).headers.has("content-type"), false, "an empty type sets nothing");
  const explicit = post(new Blob(["x"], { type: "a/b" }), { headers: { "content-type": "c/d" } });
  assertEquals(explicit.headers.get("content-type"), "c/d");
});

test("a File body is a Blob body", async () => {
  const request = post(new File(["f"], "f.bin", { type: "application/x-f" }));
  assertEquals(request.headers.get("content-type"), "application/x-f");
  assertEquals(await request.bytes(), new Uint8Array([0x66]));
});

test("a Blob body shares the Blob's bytes until read, and reading copies", async () => {
  const blob = new Blob([new Uint8Array([1, 2, 3])]);
  const request = post(blob);
  const bytes = await request.bytes();
  bytes[0] = 9;
  assertEquals(await blob.bytes(), new Uint8Array([1, 2, 3]), "the Blob is unchanged");
  const fromBlob = await post(blob).blob();
  assertEquals(await fromBlob.bytes(), new Uint8Array([1, 2, 3]));
});

test("a FormData body is multipart/form-data with a boundary", async () => {
  const form = new FormData();
  form.append("field", "value");
  const request = post(form);
  const contentType = request.headers.get("content-type");
  const match = /^multipart\/form-data; boundary=(----QuiverFormBoundary[0-9a-f]{24})$/.exec(contentType);
  assert(match !== null, contentType);
  const boundary = match[1];
  assertEquals(await request.text(),
    `--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--${boundary}--\r\n`);
  const other = post(form).headers.get("content-type");
  assert(other !== contentType, "every encoding gets a new boundary");
});

test("multipart encoding of files: filename and Content-Type (application/octet-stream by default)", async () => {
  const form = new FormData();
  form.append("doc", new File(["hello"], "a.txt", { type: "text/plain" }));
  form.append("raw", new Blob([new Uint8Array([0, 255])]));
  const request = post(form);
  const boundary = request.headers.get("content-type").split("boundary=")[1];
  const bytes = await request.bytes();
  const text = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  assertEquals(text,
    `--${boundary}\r\nContent-Disposition: form-data; name="doc"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="raw"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u00ff\r\n` +
    `--${boundary}--\r\n`);
});

test("multipart encoding escapes names and filenames and normalizes newlines", async () => {
  const form = new FormData();
  form.append("a\"b\nc\rd\r\ne", "line1\nline2\rline3\r\nend");
  form.append("f", new File(["x"], "q\"u\no\rte.txt"));
  form.append("caf\u00e9", "\u20ac");
  const request = post(form);
  const boundary = request.headers.get("content-type").split("boundary=")[1];
  const text = await request.text();
  assertEquals(text,
    `--${boundary}\r\nContent-Disposition: form-data; name="a%22b%0D%0Ac%0D%0Ad%0D%0Ae"\r\n\r\nline1\r\nline2\r\nline3\r\nend\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="q%22u%0Ao%0Dte.txt"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="caf\u00e9"\r\n\r\n\u20ac\r\n` +
    `--${boundary}--\r\n`);
});

test("multipart round trip: Request(FormData).formData()", async () => {
  const form = new FormData();
  form.append("name", "Ada");
  form.append("multi", "1");
  form.append("multi", "2");
  form.append("empty", "");
  form.append("upload", new File(["file contents\r\n--not a boundary"], "notes.txt", { type: "text/plain" }));
  form.append("binary", new Blob([new Uint8Array([0, 13, 10, 45, 45, 255])], { type: "Application/Octet-Stream" }), "data.bin");
  form.append("tricky \"name\"", "a\nb");
  form.append("unicode \u00e9", "\u{1F600}");
  const parsed = await post(form).formData();
  assert(parsed instanceof FormData);
  assertEquals([...parsed.keys()], ["name", "multi", "multi", "empty", "upload", "binary", "tricky \"name\"", "unicode \u00e9"]);
  assertEquals(parsed.get("name"), "Ada");
  assertEquals(parsed.getAll("multi"), ["1", "2"]);
  assertEquals(parsed.get("empty"), "");
  assertEquals(parsed.get("tricky \"name\""), "a\r\nb", "newlines were normalized to CRLF when encoding");
  assertEquals(parsed.get("unicode \u00e9"), "\u{1F600}");
  const upload = parsed.get("upload");
  assert(upload instanceof File);
  assertEquals(upload.name, "notes.txt");
  assertEquals(upload.type, "text/plain");
  assertEquals(await upload.text(), "file contents\r\n--not a boundary");
  const binary = parsed.get("binary");
  assertEquals(binary.name, "data.bin");
  assertEquals(binary.type, "application/octet-stream");
  assertEquals(await binary.bytes(), new Uint8Array([0, 13, 10, 45, 45, 255]));
});

test("an empty FormData round-trips", async () => {
  const request = post(new FormData());
  const parsed = await request.formData();
  assertEquals([...parsed], []);
});

function multipart(boundary, text, extraHeaders = {}) {
  return post(text, { headers: { "content-type": `multipart/form-data; boundary=${boundary}`, ...extraHeaders } });
}

test("multipart parsing accepts what other clients send", async () => {
  const body = [
    "This is a preamble.\r\n",
    "--XyZ  \t\r\n",
    "content-disposition: FORM-DATA;name=plain;  filename =  \"sp ace.txt\"; filename*=UTF-8''ignored\r\n",
    "X-Other: ignored\r\n",
    "\r\n",
    "first\r\n",
    "--XyZ\r\n",
    "Content-Disposition: form-data; filename=\"f.csv\"; name=\"second\"\r\n",
    "Content-Type: TEXT/CSV\r\n",
    "\r\n",
    "a,b\r\n",
    "--XyZ\r\n",
    "Content-Disposition: form-data; name=\"caf\u00e9\"; unknown\r\n",
    "\r\n",
    "\ufeffvalue with BOM\r\n",
    "--XyZ--\r\n",
    "This is an epilogue.\r\n--XyZ\r\ngarbage",
  ].join("");
  const parsed = await multipart("XyZ", body).formData();
  assertEquals([...parsed.keys()], ["plain", "second", "caf\u00e9"]);
  assertEquals(parsed.get("plain").name, "sp ace.txt");
  assertEquals(parsed.get("plain").type, "text/plain", "text/plain when a file part has no Content-Type");
  assertEquals(await parsed.get("plain").text(), "first");
  assertEquals(parsed.get("second").type, "text/csv");
  assertEquals(parsed.get("caf\u00e9"), "value with BOM");
});

test("multipart parsing decodes %22, %0D and %0A in quoted names", async () => {
  const body = "--b\r\nContent-Disposition: form-data; name=\"a%22b%0D%0Ac%41\"; filename=\"x%22y.txt\"\r\n\r\nv\r\n--b--";
  const parsed = await multipart("b", body).formData();
  const [[name, file]] = [...parsed];
  assertEquals(name, "a\"b\r\nc%41");
  assertEquals(file.name, "x\"y.txt");
});

test("multipart parsing uses a quoted boundary parameter", async () => {
  const body = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--\r\n";
  const request = post(body, { headers: { "content-type": "multipart/form-data; boundary=\"a b\"" } });
  assertEquals([...await request.formData()], [["x", "1"]]);
});

test("malformed multipart bodies are TypeErrors saying what is wrong", async () => {
  const ok = "Content-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
  const cases = [
    ["no boundary in the body", "b", "just text", "does not occur"],
    ["no final boundary", "b", `--b\r\n${ok}`, "without the final boundary"],
    ["truncated after a boundary", "b", "--b", "without the final boundary"],
    ["truncated headers", "b", "--b\r\nContent-Disposition: form-data; name=\"a\"", "ends inside a part's headers"],
    ["no Content-Disposition", "b", "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--", "no Content-Disposition"],
    ["no name", "b", "--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nv\r\n--b--", "no name"],
    ["not form-data", "b", "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--b--", "not form-data"],
    ["header without colon", "b", "--b\r\nContent-Disposition form-data\r\n\r\nv\r\n--b--", "no colon"],
    ["bare CR in headers", "b", "--b\r\nX: 1\rY: 2\r\n\r\nv\r\n--b--", "CR without LF"],
    ["unterminated quote", "b", "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--b--", "unterminated"],
    ["garbage after the boundary", "b", `--bX\r\n${ok}--b--`, "not followed by CRLF"],
    ["two Content-Dispositions", "b", `--b\r\nContent-Disposition: form-data; name="x"\r\n${ok}--b--`, "two Content-Disposition"],
  ];
  for (const [label, boundary, body, message] of cases) {
    const request = multipart(boundary, body);
    await assertRejects(() => request.formData(), TypeError, message, label);
    assertEquals(request.bodyUsed, true, `${label}: the body is used even when parsing fails`);
  }
});

test("formData() needs a usable Content-Type", async () => {
  await assertRejects(() => post("a=1").formData(), TypeError, "multipart/form-data or application/x-www-form-urlencoded, not text/plain");
  await assertRejects(() => new Request(URL_A).formData(), TypeError, "Content-Type");
  await assertRejects(() => post("x", { headers: { "content-type": "multipart/form-data" } }).formData(), TypeError, "no boundary parameter");
  await assertRejects(() => post("x", { headers: { "content-type": "multipart/form-data; boundary=\"\"" } }).formData(), TypeError, "boundary is empty");
  await assertRejects(() => post("x", { headers: { "content-type": "multipart/form-data; boundary=b" } }).formData(), TypeError, "does not occur");
});

test("a large multipart body with many parts parses in linear time", async () => {
  const form = new FormData();
  for (let i = 0; i < 2000; i++) form.append(`k${i}`, `${"\r\n-".repeat(20)}${i}`);
  form.append("big", new File([new Uint8Array(1 << 20).fill(13)], "cr.bin"));
  const parsed = await post(form).formData();
  assertEquals(parsed.getAll("k1999")[0].endsWith("1999"), true);
  assertEquals(parsed.get("big").size, 1 << 20);
});

test("parsed files share the body's bytes; the Request cannot be read again", async () => {
  const form = new FormData();
  form.append("f", new File(["abc"], "f"));
  const request = post(form);
  const parsed = await request.formData();
  assertEquals(request.bodyUsed, true);
  await assertRejects(() => request.formData(), TypeError, "already been used");
  assertEquals(await parsed.get("f").text(), "abc");
});

test("a URLSearchParams body is application/x-www-form-urlencoded", async () => {
  if (typeof URLSearchParams !== "function") return; // until the URL implementation lands
  const request = post(new URLSearchParams([["a", "1 2"], ["b", "\u00e9&"]]));
  assertEquals(request.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
  assertEquals(await request.text(), "a=1+2&b=%C3%A9%26");
});

test("formData() of an application/x-www-form-urlencoded body", async () => {
  const request = post("a=1&b=%C3%A9+x&a=2&&c", { headers: { "content-type": "application/x-www-form-urlencoded" } });
  if (typeof __internals.urlencodedParse !== "function") {
    await assertRejects(() => request.formData(), TypeError, "URLSearchParams is not available");
    return;
  }
  const parsed = await request.formData();
  assertEquals([...parsed], [["a", "1"], ["b", "\u00e9 x"], ["a", "2"], ["c", ""]]);
});

test("blob() of a request", async () => {
  const request = post(new Uint8Array([1, 2]), { headers: { "content-type": "Application/X-Thing; A=B" } });
  const blob = await request.blob();
  assertEquals(blob.type, "application/x-thing;a=B");
  assertEquals(await blob.bytes(), new Uint8Array([1, 2]));
  assertEquals(request.bodyUsed, true);
  await assertRejects(() => request.blob(), TypeError, "already been used");
});

test("a Blob or FormData body with GET or HEAD is a TypeError", () => {
  assertThrows(() => new Request(URL_A, { body: new Blob(["x"]) }), TypeError, "GET/HEAD");
  assertThrows(() => new Request(URL_A, { method: "HEAD", body: new FormData() }), TypeError, "GET/HEAD");
});

// --- clone() ---

test("clone() copies the request and shares the body", async () => {
  const controller = new AbortController();
  const original = new Request("https://example.com/c", {
    method: "PUT", body: "shared body", headers: { "x-a": "1" }, redirect: "manual", mode: "same-origin",
    credentials: "include", cache: "no-cache", integrity: "i", keepalive: true, referrer: "",
    referrerPolicy: "no-referrer", signal: controller.signal,
  });
  const clone = original.clone();
  assert(clone instanceof Request);
  for (const name of ["method", "url", "redirect", "mode", "credentials", "cache", "integrity", "keepalive", "referrer", "referrerPolicy"]) {
    assertEquals(clone[name], original[name], name);
  }
  assertEquals([...clone.headers], [...original.headers]);
  assert(clone.headers !== original.headers);
  clone.headers.set("x-a", "2");
  assertEquals(original.headers.get("x-a"), "1", "headers are copied");
  assertEquals(await clone.text(), "shared body");
  assertEquals(clone.bodyUsed, true);
  assertEquals(original.bodyUsed, false, "reading the clone leaves the original unread");
  assertEquals(await original.text(), "shared body");
  assert(clone.signal !== original.signal);
  controller.abort();
  assertEquals(clone.signal.aborted, true, "the clone's signal follows the original's");
});

test("clone() of a used request is a TypeError", async () => {
  const request = post("x");
  await request.text();
  assertThrows(() => request.clone(), TypeError, "already used");
  const transferred = post("y");
  new Request(transferred);
  assertThrows(() => transferred.clone(), TypeError, "already used");
});

test("clone() of a bodyless request can be done any number of times", () => {
  const request = new Request(URL_A);
  const a = request.clone();
  const b = request.clone();
  assertEquals(a.bodyUsed, false);
  assertEquals(b.url, URL_A);
});

test("clones of a byte body hand out separate buffers", async () => {
  const request = post(new Uint8Array([1, 2, 3]));
  const clone = request.clone();
  const first = new Uint8Array(await clone.arrayBuffer());
  first[0] = 99;
  const second = await request.bytes();
  assertEquals(second, new Uint8Array([1, 2, 3]));
  second[1] = 98;
  assertEquals(first, new Uint8Array([99, 2, 3]));
});

test("a clone of a clone shares the body too", async () => {
  const request = post("abc");
  const a = request.clone();
  const b = a.clone();
  assertEquals(await b.text(), "abc");
  assertEquals(await a.text(), "abc");
  assertEquals(await request.text(), "abc");
});

test("clone() of a FormData request parses on both sides", async () => {
  const form = new FormData();
  form.append("f", new File(["content"], "c.txt", { type: "text/plain" }));
  const request = post(form);
  const clone = request.clone();
  const [a, b] = [await request.formData(), await clone.formData()];
  assertEquals(await a.get("f").text(), "content");
  assertEquals(await b.get("f").text(), "content");
});

test("Request prints as before", () => {
  const logs = captureLogs(() => console.log(new Request(URL_A)));
  assert(logs[0][1].startsWith("Request {"), logs[0][1]);
  assert(logs[0][1].includes("method: 'GET'"), logs[0][1]);
});
