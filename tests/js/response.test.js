// Tests for Response and the Body mixin (isolates/runtime/js/22_body.js, 24_response.js).
// Spec: https://fetch.spec.whatwg.org/#response-class

test("Response is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Response");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(Response.length, 0);
  assertEquals(Response.name, "Response");
  assertEquals(Object.prototype.toString.call(new Response()), "[object Response]");
  assertThrows(() => Response(), TypeError);
  assertEquals(Response.json.length, 1);
  assertEquals(Response.redirect.length, 1);
  assertEquals(Response.error.length, 0);
  for (const name of ["arrayBuffer", "blob", "bytes", "clone", "formData", "json", "text"]) {
    const descriptor = Object.getOwnPropertyDescriptor(Response.prototype, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.value.length, 0, name);
    assertEquals(descriptor.enumerable, true, name);
  }
});

test("Response has the attributes as enumerable getters", () => {
  for (const name of ["type", "url", "redirected", "status", "ok", "statusText", "headers", "body", "bodyUsed"]) {
    const descriptor = Object.getOwnPropertyDescriptor(Response.prototype, name);
    assert(descriptor !== undefined && typeof descriptor.get === "function", name);
    assertEquals(descriptor.set, undefined, name);
    assertEquals(descriptor.enumerable, true, name);
  }
});

test("defaults", async () => {
  const response = new Response();
  assertEquals(response.status, 200);
  assertEquals(response.ok, true);
  assertEquals(response.statusText, "");
  assertEquals(response.type, "default");
  assertEquals(response.url, "");
  assertEquals(response.redirected, false);
  assertEquals([...response.headers], []);
  assertEquals(response.body, null);
  assertEquals(response.bodyUsed, false);
  assertEquals(await response.text(), "");
  assertEquals(response.bodyUsed, false);
  assertEquals(response.headers, response.headers);
});

test("undefined and null bodies are null bodies", async () => {
  for (const body of [undefined, null]) {
    const response = new Response(body, { status: 204 });
    assertEquals(response.status, 204);
    assertEquals(response.headers.has("content-type"), false);
    assertEquals(await response.text(), "");
  }
});

test("a string body", async () => {
  const response = new Response("hello \u00e9");
  assertEquals(response.headers.get("content-type"), "text/plain;charset=UTF-8");
  assertEquals(await response.text(), "hello \u00e9");
  assertEquals(response.bodyUsed, true);
});

test("an explicit content-type is kept", () => {
  const response = new Response("<p>", { headers: { "Content-Type": "text/html" } });
  assertEquals([...response.headers], [["content-type", "text/html"]]);
});

