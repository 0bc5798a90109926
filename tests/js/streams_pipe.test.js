// Tests for ReadableStream.prototype.pipeTo and pipeThrough: close, error and abort propagation in
// both directions, the prevent* options, AbortSignal, backpressure
// (isolates/runtime/js/14_streams_writable.js). Spec: https://streams.spec.whatwg.org/#readable-stream-pipe-to

async function flush(rounds = 30) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

function recordingSink(options = {}) {
  const events = [];
  const sink = {
    events,
    write(chunk) { events.push(["write", chunk]); return options.write?.(chunk); },
    close() { events.push(["close"]); return options.close?.(); },
    abort(reason) { events.push(["abort", reason]); return options.abort?.(reason); },
  };
  return sink;
}

function source(chunks, { close = true, error = undefined, cancel = undefined } = {}) {
  const events = [];
  const stream = new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      if (error !== undefined) c.error(error);
      else if (close) c.close();
    },
    cancel(reason) { events.push(["cancel", reason]); return cancel?.(reason); },
  });
  return { stream, events };
}

test("pipeTo copies every chunk then closes the destination", async () => {
  const { stream } = source(["a", "b", "c"]);
  const sink = recordingSink();
  const dest = new WritableStream(sink);
  const result = await stream.pipeTo(dest);
  assertEquals(result, undefined);
  assertEquals(sink.events, [["write", "a"], ["write", "b"], ["write", "c"], ["close"]]);
  assertEquals(stream.locked, false);
  assertEquals(dest.locked, false);
});

test("preventClose leaves the destination open", async () => {
  const { stream } = source(["a"]);
  const sink = recordingSink();
  const dest = new WritableStream(sink);
  await stream.pipeTo(dest, { preventClose: true });
  assertEquals(sink.events, [["write", "a"]]);
  const writer = dest.getWriter();
  await writer.write("after");
  assertEquals(sink.events[1], ["write", "after"]);
});

test("a source error aborts the destination (forward), unless preventAbort", async () => {
  const error = new RangeError("source");
  const { stream } = source(["a"], { error });
  const sink = recordingSink();
  await assertRejects(stream.pipeTo(new WritableStream(sink)), RangeError, "source");
  assertEquals(sink.events[sink.events.length - 1], ["abort", error]);

  const second = source([], { error });
  const sink2 = recordingSink();
  const dest2 = new WritableStream(sink2);
  await assertRejects(second.stream.pipeTo(dest2, { preventAbort: true }), RangeError, "source");
  assertEquals(sink2.events, []);
  await dest2.getWriter().write("still open");
});

test("a source that errors later aborts the destination", async () => {
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; } });
  const sink = recordingSink();
  const piping = stream.pipeTo(new WritableStream(sink));
  controller.enqueue(1);
  await flush();
  controller.error(new Error("late"));
  await assertRejects(piping, Error, "late");
  assertEquals(sink.events.map((e) => e[0]), ["write", "abort"]);
});

test("a destination error cancels the source (backward), unless preventCancel", async () => {
  const error = new SyntaxError("dest");
  const first = source(["a", "b"], { close: false });
  const dest = new WritableStream({ write() { throw error; } });
  await assertRejects(first.stream.pipeTo(dest), SyntaxError, "dest");
  assertEquals(first.events, [["cancel", error]]);

  const second = source(["a"], { close: false });
  const dest2 = new WritableStream({ write() { throw error; } });
  await assertRejects(second.stream.pipeTo(dest2, { preventCancel: true }), SyntaxError, "dest");
  assertEquals(second.events, []);
  assertEquals(second.stream.locked, false);
});

test("an already errored destination cancels the source before reading", async () => {
  const error = new Error("errored");
  const dest = new WritableStream({ start(c) { c.error(error); } });
  await flush();
  const { stream, events } = source(["x"], { close: false });
  await assertRejects(stream.pipeTo(dest), Error, "errored");
  assertEquals(events, [["cancel", error]]);
});

