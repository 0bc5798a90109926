// TextEncoder and TextDecoder (isolates/runtime/js/11_encoding.js, text_codecs.cc).

const bytes = (...values) => new Uint8Array(values);
const codes = (string) => {
  const out = [];
  for (let i = 0; i < string.length; i++) out.push(string.charCodeAt(i));
  return out;
};

// A plain JS transcription of https://encoding.spec.whatwg.org/#utf-8-decoder, to check the native
// paths (V8's decoder for the bulk, the spec decoder around it) against.
function referenceUtf8(input) {
  let out = "";
  let cp = 0, needed = 0, seen = 0, lower = 0x80, upper = 0xbf;
  for (let i = 0; i <= input.length; i++) {
    if (i === input.length) {
      if (needed !== 0) out += "\ufffd";
      break;
    }
    const b = input[i];
    if (needed === 0) {
      if (b <= 0x7f) out += String.fromCharCode(b);
      else if (b >= 0xc2 && b <= 0xdf) { needed = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) { if (b === 0xe0) lower = 0xa0; if (b === 0xed) upper = 0x9f; needed = 2; cp = b & 0xf; }
      else if (b >= 0xf0 && b <= 0xf4) { if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; needed = 3; cp = b & 0x7; }
      else out += "\ufffd";
      continue;
    }
    if (b < lower || b > upper) {
      cp = needed = seen = 0; lower = 0x80; upper = 0xbf;
      out += "\ufffd";
      i--;
      continue;
    }
    lower = 0x80; upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      out += String.fromCodePoint(cp);
      cp = needed = seen = 0;
    }
  }
  return out;
}

// A tiny deterministic PRNG for the fuzz-style comparisons.
function prng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
}

// --- TextEncoder ---

test("TextEncoder: encoding, encode of ASCII, BMP, astral and lone surrogates", () => {
  const encoder = new TextEncoder();
  assertEquals(encoder.encoding, "utf-8");
  assertEquals(encoder.encode(), bytes());
  assertEquals(encoder.encode("A\u00e9\u20ac\u{1F600}"), bytes(0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80));
  assertEquals(encoder.encode("\ud800"), bytes(0xef, 0xbf, 0xbd));
  assertEquals(encoder.encode("a\udc00b\ud800"), bytes(0x61, 0xef, 0xbf, 0xbd, 0x62, 0xef, 0xbf, 0xbd));
  assertEquals(encoder.encode(123), bytes(0x31, 0x32, 0x33));
  assertEquals(encoder.encode(null), bytes(0x6e, 0x75, 0x6c, 0x6c));
  assert(encoder.encode("x") instanceof Uint8Array);
  assertThrows(() => encoder.encode(Symbol("s")), TypeError);
});

test("TextEncoder.encodeInto: read/written, never a partial character", () => {
  const encoder = new TextEncoder();
  const cases = [
    // [source, capacity, read, written]
    ["abc", 10, 3, 3],
    ["abc", 2, 2, 2],
    ["a\u{1F600}b", 4, 1, 1],
    ["a\u{1F600}b", 5, 3, 5],
    ["a\u{1F600}b", 6, 4, 6],
    ["\u{1F600}", 3, 0, 0],
    ["\u00e9\u00e9", 3, 1, 2],
    ["\u20ac", 2, 0, 0],
    ["\u20ac", 3, 1, 3],
    ["\ud800x", 5, 2, 4],
    ["\ud800", 2, 0, 0],
    ["\udc00\ud800", 6, 2, 6],
    ["", 4, 0, 0],
    ["abc", 0, 0, 0],
  ];
  for (const [source, capacity, read, written] of cases) {
    const destination = new Uint8Array(capacity + 2).fill(0xaa);
    const result = encoder.encodeInto(source, destination.subarray(0, capacity));
    assertEquals([result.read, result.written], [read, written], JSON.stringify(source) + " into " + capacity);
    assertEquals(destination[capacity], 0xaa, "nothing written past the view");
    const expected = encoder.encode(source.slice(0, read));
    assertEquals(destination.slice(0, written), expected);
    assertEquals(Object.keys(result), ["read", "written"]);
  }
});