test("byte bodies", async () => {
  const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
  assertEquals(await new Response(buffer).bytes(), new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
  assertEquals(await new Response(new Uint8Array(buffer, 1, 2)).bytes(), new Uint8Array([1, 2]));
  assertEquals(await new Response(new Uint32Array(buffer, 4)).bytes(), new Uint8Array([4, 5, 6, 7]));
  assertEquals(await new Response(new DataView(buffer, 3, 2)).bytes(), new Uint8Array([3, 4]));
  assertEquals(await new Response(new BigUint64Array(buffer)).bytes(), new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
  assertEquals(new Response(buffer).headers.has("content-type"), false);
});

test("byte bodies are copied at construction", async () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const fromView = new Response(bytes);
  const fromBuffer = new Response(bytes.buffer);
  bytes.fill(0);
  assertEquals(await fromView.bytes(), new Uint8Array([1, 2, 3]));
  assertEquals(await fromBuffer.bytes(), new Uint8Array([1, 2, 3]));
});

test("arrayBuffer() of a subview body has exactly the view's bytes", async () => {
  const buffer = new Uint8Array([9, 8, 7, 6, 5]).buffer;
  const result = await new Response(new Uint8Array(buffer, 1, 3)).arrayBuffer();
  assertEquals(result.byteLength, 3);
  assertEquals(new Uint8Array(result), new Uint8Array([8, 7, 6]));
});

test("other objects become strings", async () => {
  assertEquals(await new Response({}).text(), "[object Object]");
  assertEquals(await new Response(12.5).text(), "12.5");
  assertEquals(await new Response(false).text(), "false");
  assertEquals(new Response(0).headers.get("content-type"), "text/plain;charset=UTF-8");
  assertThrows(() => new Response(Symbol("body")), TypeError);
});

test("status must be in 200..599", () => {
  for (const status of [0, 100, 101, 199, 600, 999, 1000]) {
    assertThrows(() => new Response(null, { status }), RangeError, undefined, String(status));
  }
  for (const status of [200, 201, 299, 300, 404, 500, 599]) {
    assertEquals(new Response(null, { status }).status, status);
  }
});

test("status is converted like a Web IDL unsigned short", () => {
  assertEquals(new Response(null, { status: "201" }).status, 201);
  assertEquals(new Response(null, { status: 202.9 }).status, 202);
  assertEquals(new Response(null, { status: 65536 + 203 }).status, 203);
  assertEquals(new Response(null, { status: undefined }).status, 200);
  assertThrows(() => new Response(null, { status: NaN }), RangeError, "(0)");
  assertThrows(() => new Response(null, { status: -1 }), RangeError, "(65535)");
  assertThrows(() => new Response(null, { status: null }), RangeError);
  assertThrows(() => new Response(null, { status: 1n }), TypeError);
  assertThrows(() => new Response(null, { status: Symbol("s") }), TypeError);
});

test("ok is true for 200..299", () => {
  assertEquals(new Response(null, { status: 200 }).ok, true);
  assertEquals(new Response(null, { status: 299 }).ok, true);
  assertEquals(new Response(null, { status: 300 }).ok, false);
  assertEquals(new Response(null, { status: 404 }).ok, false);
  assertEquals(new Response(null, { status: 503 }).ok, false);
});

test("statusText must be a reason-phrase", () => {
  for (const statusText of ["OK", "Not Found", "", "tab\there", "obs-text \u00e9\u00ff", "!~"]) {
    assertEquals(new Response(null, { statusText }).statusText, statusText);
  }
  for (const statusText of ["a\nb", "a\rb", "\u0000", "\u007f", "bell\u0007"]) {
    assertThrows(() => new Response(null, { statusText }), TypeError, undefined, JSON.stringify(statusText));
  }
  assertThrows(() => new Response(null, { statusText: "\u0100" }), TypeError, "ByteString");
  assertEquals(new Response(null, { statusText: 42 }).statusText, "42");
});

test("null body statuses reject a body", async () => {
  for (const status of [204, 205, 304]) {
    assertThrows(() => new Response("x", { status }), TypeError, undefined, String(status));
    assertThrows(() => new Response("", { status }), TypeError, undefined, `${status} with an empty string`);
    assertThrows(() => new Response(new ArrayBuffer(0), { status }), TypeError);
    assertEquals(new Response(null, { status }).status, status);
    assertEquals(new Response(undefined, { status }).status, status);
  }
});

test("headers init", () => {
  assertEquals([...new Response(null, { headers: { b: "2", A: "1" } }).headers], [["a", "1"], ["b", "2"]]);
  assertEquals([...new Response(null, { headers: [["x", "1"], ["x", "2"]] }).headers], [["x", "1, 2"]]);
  assertEquals(new Response(null, { headers: new Headers({ y: "3" }) }).headers.get("y"), "3");
  assertThrows(() => new Response(null, { headers: "x" }), TypeError);
  assertThrows(() => new Response(null, { headers: [["x"]] }), TypeError);
});

test("response headers are mutable and accept set-cookie (server runtime)", () => {
  const response = new Response("x");
  response.headers.append("Set-Cookie", "a=1");
  response.headers.append("Set-Cookie", "b=2");
  response.headers.set("content-type", "text/css");
  assertEquals(response.headers.getSetCookie(), ["a=1", "b=2"]);
  assertEquals(response.headers.get("content-type"), "text/css");
});

test("init may be undefined or null but not a primitive", () => {
  assertEquals(new Response(null, undefined).status, 200);
  assertEquals(new Response(null, null).status, 200);
  assertThrows(() => new Response(null, 404), TypeError);
});

test("init members are read in lexicographic order", () => {
  const reads = [];
  const init = {};
  for (const name of ["statusText", "status", "headers"]) {
    Object.defineProperty(init, name, {
      get() {
        reads.push(name);
        return undefined;
      },
    });
  }
  new Response(null, init);
  assertEquals(reads, ["headers", "status", "statusText"]);
});

test("body methods and bodyUsed", async () => {
  const response = new Response("[1,2]");
  assertEquals(await response.json(), [1, 2]);
  assertEquals(response.bodyUsed, true);
  await assertRejects(() => response.json(), TypeError, "Body has already been used");
  await assertRejects(() => response.text(), TypeError, "Body has already been used");
  await assertRejects(() => response.arrayBuffer(), TypeError, "Body has already been used");
  await assertRejects(() => response.bytes(), TypeError, "Body has already been used");
});

test("json() errors reject with SyntaxError and use the body", async () => {
  const response = new Response("{");
  await assertRejects(() => response.json(), SyntaxError);
  assertEquals(response.bodyUsed, true);
});

test("text() strips a BOM, arrayBuffer() keeps it", async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x6f, 0x6b]);
  assertEquals(await new Response(bytes).text(), "ok");
  assertEquals(await new Response(bytes).json().catch((e) => e.name), "SyntaxError");
  assertEquals(new Uint8Array(await new Response(bytes).arrayBuffer()), bytes);
  assertEquals(await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x31])).json(), 1);
});

