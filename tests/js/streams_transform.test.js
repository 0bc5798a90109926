// Tests for TransformStream and TransformStreamDefaultController
// (isolates/runtime/js/14_streams_transform.js). Spec: https://streams.spec.whatwg.org/#ts

async function flush(rounds = 30) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

async function readAll(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

test("interfaces", () => {
  for (const name of ["TransformStream", "TransformStreamDefaultController"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function");
    assertEquals(descriptor.enumerable, false);
    assertEquals(Object.prototype.toString.call(descriptor.value.prototype), `[object ${name}]`);
  }
  assertEquals(TransformStream.length, 0);
  assertThrows(() => new TransformStreamDefaultController(), TypeError, "Illegal constructor");
  assertThrows(() => new TransformStream(null), TypeError);
  assertThrows(() => new TransformStream({ transform: 1 }), TypeError, "transform");
  assertThrows(() => new TransformStream({ readableType: "bytes" }), RangeError);
  assertThrows(() => new TransformStream({ writableType: "bytes" }), RangeError);
  assertThrows(() => new TransformStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new TransformStream({ start() { throw new SyntaxError("s"); } }), SyntaxError);
  const ts = new TransformStream();
  assert(ts.readable instanceof ReadableStream);
  assert(ts.writable instanceof WritableStream);
  assertEquals(ts.readable, ts.readable);
  assertThrows(() => Object.getOwnPropertyDescriptor(TransformStream.prototype, "readable").get.call({}), TypeError);
});

test("the identity transform passes chunks through", async () => {
  const ts = new TransformStream();
  const writer = ts.writable.getWriter();
  writer.write("a");
  writer.write("b");
  writer.close();
  assertEquals(await readAll(ts.readable), ["a", "b"]);
});

test("transform and flush with this = the transformer", async () => {
  let self;
  const transformer = {
    transform(chunk, c) { self = this; c.enqueue(chunk * 2); c.enqueue(chunk * 2 + 1); },
    flush(c) { c.enqueue("end"); },
  };
  const ts = new TransformStream(transformer);
  const writer = ts.writable.getWriter();
  writer.write(1);
  writer.write(5);
  writer.close();
  assertEquals(await readAll(ts.readable), [2, 3, 10, 11, "end"]);
  assertEquals(self, transformer);
});

test("backpressure: writes wait until the readable side is read", async () => {
  let transforms = 0;
  const ts = new TransformStream({ transform(chunk, c) { transforms++; c.enqueue(chunk); } });
  const writer = ts.writable.getWriter();
  assertEquals(writer.desiredSize, 1);
  writer.write(1);
  writer.write(2);
  await flush();
  assertEquals(transforms, 0, "the readable side's high-water mark is 0: nothing is transformed before a read");
  const reader = ts.readable.getReader();
  assertEquals((await reader.read()).value, 1);
  await flush();
  assertEquals(transforms, 1);
  assertEquals((await reader.read()).value, 2);
  assertEquals(transforms, 2);
});

test("controller.desiredSize follows the readable strategy", async () => {
  let controller;
  new TransformStream({ start(c) { controller = c; } }, undefined, { highWaterMark: 3 });
  assertEquals(controller.desiredSize, 3);
  controller.enqueue("x");
  assertEquals(controller.desiredSize, 2);
});

test("terminate() closes the readable side and errors the writable side", async () => {
  const ts = new TransformStream({ transform(chunk, c) { c.enqueue(chunk); c.terminate(); } });
  const writer = ts.writable.getWriter();
  writer.write("only");
  assertEquals(await readAll(ts.readable), ["only"]);
  await assertRejects(writer.closed, TypeError);
  await assertRejects(writer.write("more"), TypeError);
});

test("error() errors both sides", async () => {
  let controller;
  const ts = new TransformStream({ start(c) { controller = c; } });
  controller.error(new RangeError("e"));
  await assertRejects(ts.readable.getReader().read(), RangeError, "e");
  await assertRejects(ts.writable.getWriter().closed, RangeError, "e");
  assertThrows(() => controller.enqueue("x"), TypeError);
});

test("a transform that throws errors both sides", async () => {
  const ts = new TransformStream({ transform() { return Promise.reject(new SyntaxError("t")); } });
  const writer = ts.writable.getWriter();
  const reader = ts.readable.getReader();
  const read = reader.read(); // the write waits for a read (backpressure)
  await assertRejects(writer.write("x"), SyntaxError, "t");
  await assertRejects(read, SyntaxError, "t");
});

test("a flush that throws errors the readable side and rejects close", async () => {
  const ts = new TransformStream({ flush() { throw new Error("f"); } });
  const writer = ts.writable.getWriter();
  await assertRejects(writer.close(), Error, "f");
  await assertRejects(ts.readable.getReader().closed, Error, "f");
});

test("cancelling the readable side runs cancel and errors the writable side", async () => {
  let cancelReason;
  const ts = new TransformStream({ cancel(reason) { cancelReason = reason; } });
  await ts.readable.cancel("r");
  assertEquals(cancelReason, "r");
  const writer = ts.writable.getWriter();
  const error = await assertRejects(writer.closed, undefined);
  assertEquals(error, "r");
});

test("aborting the writable side runs cancel and errors the readable side", async () => {
  let cancelReason;
  const ts = new TransformStream({ cancel(reason) { cancelReason = reason; } });
  await ts.writable.abort("a");
  assertEquals(cancelReason, "a");
  const error = await assertRejects(ts.readable.getReader().closed, undefined);
  assertEquals(error, "a");
});

test("start can be asynchronous; writes wait for it", async () => {
  let resolveStart;
  const seen = [];
  const ts = new TransformStream({
    start() { return new Promise((resolve) => { resolveStart = resolve; }); },
    transform(chunk, c) { seen.push(chunk); c.enqueue(chunk); },
  });
  const writer = ts.writable.getWriter();
  writer.write(1);
  const reader = ts.readable.getReader();
  const read = reader.read();
  await flush();
  assertEquals(seen, []);
  resolveStart();
  assertEquals((await read).value, 1);
});

test("strategies: size functions on both sides", async () => {
  const ts = new TransformStream({}, { highWaterMark: 6, size: (c) => c.length }, { highWaterMark: 10, size: (c) => c.length });
  const writer = ts.writable.getWriter();
  assertEquals(writer.desiredSize, 6);
  await writer.write("abcd");
  await flush();
  assertEquals(writer.desiredSize, 6);
});
