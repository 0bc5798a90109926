// Test harness for the runtime's JavaScript tests. A classic script, evaluated by the C++ test
// host in a function's global scope (after the runtime's files ran) before one *.test.js file.
//
// Defines on globalThis:
//   test(name, fn, options?)                     registers a test; fn may be async.
//                                                options.expectedFailure = "reason": the test is
//                                                known to fail (counted apart); passing fails it.
//                                                options.group = "name": counted in that group too
//   assert(condition, message?)
//   assertEquals(actual, expected, message?)     SameValue, or deep equality for arrays, plain
//                                                objects, typed arrays and ArrayBuffers
//   assertThrows(fn, ErrorClass?, messageSubstring?) -> the error
//   assertRejects(fnOrPromise, ErrorClass?, messageSubstring?) -> Promise of the error; fails if
//                                                fn throws synchronously instead of rejecting
//   captureLogs(fn) -> [[level, text], …]        the ops.log calls made while fn ran
//   __runTests() -> Promise<{ passed, failed, expectedFailures, failures: [{ name, message }],
//                   groups: [{ name, passed, failed, expectedFailures }] }>, sequentially
//
// Host contract for tests:
//   globalThis.__capturedLogs  an array the host appends [level, text] to on every ops.log call
//                              (console tests read it)
//   globalThis.__internals     the runtime's `internals` object (only internals.test.js uses it;
//                              without it those tests fail with a message saying so)
//
// The harness captures every builtin it uses up front, so tests that monkey-patch builtins
// (hardening.test.js) cannot break it.
(function () {
  "use strict";

  const ArrayIsArray = Array.isArray;
  const ArrayBufferIsView = ArrayBuffer.isView;
  const Error_ = Error;
  const JSONStringify = JSON.stringify;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectIs = Object.is;
  const ObjectKeys = Object.keys;
  const ObjectPrototype = Object.prototype;
  const ReflectApply = Reflect.apply;
  const String_ = String;
  const Uint8Array_ = Uint8Array;
  const call = Function.prototype.call;
  const uncurry = (fn) => call.bind(fn);
  const ObjectPrototypeToString = uncurry(Object.prototype.toString);
  const StringPrototypeIncludes = uncurry(String.prototype.includes);
  const ArrayPrototypeJoin = uncurry(Array.prototype.join);
  const ArrayBufferPrototypeGetByteLength =
    uncurry(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get);
  const TypedArrayPrototypeGetToStringTag =
    uncurry(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get);
  const SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
  const globalObject = globalThis;

  function push(array, value) {
    ObjectDefineProperty(array, array.length, {
      __proto__: null, value, writable: true, enumerable: true, configurable: true,
    });
  }

  class AssertionError extends Error_ {}
  ObjectDefineProperty(AssertionError.prototype, "name", { __proto__: null, value: "AssertionError" });

  function fail(message) {
    throw new AssertionError(message);
  }

  function isPlainObject(value) {
    if (value === null || typeof value !== "object") return false;
    const prototype = ObjectGetPrototypeOf(value);
    return prototype === ObjectPrototype || prototype === null;
  }

  function typedArrayTag(value) {
    return TypedArrayPrototypeGetToStringTag(value);
  }

  function isArrayBuffer(value) {
    try {
      ArrayBufferPrototypeGetByteLength(value);
      return true;
    } catch {
      return false;
    }
  }

  function repr(value, depth = 0) {
    if (typeof value === "string") return JSONStringify(value);
    if (typeof value === "number") return ObjectIs(value, -0) ? "-0" : String_(value);
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "symbol") return SymbolPrototypeToString(value);
    if (typeof value === "function") return `[function ${value.name}]`;
    if (value === null || value === undefined) return String_(value);
    if (typeof value !== "object") return String_(value);
    if (depth > 3) return "[…]";
    if (ArrayIsArray(value)) {
      const parts = [];
      for (let i = 0; i < value.length; i++) push(parts, repr(value[i], depth + 1));
      return `[${ArrayPrototypeJoin(parts, ", ")}]`;
    }
    const tag = typedArrayTag(value);
    if (tag !== undefined) {
      const parts = [];
      for (let i = 0; i < value.length; i++) push(parts, repr(value[i], depth + 1));
      return `${tag} [${ArrayPrototypeJoin(parts, ", ")}]`;
    }
    if (isArrayBuffer(value)) return `ArrayBuffer ${repr(new Uint8Array_(value), depth)}`;
    if (isPlainObject(value)) {
      const keys = ObjectKeys(value);
      const parts = [];
      for (let i = 0; i < keys.length; i++) push(parts, `${JSONStringify(keys[i])}: ${repr(value[keys[i]], depth + 1)}`);
      return `{${ArrayPrototypeJoin(parts, ", ")}}`;
    }
    return ObjectPrototypeToString(value);
  }

  function deepEqual(a, b) {
    if (ObjectIs(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (ArrayIsArray(a) || ArrayIsArray(b)) {
      if (!ArrayIsArray(a) || !ArrayIsArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (!deepEqual(a[i], b[i])) return false;
      }
      return true;
    }
    const tagA = typedArrayTag(a);
    if (tagA !== undefined || typedArrayTag(b) !== undefined) {
      if (tagA !== typedArrayTag(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (!ObjectIs(a[i], b[i])) return false;
      }
      return true;
    }
    if (isArrayBuffer(a) || isArrayBuffer(b)) {
      return isArrayBuffer(a) && isArrayBuffer(b) && deepEqual(new Uint8Array_(a), new Uint8Array_(b));
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      const keysA = ObjectKeys(a);
      const keysB = ObjectKeys(b);
      if (keysA.length !== keysB.length) return false;
      for (let i = 0; i < keysA.length; i++) {
        const key = keysA[i];
        if (!deepEqual(a[key], b[key])) return false;
      }
      for (let i = 0; i < keysB.length; i++) {
        if (!deepEqual(a[keysB[i]], b[keysB[i]])) return false;
      }
      return true;
    }
    return false;
  }

  function withMessage(message, text) {
    return message === undefined ? text : `${message}: ${text}`;
  }

  function assert(condition, message = undefined) {
    if (!condition) fail(message === undefined ? "Assertion failed" : message);
  }

  function assertEquals(actual, expected, message = undefined) {
    if (!deepEqual(actual, expected)) {
      fail(withMessage(message, `expected ${repr(expected)}, got ${repr(actual)}`));
    }
  }

  function errorName(error) {
    if (error === null || (typeof error !== "object" && typeof error !== "function")) return repr(error);
    try {
      return `${error.name}: ${error.message}`;
    } catch {
      return ObjectPrototypeToString(error);
    }
  }

  function checkError(error, ErrorClass, messageSubstring, message) {
    if (ErrorClass !== undefined && !(error instanceof ErrorClass)) {
      fail(withMessage(message, `expected ${ErrorClass.name}, got ${errorName(error)}`));
    }
    if (messageSubstring !== undefined) {
      const text = error !== null && typeof error === "object" ? String_(error.message) : String_(error);
      if (!StringPrototypeIncludes(text, messageSubstring)) {
        fail(withMessage(message, `expected the error message to contain ${repr(messageSubstring)}, got ${repr(text)}`));
      }
    }
    return error;
  }

  function assertThrows(fn, ErrorClass = undefined, messageSubstring = undefined, message = undefined) {
    try {
      fn();
    } catch (error) {
      return checkError(error, ErrorClass, messageSubstring, message);
    }
    return fail(withMessage(message, `expected ${ErrorClass === undefined ? "an error" : ErrorClass.name} to be thrown`));
  }

  async function assertRejects(fnOrPromise, ErrorClass = undefined, messageSubstring = undefined, message = undefined) {
    let promise = fnOrPromise;
    if (typeof fnOrPromise === "function") {
      try {
        promise = fnOrPromise();
      } catch (error) {
        fail(withMessage(message, `expected a rejected promise, but the function threw synchronously: ${errorName(error)}`));
      }
    }
    if (promise === null || typeof promise !== "object" || typeof promise.then !== "function") {
      fail(withMessage(message, `expected a promise, got ${repr(promise)}`));
    }
    try {
      await promise;
    } catch (error) {
      return checkError(error, ErrorClass, messageSubstring, message);
    }
    return fail(withMessage(message, `expected the promise to reject with ${ErrorClass === undefined ? "an error" : ErrorClass.name}`));
  }

  function capturedLogs() {
    const logs = globalObject.__capturedLogs;
    if (logs === undefined || logs === null) {
      fail("globalThis.__capturedLogs is not installed by the test host");
    }
    return logs;
  }

  // Runs fn synchronously and returns the [level, text] pairs logged meanwhile (copies).
  function captureLogs(fn) {
    const logs = capturedLogs();
    const start = logs.length;
    fn();
    const result = [];
    for (let i = start; i < logs.length; i++) push(result, [logs[i][0], logs[i][1]]);
    return result;
  }

  const tests = [];

  function test(name, fn, options = undefined) {
    const expectedFailure = options === undefined ? undefined : options.expectedFailure;
    const group = options === undefined ? undefined : options.group;
    push(tests, { name: String_(name), fn, expectedFailure, group });
  }

  async function runTests() {
    let passed = 0;
    let failed = 0;
    let expectedFailures = 0;
    const failures = [];
    const groups = [];
    const groupByName = { __proto__: null };
    const count = (entry, outcome) => {
      if (entry.group === undefined) return;
      let group = groupByName[entry.group];
      if (group === undefined) {
        group = { name: entry.group, passed: 0, failed: 0, expectedFailures: 0 };
        groupByName[entry.group] = group;
        push(groups, group);
      }
      group[outcome]++;
    };
    for (let i = 0; i < tests.length; i++) {
      const entry = tests[i];
      let error = null;
      let threw = false;
      try {
        await entry.fn();
      } catch (caught) {
        threw = true;
        error = caught;
      }
      if (entry.expectedFailure === undefined) {
        if (!threw) {
          passed++;
          count(entry, "passed");
        } else {
          failed++;
          count(entry, "failed");
          push(failures, { name: entry.name, message: errorName(error) });
        }
      } else if (threw) {
        expectedFailures++;
        count(entry, "expectedFailures");
      } else {
        failed++;
        count(entry, "failed");
        push(failures, {
          name: entry.name,
          message: `unexpected pass: the expectations list it as failing (${entry.expectedFailure}); remove that entry`,
        });
      }
    }
    return { passed, failed, expectedFailures, failures, groups };
  }

  const define = (name, value) => ObjectDefineProperty(globalObject, name, {
    __proto__: null, value, writable: true, enumerable: false, configurable: true,
  });
  define("test", test);
  define("assert", assert);
  define("assertEquals", assertEquals);
  define("assertThrows", assertThrows);
  define("assertRejects", assertRejects);
  define("captureLogs", captureLogs);
  define("__runTests", runTests);
})();
