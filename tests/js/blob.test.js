// Tests for Blob (isolates/runtime/js/15_blob.js). Spec: https://w3c.github.io/FileAPI/#blob-section

const internals = globalThis.__internals;

function bytes(...values) {
  return new Uint8Array(values);
}

async function blobBytes(blob) {
  return new Uint8Array(await blob.arrayBuffer());
}

test("Blob is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Blob");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(Blob.length, 0);
  assertEquals(Blob.name, "Blob");
  assertEquals(Object.prototype.toString.call(new Blob()), "[object Blob]");
  assertThrows(() => Blob(), TypeError);
  for (const name of ["size", "type"]) {
    const getter = Object.getOwnPropertyDescriptor(Blob.prototype, name);
    assertEquals(typeof getter.get, "function", name);
    assertEquals(getter.set, undefined, name);
    assertEquals(getter.enumerable, true, name);
  }
  for (const [name, length] of [["slice", 0], ["stream", 0], ["text", 0], ["arrayBuffer", 0], ["bytes", 0]]) {
    const method = Object.getOwnPropertyDescriptor(Blob.prototype, name);
    assertEquals(typeof method.value, "function", name);
    assertEquals(method.value.length, length, name);
    assertEquals(method.enumerable, true, name);
  }
});

test("an empty Blob", async () => {
  const blob = new Blob();
  assertEquals(blob.size, 0);
  assertEquals(blob.type, "");
  assertEquals(await blob.text(), "");
  assertEquals((await blob.arrayBuffer()).byteLength, 0);
  assertEquals(await blob.bytes(), bytes());
  assertEquals(new Blob([]).size, 0);
  assertEquals(new Blob(undefined, undefined).size, 0);
  assertEquals(Object.keys(blob), []);
});

test("string parts are UTF-8 encoded", async () => {
  const blob = new Blob(["a", "\u00e9", "\u20ac", "\u{1F600}"]);
  assertEquals(blob.size, 1 + 2 + 3 + 4);
  assertEquals(await blob.text(), "a\u00e9\u20ac\u{1F600}");
  assertEquals(await blobBytes(new Blob(["\u00e9"])), bytes(0xc3, 0xa9));
});

test("lone surrogates become U+FFFD (USVString)", async () => {
  assertEquals(await blobBytes(new Blob(["a\ud800"])), bytes(0x61, 0xef, 0xbf, 0xbd));
  assertEquals(await blobBytes(new Blob(["\udc00", "b"])), bytes(0xef, 0xbf, 0xbd, 0x62));
  // A pair split across two parts is two lone surrogates (each part is converted on its own).
  assertEquals(new Blob(["\ud83d", "\ude00"]).size, 6);
});

test("BufferSource parts: ArrayBuffer, typed arrays with offsets, DataView", async () => {
  const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
  const blob = new Blob([
    buffer,
    new Uint8Array(buffer, 2, 2),
    new Uint16Array(buffer, 4, 1),
    new DataView(buffer, 6),
    new Int8Array(0),
  ]);
  assertEquals(await blobBytes(blob), bytes(0, 1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7));
});

test("BufferSource parts are copied at construction", async () => {
  const source = new Uint8Array([1, 2, 3]);
  const blob = new Blob([source, source.buffer]);
  source[0] = 99;
  assertEquals(await blobBytes(blob), bytes(1, 2, 3, 1, 2, 3));
});

test("Blob parts share the other Blob's bytes", async () => {
  const inner = new Blob(["inner"], { type: "text/x-inner" });
  const outer = new Blob(["<", inner, ">", inner]);
  assertEquals(outer.type, "", "the type is not inherited");
  assertEquals(await outer.text(), "<inner>inner");
  if (internals !== undefined) {
    const innerChunk = internals.blobData(inner).chunks[0];
    const outerChunks = internals.blobData(outer).chunks;
    assert(outerChunks.includes(innerChunk), "the inner chunk is shared, not copied");
  }
});

test("other values are converted to strings", async () => {
  const blob = new Blob([1, null, undefined, { toString: () => "obj" }, [2, 3], true]);
  assertEquals(await blob.text(), "1nullundefinedobj2,3true");
  assertThrows(() => new Blob([Symbol("s")]), TypeError);
  assertThrows(() => new Blob([{ toString() { throw new RangeError("boom"); } }]), RangeError);
});

test("a SharedArrayBuffer view is rejected; a SharedArrayBuffer is a string", async () => {
  if (typeof SharedArrayBuffer !== "function") return;
  assertThrows(() => new Blob([new Uint8Array(new SharedArrayBuffer(2))]), TypeError, "SharedArrayBuffer");
  assertEquals(await new Blob([new SharedArrayBuffer(2)]).text(), "[object SharedArrayBuffer]");
});

test("blobParts must be an iterable object", () => {
  for (const value of [null, 0, "abc", true, {}, { length: 1, 0: "a" }]) {
    assertThrows(() => new Blob(value), TypeError, undefined, String(value));
  }
  assertThrows(() => new Blob({ [Symbol.iterator]: 5 }), TypeError);
});

