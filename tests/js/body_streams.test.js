// Tests for bodies as streams: the `body` getter, ReadableStream as BodyInit, bodyUsed /
// disturbed / locked, clone() of stream bodies, Request's duplex rule, Blob.prototype.stream(),
// and the host entry points with stream bodies (isolates/runtime/js/22_body.js, 23_request.js,
// 24_response.js, 90_internals.js, 15_blob.js). Spec: https://fetch.spec.whatwg.org/#concept-body

const internals = globalThis.__internals;

function streamOf(...chunks) {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
      c.close();
    },
  });
}

async function readText(stream) {
  const reader = stream.getReader();
  let text = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

test("the body getter: a ReadableStream of a string body, the same object each time", async () => {
  const response = new Response("héllo");
  const body = response.body;
  assert(body instanceof ReadableStream);
  assertEquals(response.body, body);
  assertEquals(response.bodyUsed, false);
  assertEquals(await readText(body), "héllo");
  assertEquals(response.bodyUsed, true);
  await assertRejects(response.text(), TypeError, "already been used");
  assertThrows(() => response.clone(), TypeError);
});

test("the body stream of byte, Blob, FormData and URLSearchParams bodies", async () => {
  assertEquals(await readText(new Response(new Uint8Array([104, 105])).body), "hi");
  const blob = new Blob(["a", "b"]);
  assertEquals(await readText(new Response(blob).body), "ab");
  assertEquals(await blob.text(), "ab", "the Blob's bytes are copied, not taken");
  assertEquals(await readText(new Response(new URLSearchParams("x=1")).body), "x=1");
  const form = new FormData();
  form.append("k", "v");
  const text = await readText(new Request("https://example.com/", { method: "POST", body: form }).body);
  assert(text.includes('name="k"') && text.includes("\r\n\r\nv\r\n"), text);
  const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
  const chunks = [];
  for await (const chunk of new Response(view).body) chunks.push(...chunk);
  assertEquals(chunks, [2, 3]);
});

test("a body that was only asked for its stream can still be read with text()", async () => {
  const response = new Response("data");
  assert(response.body instanceof ReadableStream);
  assertEquals(await response.text(), "data");
  assertEquals(response.bodyUsed, true);
  assertEquals(response.body.locked, true);
});

test("after text() the body getter returns a disturbed, locked stream", async () => {
  const response = new Response("x");
  await response.text();
  const body = response.body;
  assert(body instanceof ReadableStream);
  assertEquals(body.locked, true);
  assertEquals(response.bodyUsed, true);
});

test("new Response(stream): every read method reads the stream", async () => {
  assertEquals(await new Response(streamOf("a", "b")).text(), "ab");
  assertEquals(await new Response(streamOf('{"k":', "[1]}")).json(), { k: [1] });
  assertEquals(new Uint8Array(await new Response(streamOf("xy")).arrayBuffer()), new Uint8Array([120, 121]));
  assertEquals(await new Response(streamOf("z")).bytes(), new Uint8Array([122]));
  const blob = await new Response(streamOf("blob"), { headers: { "content-type": "text/x" } }).blob();
  assertEquals([blob.type, await blob.text()], ["text/x", "blob"]);
  const form = await new Response(streamOf("a=1&b=2"), { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
  assertEquals(form.get("b"), "2");
  assertEquals(await new Response(streamOf()).text(), "");
});

test("new Response(stream) keeps the stream object, adds no Content-Type or Content-Length", () => {
  const stream = streamOf("x");
  const response = new Response(stream);
  assertEquals(response.body, stream);
  assertEquals(response.headers.has("content-type"), false);
  assertEquals(response.headers.has("content-length"), false);
  assertEquals(response.bodyUsed, false);
});

test("a locked or disturbed stream is not a valid body", async () => {
  const locked = streamOf("x");
  locked.getReader();
  assertThrows(() => new Response(locked), TypeError, "disturbed or locked");
  const disturbed = streamOf("x");
  await disturbed.cancel();
  assertThrows(() => new Response(disturbed), TypeError, "disturbed or locked");
  assertThrows(() => new Response(streamOf("x"), { status: 204 }), TypeError);
});

test("bodyUsed follows the stream: false until a read, true after", async () => {
  const response = new Response(streamOf("ab"));
  const reader = response.body.getReader();
  assertEquals(response.bodyUsed, false, "locked is not used");
  await assertRejects(response.text(), TypeError, "already been used");
  await reader.read();
  assertEquals(response.bodyUsed, true);
});

test("a chunk that is not a Uint8Array makes the read methods reject", async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue("text"); c.close(); } });
  await assertRejects(new Response(stream).text(), TypeError, "Uint8Array");
  const buffer = new ReadableStream({ start(c) { c.enqueue(new ArrayBuffer(1)); c.close(); } });
  await assertRejects(new Response(buffer).arrayBuffer(), TypeError);
});

test("an erroring stream rejects the read with the stream's error", async () => {
  const stream = new ReadableStream({ pull(c) { c.error(new RangeError("broken")); } });
  await assertRejects(new Response(stream).text(), RangeError, "broken");
});

