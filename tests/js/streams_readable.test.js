// Tests for ReadableStream with a default controller, its default reader, tee, async iteration
// and ReadableStream.from (isolates/runtime/js/14_streams_readable.js).
// Spec: https://streams.spec.whatwg.org/#rs

// Lets every pending reaction run (the harness has no timers: settle through microtasks).
async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

test("interfaces are installed like Web IDL interfaces", () => {
  const names = ["ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader",
    "ReadableStreamDefaultController", "ReadableByteStreamController", "ReadableStreamBYOBRequest",
    "ByteLengthQueuingStrategy", "CountQueuingStrategy"];
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals([descriptor.enumerable, descriptor.writable, descriptor.configurable], [false, true, true], name);
    assertEquals(descriptor.value.name, name);
    assertEquals(Object.prototype.toString.call(descriptor.value.prototype), `[object ${name}]`);
  }
  assertEquals(ReadableStream.length, 0);
  assertEquals(ReadableStreamDefaultReader.length, 1);
  assertEquals(ReadableStream.prototype.getReader.length, 0);
  assertEquals(ReadableStream.prototype.pipeTo.length, 1);
  assertEquals(ReadableStream.prototype.pipeThrough.length, 1);
  assertEquals(ReadableStream.prototype.cancel.length, 0);
  assertEquals(ReadableStream.from.length, 1);
  assertEquals(ReadableStream.prototype[Symbol.asyncIterator], ReadableStream.prototype.values);
  assertEquals(Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked").enumerable, true);
  assertThrows(() => new ReadableStreamDefaultController(), TypeError, "Illegal constructor");
  assertThrows(() => new ReadableByteStreamController(), TypeError, "Illegal constructor");
  assertThrows(() => new ReadableStreamBYOBRequest(), TypeError, "Illegal constructor");
  assertThrows(() => ReadableStream(), TypeError);
});

test("constructor argument errors", () => {
  assertThrows(() => new ReadableStream(null), TypeError);
  assertThrows(() => new ReadableStream(1), TypeError);
  assertThrows(() => new ReadableStream({ start: 1 }), TypeError, "start");
  assertThrows(() => new ReadableStream({ pull: "x" }), TypeError, "pull");
  assertThrows(() => new ReadableStream({ cancel: {} }), TypeError, "cancel");
  assertThrows(() => new ReadableStream({ type: "nope" }), TypeError, "ReadableStreamType");
  assertThrows(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new ReadableStream({}, { highWaterMark: NaN }), RangeError);
  assertThrows(() => new ReadableStream({}, { size: 1 }), TypeError);
  assertThrows(() => new ReadableStream({ type: "bytes" }, { size() { return 1; } }), RangeError);
  assertThrows(() => new ReadableStream({ start() { throw new SyntaxError("boom"); } }), SyntaxError, "boom");
  new ReadableStream(undefined);
  new ReadableStream({}, { highWaterMark: Infinity });
});

test("dictionary members are read in lexicographic order, the strategy first", () => {
  const order = [];
  const source = {};
  for (const name of ["type", "start", "pull", "cancel", "autoAllocateChunkSize"]) {
    Object.defineProperty(source, name, { get() { order.push(name); return undefined; } });
  }
  const strategy = {};
  for (const name of ["size", "highWaterMark"]) {
    Object.defineProperty(strategy, name, { get() { order.push(name); return undefined; } });
  }
  new ReadableStream(source, strategy);
  assertEquals(order, ["highWaterMark", "size", "autoAllocateChunkSize", "cancel", "pull", "start", "type"]);
});

test("start gets the controller with this = the source; enqueue then read", async () => {
  let controller;
  let self;
  const source = {
    start(c) {
      controller = c;
      self = this;
      c.enqueue("a");
      c.enqueue("b");
      c.close();
    },
  };
  const stream = new ReadableStream(source);
  assertEquals(self, source);
  assert(controller instanceof ReadableStreamDefaultController);
  assertEquals(Object.prototype.toString.call(controller), "[object ReadableStreamDefaultController]");
  assertEquals(await readAll(stream), ["a", "b"]);
});