test("TextEncoder.encodeInto: offset views and argument checks", () => {
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(8);
  const result = encoder.encodeInto("hé", new Uint8Array(buffer.buffer, 3, 4));
  assertEquals([result.read, result.written], [2, 3]);
  assertEquals(buffer, bytes(0, 0, 0, 0x68, 0xc3, 0xa9, 0, 0));
  assertThrows(() => encoder.encodeInto("x", new Uint16Array(2)), TypeError);
  assertThrows(() => encoder.encodeInto("x", new ArrayBuffer(2)), TypeError);
  assertThrows(() => encoder.encodeInto("x"), TypeError);
  assertThrows(() => TextEncoder.prototype.encode.call({}, "x"), TypeError);
});

// --- TextDecoder: construction and labels ---

test("TextDecoder: defaults and attributes", () => {
  const decoder = new TextDecoder();
  assertEquals([decoder.encoding, decoder.fatal, decoder.ignoreBOM], ["utf-8", false, false]);
  const other = new TextDecoder("utf-16", { fatal: 1, ignoreBOM: "yes" });
  assertEquals([other.encoding, other.fatal, other.ignoreBOM], ["utf-16le", true, true]);
  assertThrows(() => Object.getOwnPropertyDescriptor(TextDecoder.prototype, "encoding").get.call({}), TypeError);
  assertThrows(() => TextDecoder(), TypeError);
  assertThrows(() => new TextDecoder("utf-8", 5), TypeError);
});

test("TextDecoder: labels with whitespace and case map to names; unknown and replacement are RangeErrors", () => {
  const cases = [
    ["utf8", "utf-8"], [" \tUTF-8\n\r\f", "utf-8"], ["unicode-1-1-utf-8", "utf-8"], ["x-unicode20utf8", "utf-8"],
    ["LATIN1", "windows-1252"], ["ascii", "windows-1252"], ["us-ascii", "windows-1252"], ["iso-8859-1", "windows-1252"],
    ["iso-8859-9", "windows-1254"], ["iso-8859-11", "windows-874"], ["tis-620", "windows-874"],
    ["cp866", "ibm866"], ["ISO8859-2", "iso-8859-2"], ["l9", "iso-8859-15"], ["iso-8859-16", "iso-8859-16"],
    ["koi8", "koi8-r"], ["koi8-ru", "koi8-u"], ["mac", "macintosh"], ["x-mac-ukrainian", "x-mac-cyrillic"],
    ["logical", "iso-8859-8-i"], ["visual", "iso-8859-8"], ["gb2312", "gbk"], ["GB18030", "gb18030"],
    ["big5-hkscs", "big5"], ["x-euc-jp", "euc-jp"], ["csiso2022jp", "iso-2022-jp"], ["sjis", "shift_jis"],
    ["windows-31j", "shift_jis"], ["windows-949", "euc-kr"], ["korean", "euc-kr"],
    ["utf-16", "utf-16le"], ["unicodefeff", "utf-16le"], ["ucs-2", "utf-16le"], ["unicodefffe", "utf-16be"],
    ["utf-16be", "utf-16be"], ["x-user-defined", "x-user-defined"],
  ];
  for (const [label, name] of cases) assertEquals(new TextDecoder(label).encoding, name, label);
  for (const label of ["", "utf-7", "utf-32", "latin-1", "utf\u00a08", "\u00a0utf-8", "\u212aoi8-r", "utf-8\0", "iso-2022-kr", "replacement", "hz-gb-2312", "iso-2022-cn"]) {
    assertThrows(() => new TextDecoder(label), RangeError, undefined, JSON.stringify(label));
  }
});

// --- UTF-8 ---

