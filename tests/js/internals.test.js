// Tests for the host-facing entry points on `internals` (isolates/runtime/js/05_url.js,
// 90_internals.js) and for behaviour that needs them (incoming requests, relative URLs).
//
// Needs globalThis.__internals: the C++ test host must expose the runtime's `internals` object
// under that name (test builds only). Without it this file reports one failing test.

const internals = globalThis.__internals;

if (internals === undefined || internals === null) {
  test("internals tests need globalThis.__internals", () => {
    throw new Error("globalThis.__internals is not installed by the test host; the internals tests did not run");
  });
} else {
  defineInternalsTests();
}

function flat(pairs) {
  const result = [];
  for (const [name, value] of pairs) result.push(name, value);
  return result;
}

function bytesOf(...values) {
  return new Uint8Array(values).buffer;
}

function defineInternalsTests() {
  test("the host contract is present", () => {
    for (const name of ["makeRequest", "makeContext", "responseRecord", "setBaseUrl", "resolveUrl"]) {
      assertEquals(typeof internals[name], "function", name);
    }
  });

  // --- makeRequest ---

  test("makeRequest builds the incoming Request", async () => {
    const request = internals.makeRequest(
      "POST",
      "http://host:8080/fn/hello/x?y=1",
      [["host", "host:8080"], ["content-type", "text/plain"], ["x-multi", "a"], ["x-multi", "b"]],
      bytesOf(0x68, 0x69),
    );
    assert(request instanceof Request);
    assertEquals(request.method, "POST");
    assertEquals(request.url, "http://host:8080/fn/hello/x?y=1");
    assertEquals(request.redirect, "follow");
    assertEquals(request.headers.get("x-multi"), "a, b");
    assertEquals([...request.headers], [["content-type", "text/plain"], ["host", "host:8080"], ["x-multi", "a, b"]]);
    assertEquals(request.bodyUsed, false);
    assertEquals(await request.text(), "hi");
    assertEquals(request.bodyUsed, true);
    await assertRejects(() => request.text(), TypeError, "Body has already been used");
  });

  test("makeRequest keeps the method as received", () => {
    assertEquals(internals.makeRequest("PATCH", "http://h/", [], null).method, "PATCH");
    assertEquals(internals.makeRequest("get", "http://h/", [], null).method, "get");
  });

  test("makeRequest with a null or empty body has a null body", async () => {
    for (const body of [null, new ArrayBuffer(0)]) {
      const request = internals.makeRequest("GET", "http://h/", [], body);
      assertEquals(request.body, null);
      assertEquals(await request.text(), "");
      assertEquals(await request.text(), "", "a null body can be read again");
      assertEquals(request.bodyUsed, false);
    }
  });

  test("makeRequest keeps repeated set-cookie and cookie headers separate in the list", () => {
    const request = internals.makeRequest("GET", "http://h/", [["cookie", "a=1"], ["cookie", "b=2"], ["set-cookie", "x"], ["set-cookie", "y"]], null);
    assertEquals(request.headers.get("cookie"), "a=1, b=2");
    assertEquals(request.headers.getSetCookie(), ["x", "y"]);
  });

  test("incoming request headers are immutable", () => {
    const request = internals.makeRequest("GET", "http://h/", [["x-a", "1"]], null);
    assertThrows(() => request.headers.set("x-a", "2"), TypeError, "Can't modify immutable headers.");
    assertThrows(() => request.headers.append("x-b", "2"), TypeError, "Can't modify immutable headers.");
    assertThrows(() => request.headers.delete("x-a"), TypeError, "Can't modify immutable headers.");
    assertThrows(() => request.headers.delete("absent"), TypeError, "Can't modify immutable headers.");
    assertEquals(request.headers.get("x-a"), "1");
  });

  test("a Request made from the incoming request has mutable headers and takes the body", async () => {
    const incoming = internals.makeRequest("PUT", "http://h/p", [["x-a", "1"]], bytesOf(0x7b, 0x7d));
    const forwarded = new Request(incoming);
    forwarded.headers.set("x-a", "2");
    forwarded.headers.append("x-b", "3");
    assertEquals(incoming.headers.get("x-a"), "1");
    assertEquals(forwarded.method, "PUT");
    assertEquals(forwarded.url, "http://h/p");
    assertEquals(incoming.bodyUsed, true);
    assertEquals(await forwarded.json(), {});
    const withInit = new Request(internals.makeRequest("GET", "http://h/", [["x", "1"]], null), { headers: { y: "2" } });
    assertEquals([...withInit.headers], [["y", "2"]]);
  });

  test("makeRequest accepts a byte view too", async () => {
    const view = new Uint8Array([0, 0x6f, 0x6b, 0]).subarray(1, 3);
    assertEquals(await internals.makeRequest("POST", "http://h/", [], view).text(), "ok");
  });

  // --- base URL and relative URLs ---

  test("relative Request URLs resolve against the base URL", () => {
    internals.setBaseUrl("http://host:8080/fn/hello/x?y=1");
    const cases = [
      ["/abs", "http://host:8080/abs"],
      ["rel", "http://host:8080/fn/hello/rel"],
      ["../up", "http://host:8080/fn/up"],
      ["?q=2", "http://host:8080/fn/hello/x?q=2"],
      ["#frag", "http://host:8080/fn/hello/x?y=1#frag"],
      ["", "http://host:8080/fn/hello/x?y=1"],
      ["//other.example/p", "http://other.example/p"],
      ["https://abs.example/", "https://abs.example/"],
    ];
    for (const [input, expected] of cases) {
      assertEquals(new Request(input).url, expected, JSON.stringify(input));
    }
  });

  test("the most recent base URL wins", () => {
    internals.setBaseUrl("https://first.example/a/");
    assertEquals(new Request("b").url, "https://first.example/a/b");
    internals.setBaseUrl("https://second.example/c/d");
    assertEquals(new Request("e").url, "https://second.example/c/e");
  });

  test("Response.redirect resolves relative URLs against the base URL", () => {
    internals.setBaseUrl("http://host:8080/fn/hello/x");
    assertEquals(Response.redirect("/login").headers.get("location"), "http://host:8080/login");
    assertEquals(Response.redirect("../there", 303).headers.get("location"), "http://host:8080/fn/there");
  });

  test("setBaseUrl rejects invalid URLs", () => {
    assertThrows(() => internals.setBaseUrl("not a url"), TypeError, "Invalid URL");
    assertThrows(() => internals.setBaseUrl("http://exa mple.com/"), TypeError, "Invalid URL");
  });

  // --- resolveUrl ---

  test("resolveUrl resolves like the WHATWG URL parser for http(s)", () => {
    const base = "http://host:8080/fn/hello/x?y=1#frag";
    const cases = [
      ["", base, "http://host:8080/fn/hello/x?y=1"],
      ["x", base, "http://host:8080/fn/hello/x"],
      ["./x", base, "http://host:8080/fn/hello/x"],
      ["../x", base, "http://host:8080/fn/x"],
      ["../../../../x", base, "http://host:8080/x"],
      ["/abs", base, "http://host:8080/abs"],
      ["//other/p", base, "http://other/p"],
      ["///other/p", base, "http://other/p"],
      ["\\\\other\\p", base, "http://other/p"],
      ["?q=1", base, "http://host:8080/fn/hello/x?q=1"],
      ["#f", base, "http://host:8080/fn/hello/x?y=1#f"],
      ["a/./b/../c", base, "http://host:8080/fn/hello/a/c"],
      ["..", base, "http://host:8080/fn/"],
      [".", base, "http://host:8080/fn/hello/"],
      ["..?x", base, "http://host:8080/fn/?x"],
      ["x#", base, "http://host:8080/fn/hello/x#"],
      ["http:foo", base, "http://host:8080/fn/hello/foo"],
      ["http:/foo", base, "http://host:8080/foo"],
      ["https:foo", base, "https://foo/"],
      ["//h", base, "http://h/"],
      ["?", base, "http://host:8080/fn/hello/x?"],
      ["#", base, "http://host:8080/fn/hello/x?y=1#"],
      ["a b", base, "http://host:8080/fn/hello/a%20b"],
      ["%2e%2e/x", base, "http://host:8080/fn/x"],
      ["x/%2E/y", base, "http://host:8080/fn/hello/x/y"],
      ["HTTP://Example.COM:80/a/%2e/b/%2E%2e/c", undefined, "http://example.com/a/c"],
      ["https://x:443", undefined, "https://x/"],
      ["http://x:0443/", undefined, "http://x:443/"],
      ["HTTP://x/y z?a b#c d", undefined, "http://x/y%20z?a%20b#c%20d"],
      ["http://u:p@h/", undefined, "http://u:p@h/"],
      ["http://1.2.3/", undefined, "http://1.2.0.3/"],
      ["http://0x7f.1", undefined, "http://127.0.0.1/"],
      ["http://[::FFFF:1.2.3.4]/", undefined, "http://[::ffff:102:304]/"],
      ["http://[1:0:0:2::3:0]/", undefined, "http://[1::2:0:0:3:0]/"],
      ["http://[::]/", undefined, "http://[::]/"],
      ["http://[1:2:3:4:5:6:7:8]:9/", undefined, "http://[1:2:3:4:5:6:7:8]:9/"],
      ["  http://h/\t\na  ", undefined, "http://h/a"],
      ["http://h/\u00e9?\u00e9#\u00e9", undefined, "http://h/%C3%A9?%C3%A9#%C3%A9"],
      ["http://h/\ud800", undefined, "http://h/%EF%BF%BD"],
      ["http://h/a?b'c", undefined, "http://h/a?b%27c"],
      ["http://h/a%2fb", undefined, "http://h/a%2fb"],
      ["http://h/{}`^|", undefined, "http://h/%7B%7D%60%5E|"],
      ["http://a@b@c/", undefined, "http://a%40b@c/"],
      ["http://h?q#f", undefined, "http://h/?q#f"],
      ["https://h:443?x", undefined, "https://h/?x"],
      ["http://h\\a\\b", undefined, "http://h/a/b"],
      ["http://0/", undefined, "http://0.0.0.0/"],
      ["http:///x", undefined, "http://x/"],
      ["http://[::1]:8080/a/b", undefined, "http://[::1]:8080/a/b"],
      ["../c", "http://[::1]:8080/a/b", "http://[::1]:8080/c"],
    ];
    for (const [input, baseUrl, expected] of cases) {
      assertEquals(internals.resolveUrl(input, baseUrl), expected, `${JSON.stringify(input)} against ${baseUrl}`);
    }
  });

  test("resolveUrl throws TypeError 'Invalid URL: <input>'", () => {
    const error = assertThrows(() => internals.resolveUrl("relative/path"), TypeError);
    assertEquals(error.message, "Invalid URL: relative/path");
    for (const input of ["", "http://", "http://h:99999/", "http://h:a/", "http://ex ample/", "http://[::1/", "http://256.1.1.1/", "http://1.2.3.4.5/", "http://a.1/", "http://09/", "http://u@/"]) {
      assertThrows(() => internals.resolveUrl(input), TypeError, "Invalid URL", JSON.stringify(input));
    }
    assertThrows(() => internals.resolveUrl("x", "also relative"), TypeError, "Invalid URL");
  });

  test("resolveUrl handles every scheme and IDNA hosts (the full URL parser)", () => {
    const cases = [
      ["ftp://example.com/", "ftp://example.com/"],
      ["mailto:a@b", "mailto:a@b"],
      ["data:text/plain,hi", "data:text/plain,hi"],
      ["http://\u00e9.example/", "http://xn--9ca.example/"],
      ["http://ex%41mple/", "http://example/"],
      ["//x/y", "http://x/y"],
    ];
    for (const [input, expected] of cases) {
      assertEquals(internals.resolveUrl(input, "http://h/"), expected, input);
    }
  });

  test("parseURL and serializeURL: the record contract", () => {
    const record = internals.parseURL("HTTPS://u:p@Example.COM:8443/a/./b/../c?q=1#f");
    assertEquals(record.scheme, "https");
    assertEquals(record.username, "u");
    assertEquals(record.password, "p");
    assertEquals(record.host, "example.com");
    assertEquals(record.port, 8443);
    assertEquals(record.path, "/a/c");
    assertEquals(record.opaquePath, false);
    assertEquals(record.query, "q=1");
    assertEquals(record.fragment, "f");
    assertEquals(record.special, true);
    assert(!Object.prototype.isPrototypeOf(record), "records do not inherit from Object.prototype");
    assertEquals(internals.serializeURL(record), "https://u:p@example.com:8443/a/c?q=1#f");
    assertEquals(internals.serializeURL(record, true), "https://u:p@example.com:8443/a/c?q=1");
    const data = internals.parseURL("data:text/plain;base64,SGk=#x");
    assertEquals([data.scheme, data.host, data.path, data.opaquePath], ["data", null, "text/plain;base64,SGk=", true]);
    assertEquals(internals.serializeURL(data, true), "data:text/plain;base64,SGk=");
    assertEquals(internals.parseURL("nope"), null);
    assertEquals(internals.serializeURL(internals.parseURL("../x", record)), "https://u:p@example.com:8443/x");
    assertEquals(internals.parseURL("http://[::1]:80/").port, null);
  });

  test("urlencodedParse and urlencodedSerialize", () => {
    assertEquals(internals.urlencodedParse("a=1&b=%C3%A9+x&&c&=d&e=f=g"), [["a", "1"], ["b", "\u00e9 x"], ["c", ""], ["", "d"], ["e", "f=g"]]);
    assertEquals(internals.urlencodedParse(""), []);
    const bytes = new Uint8Array([0x61, 0x3d, 0xc3, 0x25, 0x41, 0x39, 0x26, 0x62, 0x3d, 0xff, 0x2b]);
    assertEquals(internals.urlencodedParse(bytes), [["a", "\u00e9"], ["b", "\ufffd "]], "raw and percent-encoded bytes join");
    assertEquals(internals.urlencodedParse(new Uint8Array([0x78, 0x3d, 0xc3, 0x25, 0x61, 0x39])), [["x", "\u00e9"]]);
    assertEquals(internals.urlencodedSerialize([["a b", "c&d"], ["\u00e9", "*-._~!'()"]]), "a+b=c%26d&%C3%A9=*-._%7E%21%27%28%29");
  });

  test("URLSearchParams helpers for other runtime files", () => {
    const params = new URLSearchParams("a=1&b=2");
    assert(internals.isURLSearchParams(params));
    assert(!internals.isURLSearchParams({}));
    assertEquals(internals.urlSearchParamsList(params), [["a", "1"], ["b", "2"]]);
    params.append("c", "3");
    assertEquals(internals.urlSearchParamsList(params).length, 3, "the list is live");
    assertEquals(internals.URL, URL);
    assertEquals(internals.URLSearchParams, URLSearchParams);
  });

  // --- makeContext ---

  test("makeContext returns an ExecutionContext", () => {
    const ctx = internals.makeContext();
    assertEquals(typeof ctx.waitUntil, "function");
    assertEquals(typeof ctx.passThroughOnException, "function");
    assertEquals(ctx.waitUntil.length, 1);
    assertEquals(Object.prototype.toString.call(ctx), "[object ExecutionContext]");
    assertEquals(ctx.passThroughOnException(), undefined);
    assertEquals(ctx.waitUntil(Promise.resolve()), undefined);
    assert(internals.makeContext() !== ctx);
    assertThrows(() => new ctx.constructor(), TypeError);
  });

  test("waitUntil requires an argument and is brand-checked", () => {
    const ctx = internals.makeContext();
    assertThrows(() => ctx.waitUntil(), TypeError, "1 argument required");
    assertThrows(() => ctx.waitUntil.call({}, Promise.resolve()), TypeError, "Illegal invocation");
    assertThrows(() => ctx.passThroughOnException.call({}), TypeError, "Illegal invocation");
  });

  test("waitUntil logs rejections instead of leaving them unhandled", async () => {
    const ctx = internals.makeContext();
    const logsBefore = globalThis.__capturedLogs.length;
    ctx.waitUntil(Promise.reject(new TypeError("background failure")));
    ctx.waitUntil(Promise.resolve("fine"));
    ctx.waitUntil("not a promise");
    ctx.waitUntil({ then(resolve) { resolve(1); } });
    await internals.waitUntilSettled(ctx);
    const logs = globalThis.__capturedLogs.slice(logsBefore);
    assertEquals(logs.length, 1);
    assertEquals(logs[0][0], "error");
    assert(logs[0][1].startsWith("Uncaught (in waitUntil promise) TypeError: background failure"), logs[0][1]);
  });

  test("waitUntilSettled is null when waitUntil was never called", () => {
    assertEquals(internals.waitUntilSettled(internals.makeContext()), null);
  });

  test("waitUntilSettled waits for promises added while waiting", async () => {
    const ctx = internals.makeContext();
    const order = [];
    ctx.waitUntil((async () => {
      await null;
      order.push("first");
      ctx.waitUntil((async () => {
        await null;
        await null;
        order.push("second");
      })());
    })());
    await internals.waitUntilSettled(ctx);
    assertEquals(order, ["first", "second"]);
  });

  // --- responseRecord ---

  test("responseRecord of a string body", () => {
    const record = internals.responseRecord(new Response("hello", { status: 201, statusText: "Created" }));
    assertEquals(record, [201, "Created", [["content-type", "text/plain;charset=UTF-8"]], "hello"]);
  });

  test("responseRecord of byte bodies returns exactly the bytes", () => {
    const buffer = new Uint8Array([0, 1, 2, 3, 4, 5]).buffer;
    const record = internals.responseRecord(new Response(new Uint8Array(buffer, 2, 3)));
    assert(record[3] instanceof Uint8Array);
    assertEquals(record[3], new Uint8Array([2, 3, 4]));
    assertEquals(record[2], []);
    const fromBuffer = internals.responseRecord(new Response(buffer));
    assertEquals(fromBuffer[3], new Uint8Array([0, 1, 2, 3, 4, 5]));
  });

  test("responseRecord of a null body", () => {
    assertEquals(internals.responseRecord(new Response(null, { status: 204 })), [204, "", [], null]);
    assertEquals(internals.responseRecord(new Response()), [200, "", [], null]);
  });

  test("responseRecord gives sorted and combined headers, set-cookie separate", () => {
    const response = new Response(null, {
      headers: [["X-B", "2"], ["Set-Cookie", "a=1"], ["x-a", "1"], ["x-b", "3"], ["set-cookie", "b=2"]],
    });
    assertEquals(internals.responseRecord(response)[2], [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-a", "1"], ["x-b", "2, 3"]]);
  });

  test("responseRecord of Response.json and Response.redirect", () => {
    assertEquals(internals.responseRecord(Response.json({ a: 1 })), [200, "", [["content-type", "application/json"]], "{\"a\":1}"]);
    assertEquals(internals.responseRecord(Response.redirect("https://example.com/x", 308)), [308, "", [["location", "https://example.com/x"]], null]);
  });

  test("responseRecord of a Blob body is the Blob's chunks, in order", () => {
    const blob = new Blob(["ab", new Uint8Array([0x63]), new Blob(["de"])], { type: "text/plain" });
    const record = internals.responseRecord(new Response(blob.slice(1)));
    assertEquals(record[2], []);
    const body = record[3];
    assert(Array.isArray(body));
    let text = "";
    for (const chunk of body) {
      assert(chunk instanceof Uint8Array);
      text += String.fromCharCode(...chunk);
    }
    assertEquals(text, "bcde");
    const typed = internals.responseRecord(new Response(blob));
    assertEquals(typed[2], [["content-type", "text/plain"]]);
    assertEquals(internals.responseRecord(new Response(new Blob([])))[3], []);
  });

  test("responseRecord of a FormData body: multipart chunks and the Content-Type", async () => {
    const form = new FormData();
    form.append("a", "1");
    form.append("f", new File(["file"], "f.txt"));
    const record = internals.responseRecord(new Response(form));
    assertEquals(record[2][0][0], "content-type");
    const contentType = record[2][0][1];
    assert(contentType.startsWith("multipart/form-data; boundary="), contentType);
    const bytes = new Blob(record[3]);
    const reparsed = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    assertEquals(reparsed.get("a"), "1");
    assertEquals(await reparsed.get("f").text(), "file");
  });

  test("an incoming multipart request parses with formData()", async () => {
    const body = "--q\r\nContent-Disposition: form-data; name=\"up\"; filename=\"u.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--q--\r\n";
    const bytes = new Uint8Array(body.length);
    for (let i = 0; i < body.length; i++) bytes[i] = body.charCodeAt(i);
    const request = internals.makeRequest("POST", "http://h/", [["content-type", "multipart/form-data; boundary=q"]], bytes.buffer);
    const form = await request.formData();
    const file = form.get("up");
    assertEquals([file.name, file.type, file.size, await file.text()], ["u.txt", "text/plain", 2, "hi"]);
  });

  test("an incoming request can be cloned; the clone keeps immutable headers", async () => {
    const incoming = internals.makeRequest("POST", "http://h/", [["x-a", "1"]], bytesOf(0x6f, 0x6b));
    const clone = incoming.clone();
    assertThrows(() => clone.headers.set("x-a", "2"), TypeError, "immutable");
    assertEquals(await clone.text(), "ok");
    assertEquals(await incoming.text(), "ok");
    assertEquals(incoming.signal.aborted, false);
    assertEquals(incoming.mode, "cors");
  });

  test("responseRecord uses the body: later reads fail, and a used body cannot be sent", async () => {
    const response = new Response("once");
    internals.responseRecord(response);
    assertEquals(response.bodyUsed, true);
    await assertRejects(() => response.text(), TypeError);
    assertThrows(() => internals.responseRecord(response), TypeError, "Response body has already been used");
    const read = new Response("read");
    await read.text();
    const error = assertThrows(() => internals.responseRecord(read), TypeError);
    assertEquals(error.message, "Response body has already been used");
  });

  test("a bodyless response can be sent many times", () => {
    const response = new Response(null, { status: 204 });
    assertEquals(internals.responseRecord(response)[0], 204);
    assertEquals(internals.responseRecord(response)[0], 204);
  });

  test("responseRecord of Response.error() is a TypeError", () => {
    const error = assertThrows(() => internals.responseRecord(Response.error()), TypeError);
    assertEquals(error.message, "Response.error() cannot be sent to a client");
  });

  test("responseRecord of anything else is a TypeError describing the value", () => {
    class Foo {}
    const prefix = "The fetch handler must return a Response (or a Promise of one), got ";
    const cases = [
      [undefined, "undefined"],
      [null, "null"],
      ["text", "a string"],
      [42, "a number"],
      [true, "a boolean"],
      [1n, "a bigint"],
      [Symbol("s"), "a symbol"],
      [() => {}, "a function"],
      [{}, "an object (Object)"],
      [[], "an object (Array)"],
      [new Foo(), "an object (Foo)"],
      [Object.create(null), "an object (null prototype)"],
      [Promise.resolve(new Response()), "an object (Promise)"],
      [new Request("https://example.com/"), "an object (Request)"],
      [{ status: 200, headers: {}, body: "fake" }, "an object (Object)"],
      [Object.create(Response.prototype), "an object (Response)"],
    ];
    for (const [value, description] of cases) {
      const error = assertThrows(() => internals.responseRecord(value), TypeError, undefined, description);
      assertEquals(error.message, prefix + description);
    }
  });

  test("a throwing constructor getter does not escape responseRecord", () => {
    const tricky = { get constructor() { throw new Error("boom"); } };
    const error = assertThrows(() => internals.responseRecord(tricky), TypeError);
    assertEquals(error.message, "The fetch handler must return a Response (or a Promise of one), got an object (Object)");
  });

  test("responseRecord accepts Response subclasses", () => {
    class MyResponse extends Response {}
    assertEquals(internals.responseRecord(new MyResponse("sub"))[3], "sub");
  });
}