test("Response.json() serializes data", async () => {
  const response = Response.json({ a: [1, "two", null], b: { c: true } });
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(await response.text(), "{\"a\":[1,\"two\",null],\"b\":{\"c\":true}}");
});

test("Response.json() with init", async () => {
  const response = Response.json({ error: "nope" }, { status: 404, statusText: "Not Found", headers: { "x-a": "1" } });
  assertEquals(response.status, 404);
  assertEquals(response.statusText, "Not Found");
  assertEquals(response.ok, false);
  assertEquals([...response.headers], [["content-type", "application/json"], ["x-a", "1"]]);
  assertEquals(await response.json(), { error: "nope" });
});

test("Response.json() keeps an explicit content-type", () => {
  const response = Response.json({}, { headers: { "Content-Type": "application/vnd.api+json" } });
  assertEquals(response.headers.get("content-type"), "application/vnd.api+json");
});

test("Response.json() of primitives and toJSON", async () => {
  assertEquals(await Response.json("str").text(), "\"str\"");
  assertEquals(await Response.json(null).text(), "null");
  assertEquals(await Response.json(12).text(), "12");
  assertEquals(await Response.json(false).text(), "false");
  assertEquals(await Response.json({ toJSON: () => ({ x: 1 }) }).text(), "{\"x\":1}");
  assertEquals(await Response.json(new Date(0)).text(), "\"1970-01-01T00:00:00.000Z\"");
  assertEquals(await Response.json("\ud800").text(), "\"\\ud800\"");
});

test("Response.json() of non-serializable data is a TypeError", () => {
  assertThrows(() => Response.json(undefined), TypeError, "JSON");
  assertThrows(() => Response.json(() => {}), TypeError);
  assertThrows(() => Response.json(Symbol("s")), TypeError);
  assertThrows(() => Response.json(1n), TypeError);
  const circular = {};
  circular.self = circular;
  assertThrows(() => Response.json(circular), TypeError);
  assertThrows(() => Response.json(), TypeError, "1 argument required");
});

test("Response.json() errors from toJSON propagate", () => {
  class Boom extends Error {}
  assertThrows(() => Response.json({ toJSON() { throw new Boom("x"); } }), Boom);
});

test("Response.json() validates init like the constructor", () => {
  assertThrows(() => Response.json({}, { status: 100 }), RangeError);
  assertThrows(() => Response.json({}, { status: 204 }), TypeError);
  assertThrows(() => Response.json({}, { statusText: "\n" }), TypeError);
});

test("Response.redirect() builds an immutable redirect", async () => {
  const response = Response.redirect("https://example.com/next", 301);
  assertEquals(response.status, 301);
  assertEquals(response.statusText, "");
  assertEquals(response.type, "default");
  assertEquals(response.ok, false);
  assertEquals([...response.headers], [["location", "https://example.com/next"]]);
  assertEquals(response.body, null);
  assertEquals(await response.text(), "");
  assertThrows(() => response.headers.set("location", "x"), TypeError, "Can't modify immutable headers.");
  assertThrows(() => response.headers.append("x", "1"), TypeError, "Can't modify immutable headers.");
  assertThrows(() => response.headers.delete("location"), TypeError, "Can't modify immutable headers.");
});

test("Response.redirect() defaults to 302 and accepts all redirect statuses", () => {
  assertEquals(Response.redirect("https://example.com/").status, 302);
  assertEquals(Response.redirect("https://example.com/", undefined).status, 302);
  for (const status of [301, 302, 303, 307, 308]) {
    assertEquals(Response.redirect("https://example.com/", status).status, status);
  }
});

test("Response.redirect() with another status is a RangeError", () => {
  for (const status of [200, 300, 304, 305, 306, 309, 400, 0]) {
    assertThrows(() => Response.redirect("https://example.com/", status), RangeError, undefined, String(status));
  }
});

