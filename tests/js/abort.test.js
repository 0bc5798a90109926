// Tests for AbortController and AbortSignal (isolates/runtime/js/04_abort.js).
// Spec: https://dom.spec.whatwg.org/#interface-abortcontroller
// AbortSignal.timeout needs the host's timers, which the JS harness does not have: only its
// argument checks and its failure outside a request are tested here.

test("interfaces are installed", () => {
  for (const name of ["AbortController", "AbortSignal"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.enumerable, false);
  }
  assertEquals(Object.prototype.toString.call(new AbortController()), "[object AbortController]");
  assertEquals(Object.prototype.toString.call(new AbortController().signal), "[object AbortSignal]");
  assertEquals(Object.getPrototypeOf(AbortSignal.prototype), EventTarget.prototype);
  assertEquals(Object.getPrototypeOf(AbortSignal), EventTarget);
  assertThrows(() => new AbortSignal(), TypeError, "Illegal constructor");
  assertThrows(() => AbortController(), TypeError);
  assertEquals(AbortSignal.any.length, 1);
  assertEquals(AbortSignal.timeout.length, 1);
  assertEquals(AbortSignal.abort.length, 0);
  assertEquals(Object.getOwnPropertyDescriptor(AbortSignal.prototype, "onabort").enumerable, true);
});

test("a new controller's signal is not aborted", () => {
  const controller = new AbortController();
  const signal = controller.signal;
  assertEquals(controller.signal, signal);
  assertEquals(signal.aborted, false);
  assertEquals(signal.reason, undefined);
  assertEquals(signal.onabort, null);
  signal.throwIfAborted();
  assert(signal instanceof EventTarget);
});

test("abort() with the default reason", () => {
  const controller = new AbortController();
  const signal = controller.signal;
  const events = [];
  signal.addEventListener("abort", (e) => events.push([e.type, e.isTrusted, e.target === signal, signal.aborted]));
  controller.abort();
  assertEquals(signal.aborted, true);
  assert(signal.reason instanceof DOMException);
  assertEquals(signal.reason.name, "AbortError");
  assertEquals(signal.reason.code, 20);
  assertEquals(events, [["abort", true, true, true]]);
  const error = assertThrows(() => signal.throwIfAborted());
  assertEquals(error, signal.reason);
  const first = signal.reason;
  controller.abort(new Error("again"));
  assertEquals(signal.reason, first, "aborting twice changes nothing");
  assertEquals(events.length, 1, "abort fires once");
});

test("abort(reason) keeps any reason, even falsy", () => {
  for (const reason of [0, "", null, false, new Error("x"), { custom: true }]) {
    const controller = new AbortController();
    controller.abort(reason);
    assertEquals(controller.signal.aborted, true);
    assertEquals(controller.signal.reason, reason);
    let thrown;
    try {
      controller.signal.throwIfAborted();
    } catch (e) {
      thrown = e;
    }
    assertEquals(thrown, reason);
  }
  const controller = new AbortController();
  controller.abort(undefined);
  assertEquals(controller.signal.reason.name, "AbortError");
});

test("onabort event handler", () => {
  const controller = new AbortController();
  const signal = controller.signal;
  const calls = [];
  signal.addEventListener("abort", () => calls.push("before"));
  const handler = function (e) { calls.push(["onabort", this === signal, e.type]); };
  signal.onabort = handler;
  assertEquals(signal.onabort, handler);
  signal.addEventListener("abort", () => calls.push("after"));
  signal.onabort = 5;
  assertEquals(signal.onabort, null);
  signal.onabort = handler;
  controller.abort();
  assertEquals(calls, ["before", "after", ["onabort", true, "abort"]]);
  const other = new AbortController();
  other.signal.onabort = () => calls.push("x");
  other.signal.onabort = null;
  other.abort();
  assertEquals(calls.length, 3);
});

test("onabort handler position is kept when it is replaced", () => {
  const controller = new AbortController();
  const calls = [];
  controller.signal.onabort = () => calls.push("old");
  controller.signal.addEventListener("abort", () => calls.push("listener"));
  controller.signal.onabort = () => calls.push("new");
  controller.abort();
  assertEquals(calls, ["new", "listener"]);
});

test("AbortSignal.abort()", () => {
  const signal = AbortSignal.abort();
  assertEquals(signal.aborted, true);
  assertEquals(signal.reason.name, "AbortError");
  const reason = new Error("why");
  assertEquals(AbortSignal.abort(reason).reason, reason);
  assert(AbortSignal.abort() !== AbortSignal.abort());
});

test("AbortSignal.timeout argument conversion and no timers outside a request", () => {
  assertThrows(() => AbortSignal.timeout(), TypeError);
  assertThrows(() => AbortSignal.timeout(-1), TypeError);
  assertThrows(() => AbortSignal.timeout(NaN), TypeError);
  assertThrows(() => AbortSignal.timeout(Infinity), TypeError);
  assertThrows(() => AbortSignal.timeout(2 ** 53), TypeError);
  assertThrows(() => AbortSignal.timeout(10), TypeError, "timers are not available");
});

