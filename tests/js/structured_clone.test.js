// structuredClone() (isolates/runtime/js/41_structured_clone.js, ops_clone.cc).

function assertDataCloneError(fn, message) {
  const error = assertThrows(fn, DOMException, undefined, message);
  assertEquals(error.name, "DataCloneError", message);
  assertEquals(error.code, 25, message);
  return error;
}

test("primitives, including -0, NaN and BigInt", () => {
  for (const value of [undefined, null, true, false, 0, -0, NaN, Infinity, 1.5, "", "str\ud800", 10n, -(2n ** 70n)]) {
    assert(Object.is(structuredClone(value), value), String(value));
  }
});

test("objects and arrays: a deep copy with own enumerable string keys, holes and extra properties", () => {
  const source = { a: 1, nested: { list: [1, "two", { three: 3 }] }, [Symbol("s")]: 1 };
  Object.defineProperty(source, "hidden", { value: 1, enumerable: false });
  const clone = structuredClone(source);
  assert(clone !== source && clone.nested !== source.nested && clone.nested.list !== source.nested.list);
  assertEquals(clone, { a: 1, nested: { list: [1, "two", { three: 3 }] } });
  assertEquals(Object.getOwnPropertySymbols(clone).length, 0);
  const array = [1, , 3];
  array.extra = "x";
  const arrayClone = structuredClone(array);
  assertEquals(arrayClone.length, 3);
  assert(!(1 in arrayClone));
  assertEquals(arrayClone.extra, "x");
  class Point { constructor() { this.x = 1; } }
  const point = structuredClone(new Point());
  assertEquals(Object.getPrototypeOf(point), Object.prototype, "prototypes are not kept");
  assertEquals(point.x, 1);
});

test("getters run once; their exceptions propagate unchanged", () => {
  let calls = 0;
  const clone = structuredClone({ get g() { calls++; return 5; } });
  assertEquals([calls, clone.g, Object.getOwnPropertyDescriptor(clone, "g").value], [1, 5, 5]);
  assertThrows(() => structuredClone({ get g() { throw new RangeError("inside"); } }), RangeError, "inside");
});

test("circular and shared references are preserved", () => {
  const shared = { s: 1 };
  const source = { a: shared, b: shared, list: [] };
  source.self = source;
  source.list.push(source.list, shared);
  const clone = structuredClone(source);
  assert(clone.self === clone);
  assert(clone.a === clone.b && clone.a !== shared);
  assert(clone.list[0] === clone.list && clone.list[1] === clone.a);
});

test("Date, RegExp, Map, Set, boxed primitives", () => {
  const date = structuredClone(new Date(1234567890123));
  assert(date instanceof Date);
  assertEquals(date.getTime(), 1234567890123);
  const regexp = structuredClone(/a+b/giu);
  assert(regexp instanceof RegExp);
  assertEquals([regexp.source, regexp.flags], ["a+b", "giu"]);
  const key = { k: 1 };
  const map = structuredClone(new Map([[key, "v"], ["x", key]]));
  assert(map instanceof Map);
  const [[clonedKey, value], [, again]] = map.entries();
  assertEquals([clonedKey.k, value], [1, "v"]);
  assert(again === clonedKey);
  const set = structuredClone(new Set([1, "a", key]));
  assert(set instanceof Set);
  assertEquals(set.size, 3);
  for (const boxed of [new Number(3), new String("s"), new Boolean(false), Object(5n)]) {
    const copy = structuredClone(boxed);
    assertEquals(typeof copy, "object");
    assertEquals(copy.valueOf(), boxed.valueOf());
    assertEquals(Object.prototype.toString.call(copy), Object.prototype.toString.call(boxed));
  }
});