test("a closed destination cancels the source with a TypeError", async () => {
  const dest = new WritableStream();
  await dest.close();
  const { stream, events } = source(["x"], { close: false });
  await assertRejects(stream.pipeTo(dest), TypeError);
  assertEquals(events.length, 1);
  assert(events[0][1] instanceof TypeError);
  const kept = source(["x"], { close: false });
  const dest2 = new WritableStream();
  await dest2.close();
  await assertRejects(kept.stream.pipeTo(dest2, { preventCancel: true }), TypeError);
  assertEquals(kept.events, []);
});

test("an already closed source closes the destination", async () => {
  const stream = new ReadableStream({ start(c) { c.close(); } });
  const sink = recordingSink();
  await stream.pipeTo(new WritableStream(sink));
  assertEquals(sink.events, [["close"]]);
});

test("a failing close of the destination rejects the pipe", async () => {
  const { stream } = source(["a"]);
  await assertRejects(stream.pipeTo(new WritableStream({ close() { throw new RangeError("close"); } })), RangeError, "close");
});

test("signal: aborting during the pipe aborts the destination and cancels the source", async () => {
  const controller = new AbortController();
  let sourceController;
  const cancelled = [];
  const stream = new ReadableStream({
    start(c) { sourceController = c; },
    cancel(reason) { cancelled.push(reason); },
  });
  const sink = recordingSink();
  const piping = stream.pipeTo(new WritableStream(sink), { signal: controller.signal });
  sourceController.enqueue("a");
  await flush();
  const reason = new Error("stop");
  controller.abort(reason);
  await assertRejects(piping, Error, "stop");
  assertEquals(sink.events, [["write", "a"], ["abort", reason]]);
  assertEquals(cancelled, [reason]);
  assertEquals(stream.locked, false);
});

test("signal: the default abort reason is an AbortError DOMException", async () => {
  const controller = new AbortController();
  const { stream } = source([], { close: false });
  const piping = stream.pipeTo(new WritableStream(), { signal: controller.signal });
  controller.abort();
  const error = await assertRejects(piping, DOMException);
  assertEquals(error.name, "AbortError");
});

test("signal: already aborted, with preventAbort and preventCancel", async () => {
  const { stream, events } = source(["a"], { close: false });
  const sink = recordingSink();
  const signal = AbortSignal.abort("early");
  const dest = new WritableStream(sink);
  const result = stream.pipeTo(dest, { signal, preventAbort: true, preventCancel: true });
  await assertRejects(result, undefined);
  assertEquals(await result.catch((e) => e), "early");
  assertEquals(events, []);
  assertEquals(sink.events, []);
  assertEquals(stream.locked, false);
  assertEquals(dest.locked, false);
  await assertRejects(source([]).stream.pipeTo(new WritableStream(), { signal: "nope" }), TypeError, "AbortSignal");
});

test("pipeTo respects backpressure: it reads only when the destination is ready", async () => {
  let pulls = 0;
  const stream = new ReadableStream({ pull(c) { pulls++; c.enqueue(pulls); } }, { highWaterMark: 0 });
  const resolvers = [];
  const dest = new WritableStream({
    write() { return new Promise((resolve) => resolvers.push(resolve)); },
  }, { highWaterMark: 1 });
  stream.pipeTo(dest);
  await flush();
  const before = pulls;
  assert(before <= 3, `reads stop while the sink is busy (pulled ${before})`);
  await flush();
  assertEquals(pulls, before);
  resolvers.shift()();
  await flush();
  assert(pulls > before, "reading resumes");
});

test("argument errors and locked streams", async () => {
  const stream = new ReadableStream();
  await assertRejects(stream.pipeTo({}), TypeError, "WritableStream");
  await assertRejects(stream.pipeTo(), TypeError);
  const dest = new WritableStream();
  dest.getWriter();
  await assertRejects(stream.pipeTo(dest), TypeError, "locked");
  stream.getReader();
  await assertRejects(stream.pipeTo(new WritableStream()), TypeError, "locked");
  await assertRejects(ReadableStream.prototype.pipeTo.call({}, new WritableStream()), TypeError);
});

