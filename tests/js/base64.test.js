// atob() and btoa() (isolates/runtime/js/12_base64.js) beyond the WPT vectors
// (tests/conformance/base64.test.js), and internals.forgivingBase64Decode/base64Encode.

const internals = globalThis.__internals;

function assertInvalidCharacter(fn, message) {
  const error = assertThrows(fn, DOMException, undefined, message);
  assertEquals(error.name, "InvalidCharacterError", message);
  assertEquals(error.code, 5, message);
  return error;
}

test("btoa: Latin-1 strings, padding, all byte values", () => {
  assertEquals(btoa(""), "");
  assertEquals(btoa("f"), "Zg==");
  assertEquals(btoa("fo"), "Zm8=");
  assertEquals(btoa("foo"), "Zm9v");
  assertEquals(btoa("foob"), "Zm9vYg==");
  assertEquals(btoa("\u00ff\u00fe\u0000"), "//4A");
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(atob(btoa(all)), all);
});

test("btoa: a code unit above U+00FF is an InvalidCharacterError", () => {
  assertInvalidCharacter(() => btoa("\u0100"));
  assertInvalidCharacter(() => btoa("abc\u20ac"));
  assertInvalidCharacter(() => btoa("\u{1F600}"));
  assertInvalidCharacter(() => btoa("\ud800"));
  // A two-byte string whose characters all fit in Latin-1 still works.
  const twoByte = "\u20ac".slice(1) + "\u00e9";
  assertEquals(btoa(twoByte), "6Q==");
});

test("atob: forgiving decode: whitespace, optional padding, failures", () => {
  assertEquals(atob(" Z m 9 v\n\t\f\rYg== "), "foob");
  assertEquals(atob("Zm9vYg"), "foob");
  assertEquals(atob("Zm9vYmE"), "fooba");
  assertEquals(atob("Zh=="), "f", "non-zero discarded bits are allowed");
  assertEquals(atob(""), "");
  for (const bad of ["Zm9vY", "Zm9vYg=", "Zm9vYg===", "Z===", "=Zm9", "Zm=9v", "Zm9v\u00a0", "Zm9v\u0000", "Zm9v-_", "\u20ac", "Zm9v\u000b"]) {
    assertInvalidCharacter(() => atob(bad), JSON.stringify(bad));
  }
});

test("argument conversion: ToString, symbols, missing arguments, null and undefined", () => {
  assertEquals(btoa(null), "bnVsbA==");
  assertEquals(btoa(undefined), "dW5kZWZpbmVk");
  assertEquals(btoa(12), "MTI=");
  assertEquals(btoa({ toString() { return "hi"; } }), "aGk=");
  assertEquals(atob(null), "\u009e\u00e9\u0065", "atob(null) decodes 'null'");
  assertEquals(atob({ toString: () => "aGk=" }), "hi");
  assertInvalidCharacter(() => atob(undefined), "'undefined' has length 9");
  assertThrows(() => btoa(Symbol("s")), TypeError);
  assertThrows(() => atob(Symbol("s")), TypeError);
  assertThrows(() => btoa(), TypeError);
  assertThrows(() => atob(), TypeError);
  const thrower = { toString() { throw new RangeError("from toString"); } };
  assertThrows(() => btoa(thrower), RangeError);
});

test("the DOMException is of this realm, with a stack", () => {
  const error = assertInvalidCharacter(() => atob("!"));
  assert(error instanceof Error);
  assertEquals(Object.getPrototypeOf(error), DOMException.prototype);
  assertEquals(typeof error.stack, "string");
});

test("globals are writable, configurable, non-enumerable functions", () => {
  for (const name of ["atob", "btoa"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function", name);
    assert(descriptor.writable && descriptor.configurable && !descriptor.enumerable, name);
    assertEquals(globalThis[name].length, 1);
  }
});

test("large inputs round-trip", () => {
  let binary = "";
  for (let i = 0; i < 4096; i++) binary += String.fromCharCode((i * 7) & 0xff);
  binary = binary.repeat(256); // 1 MiB
  const encoded = btoa(binary);
  assertEquals(encoded.length, Math.ceil(binary.length / 3) * 4);
  assertEquals(atob(encoded), binary);
  const spaced = encoded.slice(0, 1000).replace(/(.{76})/g, "$1\n");
  assertEquals(atob(spaced), binary.slice(0, 750));
});

test("internals.forgivingBase64Decode and internals.base64Encode", () => {
  if (internals === undefined) throw new Error("the test host does not expose internals");
  assertEquals(internals.forgivingBase64Decode(" AAEC/w= ="), new Uint8Array([0, 1, 2, 255]));
  assertEquals(internals.forgivingBase64Decode("A"), null);
  assertEquals(internals.forgivingBase64Decode("\u20ac"), null);
  assertEquals(internals.forgivingBase64Decode(""), new Uint8Array(0));
  assertEquals(internals.base64Encode(new Uint8Array([0, 1, 2, 255])), "AAEC/w==");
  assertEquals(internals.base64Encode(new Uint8Array([104, 105]).buffer), "aGk=");
  assertEquals(internals.base64Encode(new DataView(new Uint8Array([1, 104, 105]).buffer, 1)), "aGk=");
  assertEquals(internals.base64Encode(new Uint8Array(0)), "");
});