test("read results are ordinary objects; done after close", async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } });
  const reader = stream.getReader();
  const first = await reader.read();
  assertEquals(Object.getPrototypeOf(first), Object.prototype);
  assertEquals(Object.keys(first), ["value", "done"]);
  assertEquals(first.value, 1);
  assertEquals(first.done, false);
  const second = await reader.read();
  assertEquals([second.value, second.done], [undefined, true]);
  await reader.closed;
  const third = await reader.read();
  assertEquals(third.done, true);
});

test("desiredSize follows the high-water mark and the size function", async () => {
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; } }, { highWaterMark: 10, size: (chunk) => chunk.length });
  assertEquals(controller.desiredSize, 10);
  controller.enqueue("abcd");
  assertEquals(controller.desiredSize, 6);
  controller.enqueue("abcdefgh");
  assertEquals(controller.desiredSize, -2);
  const reader = stream.getReader();
  await reader.read();
  assertEquals(controller.desiredSize, 2);
  controller.close();
  assertEquals(controller.desiredSize, 2, "closeRequested keeps the queue");
  await reader.read();
  assertEquals(controller.desiredSize, 0);
  const errored = new ReadableStream({ start(c) { c.error(new Error("x")); controller = c; } });
  assertEquals(controller.desiredSize, null);
  await assertRejects(errored.getReader().closed, Error, "x");
});

test("a size function that throws or returns a bad size errors the stream", async () => {
  let controller;
  const error = new Error("size");
  const stream = new ReadableStream({ start(c) { controller = c; } }, { size() { throw error; } });
  assertThrows(() => controller.enqueue("x"), Error, "size");
  await assertRejects(stream.getReader().read(), Error, "size");
  for (const bad of [-1, NaN, Infinity]) {
    const s = new ReadableStream({ start(c) { controller = c; } }, { size: () => bad });
    assertThrows(() => controller.enqueue("x"), RangeError);
    await assertRejects(s.getReader().closed, RangeError);
  }
});

test("pull is called up to the high-water mark, then on demand (backpressure)", async () => {
  let pulls = 0;
  let controller;
  const stream = new ReadableStream({
    start(c) { controller = c; },
    pull(c) {
      pulls++;
      c.enqueue(pulls);
    },
  }, { highWaterMark: 3 });
  await flush();
  assertEquals(pulls, 3, "fills to the high-water mark");
  assertEquals(controller.desiredSize, 0);
  const reader = stream.getReader();
  assertEquals((await reader.read()).value, 1);
  await flush();
  assertEquals(pulls, 4);
});

test("pull is not called again while its promise is pending", async () => {
  let pulls = 0;
  let resolvePull;
  const stream = new ReadableStream({
    pull(c) {
      pulls++;
      return new Promise((resolve) => { resolvePull = () => { c.enqueue(pulls); resolve(); }; });
    },
  }, { highWaterMark: 0 });
  const reader = stream.getReader();
  const first = reader.read();
  const second = reader.read();
  await flush();
  assertEquals(pulls, 1);
  resolvePull();
  assertEquals((await first).value, 1);
  await flush();
  assertEquals(pulls, 2);
  resolvePull();
  assertEquals((await second).value, 2);
});

test("a rejected pull errors the stream", async () => {
  const stream = new ReadableStream({ pull() { return Promise.reject(new RangeError("pull")); } });
  await assertRejects(stream.getReader().read(), RangeError, "pull");
  const throwing = new ReadableStream({ pull() { throw new SyntaxError("sync"); } });
  await assertRejects(throwing.getReader().closed, SyntaxError, "sync");
});

test("a rejected start errors the stream and pull never runs", async () => {
  let pulled = false;
  const stream = new ReadableStream({ start() { return Promise.reject(new Error("start")); }, pull() { pulled = true; } });
  await assertRejects(stream.getReader().read(), Error, "start");
  assertEquals(pulled, false);
});

