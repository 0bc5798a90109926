// Tests for internals.streams, the contract the host and the other runtime files use to make and
// drive streams without going through user-patchable methods
// (isolates/runtime/js/14_streams_readable.js, _transform.js, _writable.js).

const streams = globalThis.__internals?.streams;

async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

test("the contract is there", () => {
  assert(streams !== undefined, "the harness exposes __internals");
  for (const name of ["createReadableStream", "createReadableByteStream", "acquireReader", "readerRead",
    "readerReleaseLock", "cancelStream", "isReadableStream", "isLocked", "isDisturbed", "isErrored",
    "readAllBytes", "tee", "createTransformStream", "isWritableStream", "readableStreamFromBytes",
    "controllerEnqueue", "controllerClose", "controllerError", "controllerDesiredSize"]) {
    assertEquals(typeof streams[name], "function", name);
  }
});

test("createReadableStream: pull gets the handle; readerRead gives null-prototype results", async () => {
  let n = 0;
  const stream = streams.createReadableStream({
    pull(c) {
      n++;
      if (n <= 2) streams.controllerEnqueue(c, `chunk${n}`);
      else streams.controllerClose(c);
    },
  }, 0);
  assert(stream instanceof ReadableStream);
  assert(streams.isReadableStream(stream));
  assert(!streams.isReadableStream({}));
  const reader = streams.acquireReader(stream);
  assert(streams.isLocked(stream));
  const first = await streams.readerRead(reader);
  assertEquals(Object.getPrototypeOf(first), null);
  assertEquals([first.value, first.done], ["chunk1", false]);
  assert(streams.isDisturbed(stream));
  assertEquals((await streams.readerRead(reader)).value, "chunk2");
  assertEquals((await streams.readerRead(reader)).done, true);
  streams.readerReleaseLock(reader);
  assert(!streams.isLocked(stream));
  await assertRejects(streams.readerRead(reader), TypeError);
});

test("createReadableStream: start, desiredSize, error, cancel", async () => {
  let handle;
  let cancelled;
  const stream = streams.createReadableStream({
    start(c) { handle = c; },
    cancel(reason) { cancelled = reason; },
  }, 2);
  assertEquals(streams.controllerDesiredSize(handle), 2);
  streams.controllerEnqueue(handle, 1);
  assertEquals(streams.controllerDesiredSize(handle), 1);
  await streams.cancelStream(stream, "r");
  assertEquals(cancelled, "r");
  assertThrows(() => streams.controllerEnqueue(handle, 2), TypeError);
  const errored = streams.createReadableStream({ start(c) { streams.controllerError(c, new RangeError("x")); } });
  assert(streams.isErrored(errored));
  assertEquals(streams.storedError(errored).message, "x");
  await assertRejects(streams.readAllBytes(errored), RangeError);
});

test("createReadableByteStream: BYOB view, respond, enqueue, close", async () => {
  let step = 0;
  const stream = streams.createReadableByteStream({
    pull(c) {
      step++;
      const view = streams.controllerByobView(c);
      if (step === 1) {
        assert(view !== null, "a BYOB read is pending");
        view[0] = 1;
        view[1] = 2;
        streams.controllerRespond(c, 2);
      } else if (step === 2) {
        streams.controllerEnqueue(c, new Uint8Array([3]));
      } else {
        streams.controllerClose(c);
      }
    },
  });
  const byob = stream.getReader({ mode: "byob" });
  const first = await byob.read(new Uint8Array(4));
  assertEquals(Array.from(first.value), [1, 2]);
  byob.releaseLock();
  const reader = streams.acquireReader(stream);
  assertEquals(Array.from((await streams.readerRead(reader)).value), [3]);
  assertEquals((await streams.readerRead(reader)).done, true);
});

test("controllerClose answers a pending BYOB read as done", async () => {
  let handle;
  const stream = streams.createReadableByteStream({ start(c) { handle = c; } });
  const byob = stream.getReader({ mode: "byob" });
  const read = byob.read(new Uint8Array(4));
  await flush();
  streams.controllerClose(handle);
  const result = await read;
  assertEquals(result.done, true);
});

test("readAllBytes concatenates Uint8Array chunks and rejects other chunks", async () => {
  const stream = streams.createReadableStream({
    start(c) {
      streams.controllerEnqueue(c, new Uint8Array([1, 2]));
      streams.controllerEnqueue(c, new Uint8Array([3]));
      streams.controllerClose(c);
    },
  });
  const bytes = await streams.readAllBytes(stream);
  assert(bytes instanceof Uint8Array);
  assertEquals(Array.from(bytes), [1, 2, 3]);
  assert(streams.isLocked(stream), "fully read streams stay locked");
  let cancelled = false;
  const bad = new ReadableStream({ start(c) { c.enqueue("text"); }, cancel() { cancelled = true; } });
  await assertRejects(streams.readAllBytes(bad), TypeError, "Uint8Array");
  assert(cancelled, "the stream is cancelled");
  const locked = new ReadableStream();
  locked.getReader();
  assertThrows(() => streams.readAllBytes(locked), TypeError);
});