test("pipeThrough returns the transform's readable side and locks both", async () => {
  const { stream } = source(["a", "b"]);
  const transform = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
  const readable = stream.pipeThrough(transform);
  assertEquals(readable, transform.readable);
  assertEquals(stream.locked, true);
  assertEquals(transform.writable.locked, true);
  const out = [];
  for await (const chunk of readable) out.push(chunk);
  assertEquals(out, ["A", "B"]);
});

test("pipeThrough argument errors", () => {
  const stream = new ReadableStream();
  assertThrows(() => stream.pipeThrough(), TypeError);
  assertThrows(() => stream.pipeThrough({}), TypeError, "readable");
  assertThrows(() => stream.pipeThrough({ readable: new ReadableStream() }), TypeError, "writable");
  assertThrows(() => stream.pipeThrough({ readable: {}, writable: new WritableStream() }), TypeError, "ReadableStream");
  const locked = new WritableStream();
  locked.getWriter();
  assertThrows(() => stream.pipeThrough({ readable: new ReadableStream(), writable: locked }), TypeError, "locked");
  stream.getReader();
  assertThrows(() => stream.pipeThrough(new TransformStream()), TypeError, "locked");
  // Read order of the pair: readable before writable.
  const order = [];
  const pair = {
    get readable() { order.push("readable"); return new ReadableStream(); },
    get writable() { order.push("writable"); return new WritableStream(); },
  };
  new ReadableStream().pipeThrough(pair);
  assertEquals(order, ["readable", "writable"]);
});

test("pipeThrough an error in the transform reaches both ends", async () => {
  const { stream, events } = source(["a", "b"], { close: false });
  const transform = new TransformStream({ transform() { throw new RangeError("t"); } });
  const readable = stream.pipeThrough(transform);
  await assertRejects(readable.getReader().read(), RangeError, "t");
  await flush();
  assertEquals(events.length, 1);
  assert(events[0][1] instanceof RangeError);
});

test("a byte source pipes to a writable", async () => {
  const stream = new ReadableStream({
    type: "bytes",
    start(c) { c.enqueue(new Uint8Array([1, 2])); c.enqueue(new Uint8Array([3])); c.close(); },
  });
  const got = [];
  await stream.pipeTo(new WritableStream({ write(chunk) { got.push(...chunk); } }));
  assertEquals(got, [1, 2, 3]);
});

test("pipes, transforms, writers, text streams and stream bodies work under patched builtins", async () => {
  const saved = [];
  const poisoned = function () { throw new Error("patched builtin called"); };
  const patch = (object, key, descriptor) => {
    saved[saved.length] = [object, key, Object.getOwnPropertyDescriptor(object, key)];
    Object.defineProperty(object, key, { __proto__: null, configurable: true, ...descriptor });
  };
  const decoder = new TextDecoder();
  const blob = new Blob(["d"]); // a sequence argument legitimately uses Array.prototype[Symbol.iterator]
  let out = "";
  let failure = null;
  for (const key of ["then", "catch", "finally"]) patch(Promise.prototype, key, { value: poisoned, writable: true });
  patch(Promise, Symbol.species, { get: poisoned });
  for (const key of ["push", "shift", "slice", "map", "forEach", Symbol.iterator]) {
    patch(Array.prototype, key, { value: poisoned, writable: true });
  }
  const setters = ["value", "done", "0", "1", "readable", "writable", "stream", "state", "reader"];
  for (let i = 0; i < setters.length; i++) patch(Object.prototype, setters[i], { set: poisoned }); // no for-of now
  try {
    function* words() { yield "a"; yield "b"; }
    const sink = { write(chunk) { out += decoder.decode(chunk, { stream: true }); } };
    await ReadableStream.from(words()).pipeThrough(new TextEncoderStream()).pipeTo(new WritableStream(sink));
    const ts = new TransformStream({ transform(chunk, c) { c.enqueue(chunk + chunk); } });
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    writer.write("c");
    const result = await reader.read();
    out += result.value;
    await writer.close();
    out += await new Response(blob.stream()).text();
    const response = new Response("e");
    const clone = response.clone();
    for await (const chunk of response.body) out += decoder.decode(chunk);
    out += await clone.text();
    const controller = new AbortController();
    const endless = new ReadableStream({ pull(c) { c.enqueue(1); } });
    const piping = endless.pipeTo(new WritableStream(), { signal: controller.signal });
    controller.abort("stop");
    try {
      await piping;
    } catch (reason) {
      out += reason;
    }
  } catch (error) {
    failure = error;
  } finally {
    for (let i = saved.length - 1; i >= 0; i--) {
      const object = saved[i][0];
      const key = saved[i][1];
      const descriptor = saved[i][2];
      if (descriptor === undefined) delete object[key];
      else Object.defineProperty(object, key, descriptor);
    }
  }
  if (failure !== null) throw failure;
  assertEquals(out, "abccdeestop");
});