test("clone() of a stream body tees it: both read the same bytes", async () => {
  const response = new Response(streamOf("one", "two"));
  const clone = response.clone();
  assertEquals(await clone.text(), "onetwo");
  assertEquals(await response.text(), "onetwo");
  const original = new Response("src");
  void original.body; // now a stream
  const second = original.clone();
  assertEquals(await readText(second.body), "src");
  assertEquals(await original.text(), "src");
});

test("clone() of a source body keeps the fast path and shares the bytes", async () => {
  const response = new Response(new Uint8Array([1, 2]));
  const clone = response.clone();
  const a = await clone.bytes();
  a[0] = 9;
  assertEquals(await response.bytes(), new Uint8Array([1, 2]));
});

test("Request with a stream body needs duplex: 'half'", async () => {
  const url = "https://example.com/";
  assertThrows(() => new Request(url, { method: "POST", body: streamOf("x") }), TypeError, "duplex");
  assertThrows(() => new Request(url, { method: "POST", body: streamOf("x"), duplex: "full" }), TypeError);
  assertThrows(() => new Request(url, { method: "POST", body: streamOf("x"), duplex: "half", keepalive: true }), TypeError, "keepalive");
  assertThrows(() => new Request(url, { method: "POST", body: streamOf("x"), duplex: "half", mode: "no-cors" }), TypeError);
  assertThrows(() => new Request(url, { method: "GET", body: streamOf("x"), duplex: "half" }), TypeError, "GET/HEAD");
  const request = new Request(url, { method: "POST", body: streamOf("up", "load"), duplex: "half" });
  assertEquals(request.duplex, "half");
  assert(request.body instanceof ReadableStream);
  assertEquals(await request.text(), "upload");
});

test("new Request(request) with a stream body takes it over through a proxy", async () => {
  const url = "https://example.com/";
  const original = new Request(url, { method: "POST", body: streamOf("moved"), duplex: "half" });
  const copy = new Request(original);
  assertEquals(original.bodyUsed, true);
  assertThrows(() => new Request(original), TypeError, "already been used");
  assertEquals(await copy.text(), "moved");
  const fromSource = new Request(url, { method: "POST", body: "plain" });
  void fromSource.body;
  const copy2 = new Request(fromSource);
  assertEquals(await copy2.text(), "plain");
  assertEquals(fromSource.bodyUsed, true);
});

test("a Response body can be piped and read by for await", async () => {
  const upper = new TransformStream({
    transform(chunk, c) { c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())); },
  });
  const response = new Response(new Response("shout").body.pipeThrough(upper));
  assertEquals(await response.text(), "SHOUT");
  let total = 0;
  for await (const chunk of new Response("12345").body) total += chunk.byteLength;
  assertEquals(total, 5);
});

test("Blob.prototype.stream() yields the blob's bytes and leaves the blob intact", async () => {
  const blob = new Blob(["ab", new Uint8Array([99]), new Blob(["d"])]);
  const stream = blob.stream();
  assert(stream instanceof ReadableStream);
  assertEquals(await readText(stream), "abcd");
  assertEquals(await blob.text(), "abcd");
  const byob = new Blob(["xyz"]).stream().getReader({ mode: "byob" });
  const { value } = await byob.read(new Uint8Array(2));
  assertEquals(Array.from(value), [120, 121]);
  assertEquals((await readText(new Blob().stream())), "");
  assertThrows(() => Blob.prototype.stream.call({}), TypeError, "Illegal invocation");
  const file = new File(["f"], "f.txt");
  assertEquals(await readText(file.stream()), "f");
});

test("internals.makeRequest accepts a ReadableStream body", async () => {
  const stream = streamOf("incoming");
  const request = internals.makeRequest("POST", "https://example.com/x", [["content-type", "text/plain"]], stream);
  assertEquals(request.body, stream);
  assertEquals(request.bodyUsed, false);
  assertEquals(await request.text(), "incoming");
  const bytes = internals.makeRequest("POST", "https://example.com/x", [], new TextEncoder().encode("ab").buffer);
  assertEquals(await bytes.text(), "ab");
});

test("internals.responseRecord gives the host the stream of a stream body", async () => {
  const stream = streamOf("out");
  const record = internals.responseRecord(new Response(stream, { status: 201 }));
  assertEquals(record[0], 201);
  assertEquals(record[3], stream);
  assertEquals(stream.locked, false);
  const reader = internals.streams.acquireReader(record[3]);
  const { value } = await internals.streams.readerRead(reader);
  assertEquals(new TextDecoder().decode(value), "out");

  const asked = new Response("text body");
  void asked.body;
  assert(internals.streams.isReadableStream(internals.responseRecord(asked)[3]), "a body turned into a stream is sent as one");
  assertEquals(internals.responseRecord(new Response("fast"))[3], "fast", "a source body keeps its fast path");

  const locked = new Response(streamOf("x"));
  locked.body.getReader();
  assertThrows(() => internals.responseRecord(locked), TypeError, "already been used");
  const read = new Response(streamOf("x"));
  await read.text();
  assertThrows(() => internals.responseRecord(read), TypeError, "already been used");
});