test("UTF-8: invalid sequences become one U+FFFD per maximal subpart", () => {
  const decoder = new TextDecoder();
  const cases = [
    [[0x80], "\ufffd"],
    [[0xbf, 0x41], "\ufffdA"],
    [[0xc0, 0x80], "\ufffd\ufffd"], // overlong NUL
    [[0xc1, 0xbf], "\ufffd\ufffd"],
    [[0xe0, 0x80, 0x80], "\ufffd\ufffd\ufffd"], // overlong
    [[0xe0, 0x9f, 0xbf], "\ufffd\ufffd\ufffd"],
    [[0xf0, 0x80, 0x80, 0x80], "\ufffd\ufffd\ufffd\ufffd"],
    [[0xf0, 0x8f, 0xbf, 0xbf], "\ufffd\ufffd\ufffd\ufffd"],
    [[0xed, 0xa0, 0x80], "\ufffd\ufffd\ufffd"], // surrogate U+D800
    [[0xed, 0xbf, 0xbf], "\ufffd\ufffd\ufffd"],
    [[0xed, 0x9f, 0xbf], "\ud7ff"],
    [[0xf4, 0x90, 0x80, 0x80], "\ufffd\ufffd\ufffd\ufffd"], // above U+10FFFF
    [[0xf4, 0x8f, 0xbf, 0xbf], "\u{10FFFF}"],
    [[0xf5, 0x80], "\ufffd\ufffd"],
    [[0xff, 0xfe], "\ufffd\ufffd"],
    [[0xe2, 0x82], "\ufffd"], // truncated at the end: one replacement
    [[0xe2, 0x82, 0x41], "\ufffdA"],
    [[0xf0, 0x9f, 0x98], "\ufffd"],
    [[0xf0, 0x9f, 0x41, 0x98], "\ufffdA\ufffd"],
    [[0xe2, 0x41, 0x82], "\ufffdA\ufffd"],
    [[0xc3], "\ufffd"],
    [[0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], "A\u00e9\u20ac\u{1F600}"],
  ];
  for (const [input, expected] of cases) {
    const result = decoder.decode(new Uint8Array(input));
    assertEquals(codes(result), codes(expected), input.map((b) => b.toString(16)).join(" "));
    assertEquals(codes(referenceUtf8(input)), codes(expected), "reference decoder agrees");
  }
});

test("UTF-8: the fast path, the fatal path and byte-by-byte streaming agree with the spec decoder", () => {
  const next = prng(12345);
  const interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  for (let round = 0; round < 400; round++) {
    const length = next() % 12;
    const input = new Uint8Array(length);
    for (let i = 0; i < length; i++) input[i] = next() % 3 === 0 ? next() & 0xff : interesting[next() % interesting.length];
    let expected = referenceUtf8(input);
    if (expected[0] === "\ufeff") expected = expected.slice(1); // TextDecoder strips a BOM
    assertEquals(codes(new TextDecoder().decode(input)), codes(expected), `fast path ${input}`);
    const streaming = new TextDecoder();
    let streamed = "";
    for (let i = 0; i < length; i++) streamed += streaming.decode(input.subarray(i, i + 1), { stream: true });
    streamed += streaming.decode();
    assertEquals(codes(streamed), codes(expected), `streamed ${input}`);
    const fatal = new TextDecoder("utf-8", { fatal: true });
    if (expected.includes("\ufffd")) {
      assertThrows(() => fatal.decode(input), TypeError, undefined, `fatal ${input}`);
    } else {
      assertEquals(codes(fatal.decode(input)), codes(expected), `fatal ok ${input}`);
    }
  }
});

test("UTF-8 streaming: a multi-byte character split at every byte offset", () => {
  const text = "a\u00e9\u20ac\u{1F600}z\u{10FFFF}";
  const encoded = new TextEncoder().encode(text);
  for (let cut1 = 0; cut1 <= encoded.length; cut1++) {
    for (let cut2 = cut1; cut2 <= encoded.length; cut2++) {
      for (const fatal of [false, true]) {
        const decoder = new TextDecoder("utf-8", { fatal });
        const out = decoder.decode(encoded.subarray(0, cut1), { stream: true }) +
          decoder.decode(encoded.subarray(cut1, cut2), { stream: true }) +
          decoder.decode(encoded.subarray(cut2));
        assertEquals(out, text, `cuts ${cut1}/${cut2} fatal ${fatal}`);
      }
    }
  }
});

test("UTF-8 streaming: pending bytes at the end of the stream, and a new stream after a flush", () => {
  const decoder = new TextDecoder();
  assertEquals(decoder.decode(bytes(0xf0, 0x9f), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0x98), { stream: true }), "");
  assertEquals(decoder.decode(), "\ufffd");
  assertEquals(decoder.decode(bytes(0x80)), "\ufffd", "the stream was reset");
  assertEquals(decoder.decode(bytes(0xe2), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0x41), { stream: true }), "\ufffdA");
  assertEquals(decoder.decode(bytes(0xe2, 0x82), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0xac, 0xe2, 0x82, 0xac, 0xe2), { stream: true }), "\u20ac\u20ac");
  assertEquals(decoder.decode(bytes(0x82, 0xac)), "\u20ac");
  const fatal = new TextDecoder("utf-8", { fatal: true });
  assertEquals(fatal.decode(bytes(0xe2, 0x82), { stream: true }), "");
  assertThrows(() => fatal.decode(), TypeError);
  assertEquals(fatal.decode(bytes(0x41)), "A", "usable again after the error");
  assertEquals(fatal.decode(bytes(0xe2), { stream: true }), "");
  assertThrows(() => fatal.decode(bytes(0x41), { stream: true }), TypeError);
});

