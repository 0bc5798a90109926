// Tests for readable byte streams: ReadableByteStreamController, ReadableStreamBYOBReader,
// ReadableStreamBYOBRequest, autoAllocateChunkSize and the byte tee
// (isolates/runtime/js/14_streams_readable.js). Spec: https://streams.spec.whatwg.org/#rbs-controller-class

async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

function bytes(...values) {
  return new Uint8Array(values);
}

async function readAllBytes(stream) {
  const reader = stream.getReader();
  const out = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    assert(value instanceof Uint8Array, "chunks are Uint8Arrays");
    for (const b of value) out.push(b);
  }
}

test("a byte stream's controller and reader types", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  assert(controller instanceof ReadableByteStreamController);
  assertEquals(controller.byobRequest, null);
  assertEquals(controller.desiredSize, 0, "the default high-water mark of a byte stream is 0");
  const reader = stream.getReader({ mode: "byob" });
  assert(reader instanceof ReadableStreamBYOBReader);
  assertEquals(Object.prototype.toString.call(reader), "[object ReadableStreamBYOBReader]");
  reader.releaseLock();
  assert(new ReadableStreamBYOBReader(stream) instanceof ReadableStreamBYOBReader);
  assertThrows(() => new ReadableStreamBYOBReader(new ReadableStream()), TypeError, "byte stream");
  assertThrows(() => new ReadableStream({ type: "bytes", autoAllocateChunkSize: 0 }), TypeError);
  assertThrows(() => new ReadableStream({ type: "bytes", autoAllocateChunkSize: -1 }), TypeError);
  assertThrows(() => new ReadableStream({ type: "bytes", autoAllocateChunkSize: Infinity }), TypeError);
});

test("enqueue transfers the chunk's buffer; a default reader gets Uint8Arrays", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const chunk = new Uint16Array([1, 2]);
  controller.enqueue(chunk);
  assertEquals(chunk.byteLength, 0, "detached");
  controller.enqueue(new DataView(new ArrayBuffer(3), 1, 2));
  controller.close();
  const reader = stream.getReader();
  const first = await reader.read();
  assert(first.value instanceof Uint8Array);
  assertEquals(first.value.byteLength, 4);
  const second = await reader.read();
  assertEquals(second.value.byteLength, 2);
  assertEquals(second.value.byteOffset, 1);
  assertEquals((await reader.read()).done, true);
});

test("enqueue argument errors", () => {
  let controller;
  new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  assertThrows(() => controller.enqueue("x"), TypeError);
  assertThrows(() => controller.enqueue(new ArrayBuffer(2)), TypeError);
  assertThrows(() => controller.enqueue(new Uint8Array(0)), TypeError, "empty");
  const detached = new Uint8Array(4);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assertThrows(() => controller.enqueue(detached), TypeError);
  controller.close();
  assertThrows(() => controller.enqueue(bytes(1)), TypeError);
  assertThrows(() => controller.close(), TypeError);
});

test("BYOB read fills the given view; the result is a new view on the transferred buffer", async () => {
  const stream = new ReadableStream({
    type: "bytes",
    pull(c) {
      const view = c.byobRequest.view;
      assert(view instanceof Uint8Array);
      view[0] = 7;
      view[1] = 8;
      c.byobRequest.respond(2);
    },
  });
  const reader = stream.getReader({ mode: "byob" });
  const buffer = new ArrayBuffer(8);
  const { value, done } = await reader.read(new Uint8Array(buffer, 2, 4));
  assertEquals(done, false);
  assertEquals(buffer.byteLength, 0, "the caller's buffer is detached");
  assert(value instanceof Uint8Array);
  assertEquals(value.byteOffset, 2);
  assertEquals(value.byteLength, 2);
  assertEquals(value.buffer.byteLength, 8);
  assertEquals([value[0], value[1]], [7, 8]);
});

test("BYOB read with views of different element sizes", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  controller.enqueue(bytes(1, 0, 2, 0, 3));
  const reader = stream.getReader({ mode: "byob" });
  const first = await reader.read(new Uint16Array(4));
  assert(first.value instanceof Uint16Array);
  assertEquals(Array.from(first.value), [1, 2], "whole elements only");
  const rest = await reader.read(new Uint8Array(4));
  assertEquals(Array.from(rest.value), [3], "the odd byte stays queued");
  controller.enqueue(bytes(1, 2, 3, 4, 5, 6, 7, 8));
  const dv = await reader.read(new DataView(new ArrayBuffer(3)));
  assert(dv.value instanceof DataView);
  assertEquals(dv.value.byteLength, 3);
  // 5 bytes are left: a Float64Array read takes them and waits for 3 more.
  let settled = false;
  const f64 = reader.read(new Float64Array(1)).then((r) => { settled = true; return r; });
  await flush();
  assertEquals(settled, false);
  controller.enqueue(bytes(9, 10, 11, 12));
  const result = await f64;
  assertEquals(result.value.length, 1);
  assertEquals(Array.from(new Uint8Array(result.value.buffer)), [4, 5, 6, 7, 8, 9, 10, 11]);
  const last = await reader.read(new Uint8Array(4));
  assertEquals(Array.from(last.value), [12]);
});