test("blobParts may be any iterable", async () => {
  function* parts() {
    yield "a";
    yield new Uint8Array([0x62]);
    yield new Blob(["c"]);
  }
  assertEquals(await new Blob(parts()).text(), "abc");
  assertEquals(await new Blob(new Set(["x", "y"])).text(), "xy");
});

test("type is lowercased when it is printable ASCII, else empty", () => {
  const cases = [
    ["text/plain", "text/plain"],
    ["TEXT/HTML;Charset=UTF-8", "text/html;charset=utf-8"],
    ["anything goes", "anything goes"],
    ["", ""],
    ["text/plain\u0000", ""],
    ["text/\u00e9", ""],
    ["a\tb", ""],
    ["a\u007fb", ""],
    [" ~ ", " ~ "],
  ];
  for (const [type, expected] of cases) {
    assertEquals(new Blob([], { type }).type, expected, JSON.stringify(type));
  }
  assertEquals(new Blob([], { type: 5 }).type, "5");
});

test("endings: transparent keeps line endings, native converts them to LF", async () => {
  const text = "a\r\nb\rc\nd\r\r\ne\n\r";
  assertEquals(await new Blob([text]).text(), text);
  assertEquals(await new Blob([text], { endings: "transparent" }).text(), text);
  assertEquals(await new Blob([text], { endings: "native" }).text(), "a\nb\nc\nd\n\ne\n\n");
  assertEquals(await new Blob(["a\r", "\nb"], { endings: "native" }).text(), "a\nb", "consecutive string parts convert as one");
  assertEquals(await new Blob([new Uint8Array([0x0d, 0x0a])], { endings: "native" }).size, 2, "bytes are untouched");
  assertThrows(() => new Blob([], { endings: "NATIVE" }), TypeError, "EndingType");
  assertThrows(() => new Blob([], { endings: "crlf" }), TypeError);
});

test("options: undefined, null or an object; members read in order", () => {
  assertEquals(new Blob([], null).type, "");
  assertThrows(() => new Blob([], 5), TypeError);
  assertThrows(() => new Blob([], "text/plain"), TypeError);
  const reads = [];
  const options = {};
  for (const name of ["type", "endings", "other"]) {
    Object.defineProperty(options, name, {
      get() {
        reads.push(name);
        return undefined;
      },
    });
  }
  new Blob([], options);
  assertEquals(reads, ["endings", "type"]);
});

test("parts are converted before options", () => {
  const order = [];
  new Blob([{ toString() { order.push("part"); return "p"; } }], {
    get type() {
      order.push("type");
      return "";
    },
  });
  assertEquals(order, ["part", "type"]);
});

test("slice() follows the spec's relative start and end", async () => {
  const blob = new Blob(["0123456789"]);
  const cases = [
    [[], "0123456789"],
    [[3], "3456789"],
    [[3, 5], "34"],
    [[-3], "789"],
    [[-3, -1], "78"],
    [[5, 3], ""],
    [[0, 100], "0123456789"],
    [[100], ""],
    [[-100, 2], "01"],
    [[2, -100], ""],
    [[undefined, 4], "0123"],
    [[1.5, 4.5], "23"],
    [[NaN, NaN], ""],
    [[Infinity], ""],
    [[-Infinity, Infinity], "0123456789"],
    [["2", "4"], "23"],
    [[2 ** 53, -(2 ** 53)], ""],
  ];
  for (const [args, expected] of cases) {
    const slice = blob.slice(...args);
    assertEquals(await slice.text(), expected, JSON.stringify(args));
    assertEquals(slice.size, expected.length, JSON.stringify(args));
  }
});

test("slice() rounds half to even ([Clamp])", async () => {
  const blob = new Blob(["0123456789"]);
  assertEquals(await blob.slice(0.5, 2.5).text(), "01");
  assertEquals(await blob.slice(1.5, 3.5).text(), "23");
  assertEquals(await blob.slice(-2.5).text(), "89");
});

test("slice() contentType is normalized like the constructor's type", () => {
  const blob = new Blob(["x"], { type: "text/plain" });
  assertEquals(blob.slice().type, "");
  assertEquals(blob.slice(0, 1, "Text/HTML").type, "text/html");
  assertEquals(blob.slice(0, 1, "t\u00e9xt").type, "");
  assertEquals(blob.slice(0, 1, undefined).type, "");
  assertEquals(blob.slice(0, 1, null).type, "null");
});

test("slices of slices across several chunks", async () => {
  const blob = new Blob(["abc", new Uint8Array([0x64, 0x65]), new Blob(["fgh"]), "ij"]);
  assertEquals(await blob.text(), "abcdefghij");
  const middle = blob.slice(2, 9);
  assertEquals(await middle.text(), "cdefghi");
  assertEquals(await middle.slice(1, -1).text(), "defgh");
  assertEquals(await middle.slice(-3).slice(1).text(), "hi");
  assertEquals(await new Blob([middle.slice(0, 2), blob.slice(-1)]).text(), "cdj");
});