test("UTF-8: fatal throws a TypeError on any error, including truncation", () => {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const input of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x41, 0x80, 0x41], [0xf4, 0x90, 0x80, 0x80]]) {
    assertThrows(() => decoder.decode(new Uint8Array(input)), TypeError, undefined, `${input}`);
  }
  assertEquals(decoder.decode(bytes(0xe2, 0x82, 0xac)), "\u20ac");
  const large = new TextEncoder().encode("x".repeat(100000) + "\u00e9");
  assertEquals(decoder.decode(large).length, 100001);
  large[50000] = 0xff;
  assertThrows(() => decoder.decode(large), TypeError);
});

test("UTF-8 BOM: stripped once at the start of a stream, kept with ignoreBOM", () => {
  assertEquals(new TextDecoder().decode(bytes(0xef, 0xbb, 0xbf, 0x41)), "A");
  assertEquals(new TextDecoder().decode(bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf)), "\ufeff");
  assertEquals(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes(0xef, 0xbb, 0xbf, 0x41)), "\ufeffA");
  assertEquals(new TextDecoder().decode(bytes(0x41, 0xef, 0xbb, 0xbf)), "A\ufeff");
  const decoder = new TextDecoder();
  assertEquals(decoder.decode(bytes(0xef), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0xbb), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0xbf), { stream: true }), "");
  assertEquals(decoder.decode(bytes(0xef, 0xbb, 0xbf, 0x42), { stream: true }), "\ufeffB");
  assertEquals(decoder.decode(), "");
  assertEquals(decoder.decode(bytes(0xef, 0xbb, 0xbf)), "", "a new stream strips again");
  assertEquals(new TextDecoder("utf-8", { fatal: true }).decode(bytes(0xef, 0xbb, 0xbf, 0x43)), "C");
});

test("decode() input types: ArrayBuffer, views, DataView, shared memory, detached, none", () => {
  const decoder = new TextDecoder();
  const buffer = new TextEncoder().encode("hello world").buffer;
  assertEquals(decoder.decode(buffer), "hello world");
  assertEquals(decoder.decode(new Uint8Array(buffer, 6, 5)), "world");
  assertEquals(decoder.decode(new DataView(buffer, 0, 5)), "hello");
  assertEquals(decoder.decode(new Uint16Array(buffer, 0, 2)), "hell");
  assertEquals(decoder.decode(), "");
  assertEquals(decoder.decode(undefined), "");
  if (typeof SharedArrayBuffer === "function") {
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([0x68, 0x69]);
    assertEquals(decoder.decode(shared), "hi");
    assertEquals(decoder.decode(new Uint8Array(shared)), "hi");
  }
  const detached = new ArrayBuffer(4);
  structuredClone(detached, { transfer: [detached] });
  assertEquals(decoder.decode(detached), "");
  for (const bad of [null, 5, "abc", {}, [65]]) assertThrows(() => decoder.decode(bad), TypeError, undefined, String(bad));
  assertThrows(() => decoder.decode(buffer, 5), TypeError);
});

// --- UTF-16 ---

test("UTF-16LE/BE: surrogate pairs, lone surrogates, odd byte count, BOM per encoding", () => {
  const le = new TextDecoder("utf-16le");
  const be = new TextDecoder("utf-16be");
  assertEquals(le.decode(bytes(0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde)), "A\u{1F600}");
  assertEquals(be.decode(bytes(0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00)), "A\u{1F600}");
  assertEquals(le.decode(bytes(0x00, 0xd8, 0x41, 0x00)), "\ufffdA", "lead surrogate then a non-trail");
  assertEquals(le.decode(bytes(0x00, 0xdc, 0x41, 0x00)), "\ufffdA", "lone trail");
  assertEquals(le.decode(bytes(0x00, 0xd8)), "\ufffd", "lead at the end");
  assertEquals(le.decode(bytes(0x41, 0x00, 0x42)), "A\ufffd", "odd byte count");
  assertEquals(be.decode(bytes(0x00, 0x41, 0x00)), "A\ufffd");
  assertEquals(le.decode(bytes(0xff, 0xfe, 0x41, 0x00)), "A", "LE BOM stripped");
  assertEquals(le.decode(bytes(0xfe, 0xff, 0x41, 0x00)), "\ufffeA", "BE BOM is a character for LE");
  assertEquals(be.decode(bytes(0xfe, 0xff, 0x00, 0x41)), "A");
  assertEquals(new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes(0xff, 0xfe, 0x41, 0x00)), "\ufeffA");
  const fatal = new TextDecoder("utf-16le", { fatal: true });
  assertThrows(() => fatal.decode(bytes(0x41)), TypeError);
  assertThrows(() => fatal.decode(bytes(0x00, 0xdc)), TypeError);
  assertEquals(fatal.decode(bytes(0x3d, 0xd8, 0x00, 0xde)), "\u{1F600}");
});

