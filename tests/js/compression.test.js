// CompressionStream and DecompressionStream (isolates/runtime/js/18_compression.js): round trips
// of the three formats, pipeThrough, the byte vectors other zlib users (gzip(1), Python's zlib)
// produce, and the errors the spec asks for (bad format, bad chunk, corrupt, truncated and
// trailing input).

const formats = ["gzip", "deflate", "deflate-raw"];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function hex(string) {
  const bytes = new Uint8Array(string.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(string.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function concat(parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// Every chunk the readable side produces; each must be a non-empty Uint8Array.
async function readChunks(readable) {
  const reader = readable.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    assert(value instanceof Uint8Array, "chunks are Uint8Arrays");
    assert(value.length > 0, "chunks are not empty");
    chunks.push(value);
  }
}

// Writes `chunks` to the transform's writable side, closes it, and resolves with the output.
async function transform(stream, chunks) {
  const writer = stream.writable.getWriter();
  const output = readChunks(stream.readable);
  for (const chunk of chunks) writer.write(chunk).catch(() => {});
  writer.close().catch(() => {});
  return concat(await output);
}

const compress = (format, chunks) => transform(new CompressionStream(format), chunks);
const decompress = (format, chunks) => transform(new DecompressionStream(format), chunks);

function sample(size) {
  const words = ["alpha ", "beta ", "gamma ", "delta\n", "epsilon ", "zeta "];
  const parts = [];
  let x = 7;
  let length = 0;
  while (length < size) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const word = x % 5 === 0 ? String.fromCharCode(x % 256) : words[x % 6];
    parts.push(word);
    length += word.length;
  }
  return encoder.encode(parts.join("")).subarray(0, size);
}

// "Hello, Quiver! " three times, as compressed by other implementations.
const hello = "Hello, Quiver! Hello, Quiver! Hello, Quiver! ";
const vectors = {
  // printf '…' | gzip -c -n -9
  "gzip": "1f8b0800000000000203f348cdc9c9d751082ccd2c4b2d5254f0c0cb0500fc012fbb2d000000",
  // python3: zlib.compress(data)
  "deflate": "789cf348cdc9c9d751082ccd2c4b2d5254f0c0cb05005dcb0ef8",
  // python3: zlib.compressobj(9, zlib.DEFLATED, -15)
  "deflate-raw": "f348cdc9c9d751082ccd2c4b2d5254f0c0cb0500",
};

test("each format round-trips a small input", async () => {
  for (const format of formats) {
    const compressed = await compress(format, [encoder.encode("hello, world")]);
    assertEquals(decoder.decode(await decompress(format, [compressed])), "hello, world", format);
  }
});

test("each format round-trips many chunks, and compressed data split anywhere", async () => {
  const input = sample(20000);
  const chunks = [];
  for (let i = 0; i < input.length; i += 997) chunks.push(input.subarray(i, i + 997));
  for (const format of formats) {
    const compressed = await compress(format, chunks);
    assert(compressed.length < input.length / 2, `${format} compresses`);
    const pieces = [];
    for (let i = 0; i < compressed.length; i += 7) pieces.push(compressed.slice(i, i + 7));
    assertEquals(await decompress(format, pieces), input, format);
  }
});

test("large output comes in pieces of at most 64 KB", async () => {
  const zeros = new Uint8Array(1 << 20);
  const compressed = await compress("gzip", [zeros]);
  assert(compressed.length < 2048, "a megabyte of zeros is small");
  const chunks = await readChunks(new ReadableStream({
    start(controller) {
      controller.enqueue(compressed);
      controller.close();
    },
  }).pipeThrough(new DecompressionStream("gzip")));
  assert(chunks.length >= 16, `${chunks.length} chunks`);
  for (const chunk of chunks) assert(chunk.length <= 65536, "bounded");
  assertEquals(concat(chunks), zeros);
});

test("pipeThrough a compressor and a decompressor", async () => {
  const input = sample(50000);
  for (const format of formats) {
    const source = new ReadableStream({
      start(controller) {
        for (let i = 0; i < input.length; i += 4096) controller.enqueue(input.slice(i, i + 4096));
        controller.close();
      },
    });
    const output = source.pipeThrough(new CompressionStream(format)).pipeThrough(new DecompressionStream(format));
    assertEquals(concat(await readChunks(output)), input, format);
  }
});

test("decompresses what gzip(1) and Python's zlib produced", async () => {
  for (const format of formats) {
    assertEquals(decoder.decode(await decompress(format, [hex(vectors[format])])), hello, format);
    // One byte at a time too.
    const bytes = hex(vectors[format]);
    const singles = [];
    for (let i = 0; i < bytes.length; i++) singles.push(bytes.subarray(i, i + 1));
    assertEquals(decoder.decode(await decompress(format, singles)), hello, format);
  }
  // `printf '' | gzip -c -n`
  assertEquals(await decompress("gzip", [hex("1f8b080000000000000303000000000000000000")]), new Uint8Array(0));
});

test("the output has each format's framing", async () => {
  const input = encoder.encode(hello);
  const gzip = await compress("gzip", [input]);
  assertEquals([...gzip.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
  const size = gzip.length;
  assertEquals([...gzip.subarray(size - 4)], [input.length, 0, 0, 0]); // ISIZE
  const deflate = await compress("deflate", [input]);
  assertEquals(deflate[0], 0x78);
  assertEquals(((deflate[0] << 8) | deflate[1]) % 31, 0); // FCHECK
  // deflate-raw is deflate without the two-byte header and the Adler-32.
  assertEquals(await compress("deflate-raw", [input]), deflate.subarray(2, deflate.length - 4));
});

test("empty input", async () => {
  for (const format of formats) {
    const compressed = await compress(format, []);
    assert(compressed.length > 0, `${format}: an empty stream still has framing`);
    assertEquals(await decompress(format, [compressed]), new Uint8Array(0), format);
    // Empty chunks produce nothing and change nothing.
    const again = await compress(format, [new Uint8Array(0), new ArrayBuffer(0), new Uint8Array(0)]);
    assertEquals(again, compressed, format);
  }
  assertEquals((await compress("gzip", [])).length, 20);
  // No compressed input at all is a stream that ended before its end.
  for (const format of formats) {
    await assertRejects(decompress(format, []), TypeError, "ended before the end of the stream");
  }
});

test("any BufferSource is a chunk", async () => {
  const bytes = encoder.encode("abcdefgh");
  const chunks = [
    bytes.buffer.slice(0, 2), // ArrayBuffer: "ab"
    new DataView(bytes.buffer, 2, 2), // "cd"
    new Uint16Array(bytes.buffer.slice(4, 6)), // "ef"
    bytes.subarray(6), // a view at an offset: "gh"
  ];
  for (const format of formats) {
    const compressed = await compress(format, chunks);
    assertEquals(decoder.decode(await decompress(format, [compressed.buffer])), "abcdefgh", format);
  }
});

test("an unsupported format is a TypeError", () => {
  for (const Stream of [CompressionStream, DecompressionStream]) {
    for (const format of ["br", "brotli", "GZIP", "zlib", "", undefined, null, 1]) {
      assertThrows(() => new Stream(format), TypeError, undefined, `${Stream.name}(${format})`);
    }
    assertThrows(() => new Stream(), TypeError, "1 argument required");
    assertThrows(() => Stream("gzip"), TypeError);
    // A format is converted to a string first (Web IDL enumeration).
    assert(new Stream({ toString: () => "gzip" }) instanceof Stream);
  }
});

test("a chunk that is not a BufferSource errors both sides with a TypeError", async () => {
  const bad = [
    "a string", 42, null, undefined, {}, [1, 2, 3], true,
    new SharedArrayBuffer(4), new Uint8Array(new SharedArrayBuffer(4)),
  ];
  for (const Stream of [CompressionStream, DecompressionStream]) {
    for (const chunk of bad) {
      const stream = new Stream("gzip");
      const writer = stream.writable.getWriter();
      const reading = stream.readable.getReader().read();
      const writing = writer.write(chunk);
      const label = `${Stream.name} with ${Object.prototype.toString.call(chunk)}`;
      await assertRejects(writing, TypeError, "ArrayBuffer or ArrayBufferView", label);
      await assertRejects(reading, TypeError, "ArrayBuffer or ArrayBufferView", label);
      await assertRejects(writer.closed, TypeError, undefined, label);
    }
  }
});

test("corrupt input errors the readable side", async () => {
  await assertRejects(decompress("gzip", [encoder.encode("not gzip at all")]), TypeError,
    "The compressed data is corrupt: incorrect header check");
  await assertRejects(decompress("deflate", [hex(vectors.gzip)]), TypeError, "The compressed data is corrupt");
  await assertRejects(decompress("gzip", [hex(vectors.deflate)]), TypeError, "The compressed data is corrupt");
  // A damaged checksum.
  const damaged = hex(vectors.gzip);
  damaged[damaged.length - 8] ^= 1;
  await assertRejects(decompress("gzip", [damaged]), TypeError, "incorrect data check");
  const adler = hex(vectors.deflate);
  adler[adler.length - 1] ^= 1;
  await assertRejects(decompress("deflate", [adler]), TypeError, "incorrect data check");
  // The writer sees the error too, and the stream stays errored.
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const read = reader.read();
  await assertRejects(writer.write(new Uint8Array([0xff, 0xff, 0xff])), TypeError, "corrupt");
  await assertRejects(read, TypeError, "corrupt");
  await assertRejects(reader.read(), TypeError, "corrupt");
  await assertRejects(writer.write(new Uint8Array(1)), TypeError);
});

test("truncated input errors the readable side when the writable side closes", async () => {
  for (const format of formats) {
    const whole = hex(vectors[format]);
    for (const length of [1, whole.length >> 1, whole.length - 1]) {
      await assertRejects(decompress(format, [whole.subarray(0, length)]), TypeError,
        "The compressed data ended before the end of the stream", `${format} cut at ${length}`);
    }
    // The writer's close() rejects with the same error.
    const stream = new DecompressionStream(format);
    const writer = stream.writable.getWriter();
    const output = readChunks(stream.readable);
    writer.write(whole.subarray(0, whole.length - 1));
    await assertRejects(writer.close(), TypeError, "ended before the end");
    await assertRejects(output, TypeError, "ended before the end");
  }
});

test("bytes after the end of the compressed stream are an error", async () => {
  for (const format of formats) {
    const whole = hex(vectors[format]);
    await assertRejects(decompress(format, [concat([whole, new Uint8Array([0])])]), TypeError,
      "trailing bytes after the end of the stream", format);
    await assertRejects(decompress(format, [whole, new Uint8Array([1, 2])]), TypeError,
      "trailing bytes after the end of the stream", format);
    // Empty chunks after the end are fine.
    assertEquals(decoder.decode(await decompress(format, [whole, new Uint8Array(0)])), hello, format);
  }
  // Two gzip members: the spec reads one.
  const member = hex(vectors.gzip);
  await assertRejects(decompress("gzip", [concat([member, member])]), TypeError, "trailing bytes");
});

test("readable and writable are the transform's, brand-checked", () => {
  for (const Stream of [CompressionStream, DecompressionStream]) {
    const stream = new Stream("deflate");
    assert(stream.readable instanceof ReadableStream);
    assert(stream.writable instanceof WritableStream);
    assertEquals(stream.readable, stream.readable);
    assertEquals(stream.writable, stream.writable);
    for (const name of ["readable", "writable"]) {
      const descriptor = Object.getOwnPropertyDescriptor(Stream.prototype, name);
      assertEquals(typeof descriptor.get, "function");
      assertEquals(descriptor.set, undefined);
      assert(descriptor.enumerable, `${name} is enumerable`);
      assertThrows(() => descriptor.get.call({}), TypeError, "Illegal invocation");
      assertThrows(() => descriptor.get.call(new TransformStream()), TypeError, "Illegal invocation");
    }
    assertEquals(Object.prototype.toString.call(stream), `[object ${Stream.name}]`);
    assertEquals(Stream.length, 1);
  }
  const other = Object.getOwnPropertyDescriptor(DecompressionStream.prototype, "readable").get;
  assertThrows(() => other.call(new CompressionStream("gzip")), TypeError, "Illegal invocation");
});

test("a subclass gets the streams too", async () => {
  class MyStream extends CompressionStream {}
  const stream = new MyStream("gzip");
  assert(stream instanceof MyStream);
  const compressed = await transform(stream, [encoder.encode("sub")]);
  assertEquals(decoder.decode(await decompress("gzip", [compressed])), "sub");
});

test("cancelling the readable side or aborting the writable side ends the stream", async () => {
  const a = new CompressionStream("gzip");
  const writerA = a.writable.getWriter();
  await a.readable.cancel("no more");
  await assertRejects(writerA.write(new Uint8Array(3)), undefined);
  const b = new DecompressionStream("gzip");
  const writerB = b.writable.getWriter();
  const reading = b.readable.getReader().read();
  await writerB.abort(new Error("stop"));
  await assertRejects(reading, Error, "stop");
});

test("the streams cannot be cloned", () => {
  assertThrows(() => structuredClone(new CompressionStream("gzip")), DOMException);
  assertThrows(() => structuredClone(new DecompressionStream("gzip")), DOMException);
});

test("user code patching builtins does not change the result", async () => {
  const input = sample(3000);
  const expected = await compress("gzip", [input]);
  const saved = {
    then: Promise.prototype.then,
    push: Array.prototype.push,
    length: Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "length"),
  };
  Array.prototype.push = function () { throw new Error("patched push"); };
  Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), "length", { get() { return 0; }, configurable: true });
  let compressed;
  try {
    const stream = new CompressionStream("gzip");
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    writer.write(input);
    writer.close();
    const parts = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts[parts.length] = value;
    }
    Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), "length", saved.length);
    compressed = concat(parts);
  } finally {
    Array.prototype.push = saved.push;
    Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), "length", saved.length);
  }
  assertEquals(compressed, expected);
});

