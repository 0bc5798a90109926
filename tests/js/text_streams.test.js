// Tests for TextEncoderStream and TextDecoderStream (isolates/runtime/js/17_text_streams.js).
// Spec: https://encoding.spec.whatwg.org/#interface-textencoderstream

async function collect(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

// Writes `chunks` to a transform's writable side and collects the readable side.
async function run(transform, chunks) {
  const writer = transform.writable.getWriter();
  const reading = collect(transform.readable);
  for (const chunk of chunks) writer.write(chunk);
  writer.close();
  return await reading;
}

function hex(chunks) {
  return chunks.map((c) => Array.from(c, (b) => b.toString(16).padStart(2, "0")).join(" "));
}

test("interfaces", () => {
  for (const name of ["TextEncoderStream", "TextDecoderStream"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function");
    assertEquals(descriptor.enumerable, false);
    assertEquals(Object.prototype.toString.call(descriptor.value.prototype), `[object ${name}]`);
  }
  assertEquals(TextEncoderStream.length, 0);
  assertEquals(TextDecoderStream.length, 0);
  const encoder = new TextEncoderStream();
  assertEquals(encoder.encoding, "utf-8");
  assert(encoder.readable instanceof ReadableStream);
  assert(encoder.writable instanceof WritableStream);
  assertEquals(encoder.readable, encoder.readable);
  assertThrows(() => Object.getOwnPropertyDescriptor(TextEncoderStream.prototype, "readable").get.call({}), TypeError);
  const decoder = new TextDecoderStream("latin1", { fatal: true, ignoreBOM: true });
  assertEquals([decoder.encoding, decoder.fatal, decoder.ignoreBOM], ["windows-1252", true, true]);
  assertThrows(() => new TextDecoderStream("nope"), RangeError);
  assertThrows(() => new TextDecoderStream("replacement"), RangeError);
});

test("TextEncoderStream encodes each chunk to UTF-8 Uint8Arrays", async () => {
  const out = await run(new TextEncoderStream(), ["a", "", "€", 42]);
  assert(out.every((c) => c instanceof Uint8Array));
  assertEquals(hex(out), ["61", "e2 82 ac", "34 32"], "empty chunks produce nothing; non-strings are stringified");
});

test("TextEncoderStream: a surrogate pair split across chunks is one character", async () => {
  const out = await run(new TextEncoderStream(), ["a\ud83d", "\ude00b"]);
  assertEquals(hex(out), ["61", "f0 9f 98 80 62"]);
});

test("TextEncoderStream: lone surrogates become U+FFFD, also at the end", async () => {
  assertEquals(hex(await run(new TextEncoderStream(), ["\ud83d", "x"])), ["ef bf bd 78"]);
  assertEquals(hex(await run(new TextEncoderStream(), ["\ude00"])), ["ef bf bd"]);
  assertEquals(hex(await run(new TextEncoderStream(), ["a\ud83d"])), ["61", "ef bf bd"]);
  assertEquals(hex(await run(new TextEncoderStream(), ["\ud83d", "\ud83d", "\ude00"])), ["ef bf bd", "f0 9f 98 80"]);
});

test("TextEncoderStream: a symbol chunk errors the stream", async () => {
  const encoder = new TextEncoderStream();
  const writer = encoder.writable.getWriter();
  const read = encoder.readable.getReader().read();
  await assertRejects(writer.write(Symbol("s")), TypeError);
  await assertRejects(read, TypeError);
});

test("TextDecoderStream decodes UTF-8 split at any byte", async () => {
  const bytes = new TextEncoder().encode("h€llo 😀!");
  for (let split = 0; split <= bytes.length; split++) {
    const out = await run(new TextDecoderStream(), [bytes.slice(0, split), bytes.slice(split)]);
    assertEquals(out.join(""), "h€llo 😀!", `split at ${split}`);
    assert(out.every((s) => s.length > 0), "empty strings are not enqueued");
  }
});

test("TextDecoderStream: BufferSource kinds, BOM handling", async () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
  assertEquals((await run(new TextDecoderStream(), [bom.slice(0, 2), bom.slice(2)])).join(""), "A");
  assertEquals((await run(new TextDecoderStream("utf-8", { ignoreBOM: true }), [bom])).join(""), "\ufeffA");
  const buffer = new Uint8Array([0x62, 0x63]).buffer;
  assertEquals((await run(new TextDecoderStream(), [buffer, new DataView(new Uint8Array([0x64]).buffer)])).join(""), "bcd");
  assertEquals((await run(new TextDecoderStream("utf-16le"), [new Uint8Array([0x41]), new Uint8Array([0, 0x42, 0])])).join(""), "AB");
});

test("TextDecoderStream: an incomplete sequence at the end is U+FFFD, or an error when fatal", async () => {
  assertEquals((await run(new TextDecoderStream(), [new Uint8Array([0x61, 0xe2, 0x82])])).join(""), "a\ufffd");
  const fatal = new TextDecoderStream("utf-8", { fatal: true });
  const writer = fatal.writable.getWriter();
  const reader = fatal.readable.getReader();
  writer.write(new Uint8Array([0x61, 0xe2]));
  assertEquals((await reader.read()).value, "a");
  const closing = writer.close();
  await assertRejects(closing, TypeError, "not valid");
  await assertRejects(reader.read(), TypeError);
});

test("TextDecoderStream: invalid bytes with fatal error the stream", async () => {
  const fatal = new TextDecoderStream("utf-8", { fatal: true });
  const writer = fatal.writable.getWriter();
  const read = fatal.readable.getReader().read();
  await assertRejects(writer.write(new Uint8Array([0xff])), TypeError);
  await assertRejects(read, TypeError);
});

test("TextDecoderStream: a non-BufferSource chunk errors the stream", async () => {
  const decoder = new TextDecoderStream();
  const writer = decoder.writable.getWriter();
  const read = decoder.readable.getReader().read();
  await assertRejects(writer.write("text"), TypeError, "ArrayBuffer");
  await assertRejects(read, TypeError);
});

test("pipeThrough both ways round-trips", async () => {
  const source = ReadableStream.from(["grüße, ", "\ud83d", "\ude00"]);
  const text = await collect(source.pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream()));
  assertEquals(text.join(""), "grüße, 😀");
});

test("a patched TextDecoder.prototype.decode does not reach TextDecoderStream", async () => {
  const realDecode = TextDecoder.prototype.decode;
  TextDecoder.prototype.decode = () => { throw new Error("patched"); };
  try {
    const out = await run(new TextDecoderStream(), [new Uint8Array([0x6f, 0x6b])]);
    assertEquals(out.join(""), "ok");
  } finally {
    TextDecoder.prototype.decode = realDecode;
  }
});

test("console.log shows the encoding and options", () => {
  const logs = captureLogs(() => {
    console.log(new TextEncoderStream());
    console.log(new TextDecoderStream("utf-16", { fatal: true }));
  });
  assertEquals(logs.map((entry) => entry[1]), [
    "TextEncoderStream { encoding: 'utf-8' }",
    "TextDecoderStream {\n  encoding: 'utf-16le',\n  fatal: true,\n  ignoreBOM: false\n}",
  ]);
});