test("Response.redirect() serializes the URL", () => {
  assertEquals(Response.redirect("HTTPS://Example.com").headers.get("location"), "https://example.com/");
  assertEquals(Response.redirect("https://example.com/a/../b c").headers.get("location"), "https://example.com/b%20c");
});

test("Response.redirect() with an invalid URL is a TypeError (checked before the status)", () => {
  assertThrows(() => Response.redirect("http://exa mple.com/"), TypeError, "Invalid URL");
  assertThrows(() => Response.redirect("http://exa mple.com/", 200), TypeError);
  assertThrows(() => Response.redirect(), TypeError);
});

test("Response.error()", async () => {
  const response = Response.error();
  assertEquals(response.type, "error");
  assertEquals(response.status, 0);
  assertEquals(response.ok, false);
  assertEquals(response.statusText, "");
  assertEquals(response.url, "");
  assertEquals(response.body, null);
  assertEquals([...response.headers], []);
  assertThrows(() => response.headers.set("a", "1"), TypeError, "Can't modify immutable headers.");
  assertEquals(await response.text(), "");
  assert(Response.error() !== Response.error());
});

test("static methods do not depend on this", () => {
  const { json, redirect, error } = Response;
  assertEquals(json({}).status, 200);
  assertEquals(redirect("https://example.com/").status, 302);
  assertEquals(error().type, "error");
});

test("static methods of subclasses return plain Responses", () => {
  class MyResponse extends Response {}
  const response = MyResponse.json({});
  assertEquals(Object.getPrototypeOf(response), Response.prototype);
  assert(new MyResponse("x") instanceof Response);
});

test("getters are brand-checked", () => {
  for (const name of ["type", "url", "redirected", "status", "ok", "statusText", "headers", "body", "bodyUsed"]) {
    const getter = Object.getOwnPropertyDescriptor(Response.prototype, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(new Request("https://example.com/")), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(Object.create(Response.prototype)), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(null), TypeError, "Illegal invocation", name);
  }
});

test("body methods reject on the wrong receiver", async () => {
  for (const name of ["text", "json", "arrayBuffer", "bytes"]) {
    await assertRejects(() => Response.prototype[name].call({}), TypeError, "Illegal invocation", name);
    await assertRejects(() => Response.prototype[name].call(undefined), TypeError, "Illegal invocation", name);
  }
});

test("Response.prototype has the Response toStringTag", () => {
  assertEquals(Object.getOwnPropertyDescriptor(Response.prototype, Symbol.toStringTag).value, "Response");
  assertEquals(Object.keys(new Response("x")), []);
});

test("large bodies round-trip", async () => {
  const big = "0123456789abcdef".repeat(65536);
  assertEquals((await new Response(big).text()).length, big.length);
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
  const copy = await new Response(bytes).bytes();
  assertEquals(copy.length, bytes.length);
  assertEquals(copy[12345], 12345 & 0xff);
});

// --- Blob, FormData bodies and body readers ---

test("a Blob body, with its type as Content-Type", async () => {
  const response = new Response(new Blob(["{\"a\":1}"], { type: "application/json" }));
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(await response.json(), { a: 1 });
  assertEquals(new Response(new Blob(["x"])).headers.has("content-type"), false);
});

test("a sliced Blob body has exactly the slice's bytes", async () => {
  const blob = new Blob(["0123456789"]).slice(2, 5, "text/x-digits");
  const response = new Response(blob);
  assertEquals(response.headers.get("content-type"), "text/x-digits");
  assertEquals(await response.text(), "234");
});

test("a FormData body round-trips through formData()", async () => {
  const form = new FormData();
  form.append("k", "v");
  form.append("f", new Blob(["data"], { type: "image/png" }), "pic.png");
  const response = new Response(form);
  assert(response.headers.get("content-type").startsWith("multipart/form-data; boundary="));
  const parsed = await response.formData();
  assertEquals(parsed.get("k"), "v");
  assertEquals(parsed.get("f").name, "pic.png");
  assertEquals(parsed.get("f").type, "image/png");
  assertEquals(parsed.get("f").size, 4);
});

test("later changes to a FormData do not change a body made from it", async () => {
  const form = new FormData();
  form.append("a", "1");
  const response = new Response(form);
  form.append("b", "2");
  assertEquals([...await response.formData()], [["a", "1"]]);
});