test("enqueue/close after close or error throw a TypeError", async () => {
  let controller;
  new ReadableStream({ start(c) { controller = c; } });
  controller.close();
  assertThrows(() => controller.enqueue("x"), TypeError);
  assertThrows(() => controller.close(), TypeError);
  controller.error(new Error("ignored"));
  new ReadableStream({ start(c) { controller = c; } });
  controller.error(new Error("e"));
  assertThrows(() => controller.enqueue("x"), TypeError);
  assertThrows(() => controller.close(), TypeError);
});

test("locking: getReader twice, releaseLock, closed rejects after release", async () => {
  const stream = new ReadableStream();
  assertEquals(stream.locked, false);
  const reader = stream.getReader();
  assertEquals(stream.locked, true);
  assertThrows(() => stream.getReader(), TypeError, "locked");
  assertThrows(() => new ReadableStreamDefaultReader(stream), TypeError, "locked");
  const pending = reader.read();
  reader.releaseLock();
  await assertRejects(pending, TypeError);
  await assertRejects(reader.closed, TypeError);
  await assertRejects(reader.read(), TypeError, "released");
  await assertRejects(reader.cancel(), TypeError, "released");
  reader.releaseLock(); // a no-op the second time
  assertEquals(stream.locked, false);
  const again = new ReadableStreamDefaultReader(stream);
  assertEquals(stream.locked, true);
  again.releaseLock();
  assertThrows(() => new ReadableStreamDefaultReader({}), TypeError);
  assertThrows(() => stream.getReader({ mode: "nope" }), TypeError);
  assertThrows(() => stream.getReader({ mode: "byob" }), TypeError, "byte stream");
});

test("cancel: the source's cancel gets the reason; reads finish as done", async () => {
  let reason;
  let self;
  const source = { cancel(r) { reason = r; self = this; return "ignored"; } };
  const stream = new ReadableStream(source);
  const reader = stream.getReader();
  const pending = reader.read();
  const result = await reader.cancel("why");
  assertEquals(result, undefined);
  assertEquals(reason, "why");
  assertEquals(self, source);
  assertEquals((await pending).done, true);
  await reader.closed;
  await assertRejects(new ReadableStream().getReader() && stream.cancel(), TypeError, "locked");
  const rejecting = new ReadableStream({ cancel() { throw new Error("no"); } });
  await assertRejects(rejecting.cancel(), Error, "no");
  const errored = new ReadableStream({ start(c) { c.error(new RangeError("err")); } });
  await assertRejects(errored.cancel(), RangeError, "err");
  const closed = new ReadableStream({ start(c) { c.close(); } });
  assertEquals(await closed.cancel(), undefined);
});

test("cancel empties the queue", async () => {
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; c.enqueue(1); c.enqueue(2); } });
  await stream.cancel();
  assertEquals(controller.desiredSize, 0);
  const { done } = await stream.getReader().read();
  assertEquals(done, true);
});

test("brand checks: methods and getters on the wrong object", async () => {
  assertThrows(() => ReadableStream.prototype.getReader.call({}), TypeError, "Illegal invocation");
  assertThrows(() => Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked").get.call({}), TypeError);
  await assertRejects(ReadableStream.prototype.cancel.call({}), TypeError);
  await assertRejects(ReadableStreamDefaultReader.prototype.read.call({}), TypeError);
  await assertRejects(Object.getOwnPropertyDescriptor(ReadableStreamDefaultReader.prototype, "closed").get.call({}), TypeError);
  assertThrows(() => ReadableStreamDefaultController.prototype.enqueue.call({}), TypeError);
});

test("tee: both branches get every chunk, in order", async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
  const [a, b] = stream.tee();
  assert(a instanceof ReadableStream && b instanceof ReadableStream);
  assertEquals(stream.locked, true);
  const [left, right] = await Promise.all([readAll(a), readAll(b)]);
  assertEquals(left, ["a", "b"]);
  assertEquals(right, ["a", "b"]);
});