test("UTF-16 streaming: split at every byte offset; fatal streaming cases", () => {
  const text = "\ufeffa\u{1F600}\u00e9";
  const le = [0xff, 0xfe, 0x61, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0xe9, 0x00];
  for (let cut = 0; cut <= le.length; cut++) {
    const decoder = new TextDecoder("utf-16le");
    const out = decoder.decode(new Uint8Array(le.slice(0, cut)), { stream: true }) + decoder.decode(new Uint8Array(le.slice(cut)));
    assertEquals(out, text.slice(1), `cut ${cut}`);
  }
  const decoder = new TextDecoder("utf-16le", { fatal: true });
  const odd = bytes(0x00);
  const even = bytes(0x00, 0x00);
  assertEquals(decoder.decode(odd, { stream: true }), "");
  assertEquals(decoder.decode(odd), "\u0000");
  assertThrows(() => { decoder.decode(even, { stream: true }); decoder.decode(odd); }, TypeError);
  assertThrows(() => { decoder.decode(odd, { stream: true }); decoder.decode(even); }, TypeError);
  assertEquals(decoder.decode(even, { stream: true }), "\u0000");
  assertEquals(decoder.decode(even), "\u0000");
});

// --- single-byte ---

test("windows-1252: 0x80-0x9F map to the Windows characters, the five holes to C1 controls", () => {
  const decoder = new TextDecoder("windows-1252");
  const input = new Uint8Array(32);
  for (let i = 0; i < 32; i++) input[i] = 0x80 + i;
  assertEquals(codes(decoder.decode(input)), [
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
    0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
  ]);
  assertEquals(new TextDecoder("latin1").decode(bytes(0x41, 0xe9, 0xff, 0xa0)), "A\u00e9\u00ff\u00a0");
  assertEquals(new TextDecoder("ascii", { fatal: true }).decode(bytes(0x80)), "\u20ac", "no errors in windows-1252");
  assertEquals(new TextDecoder("windows-1252").decode(bytes(0xef, 0xbb, 0xbf)), "\u00ef\u00bb\u00bf", "no BOM sniffing");
});

test("single-byte encodings: a sample of each table, unmapped bytes, and the ICU corrections", () => {
  const cases = [
    ["ibm866", [0x80, 0xf0, 0xff], "\u0410\u0401\u00a0"],
    ["iso-8859-2", [0xa1, 0xff], "\u0104\u02d9"],
    ["iso-8859-5", [0xb0, 0xf0], "\u0410\u2116"],
    ["iso-8859-6", [0xc1, 0xa1], "\u0621\ufffd"],
    ["iso-8859-7", [0xa4, 0xe1], "\u20ac\u03b1"],
    ["iso-8859-8", [0xe0, 0xfd, 0xbf], "\u05d0\u200e\ufffd"],
    ["iso-8859-8-i", [0xe0], "\u05d0"],
    ["iso-8859-15", [0xa4, 0xbc], "\u20ac\u0152"],
    ["iso-8859-16", [0xa1, 0xaa, 0xde, 0xff, 0x80], "\u0104\u0218\u021a\u00ff\u0080"],
    ["koi8-r", [0xc1, 0xe1], "\u0430\u0410"],
    ["koi8-u", [0xa4, 0xae, 0xbe], "\u0454\u045e\u040e"],
    ["macintosh", [0x80, 0xdb, 0xf0], "\u00c4\u20ac\uf8ff"],
    ["windows-874", [0xa1, 0xdb, 0xfc, 0x80], "\u0e01\ufffd\ufffd\u20ac"],
    ["windows-1250", [0x8a, 0xb9], "\u0160\u0105"],
    ["windows-1251", [0xc0, 0x88], "\u0410\u20ac"],
    ["windows-1253", [0xaa, 0xc1], "\ufffd\u0391"],
    ["windows-1254", [0xd0, 0xfd], "\u011e\u0131"],
    ["windows-1255", [0xca, 0xe0], "\u05ba\u05d0"],
    ["windows-1256", [0x81, 0xc7], "\u067e\u0627"],
    ["windows-1257", [0xa1, 0xe0], "\ufffd\u0105"],
    ["windows-1258", [0xc3, 0xd2], "\u0102\u0309"],
    ["x-mac-cyrillic", [0x80, 0xff], "\u0410\u20ac"],
    ["x-user-defined", [0x41, 0x80, 0xff], "A\uf780\uf7ff"],
  ];
  for (const [label, input, expected] of cases) {
    assertEquals(codes(new TextDecoder(label).decode(new Uint8Array(input))), codes(expected), label);
  }
  assertThrows(() => new TextDecoder("iso-8859-6", { fatal: true }).decode(bytes(0xa1)), TypeError);
  // ASCII bytes are ASCII in every single-byte encoding.
  const ascii = new Uint8Array(128);
  for (let i = 0; i < 128; i++) ascii[i] = i;
  for (const label of ["ibm866", "koi8-r", "macintosh", "windows-1250", "iso-8859-16", "x-user-defined"]) {
    assertEquals(codes(new TextDecoder(label).decode(ascii)), Array.from(ascii), label);
  }
});