test("slice() shares memory instead of copying", async () => {
  if (internals === undefined) return;
  const blob = new Blob([new Uint8Array(1000)]);
  const slice = blob.slice(10, 20);
  const original = internals.blobData(blob).chunks[0];
  const sliced = internals.blobData(slice).chunks[0];
  assertEquals(sliced.buffer, original.buffer);
  assertEquals(sliced.byteOffset, original.byteOffset + 10);
  assertEquals(sliced.byteLength, 10);
});

test("text() decodes UTF-8, replacing errors and removing one BOM", async () => {
  assertEquals(await new Blob([bytes(0xef, 0xbb, 0xbf, 0x68, 0x69)]).text(), "hi");
  assertEquals(await new Blob([bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf)]).text(), "\ufeff");
  assertEquals(await new Blob([bytes(0xff, 0x61, 0xc3)]).text(), "\ufffda\ufffd");
  // A character split across chunks decodes as one.
  assertEquals(await new Blob([bytes(0xe2, 0x82), bytes(0xac)]).text(), "\u20ac");
});

test("arrayBuffer() and bytes() return fresh copies", async () => {
  const blob = new Blob(["ab"]);
  const first = await blob.arrayBuffer();
  assertEquals(Object.prototype.toString.call(first), "[object ArrayBuffer]");
  new Uint8Array(first)[0] = 0;
  assertEquals(await blobBytes(blob), bytes(0x61, 0x62));
  const view = await blob.bytes();
  assert(view instanceof Uint8Array);
  assertEquals(view.byteOffset, 0);
  assertEquals(view.buffer.byteLength, 2);
  view[1] = 0;
  assertEquals(await blob.text(), "ab");
});

test("reading methods return promises and can be called many times", async () => {
  const blob = new Blob(["again"]);
  const promise = blob.text();
  assert(promise instanceof Promise);
  assertEquals(await promise, "again");
  assertEquals(await blob.text(), "again");
});

test("brand checks", async () => {
  for (const name of ["size", "type"]) {
    const getter = Object.getOwnPropertyDescriptor(Blob.prototype, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call(Object.create(Blob.prototype)), TypeError, "Illegal invocation", name);
  }
  assertThrows(() => Blob.prototype.size, TypeError);
  assertThrows(() => Blob.prototype.slice.call({}), TypeError, "Illegal invocation");
  for (const name of ["text", "arrayBuffer", "bytes"]) {
    await assertRejects(() => Blob.prototype[name].call({}), TypeError, "Illegal invocation", name);
  }
});

test("many small parts and repeated concatenation keep the chunk list short", async () => {
  const parts = [];
  for (let i = 0; i < 10000; i++) parts.push(i % 2 === 0 ? "a" : new Uint8Array([0x62]));
  const big = new Blob(parts);
  assertEquals(big.size, 10000);
  let blob = new Blob();
  for (let i = 0; i < 3000; i++) blob = new Blob([blob, new Uint8Array([0x30 + (i % 10)])]);
  assertEquals(blob.size, 3000);
  const text = await blob.text();
  assertEquals(text.slice(0, 12), "012345678901");
  assertEquals(text.slice(-3), "789");
  if (internals !== undefined) {
    assert(internals.blobData(big).chunks.length <= 65, `${internals.blobData(big).chunks.length} chunks`);
    assert(internals.blobData(blob).chunks.length <= 65, `${internals.blobData(blob).chunks.length} chunks`);
  }
});

test("consecutive string parts become one chunk", () => {
  if (internals === undefined) return;
  assertEquals(internals.blobData(new Blob(["a", "b", "c"])).chunks.length, 1);
  assertEquals(internals.blobData(new Blob(["a", new Uint8Array([1]), "c"])).chunks.length, 3);
});

test("Blob prints its size and type", () => {
  const logs = captureLogs(() => console.log(new Blob(["abc"], { type: "text/plain" })));
  assertEquals(logs, [["log", "Blob { size: 3, type: 'text/plain' }"]]);
});

test("subclasses work", async () => {
  class MyBlob extends Blob {
    get doubled() {
      return this.size * 2;
    }
  }
  const blob = new MyBlob(["abc"]);
  assert(blob instanceof Blob);
  assertEquals(blob.doubled, 6);
  assertEquals(await blob.text(), "abc");
  assert(!(blob.slice() instanceof MyBlob), "slice() returns a plain Blob");
});

test("Blob.prototype has the Blob toStringTag", () => {
  const descriptor = Object.getOwnPropertyDescriptor(Blob.prototype, Symbol.toStringTag);
  assertEquals(descriptor.value, "Blob");
  assertEquals(descriptor.writable, false);
  assertEquals(descriptor.enumerable, false);
});
