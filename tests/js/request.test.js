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

test("the body getter is null until streams exist", async () => {
  const request = post("data");
  assertEquals(request.body, null);
  assertEquals(await request.text(), "data");
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