// --- legacy multi-byte ---

test("legacy multi-byte encodings decode their characters, with the spec's error handling", () => {
  const cases = [
    ["gbk", [0xc4, 0xe3, 0xba, 0xc3, 0x80], "\u4f60\u597d\u20ac"],
    ["gb18030", [0x81, 0x30, 0x81, 0x30, 0x90, 0x30, 0x81, 0x30, 0x95, 0x32, 0x82, 0x36, 0xa3, 0xa0], "\u0080\u{10000}\u{20000}\u3000"],
    ["gb18030", [0x84, 0x31, 0xa5, 0x30], "\ufffd"],
    ["gb18030", [0x81, 0x30, 0x41], "\ufffd0A"],
    ["gb18030", [0x81, 0x41], "\u4e04"],
    ["gb18030", [0x81, 0x7f], "\ufffd\u007f"],
    ["big5", [0xa4, 0x40, 0xa4, 0xa4], "\u4e00\u4e2d"],
    ["big5", [0x88, 0x62, 0x88, 0x64], "\u00ca\u0304\u00ca\u030c"],
    ["big5", [0xa4, 0x41, 0xa4], "\u4e59\ufffd"],
    ["big5", [0x81, 0x41], "\ufffdA"],
    ["euc-jp", [0xa4, 0xa2, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1], "\u3042\uff71\u4e02"],
    ["euc-jp", [0xa4, 0x41], "\ufffdA"],
    ["iso-2022-jp", [0x41, 0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x42], "A\u3042B"],
    ["iso-2022-jp", [0x1b, 0x28, 0x4a, 0x5c, 0x7e, 0x1b, 0x28, 0x49, 0x31, 0x1b, 0x28, 0x42], "\u00a5\u203e\uff71"],
    ["iso-2022-jp", [0x1b, 0x28, 0x42, 0x1b, 0x28, 0x42, 0x41], "\ufffdA", "escape right after an escape"],
    ["iso-2022-jp", [0x1b, 0x41], "\ufffdA"],
    ["iso-2022-jp", [0x0e], "\ufffd"],
    ["shift_jis", [0x82, 0xa0, 0xb1, 0x80, 0x5c, 0xf0, 0x40], "\u3042\uff71\u0080\\\ue000"],
    ["shift_jis", [0x82, 0x41], "\ufffdA"],
    ["shift_jis", [0x87, 0x40, 0xfa, 0x40], "\u2460\u2170"],
    ["euc-kr", [0xb0, 0xa1, 0x81, 0x41], "\uac00\uac02"],
    ["euc-kr", [0xc9, 0xa1, 0x80], "\ufffd\ufffd"],
  ];
  for (const [label, input, expected] of cases) {
    assertEquals(codes(new TextDecoder(label).decode(new Uint8Array(input))), codes(expected), `${label} ${input}`);
  }
  assertThrows(() => new TextDecoder("shift_jis", { fatal: true }).decode(bytes(0x82)), TypeError);
  assertThrows(() => new TextDecoder("big5", { fatal: true }).decode(bytes(0x81, 0x41)), TypeError);
});