test("tee: cancelling one branch keeps the other flowing; both cancelled cancels the source with both reasons", async () => {
  let cancelReason;
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; }, cancel(r) { cancelReason = r; } });
  const [a, b] = stream.tee();
  const aCancel = a.cancel("one");
  controller.enqueue(1);
  const readerB = b.getReader();
  assertEquals((await readerB.read()).value, 1);
  assertEquals(cancelReason, undefined);
  readerB.releaseLock();
  const bCancel = b.cancel("two");
  await Promise.all([aCancel, bCancel]);
  assertEquals(cancelReason, ["one", "two"]);
});

test("tee: an error reaches both branches", async () => {
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; } });
  const [a, b] = stream.tee();
  controller.error(new TypeError("bad"));
  await assertRejects(a.getReader().closed, TypeError, "bad");
  await assertRejects(b.getReader().closed, TypeError, "bad");
});

test("async iteration reads every chunk and releases the lock at the end", async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.enqueue(3); c.close(); } });
  const seen = [];
  for await (const chunk of stream) seen.push(chunk);
  assertEquals(seen, [1, 2, 3]);
  assertEquals(stream.locked, false);
  const iterator = stream.values();
  assertEquals(Object.prototype.toString.call(iterator), "[object ReadableStream AsyncIterator]");
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)), AsyncIteratorPrototype);
  assertEquals((await iterator.next()).done, true);
});

test("breaking out of for await cancels the stream, unless preventCancel", async () => {
  let cancelled = 0;
  const make = () => new ReadableStream({
    pull(c) { c.enqueue("x"); },
    cancel() { cancelled++; },
  });
  const stream = make();
  for await (const chunk of stream) {
    assertEquals(chunk, "x");
    break;
  }
  assertEquals(cancelled, 1);
  assertEquals(stream.locked, false);
  assertEquals((await stream.getReader().read()).done, true);

  const kept = make();
  for await (const chunk of kept.values({ preventCancel: true })) {
    assertEquals(chunk, "x");
    break;
  }
  assertEquals(cancelled, 1);
  assertEquals(kept.locked, false);
  assertEquals((await kept.getReader().read()).value, "x");
});

test("async iterator: return() then next(); errors reject next()", async () => {
  const stream = new ReadableStream({ pull(c) { c.enqueue(1); } });
  const iterator = stream[Symbol.asyncIterator]();
  assertEquals((await iterator.next()).value, 1);
  const returned = await iterator.return("value");
  assertEquals([returned.value, returned.done], ["value", true]);
  assertEquals((await iterator.next()).done, true);
  const failing = new ReadableStream({ start(c) { c.error(new RangeError("it")); } });
  const failingIterator = failing.values();
  await assertRejects(failingIterator.next(), RangeError, "it");
  assertEquals((await failingIterator.next()).done, true);
});

test("async iterator: next() calls queue behind each other", async () => {
  let n = 0;
  const stream = new ReadableStream({ pull(c) { c.enqueue(++n); if (n === 3) c.close(); } }, { highWaterMark: 0 });
  const iterator = stream.values();
  const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
  assertEquals(results.map((r) => r.value), [1, 2, 3, undefined]);
  assertEquals(results.map((r) => r.done), [false, false, false, true]);
});

test("ReadableStream.from: arrays, generators, async generators, strings", async () => {
  assertEquals(await readAll(ReadableStream.from([1, 2, 3])), [1, 2, 3]);
  assertEquals(await readAll(ReadableStream.from("ab")), ["a", "b"]);
  function* gen() { yield "x"; yield "y"; }
  assertEquals(await readAll(ReadableStream.from(gen())), ["x", "y"]);
  async function* agen() { yield 1; await null; yield 2; }
  assertEquals(await readAll(ReadableStream.from(agen())), [1, 2]);
  // Promises yielded by a sync iterator are awaited (CreateAsyncFromSyncIterator).
  assertEquals(await readAll(ReadableStream.from([Promise.resolve("p"), "q"])), ["p", "q"]);
  const stream = ReadableStream.from([1]);
  assert(stream instanceof ReadableStream);
});