test("BYOB read of a partial element waits for more bytes (pull-into descriptor)", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint32Array(2));
  await flush();
  const request = controller.byobRequest;
  assert(request instanceof ReadableStreamBYOBRequest);
  assertEquals(request.view.byteLength, 8);
  request.view.set([1, 2, 3]);
  request.respond(3);
  await flush();
  assertEquals(controller.byobRequest.view.byteLength, 5, "the rest of the view");
  controller.byobRequest.view.set([4]);
  controller.byobRequest.respond(1);
  const { value } = await read;
  assertEquals(value.length, 1);
  assertEquals(new Uint8Array(value.buffer, value.byteOffset, 4).join(), "1,2,3,4");
});

test("read(view, { min }) waits for at least min elements", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  let settled = false;
  const read = reader.read(new Uint8Array(6), { min: 4 }).then((r) => { settled = true; return r; });
  controller.enqueue(bytes(1, 2));
  await flush();
  assertEquals(settled, false);
  controller.enqueue(bytes(3, 4, 5));
  const { value } = await read;
  assertEquals(Array.from(value), [1, 2, 3, 4, 5]);
  await assertRejects(reader.read(new Uint8Array(2), { min: 0 }), TypeError);
  await assertRejects(reader.read(new Uint8Array(2), { min: 3 }), RangeError);
  await assertRejects(reader.read(new Uint16Array(2), { min: 3 }), RangeError);
});

test("BYOB read argument errors", async () => {
  const stream = new ReadableStream({ type: "bytes" });
  const reader = stream.getReader({ mode: "byob" });
  await assertRejects(reader.read(), TypeError);
  await assertRejects(reader.read(new ArrayBuffer(4)), TypeError);
  await assertRejects(reader.read(new Uint8Array(0)), TypeError);
  const detached = new Uint8Array(4);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  await assertRejects(reader.read(detached), TypeError);
  reader.releaseLock();
  await assertRejects(reader.read(new Uint8Array(1)), TypeError, "released");
});

test("respond and respondWithNewView errors", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  reader.read(new Uint8Array(4));
  await flush();
  const request = controller.byobRequest;
  assertThrows(() => request.respond(5), RangeError);
  assertThrows(() => request.respond(0), TypeError);
  assertThrows(() => request.respond(-1), TypeError);
  assertThrows(() => request.respond(), TypeError);
  assertThrows(() => request.respondWithNewView(new Uint8Array(8)), RangeError, "capacity");
  assertThrows(() => request.respondWithNewView(new Uint8Array(request.view.buffer, 1, 2)), RangeError);
  assertThrows(() => request.respondWithNewView("x"), TypeError);
  request.respond(4);
  assertEquals(request.view, null, "the request is invalidated");
  assertThrows(() => request.respond(1), TypeError, "invalidated");
});

test("respondWithNewView with a view on the transferred buffer", async () => {
  const stream = new ReadableStream({
    type: "bytes",
    pull(c) {
      const view = c.byobRequest.view;
      const moved = structuredClone(view.buffer, { transfer: [view.buffer] });
      const filled = new Uint8Array(moved, view.byteOffset, 2);
      filled[0] = 9;
      filled[1] = 10;
      c.byobRequest.respondWithNewView(filled);
    },
  });
  const reader = stream.getReader({ mode: "byob" });
  const { value } = await reader.read(new Uint8Array(5));
  assertEquals(Array.from(value), [9, 10]);
});

test("close with a pending BYOB read: respond(0) finishes it as done", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint8Array(4));
  await flush();
  controller.close();
  controller.byobRequest.respond(0);
  const { value, done } = await read;
  assertEquals(done, true);
  assertEquals(value.byteLength, 0);
  assertEquals(value.buffer.byteLength, 4);
  const after = await reader.read(new Uint8Array(2));
  assertEquals(after.done, true);
});