test("blob() takes the type from Content-Type and the bytes from the body", async () => {
  const response = new Response("text body", { headers: { "content-type": "text/markdown; charset=UTF-8" } });
  const blob = await response.blob();
  assert(blob instanceof Blob);
  assertEquals(blob.type, "text/markdown;charset=UTF-8");
  assertEquals(await blob.text(), "text body");
  assertEquals((await new Response(new Uint8Array([1])).blob()).type, "");
  assertEquals((await new Response(null).blob()).size, 0);
});

test("blob() of a Blob body keeps sharing the bytes", async () => {
  const original = new Blob(["shared"]);
  const blob = await new Response(original).blob();
  assertEquals(await blob.text(), "shared");
  if (__internals !== undefined) {
    assertEquals(__internals.blobData(blob), __internals.blobData(original));
  }
});

test("formData() on a Response with another type is a TypeError", async () => {
  await assertRejects(() => new Response("{}", { headers: { "content-type": "application/json" } }).formData(), TypeError, "application/json");
  await assertRejects(() => Response.json({}).formData(), TypeError);
});

test("Blob and FormData bodies with a null body status are TypeErrors", () => {
  for (const status of [204, 205, 304]) {
    assertThrows(() => new Response(new Blob([]), { status }), TypeError, "null body status");
    assertThrows(() => new Response(new FormData(), { status }), TypeError, "null body status");
  }
});

test("body methods reject with a TypeError on a used body, whatever the reader", async () => {
  const readers = ["text", "json", "arrayBuffer", "bytes", "blob", "formData"];
  for (const first of readers) {
    const response = new Response("a=1", { headers: { "content-type": "multipart/form-data; boundary=x" } });
    try {
      await response[first]();
    } catch {
      // formData() and json() fail on this body; the body is still used.
    }
    assertEquals(response.bodyUsed, true, first);
    for (const second of readers) {
      await assertRejects(() => response[second](), TypeError, "already been used", `${first} then ${second}`);
    }
  }
});

// --- clone() ---

test("clone() copies status, statusText, headers and type and shares the body", async () => {
  const response = new Response("payload", { status: 201, statusText: "Made", headers: { "x-a": "1" } });
  const clone = response.clone();
  assert(clone instanceof Response);
  assertEquals(clone.status, 201);
  assertEquals(clone.statusText, "Made");
  assertEquals(clone.type, "default");
  assertEquals(clone.ok, true);
  assertEquals([...clone.headers], [...response.headers]);
  clone.headers.set("x-a", "2");
  assertEquals(response.headers.get("x-a"), "1");
  assertEquals(await clone.text(), "payload");
  assertEquals(response.bodyUsed, false);
  assertEquals(await response.text(), "payload");
});

test("clone() of a used response is a TypeError", async () => {
  const response = new Response("x");
  await response.arrayBuffer();
  assertThrows(() => response.clone(), TypeError, "already used");
});

test("clone() keeps immutable headers immutable", () => {
  const redirect = Response.redirect("https://example.com/", 301).clone();
  assertEquals(redirect.status, 301);
  assertEquals(redirect.headers.get("location"), "https://example.com/");
  assertThrows(() => redirect.headers.set("x", "y"), TypeError, "immutable");
  const error = Response.error().clone();
  assertEquals(error.type, "error");
  assertEquals(error.status, 0);
  assertThrows(() => error.headers.append("x", "y"), TypeError, "immutable");
});

test("clones hand out separate buffers", async () => {
  const response = new Response(new Uint8Array([5, 6]));
  const clone = response.clone();
  const a = await response.bytes();
  const b = new Uint8Array(await clone.arrayBuffer());
  a[0] = 0;
  assertEquals(b, new Uint8Array([5, 6]));
  assert(a.buffer !== b.buffer);
});

test("reading both clones of a Blob body", async () => {
  const response = new Response(new Blob(["ab", "cd"]));
  const clone = response.clone();
  assertEquals(await clone.text(), "abcd");
  assertEquals(await (await response.blob()).text(), "abcd");
});

test("clone() of Response.json keeps the body and content-type", async () => {
  const clone = Response.json({ x: [1] }).clone();
  assertEquals(clone.headers.get("content-type"), "application/json");
  assertEquals(await clone.json(), { x: [1] });
});

test("clone() is brand-checked", () => {
  assertThrows(() => Response.prototype.clone.call({}), TypeError, "Illegal invocation");
  assertThrows(() => Response.prototype.clone.call(new Request("https://example.com/")), TypeError, "Illegal invocation");
});
