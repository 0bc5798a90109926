// Tests for WritableStream, WritableStreamDefaultWriter and WritableStreamDefaultController
// (isolates/runtime/js/14_streams_writable.js). Spec: https://streams.spec.whatwg.org/#ws

async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

function settledState(promise) {
  const state = { value: "pending" };
  promise.then(() => { state.value = "fulfilled"; }, () => { state.value = "rejected"; });
  return state;
}

test("interfaces are installed like Web IDL interfaces", () => {
  for (const name of ["WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.enumerable, false);
    assertEquals(Object.prototype.toString.call(descriptor.value.prototype), `[object ${name}]`);
  }
  assertEquals(WritableStream.length, 0);
  assertEquals(WritableStreamDefaultWriter.length, 1);
  assertThrows(() => new WritableStreamDefaultController(), TypeError, "Illegal constructor");
  assertThrows(() => new WritableStream(null), TypeError);
  assertThrows(() => new WritableStream({ write: 1 }), TypeError, "write");
  assertThrows(() => new WritableStream({ type: "bytes" }), RangeError);
  assertThrows(() => new WritableStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new WritableStreamDefaultWriter({}), TypeError);
});

test("the sink gets each chunk in order, with this = the sink and the controller", async () => {
  const written = [];
  let self;
  let controller;
  let closed = false;
  const sink = {
    start(c) { controller = c; },
    write(chunk, c) { self = this; written.push(chunk); assertEquals(c, controller); },
    close() { closed = true; },
  };
  const stream = new WritableStream(sink);
  assert(controller instanceof WritableStreamDefaultController);
  const writer = stream.getWriter();
  await writer.write("a");
  await writer.write("b");
  await writer.close();
  assertEquals(written, ["a", "b"]);
  assertEquals(self, sink);
  assertEquals(closed, true);
  await writer.closed;
  await assertRejects(writer.write("c"), TypeError);
});

test("writes wait for the previous one (one in flight at a time)", async () => {
  const resolvers = [];
  const started = [];
  const stream = new WritableStream({
    write(chunk) {
      started.push(chunk);
      return new Promise((resolve) => resolvers.push(resolve));
    },
  });
  const writer = stream.getWriter();
  const first = writer.write(1);
  const second = writer.write(2);
  await flush();
  assertEquals(started, [1]);
  resolvers[0]();
  await first;
  await flush();
  assertEquals(started, [1, 2]);
  resolvers[1]();
  await second;
});

test("desiredSize and ready signal backpressure", async () => {
  const resolvers = [];
  const stream = new WritableStream({
    write() { return new Promise((resolve) => resolvers.push(resolve)); },
  }, { highWaterMark: 2 });
  const writer = stream.getWriter();
  assertEquals(writer.desiredSize, 2);
  await writer.ready;
  writer.write("a");
  assertEquals(writer.desiredSize, 1);
  writer.write("b");
  assertEquals(writer.desiredSize, 0);
  const ready = settledState(writer.ready);
  await flush();
  assertEquals(ready.value, "pending", "ready waits once desiredSize <= 0");
  resolvers[0]();
  await flush();
  assertEquals(writer.desiredSize, 1);
  assertEquals(ready.value, "fulfilled");
});

test("a size function counts each chunk", async () => {
  const stream = new WritableStream({}, { highWaterMark: 10, size: (chunk) => chunk.length });
  const writer = stream.getWriter();
  await flush();
  writer.write("abc");
  assertEquals(writer.desiredSize, 7, "the first write is in flight but still queued");
  const throwing = new WritableStream({}, { size() { throw new RangeError("size"); } });
  const w2 = throwing.getWriter();
  await assertRejects(w2.write("x"), RangeError, "size");
  await assertRejects(w2.closed, RangeError, "size");
});

test("a write that rejects errors the stream", async () => {
  const stream = new WritableStream({ write() { throw new SyntaxError("sink"); } });
  const writer = stream.getWriter();
  await assertRejects(writer.write("x"), SyntaxError, "sink");
  await assertRejects(writer.closed, SyntaxError, "sink");
  await assertRejects(writer.ready, SyntaxError, "sink");
  assertEquals(writer.desiredSize, null);
  await assertRejects(writer.write("y"), SyntaxError, "sink");
});

test("controller.error() errors the stream; later errors are ignored", async () => {
  let controller;
  const stream = new WritableStream({ start(c) { controller = c; } });
  const writer = stream.getWriter();
  controller.error(new RangeError("first"));
  controller.error(new RangeError("second"));
  await assertRejects(writer.closed, RangeError, "first");
  await assertRejects(writer.write(1), RangeError, "first");
});

test("a start that rejects errors the stream", async () => {
  const stream = new WritableStream({ start() { return Promise.reject(new Error("start")); } });
  await assertRejects(stream.getWriter().closed, Error, "start");
});

test("abort(): the sink's abort gets the reason, queued writes reject, signal aborts", async () => {
  let abortReason;
  let controller;
  let resolveWrite;
  const stream = new WritableStream({
    start(c) { controller = c; },
    write() { return new Promise((resolve) => { resolveWrite = resolve; }); },
    abort(reason) { abortReason = reason; },
  });
  const writer = stream.getWriter();
  const inFlight = writer.write(1);
  const queued = writer.write(2);
  await flush();
  let signalled = null;
  controller.signal.addEventListener("abort", () => { signalled = controller.signal.reason; });
  const abort = writer.abort("stop");
  assertEquals(controller.signal.aborted, true);
  assertEquals(signalled, "stop");
  const queuedState = settledState(queued);
  await flush();
  assertEquals(abortReason, undefined, "abort waits for the write in flight");
  assertEquals(queuedState.value, "pending");
  resolveWrite();
  await inFlight;
  await assertRejects(queued, undefined);
  await abort;
  assertEquals(abortReason, "stop");
  await assertRejects(writer.closed, undefined);
  assertEquals(writer.desiredSize, null);
});

test("abort of a locked stream rejects; abort of a closed stream resolves", async () => {
  const stream = new WritableStream();
  stream.getWriter();
  await assertRejects(stream.abort(), TypeError, "locked");
  await assertRejects(stream.close(), TypeError, "locked");
  assertThrows(() => stream.getWriter(), TypeError, "locked");
  const closed = new WritableStream();
  await closed.close();
  assertEquals(await closed.abort("late"), undefined);
  await assertRejects(closed.close(), TypeError);
});

test("close() waits for queued writes and rejects a second close", async () => {
  const events = [];
  const stream = new WritableStream({
    write(chunk) { events.push(`w${chunk}`); },
    close() { events.push("close"); },
  });
  const writer = stream.getWriter();
  writer.write(1);
  writer.write(2);
  const close = writer.close();
  await assertRejects(writer.close(), TypeError, "closing");
  await assertRejects(writer.write(3), TypeError);
  await close;
  assertEquals(events, ["w1", "w2", "close"]);
});

test("a close that rejects errors the stream", async () => {
  const stream = new WritableStream({ close() { throw new RangeError("close"); } });
  const writer = stream.getWriter();
  await assertRejects(writer.close(), RangeError, "close");
  await assertRejects(writer.closed, RangeError, "close");
});

test("releaseLock rejects the writer's promises; a new writer works", async () => {
  const stream = new WritableStream();
  const writer = stream.getWriter();
  assertEquals(stream.locked, true);
  writer.releaseLock();
  assertEquals(stream.locked, false);
  await assertRejects(writer.closed, TypeError);
  await assertRejects(writer.ready, TypeError);
  await assertRejects(writer.write(1), TypeError, "released");
  await assertRejects(writer.close(), TypeError, "released");
  await assertRejects(writer.abort(), TypeError, "released");
  assertThrows(() => writer.desiredSize, TypeError);
  writer.releaseLock();
  const again = new WritableStreamDefaultWriter(stream);
  await again.write("x");
});

test("a writer on an errored or closed stream", async () => {
  const errored = new WritableStream({ start(c) { c.error(new Error("gone")); } });
  await flush();
  const writer = errored.getWriter();
  await assertRejects(writer.closed, Error, "gone");
  await assertRejects(writer.ready, Error, "gone");
  const closed = new WritableStream();
  await closed.getWriter().close();
  // the first writer still holds the lock; abort through a fresh stream instead
  const closed2 = new WritableStream();
  await closed2.close();
  const w2 = closed2.getWriter();
  await w2.closed;
  await w2.ready;
  assertEquals(w2.desiredSize, 0);
});

test("brand checks", async () => {
  assertThrows(() => WritableStream.prototype.getWriter.call({}), TypeError, "Illegal invocation");
  await assertRejects(WritableStream.prototype.abort.call({}), TypeError);
  await assertRejects(WritableStreamDefaultWriter.prototype.write.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(WritableStreamDefaultController.prototype, "signal").get.call({}), TypeError);
});