test("closing with a partial element in a pending read errors the stream", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint16Array(2));
  await flush();
  controller.byobRequest.view[0] = 1;
  controller.byobRequest.respond(1);
  assertThrows(() => controller.close(), TypeError);
  await assertRejects(read, TypeError);
});

test("autoAllocateChunkSize: default reads get a byobRequest", async () => {
  let sawRequest = null;
  const stream = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 16,
    pull(c) {
      sawRequest = c.byobRequest;
      const view = sawRequest.view;
      assertEquals(view.byteLength, 16);
      view[0] = 42;
      sawRequest.respond(1);
      c.close();
    },
  });
  const reader = stream.getReader();
  const { value } = await reader.read();
  assert(sawRequest !== null);
  assertEquals(Array.from(value), [42]);
  assertEquals(value.buffer.byteLength, 16);
  assertEquals((await reader.read()).done, true);
});

test("a byte stream with a high-water mark pulls ahead; desiredSize counts bytes", async () => {
  let pulls = 0;
  let controller;
  new ReadableStream({
    type: "bytes",
    start(c) { controller = c; },
    pull(c) { pulls++; c.enqueue(new Uint8Array(3)); },
  }, { highWaterMark: 5 });
  await flush();
  assertEquals(pulls, 2);
  assertEquals(controller.desiredSize, -1);
});

test("releasing a BYOB reader with a pending read keeps the bytes for the next reader", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint8Array(4));
  await flush();
  const view = controller.byobRequest.view;
  reader.releaseLock();
  await assertRejects(read, TypeError);
  view[0] = 5;
  view[1] = 6;
  controller.byobRequest.respond(2);
  const next = stream.getReader();
  const { value } = await next.read();
  assertEquals(Array.from(value), [5, 6]);
});

test("cancel of a byte stream with a pending BYOB read resolves it as done", async () => {
  let reason;
  const stream = new ReadableStream({ type: "bytes", cancel(r) { reason = r; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint8Array(3));
  await reader.cancel("bye");
  const { value, done } = await read;
  assertEquals(done, true);
  assertEquals(value, undefined);
  assertEquals(reason, "bye");
});

test("errors reject pending BYOB reads", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const reader = stream.getReader({ mode: "byob" });
  const read = reader.read(new Uint8Array(3));
  controller.error(new RangeError("boom"));
  await assertRejects(read, RangeError, "boom");
  await assertRejects(reader.closed, RangeError, "boom");
  assertEquals(controller.desiredSize, null);
});

test("byte tee: both branches get copies; a BYOB reader on one branch", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const [a, b] = stream.tee();
  controller.enqueue(bytes(1, 2, 3));
  controller.enqueue(bytes(4));
  controller.close();
  const byob = a.getReader({ mode: "byob" });
  const first = await byob.read(new Uint8Array(2));
  assertEquals(Array.from(first.value), [1, 2]);
  const all = await readAllBytes(b);
  assertEquals(all, [1, 2, 3, 4]);
  // Both queued chunks of branch a fill one BYOB read.
  const second = await byob.read(new Uint8Array(8));
  assertEquals(Array.from(second.value), [3, 4]);
  const end = await byob.read(new Uint8Array(8));
  assertEquals(end.done, true);
});

test("byte tee: chunks are copies, not shared memory", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const [a, b] = stream.tee();
  controller.enqueue(bytes(1));
  controller.close();
  const ra = await a.getReader().read();
  const rb = await b.getReader().read();
  ra.value[0] = 99;
  assertEquals(rb.value[0], 1);
});

test("byte tee: cancelling both branches cancels the source with both reasons", async () => {
  let reason;
  const stream = new ReadableStream({ type: "bytes", cancel(r) { reason = r; } });
  const [a, b] = stream.tee();
  await Promise.all([a.cancel("x"), b.cancel("y")]);
  assertEquals(reason, ["x", "y"]);
});

test("byte tee: cancelling one branch lets the other read to the end", async () => {
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const [a, b] = stream.tee();
  // A branch's cancel() settles once the source ends or both branches are cancelled.
  let cancelled = false;
  const cancel = a.cancel().then(() => { cancelled = true; });
  controller.enqueue(bytes(7, 8));
  await flush();
  assertEquals(cancelled, false);
  controller.close();
  assertEquals(await readAllBytes(b), [7, 8]);
  await cancel;
});

test("async iteration of a byte stream", async () => {
  const stream = new ReadableStream({
    type: "bytes",
    start(c) { c.enqueue(bytes(1)); c.enqueue(bytes(2, 3)); c.close(); },
  });
  const lengths = [];
  for await (const chunk of stream) lengths.push(chunk.byteLength);
  assertEquals(lengths, [1, 2]);
});