// Damage to each header and trailer field, as the web-platform-tests' decompression-corrupt-input
// does: fields zlib checks are errors, the others (gzip's MTIME, XFL, OS) are not.
test("damaged header and trailer fields", async () => {
  const damaged = (format, index, value) => {
    const bytes = hex(vectors[format]);
    bytes[index < 0 ? bytes.length + index : index] = value;
    return decompress(format, [bytes]);
  };
  const corrupt = (format, index, value, message) =>
    assertRejects(damaged(format, index, value), TypeError, `The compressed data is corrupt: ${message}`,
      `${format}[${index}] = ${value}`);
  await corrupt("gzip", 0, 0x1e, "incorrect header check"); // ID1
  await corrupt("gzip", 1, 0x8c, "incorrect header check"); // ID2
  await corrupt("gzip", 2, 7, "unknown compression method"); // CM
  await corrupt("gzip", 3, 0x20, "unknown header flags set"); // FLG reserved bit
  await corrupt("gzip", -8, 0, "incorrect data check"); // CRC32
  await corrupt("gzip", -4, 0x2e, "incorrect length check"); // ISIZE
  for (const [index, value] of [[4, 0x55], [7, 0x77], [8, 4], [9, 0x0b]]) { // MTIME, XFL, OS
    assertEquals(decoder.decode(await damaged("gzip", index, value)), hello, `gzip[${index}]`);
  }
  await corrupt("deflate", 0, 0x79, "incorrect header check"); // CMF (FCHECK no longer fits)
  await corrupt("deflate", 1, 0x9d, "incorrect header check"); // FLG: FCHECK
  await corrupt("deflate", -1, 0xf9, "incorrect data check"); // ADLER32
  // FDICT: a preset dictionary (FCHECK fixed up), which the Compression Standard does not provide.
  await corrupt("deflate", 1, 0xbb, "it needs a preset dictionary");
  await corrupt("deflate-raw", 0, 0xff, "invalid block type");
});

test("a reader can cancel a decompression bomb after its first pieces", async () => {
  const bomb = await compress("deflate", [new Uint8Array(32 << 20)]); // 32 MB of zeros
  assert(bomb.length < 64 << 10, `${bomb.length} bytes`);
  const stream = new DecompressionStream("deflate");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let writeSettled = false;
  const writing = writer.write(bomb).then(() => { writeSettled = true; }, () => { writeSettled = true; });
  let received = 0;
  let pieces = 0;
  while (received < 1 << 20) {
    const { value, done } = await reader.read();
    assert(!done, "more output");
    received += value.length;
    pieces++;
  }
  // The chunk's output came piece by piece: 1 MB read, and the chunk is not done inflating.
  assertEquals(pieces, 16);
  assert(!writeSettled, "the transform still runs");
  await reader.cancel("too big");
  await writing;
  assert(writeSettled, "the transform stopped");
  await assertRejects(writer.closed, undefined);
});