test("legacy multi-byte streaming: every split of a mixed input gives the one-shot result", () => {
  const inputs = [
    ["gb18030", [0x41, 0xc4, 0xe3, 0x81, 0x30, 0x81, 0x30, 0x95, 0x32, 0x82, 0x36, 0x81, 0x30, 0x41]],
    ["big5", [0xa4, 0x40, 0x88, 0x62, 0x41, 0xa4]],
    ["euc-jp", [0xa4, 0xa2, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1, 0x8f, 0x41]],
    ["iso-2022-jp", [0x41, 0x1b, 0x24, 0x42, 0x24, 0x22, 0x24, 0x1b, 0x28, 0x4a, 0x5c, 0x1b, 0x28, 0x42, 0x1b]],
    ["shift_jis", [0x82, 0xa0, 0xb1, 0x82]],
    ["euc-kr", [0xb0, 0xa1, 0xb0]],
    ["utf-16be", [0xd8, 0x3d, 0xde, 0x00, 0xd8, 0x3d, 0x00]],
  ];
  for (const [label, input] of inputs) {
    const whole = new TextDecoder(label).decode(new Uint8Array(input));
    for (let cut1 = 0; cut1 <= input.length; cut1++) {
      for (let cut2 = cut1; cut2 <= input.length; cut2++) {
        const decoder = new TextDecoder(label);
        const out = decoder.decode(new Uint8Array(input.slice(0, cut1)), { stream: true }) +
          decoder.decode(new Uint8Array(input.slice(cut1, cut2)), { stream: true }) +
          decoder.decode(new Uint8Array(input.slice(cut2)));
        assertEquals(codes(out), codes(whole), `${label} cuts ${cut1}/${cut2}`);
      }
    }
  }
});

// --- misc ---

test("interfaces: globals, prototypes, toStringTag, console output", () => {
  for (const name of ["TextEncoder", "TextDecoder"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(descriptor.writable && !descriptor.enumerable && descriptor.configurable, name);
    assertEquals(Object.getPrototypeOf(globalThis[name]), Function.prototype);
    assertEquals(Object.getPrototypeOf(globalThis[name].prototype), Object.prototype);
  }
  assertEquals(Object.prototype.toString.call(new TextEncoder()), "[object TextEncoder]");
  assertEquals(Object.prototype.toString.call(new TextDecoder()), "[object TextDecoder]");
  assert(Object.getOwnPropertyDescriptor(TextDecoder.prototype, "decode").enumerable);
  class Sub extends TextDecoder {}
  const sub = new Sub("utf-16be");
  assert(sub instanceof Sub && sub instanceof TextDecoder);
  assertEquals(sub.encoding, "utf-16be");
  const logs = captureLogs(() => console.log(new TextEncoder(), new TextDecoder("utf-16", { fatal: true })));
  assertEquals(logs[0][1], "TextEncoder { encoding: 'utf-8' } TextDecoder { encoding: 'utf-16le', fatal: true, ignoreBOM: false }");
});

test("option dictionaries are read in order, through getters", () => {
  const order = [];
  const options = {
    get fatal() { order.push("fatal"); return true; },
    get ignoreBOM() { order.push("ignoreBOM"); return false; },
  };
  const decoder = new TextDecoder("utf-8", options);
  assertEquals(order, ["fatal", "ignoreBOM"]);
  assertEquals(decoder.fatal, true);
  let read = 0;
  decoder.decode(bytes(0x41), { get stream() { read++; return false; } });
  assertEquals(read, 1);
  assertEquals(new TextDecoder("utf-8", null).fatal, false);
});

test("a large UTF-8 round trip", () => {
  const parts = [];
  for (let i = 0; i < 20000; i++) parts.push(String.fromCodePoint(i * 53 % 0x10ffff || 1));
  const text = parts.join("").replace(/[\ud800-\udfff]/g, "x");
  const encoded = new TextEncoder().encode(text);
  assertEquals(new TextDecoder().decode(encoded), text);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let streamed = "";
  for (let i = 0; i < encoded.length; i += 7) streamed += decoder.decode(encoded.subarray(i, i + 7), { stream: true });
  streamed += decoder.decode();
  assertEquals(streamed, text);
});