test("errors inside streams leave no unhandled rejections behind", async () => {
  const reasons = [];
  const count = (event) => {
    reasons.push(String(event.reason && event.reason.message));
    event.preventDefault();
  };
  addEventListener("unhandledrejection", count);
  try {
    // An errored stream, read and cancelled by its user.
    const errored = new ReadableStream({ start(c) { c.error(new Error("e1")); } });
    await errored.getReader().read().catch(() => {});
    // A reader released while the stream is readable, never asked for `closed`.
    new ReadableStream().getReader().releaseLock();
    // A failing pipe in both directions.
    await new ReadableStream({ start(c) { c.error(new Error("e2")); } }).pipeTo(new WritableStream()).catch(() => {});
    await new ReadableStream({ pull(c) { c.enqueue(1); } })
      .pipeTo(new WritableStream({ write() { throw new Error("e3"); } })).catch(() => {});
    // pipeThrough's own promise is marked handled.
    const broken = new ReadableStream({ start(c) { c.error(new Error("e4")); } }).pipeThrough(new TransformStream());
    await broken.getReader().read().catch(() => {});
    // A writable errored with a writer that nobody watches.
    const ws = new WritableStream({ start(c) { c.error(new Error("e5")); } });
    ws.getWriter();
    // A transform that fails, written and read by its user.
    const ts = new TransformStream({ transform() { throw new Error("e6"); } });
    const read = ts.readable.getReader().read().catch(() => {});
    await ts.writable.getWriter().write(1).catch(() => {});
    await read;
    // Body reads that fail.
    await new Response(new ReadableStream({ start(c) { c.enqueue("x"); } })).text().catch(() => {});
    // A tee whose source errors.
    const [a, b] = new ReadableStream({ start(c) { c.error(new Error("e7")); } }).tee();
    await a.cancel().catch(() => {});
    await b.cancel().catch(() => {});
    // Aborting a pipe through a signal.
    const controller = new AbortController();
    const piping = new ReadableStream().pipeTo(new WritableStream(), { signal: controller.signal });
    controller.abort();
    await piping.catch(() => {});
  } finally {
    // Let a checkpoint pass: wait for an unrelated rejection to be reported after the others.
    const marker = new Promise((resolve) => {
      addEventListener("unhandledrejection", (event) => { event.preventDefault(); resolve(); }, { once: true });
    });
    Promise.reject(new Error("marker"));
    await marker;
    removeEventListener("unhandledrejection", count);
  }
  assertEquals(reasons, ["marker"]);
});

test("pipeTo, tee, pipeThrough and the host reader do not resolve promises with objects (Object.prototype.then is never called)", async () => {
  let calls = 0;
  Object.defineProperty(Object.prototype, "then", {
    value(resolve) { calls++; delete Object.prototype.then; resolve(undefined); },
    writable: true,
    configurable: true,
  });
  const written = [];
  try {
    const source = new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } });
    const [branch1, branch2] = source.tee();
    await branch1.pipeThrough(new TransformStream()).pipeTo(new WritableStream({ write(chunk) { written.push(chunk); } }));
    await branch2.cancel();
    const streams = globalThis.__internals?.streams;
    if (streams !== undefined) {
      const reader = streams.acquireReader(streams.readableStreamFromBytes(new Uint8Array([1])));
      await streams.readerRead(reader);
      await streams.readerRead(reader);
    }
  } finally {
    delete Object.prototype.then;
  }
  assertEquals(calls, 0);
  assertEquals(written, ["a"]);
});
