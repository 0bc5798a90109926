// Tests for queueMicrotask, navigator and performance (isolates/runtime/js/40_misc.js).
// Specs: https://html.spec.whatwg.org/#dom-queuemicrotask, https://w3c.github.io/hr-time/

function nextMacrotaskish() {
  // Several promise hops: enough for microtasks queued before to have run.
  return Promise.resolve().then(() => {}).then(() => {}).then(() => {});
}

test("queueMicrotask is installed like a Web IDL operation", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "queueMicrotask");
  assertEquals(typeof descriptor.value, "function");
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.writable, true);
  assertEquals(queueMicrotask.length, 1);
});

test("queueMicrotask runs callbacks in order, after the current task", async () => {
  const calls = [];
  queueMicrotask(() => calls.push(1));
  queueMicrotask(function () {
    calls.push([2, this === undefined || this === globalThis, arguments.length]);
  });
  calls.push(0);
  await nextMacrotaskish();
  assertEquals(calls, [0, 1, [2, true, 0]]);
});

test("queueMicrotask rejects non-callables", () => {
  assertThrows(() => queueMicrotask(), TypeError);
  assertThrows(() => queueMicrotask(1), TypeError);
  assertThrows(() => queueMicrotask({}), TypeError);
  assertThrows(() => queueMicrotask("code"), TypeError);
  assertThrows(() => queueMicrotask(null), TypeError);
});

test("an exception in a microtask is reported and does not stop the next one", async () => {
  const logs = globalThis.__capturedLogs;
  const start = logs.length;
  let ran = false;
  queueMicrotask(() => { throw new Error("microtask failure"); });
  queueMicrotask(() => { ran = true; });
  await nextMacrotaskish();
  assertEquals(ran, true);
  const newLogs = logs.slice(start);
  assertEquals(newLogs.length, 1);
  assertEquals(newLogs[0][0], "error");
  assert(newLogs[0][1].startsWith("Uncaught Error: microtask failure"), newLogs[0][1]);
});

test("queueMicrotask ignores patched Promise.prototype.then and species", async () => {
  const savedThen = Promise.prototype.then;
  const savedSpecies = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
  const savedCall = Function.prototype.call;
  const savedPush = Array.prototype.push;
  let ran = false;
  let error;
  Promise.prototype.then = function () { throw new Error("patched then"); };
  Object.defineProperty(Promise, Symbol.species, { get() { throw new Error("patched species"); }, configurable: true });
  Function.prototype.call = function () { throw new Error("patched call"); };
  Array.prototype.push = function () { throw new Error("patched push"); };
  try {
    queueMicrotask(() => { ran = true; });
  } catch (e) {
    error = e;
  } finally {
    Promise.prototype.then = savedThen;
    Object.defineProperty(Promise, Symbol.species, savedSpecies);
    Function.prototype.call = savedCall;
    Array.prototype.push = savedPush;
  }
  assertEquals(error, undefined);
  await nextMacrotaskish();
  assertEquals(ran, true);
});

test("navigator.userAgent", () => {
  assertEquals(navigator.userAgent, "Quiver/0.1");
  assertEquals(Object.prototype.toString.call(navigator), "[object Navigator]");
  assert(navigator instanceof Navigator);
  assertThrows(() => new Navigator(), TypeError, "Illegal constructor");
  const getter = Object.getOwnPropertyDescriptor(Navigator.prototype, "userAgent").get;
  assertThrows(() => getter.call({}), TypeError, "Illegal invocation");
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  assertEquals(typeof descriptor.get, "function");
  assertEquals(descriptor.set, undefined);
  assertEquals(globalThis.navigator, navigator);
});

test("performance.now() is monotonic and relative to timeOrigin", () => {
  const a = performance.now();
  const b = performance.now();
  assertEquals(typeof a, "number");
  assert(a >= 0, `now() = ${a}`);
  assert(b >= a, "monotonic");
  assert(a < 60 * 1000, "measured from the context's creation");
  const origin = performance.timeOrigin;
  assertEquals(typeof origin, "number");
  const skew = Math.abs(origin + performance.now() - Date.now());
  assert(skew < 1000, `timeOrigin + now() ≈ Date.now() (skew ${skew})`);
  let x = 0;
  for (let i = 0; i < 1e5; i++) x += i;
  assert(performance.now() >= b, String(x));
});

test("performance is a Performance, an EventTarget", () => {
  assertEquals(Object.prototype.toString.call(performance), "[object Performance]");
  assert(performance instanceof Performance);
  assert(performance instanceof EventTarget);
  assertThrows(() => new Performance(), TypeError, "Illegal constructor");
  assertThrows(() => Performance.prototype.now.call({}), TypeError, "Illegal invocation");
  assertThrows(() => Object.getOwnPropertyDescriptor(Performance.prototype, "timeOrigin").get.call({}), TypeError);
  assertEquals(performance.toJSON(), { timeOrigin: performance.timeOrigin });
  assertEquals(JSON.parse(JSON.stringify(performance)).timeOrigin, performance.timeOrigin);
  assertEquals(Performance.prototype.now.length, 0);
  assertEquals(Object.getOwnPropertyDescriptor(Performance.prototype, "now").enumerable, true);
});

test("performance is [Replaceable]", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "performance");
  try {
    globalThis.performance = 5;
    assertEquals(globalThis.performance, 5);
    assertEquals(Object.getOwnPropertyDescriptor(globalThis, "performance").value, 5);
  } finally {
    Object.defineProperty(globalThis, "performance", descriptor);
  }
  assertEquals(typeof performance.now(), "number");
});

test("runtime internals: monotonicNow op exists", () => {
  const internals = globalThis.__internals;
  assert(internals !== undefined, "__internals is installed");
  assertEquals(typeof internals.highResNow(), "number");
  assertEquals(internals.highResTimeOrigin(), performance.timeOrigin);
});