test("brand checks", () => {
  const getter = (name) => Object.getOwnPropertyDescriptor(AbortSignal.prototype, name).get;
  assertThrows(() => getter("aborted").call({}), TypeError, "Illegal invocation");
  assertThrows(() => getter("reason").call(new EventTarget()), TypeError);
  assertThrows(() => AbortSignal.prototype.throwIfAborted.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(AbortController.prototype, "signal").get.call({}), TypeError);
  assertThrows(() => AbortController.prototype.abort.call(new AbortController().signal), TypeError);
  assertThrows(() => getter("onabort").call({}), TypeError);
});

test("exceptions in abort listeners are reported; the others still run", () => {
  const controller = new AbortController();
  const calls = [];
  controller.signal.addEventListener("abort", () => { throw new RangeError("listener failed"); });
  controller.signal.onabort = () => calls.push("onabort");
  controller.signal.addEventListener("abort", () => calls.push("last"));
  const logs = captureLogs(() => controller.abort());
  assertEquals(calls, ["onabort", "last"]);
  assertEquals(logs.length, 1);
  assertEquals(logs[0][0], "error");
  assert(logs[0][1].startsWith("Uncaught RangeError: listener failed"), logs[0][1]);
});

test("AbortSignal.any follows its sources", () => {
  const a = new AbortController();
  const b = new AbortController();
  const any = AbortSignal.any([a.signal, b.signal]);
  assertEquals(any.aborted, false);
  const order = [];
  a.signal.addEventListener("abort", () => order.push(["a", any.aborted]));
  any.addEventListener("abort", () => order.push(["any", any.reason]));
  const reason = new Error("b first");
  b.abort(reason);
  assertEquals(any.aborted, true);
  assertEquals(any.reason, reason);
  a.abort();
  assertEquals(order, [["any", reason], ["a", true]]);
});

test("AbortSignal.any: dependents are aborted after the source's event, reason set first", () => {
  const source = new AbortController();
  const dep1 = AbortSignal.any([source.signal]);
  const dep2 = AbortSignal.any([dep1]);
  const order = [];
  source.signal.addEventListener("abort", () => order.push(["source", dep1.aborted, dep2.aborted]));
  dep1.addEventListener("abort", () => order.push("dep1"));
  dep2.addEventListener("abort", () => order.push("dep2"));
  source.abort("why");
  assertEquals(order, [["source", true, true], "dep1", "dep2"]);
  assertEquals(dep2.reason, "why");
});

test("AbortSignal.any with an aborted input is aborted at once with its reason", () => {
  const first = AbortSignal.abort("first");
  const second = AbortSignal.abort("second");
  const any = AbortSignal.any([new AbortController().signal, first, second]);
  assertEquals(any.aborted, true);
  assertEquals(any.reason, "first");
});

test("AbortSignal.any([]) never aborts; duplicates are fine", () => {
  const empty = AbortSignal.any([]);
  assertEquals(empty.aborted, false);
  const controller = new AbortController();
  let count = 0;
  const any = AbortSignal.any([controller.signal, controller.signal]);
  any.onabort = () => count++;
  controller.abort();
  assertEquals(count, 1);
});

test("AbortSignal.any accepts any iterable of AbortSignals only", () => {
  const controller = new AbortController();
  const set = new Set([controller.signal]);
  const any = AbortSignal.any(set);
  controller.abort();
  assertEquals(any.aborted, true);
  assertThrows(() => AbortSignal.any(), TypeError);
  assertThrows(() => AbortSignal.any(controller.signal), TypeError);
  assertThrows(() => AbortSignal.any([{}]), TypeError);
  assertThrows(() => AbortSignal.any([new EventTarget()]), TypeError);
  assertThrows(() => AbortSignal.any("abc"), TypeError);
});

test("abort keeps working with patched builtins", () => {
  const controller = new AbortController();
  const target = new EventTarget();
  let removedRan = false;
  target.addEventListener("x", () => { removedRan = true; }, { signal: controller.signal });
  const any = AbortSignal.any([controller.signal]);
  let events = 0;
  any.onabort = () => { events++; };
  controller.signal.addEventListener("abort", () => { events++; });
  const savedPush = Array.prototype.push;
  const savedCall = Function.prototype.call;
  const savedThen = Promise.prototype.then;
  Array.prototype.push = function () { throw new Error("patched push"); };
  Function.prototype.call = function () { throw new Error("patched call"); };
  Promise.prototype.then = function () { throw new Error("patched then"); };
  let logs;
  try {
    logs = captureLogs(() => {
      controller.abort();
      target.dispatchEvent(new Event("x"));
    });
  } finally {
    Array.prototype.push = savedPush;
    Function.prototype.call = savedCall;
    Promise.prototype.then = savedThen;
  }
  assertEquals(logs, []);
  assertEquals(events, 2);
  assertEquals(removedRan, false);
  assertEquals(any.reason.name, "AbortError");
});