test("readableStreamFromBytes yields the bytes then closes; tee", async () => {
  const stream = streams.readableStreamFromBytes(new Uint8Array([5, 6, 7]));
  const [a, b] = streams.tee(stream);
  assertEquals(Array.from(await streams.readAllBytes(a)), [5, 6, 7]);
  assertEquals(Array.from(await streams.readAllBytes(b)), [5, 6, 7]);
  const empty = streams.readableStreamFromBytes(new Uint8Array(0));
  assertEquals((await streams.readAllBytes(empty)).byteLength, 0);
  const byob = streams.readableStreamFromBytes(new Uint8Array([1, 2, 3])).getReader({ mode: "byob" });
  const part = await byob.read(new Uint8Array(2));
  assertEquals(Array.from(part.value), [1, 2]);
  const rest = await byob.read(new Uint8Array(2));
  assertEquals(Array.from(rest.value), [3]);
  assertEquals((await byob.read(new Uint8Array(2))).done, true);
});

test("createTransformStream: transform/flush get the handle", async () => {
  const ts = streams.createTransformStream({
    transform(chunk, c) { streams.transformEnqueue(c, chunk + 1); },
    flush(c) { streams.transformEnqueue(c, 100); },
  });
  assert(ts instanceof TransformStream);
  assert(streams.isTransformStream(ts));
  const writer = ts.writable.getWriter();
  writer.write(1);
  writer.write(2);
  writer.close();
  const out = [];
  for await (const chunk of ts.readable) out.push(chunk);
  assertEquals(out, [2, 3, 100]);
});

test("createTransformStream: an error in transform errors both sides", async () => {
  const ts = streams.createTransformStream({ transform() { throw new TypeError("corrupt"); } });
  const writer = streams.acquireWriter(ts.writable);
  const reader = streams.acquireReader(ts.readable);
  const read = streams.readerRead(reader);
  await assertRejects(streams.writerWrite(writer, 1), TypeError, "corrupt");
  await assertRejects(read, TypeError, "corrupt");
});

test("createWritableStream and the writer helpers", async () => {
  const written = [];
  const ws = streams.createWritableStream({ write(chunk) { written.push(chunk); } });
  assert(streams.isWritableStream(ws));
  assert(!streams.isWritableStream(new ReadableStream()));
  const writer = streams.acquireWriter(ws);
  await streams.writerReady(writer);
  assertEquals(streams.writerDesiredSize(writer), 1);
  await streams.writerWrite(writer, "a");
  await streams.writerClose(writer);
  await streams.writerClosed(writer);
  assertEquals(written, ["a"]);
  streams.writerReleaseLock(writer);
  assertEquals(streams.writerDesiredSize(writer), null);
});

test("the contract works while Promise.prototype.then and ReadableStream.prototype are patched", async () => {
  const realThen = Promise.prototype.then;
  const realGetReader = ReadableStream.prototype.getReader;
  const realRead = ReadableStreamDefaultReader.prototype.read;
  let calls = 0;
  const poisoned = function () { calls++; throw new Error("patched"); };
  let bytes;
  Promise.prototype.then = poisoned;
  ReadableStream.prototype.getReader = poisoned;
  ReadableStreamDefaultReader.prototype.read = poisoned;
  try {
    const stream = streams.readableStreamFromBytes(new Uint8Array([1, 2]));
    const branches = streams.tee(stream);
    bytes = await streams.readAllBytes(branches[0]);
    await streams.cancelStream(branches[1], "done");
  } finally {
    Promise.prototype.then = realThen;
    ReadableStream.prototype.getReader = realGetReader;
    ReadableStreamDefaultReader.prototype.read = realRead;
  }
  assertEquals(calls, 0);
  assertEquals(Array.from(bytes), [1, 2]);
});

test("controllerEnqueue gives a byte chunk away without detaching it; enqueue() by user code detaches", async () => {
  let handle;
  const stream = streams.createReadableByteStream({ start(c) { handle = c; } });
  const chunk = new Uint8Array([1, 2, 3]);
  streams.controllerEnqueue(handle, chunk);
  assertEquals(chunk.byteLength, 3, "not detached");
  const reader = streams.acquireReader(stream);
  const { value } = await streams.readerRead(reader);
  assertEquals(Array.from(value), [1, 2, 3]);
  let controller;
  new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  const user = new Uint8Array([4]);
  controller.enqueue(user);
  assertEquals(user.byteLength, 0, "detached");
});