test("ArrayBuffer and views are copied; views over one buffer keep sharing it", () => {
  const buffer = new ArrayBuffer(8);
  const bytes = new Uint8Array(buffer);
  bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
  const source = { buffer, bytes, words: new Uint16Array(buffer, 2, 2), view: new DataView(buffer, 4) };
  const clone = structuredClone(source);
  assert(clone.buffer !== buffer && clone.buffer.byteLength === 8);
  assert(clone.bytes.buffer === clone.buffer && clone.words.buffer === clone.buffer && clone.view.buffer === clone.buffer);
  assertEquals([clone.words.byteOffset, clone.words.length, clone.view.byteOffset], [2, 2, 4]);
  assert(clone.words instanceof Uint16Array && clone.view instanceof DataView);
  clone.bytes[0] = 99;
  assertEquals(bytes[0], 1, "a copy, not shared memory");
  for (const Type of [Int8Array, Uint8ClampedArray, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
    const typed = new Type(3);
    const copy = structuredClone(typed);
    assert(copy instanceof Type, Type.name);
    assertEquals(copy.length, 3);
  }
});

test("errors keep their class, message and stack", () => {
  for (const ErrorClass of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
    const original = new ErrorClass("message");
    const clone = structuredClone(original);
    assert(clone instanceof ErrorClass, ErrorClass.name);
    assertEquals(clone.message, "message");
    assertEquals(clone.name, ErrorClass.name);
    assertEquals(typeof clone.stack, "string");
  }
});

test("DOMException is serializable: a new DOMException with the same name, message and code", () => {
  const original = new DOMException("went wrong", "NotFoundError");
  const clone = structuredClone(original);
  assert(clone !== original);
  assert(clone instanceof DOMException && clone instanceof Error);
  assertEquals([clone.name, clone.message, clone.code], ["NotFoundError", "went wrong", 8]);
  const nested = structuredClone({ list: [original, original] });
  assert(nested.list[0] === nested.list[1], "shared references to a DOMException stay shared");
  assertEquals(nested.list[0].message, "went wrong");
  const again = structuredClone(clone);
  assertEquals([again.name, again.message], ["NotFoundError", "went wrong"], "a clone clones again");
  const odd = structuredClone(new DOMException("\ud800 lone", "Custom"));
  assertEquals([odd.message, odd.code], ["\ud800 lone", 0]);
});

test("DataCloneError for functions, symbols, non-serializable platform objects, WeakMap", () => {
  const error = assertDataCloneError(() => structuredClone(() => 1));
  assert(error instanceof Error);
  assertDataCloneError(() => structuredClone({ f() {} }));
  assertDataCloneError(() => structuredClone(Symbol("s")));
  assertDataCloneError(() => structuredClone([Symbol.iterator]));
  assertDataCloneError(() => structuredClone(new TextEncoder()));
  assertDataCloneError(() => structuredClone({ decoder: new TextDecoder() }));
  assertDataCloneError(() => structuredClone(new WeakMap()));
  assertDataCloneError(() => structuredClone(Promise.resolve()));
  assertDataCloneError(() => structuredClone(new Proxy({}, {})));
  if (typeof SharedArrayBuffer === "function") {
    assertDataCloneError(() => structuredClone(new SharedArrayBuffer(4)));
    assertDataCloneError(() => structuredClone(new Uint8Array(new SharedArrayBuffer(4))));
  }
});

test("transfer: ArrayBuffers are detached and their memory moves to the clone", () => {
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const view = new Uint8Array(buffer);
  const clone = structuredClone({ buffer, view }, { transfer: [buffer] });
  assertEquals(buffer.byteLength, 0);
  assertEquals(view.length, 0, "views of a transferred buffer see it detached");
  assertEquals(new Uint8Array(clone.buffer), new Uint8Array([1, 2, 3]));
  assert(clone.view.buffer === clone.buffer);
  const lone = new ArrayBuffer(4);
  assertEquals(structuredClone(5, { transfer: [lone] }), 5);
  assertEquals(lone.byteLength, 0, "transferred even when not referenced by the value");
  assertEquals(structuredClone(1, { transfer: new Set() }), 1);
  assertEquals(structuredClone(1, {}), 1);
  assertEquals(structuredClone(1, null), 1);
  assertEquals(structuredClone(1, undefined), 1);
});

test("transfer: invalid lists", () => {
  const buffer = new ArrayBuffer(4);
  assertDataCloneError(() => structuredClone(buffer, { transfer: [buffer, buffer] }));
  assertEquals(buffer.byteLength, 4, "nothing is detached when the clone fails");
  assertDataCloneError(() => structuredClone(1, { transfer: [{}] }));
  assertDataCloneError(() => structuredClone(1, { transfer: [new Uint8Array(2)] }));
  if (typeof SharedArrayBuffer === "function") {
    assertDataCloneError(() => structuredClone(1, { transfer: [new SharedArrayBuffer(2)] }));
  }
  const detached = new ArrayBuffer(2);
  structuredClone(detached, { transfer: [detached] });
  assertDataCloneError(() => structuredClone(1, { transfer: [detached] }));
  const kept = new ArrayBuffer(2);
  assertDataCloneError(() => structuredClone({ kept, f() {} }, { transfer: [kept] }));
  assertEquals(kept.byteLength, 2, "a failed serialization detaches nothing");
  assertThrows(() => structuredClone(1, { transfer: 5 }), TypeError);
  assertThrows(() => structuredClone(1, { transfer: {} }), TypeError);
  assertThrows(() => structuredClone(1, { transfer: [1] }), TypeError);
  assertThrows(() => structuredClone(1, 5), TypeError);
  assertThrows(() => structuredClone(), TypeError);
});

test("a clone bomb is a clean DataCloneError, not a crash", () => {
  const big = "x".repeat(1 << 24); // 16 MiB, written once per reference (strings are not shared)
  const bomb = [];
  for (let i = 0; i < 200; i++) bomb.push(big);
  const error = assertDataCloneError(() => structuredClone(bomb));
  assert(error.message.includes("out of memory"), error.message);
  assertEquals(structuredClone([big, big])[1].length, 1 << 24, "a clone within the limit works");
});

test("structuredClone is a global function with length 1", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "structuredClone");
  assert(descriptor.writable && descriptor.configurable && !descriptor.enumerable);
  assertEquals(structuredClone.length, 1);
  assertEquals(structuredClone.name, "structuredClone");
});