test("ReadableStream.from: bad arguments and iterator errors", async () => {
  assertThrows(() => ReadableStream.from(1), TypeError);
  assertThrows(() => ReadableStream.from(null), TypeError);
  assertThrows(() => ReadableStream.from({}), TypeError);
  assertThrows(() => ReadableStream.from({ [Symbol.asyncIterator]: 1 }), TypeError);
  assertThrows(() => ReadableStream.from({ [Symbol.asyncIterator]() { return 1; } }), TypeError);
  const badResult = ReadableStream.from({ [Symbol.asyncIterator]() { return { next() { return 1; } }; } });
  await assertRejects(badResult.getReader().read(), TypeError);
  const throwing = ReadableStream.from({ [Symbol.iterator]() { return { next() { throw new RangeError("n"); } }; } });
  await assertRejects(throwing.getReader().read(), RangeError, "n");
});

test("ReadableStream.from: cancel calls the iterator's return with the reason", async () => {
  let returned;
  const iterable = {
    [Symbol.asyncIterator]() {
      return {
        next() { return Promise.resolve({ value: "v", done: false }); },
        return(reason) { returned = reason; return Promise.resolve({ done: true }); },
      };
    },
  };
  const stream = ReadableStream.from(iterable);
  const reader = stream.getReader();
  assertEquals((await reader.read()).value, "v");
  await reader.cancel("stop");
  assertEquals(returned, "stop");
  const badReturn = ReadableStream.from({
    [Symbol.asyncIterator]() { return { next() { return { done: false, value: 1 }; }, return() { return 5; } }; },
  });
  await assertRejects(badReturn.cancel(), TypeError);
  function* gen() { try { yield 1; yield 2; } finally { returned = "finally"; } }
  const fromGen = ReadableStream.from(gen());
  const genReader = fromGen.getReader();
  await genReader.read();
  await genReader.cancel();
  assertEquals(returned, "finally");
});

test("queuing strategies", () => {
  const count = new CountQueuingStrategy({ highWaterMark: 4 });
  assertEquals(count.highWaterMark, 4);
  assertEquals(count.size(), 1);
  assertEquals(count.size.name, "size");
  assertEquals(new CountQueuingStrategy({ highWaterMark: 1 }).size, count.size, "the same function every time");
  const bytes = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
  assertEquals(bytes.highWaterMark, 16);
  assertEquals(bytes.size(new Uint8Array(5)), 5);
  assertEquals(bytes.size({ byteLength: 7 }), 7);
  assertThrows(() => new CountQueuingStrategy(), TypeError);
  assertThrows(() => new CountQueuingStrategy({}), TypeError, "highWaterMark");
  assertThrows(() => new ByteLengthQueuingStrategy(1), TypeError);
  assertEquals(new CountQueuingStrategy({ highWaterMark: "3" }).highWaterMark, 3);
  assertEquals(new CountQueuingStrategy({ highWaterMark: -1 }).highWaterMark, -1, "validated by the stream, not here");
  assertThrows(() => new ReadableStream({}, new CountQueuingStrategy({ highWaterMark: -1 })), RangeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(CountQueuingStrategy.prototype, "highWaterMark").get.call({}), TypeError);
  assertEquals(Object.prototype.toString.call(count), "[object CountQueuingStrategy]");
});

test("a ByteLengthQueuingStrategy drives desiredSize in bytes", async () => {
  let controller;
  new ReadableStream({ start(c) { controller = c; } }, new ByteLengthQueuingStrategy({ highWaterMark: 8 }));
  controller.enqueue(new Uint8Array(3));
  assertEquals(controller.desiredSize, 5);
});

