// The WinterTC Minimum Common API (../shared/conformance/README.md) on a function's globalThis:
// every interface and global of the list that this runtime provides today, installed the way
// Web IDL installs them (non-enumerable, writable, configurable), and the ones that come with
// streams and fetch() listed so that this test says what is still missing.

const interfaces = [
  "AbortController", "AbortSignal", "Blob", "ByteLengthQueuingStrategy", "CompressionStream",
  "CountQueuingStrategy", "Crypto", "CryptoKey", "DecompressionStream", "DOMException", "ErrorEvent",
  "Event", "EventTarget", "File", "FormData",
  "Headers", "PromiseRejectionEvent", "ReadableByteStreamController", "ReadableStream",
  "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest", "ReadableStreamDefaultController",
  "ReadableStreamDefaultReader", "Request", "Response", "SubtleCrypto", "TextDecoder",
  "TextDecoderStream", "TextEncoder", "TextEncoderStream", "TransformStream",
  "TransformStreamDefaultController", "URL", "URLPattern", "URLSearchParams",
  "WritableStream", "WritableStreamDefaultController", "WritableStreamDefaultWriter",
];
const functions = [
  "atob", "btoa", "queueMicrotask", "setTimeout", "clearTimeout", "setInterval", "clearInterval",
  "structuredClone", "addEventListener", "removeEventListener", "dispatchEvent", "fetch",
];
// Every name is here now; `later` lists what is still to come.
const later = [];

test("every interface of the list is a constructor (or an illegal-constructor interface) on globalThis", () => {
  for (const name of interfaces) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assert(descriptor !== undefined, `${name} is missing`);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals([descriptor.enumerable, descriptor.writable, descriptor.configurable], [false, true, true], name);
    assertEquals(descriptor.value.name, name);
    assertEquals(Object.prototype.toString.call(descriptor.value.prototype), `[object ${name}]`, name);
  }
});

test("every global function of the list exists", () => {
  for (const name of functions) assertEquals(typeof globalThis[name], "function", name);
  assertEquals(typeof crypto.getRandomValues, "function");
  assertEquals(typeof crypto.subtle.digest, "function");
  assertEquals(typeof console.log, "function");
  assertEquals(typeof navigator.userAgent, "string");
  assertEquals(typeof performance.now(), "number");
  assertEquals(typeof performance.timeOrigin, "number");
  assert(globalThis instanceof EventTarget);
  for (const name of ["compile", "instantiate", "validate", "Module", "Instance", "Memory", "Table"]) {
    assert(WebAssembly[name] !== undefined, `WebAssembly.${name}`);
  }
});

test("what comes with streams and fetch() is not half there", () => {
  for (const name of later) assertEquals(globalThis[name], undefined, name);
});

test("Crypto, CryptoKey and SubtleCrypto cannot be constructed by user code", () => {
  for (const name of ["Crypto", "CryptoKey", "SubtleCrypto"]) {
    assertThrows(() => new globalThis[name](), TypeError, undefined, name);
  }
});