test("monkey-patched Promise.prototype.then, species and Array.prototype do not break streams", async () => {
  const realThen = Promise.prototype.then;
  const realPush = Array.prototype.push;
  const realIterator = Array.prototype[Symbol.iterator];
  const species = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
  let calls = 0;
  const poisoned = function () { calls++; throw new Error("patched"); };
  let out = "";
  Promise.prototype.then = poisoned;
  Array.prototype.push = poisoned;
  Array.prototype[Symbol.iterator] = poisoned;
  Object.defineProperty(Promise, Symbol.species, { get: poisoned, configurable: true });
  try {
    // Only syntax and stream APIs while patched (await does not call `then` on native promises).
    const stream = new ReadableStream({
      start(c) { c.enqueue("a"); },
      pull(c) { c.enqueue("b"); c.close(); },
      cancel() {},
    });
    const branches = stream.tee();
    const reader = branches[0].getReader();
    for (;;) {
      const result = await reader.read();
      if (result.done) break;
      out += result.value;
    }
    for await (const chunk of branches[1]) out += chunk;
    // (from() of an array would use the patched Array.prototype[Symbol.iterator], as it should)
    function* letters() { yield "x"; yield "y"; }
    for await (const chunk of ReadableStream.from(letters())) out += chunk;
    const cancelled = new ReadableStream({ pull(c) { c.enqueue(1); } });
    for await (const chunk of cancelled) { out += chunk; break; }
    await cancelled.cancel();
  } finally {
    Promise.prototype.then = realThen;
    Array.prototype.push = realPush;
    Array.prototype[Symbol.iterator] = realIterator;
    Object.defineProperty(Promise, Symbol.species, species);
  }
  assertEquals(calls, 0);
  assertEquals(out, "ababxy1");
});

test("console.log shows whether a stream is locked", () => {
  const stream = new ReadableStream();
  const logs = captureLogs(() => {
    console.log(stream);
    stream.getReader();
    console.log(stream);
    console.log(new WritableStream());
  });
  assertEquals(logs.map((entry) => entry[1]), [
    "ReadableStream { locked: false }", "ReadableStream { locked: true }", "WritableStream { locked: false }",
  ]);
});

test("views on a SharedArrayBuffer are not byte stream chunks", async () => {
  if (typeof SharedArrayBuffer !== "function") return;
  let controller;
  const stream = new ReadableStream({ type: "bytes", start(c) { controller = c; } });
  assertThrows(() => controller.enqueue(new Uint8Array(new SharedArrayBuffer(2))), TypeError);
  const reader = stream.getReader({ mode: "byob" });
  await assertRejects(reader.read(new Uint8Array(new SharedArrayBuffer(2))), TypeError);
});

test("read results and iterator results are looked up for `then` once, when they resolve", async () => {
  let lookups = 0;
  Object.defineProperty(Object.prototype, "then", {
    get() { lookups++; return undefined; },
    configurable: true,
  });
  let readLookups;
  let iteratorLookups;
  try {
    const reader = new ReadableStream({ start(c) { c.enqueue(1); } }).getReader();
    await reader.read();
    readLookups = lookups;
    lookups = 0;
    const iterator = new ReadableStream({ start(c) { c.enqueue(1); } }).values();
    await iterator.next();
    iteratorLookups = lookups;
  } finally {
    delete Object.prototype.then;
  }
  assertEquals(readLookups, 1);
  assertEquals(iteratorLookups, 1);
});

test("ReadableStream.from(sync iterable): a rejected promise value errors the stream and closes the iterator", async () => {
  let closed = false;
  const iterable = {
    [Symbol.iterator]() {
      return {
        next() { return { value: Promise.reject(new RangeError("value")), done: false }; },
        return() { closed = true; return { done: true }; },
      };
    },
  };
  const stream = ReadableStream.from(iterable);
  await assertRejects(stream.getReader().read(), RangeError, "value");
  assertEquals(closed, true);
});
