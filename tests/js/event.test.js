// Tests for Event and EventTarget (isolates/runtime/js/03_event.js).
// Spec: https://dom.spec.whatwg.org/#interface-event, https://dom.spec.whatwg.org/#interface-eventtarget

test("Event and EventTarget are installed like Web IDL interfaces", () => {
  for (const name of ["Event", "EventTarget"]) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.enumerable, false);
    assertEquals(descriptor.writable, true);
  }
  assertEquals(Event.length, 1);
  assertEquals(EventTarget.length, 0);
  assertEquals(EventTarget.prototype.addEventListener.length, 2);
  assertEquals(EventTarget.prototype.removeEventListener.length, 2);
  assertEquals(EventTarget.prototype.dispatchEvent.length, 1);
  assertEquals(Object.prototype.toString.call(new Event("x")), "[object Event]");
  assertEquals(Object.prototype.toString.call(new EventTarget()), "[object EventTarget]");
  assertEquals(Object.getOwnPropertyDescriptor(Event.prototype, "type").enumerable, true);
  assertThrows(() => Event("x"), TypeError);
  assertThrows(() => EventTarget(), TypeError);
  assertThrows(() => new Event(), TypeError, "1 argument required");
});

test("Event defaults and init dictionary", () => {
  const e = new Event("foo");
  assertEquals(e.type, "foo");
  assertEquals(e.bubbles, false);
  assertEquals(e.cancelable, false);
  assertEquals(e.composed, false);
  assertEquals(e.defaultPrevented, false);
  assertEquals(e.isTrusted, false);
  assertEquals(e.target, null);
  assertEquals(e.currentTarget, null);
  assertEquals(e.srcElement, null);
  assertEquals(e.eventPhase, 0);
  assertEquals(e.returnValue, true);
  assertEquals(e.cancelBubble, false);
  assertEquals(e.composedPath(), []);
  const f = new Event(1, { bubbles: 1, cancelable: "yes", composed: {} });
  assertEquals(f.type, "1");
  assertEquals([f.bubbles, f.cancelable, f.composed], [true, true, true]);
  assertThrows(() => new Event("x", 5), TypeError);
  new Event("x", null);
  new Event("x", undefined);
});

test("init dictionary members are read in lexicographic order", () => {
  const order = [];
  const init = {};
  for (const key of ["composed", "bubbles", "cancelable"]) {
    Object.defineProperty(init, key, { get() { order.push(key); return true; } });
  }
  new Event("x", init);
  assertEquals(order, ["bubbles", "cancelable", "composed"]);
});

test("phase constants", () => {
  const names = ["NONE", "CAPTURING_PHASE", "AT_TARGET", "BUBBLING_PHASE"];
  for (let i = 0; i < names.length; i++) {
    assertEquals(Event[names[i]], i);
    assertEquals(Event.prototype[names[i]], i);
    assertEquals(Object.getOwnPropertyDescriptor(Event, names[i]).writable, false);
  }
});

test("isTrusted is an own unforgeable accessor", () => {
  const e = new Event("x");
  const d = Object.getOwnPropertyDescriptor(e, "isTrusted");
  assertEquals(typeof d.get, "function");
  assertEquals(d.configurable, false);
  assertEquals(d.enumerable, true);
  assertEquals(d.get, Object.getOwnPropertyDescriptor(new Event("y"), "isTrusted").get);
  assertThrows(() => d.get.call({}), TypeError);
});

test("timeStamp is a recent high-resolution time", () => {
  const before = performance.now();
  const e = new Event("x");
  const after = performance.now();
  assert(e.timeStamp >= before && e.timeStamp <= after, `${before} <= ${e.timeStamp} <= ${after}`);
});

test("preventDefault only works on cancelable events", () => {
  const a = new Event("x");
  a.preventDefault();
  assertEquals(a.defaultPrevented, false);
  const b = new Event("x", { cancelable: true });
  b.preventDefault();
  assertEquals(b.defaultPrevented, true);
  assertEquals(b.returnValue, false);
  const c = new Event("x", { cancelable: true });
  c.returnValue = false;
  assertEquals(c.defaultPrevented, true);
  c.returnValue = true;
  assertEquals(c.defaultPrevented, true);
});

test("Event members are brand-checked", () => {
  const proto = Event.prototype;
  for (const name of ["type", "target", "currentTarget", "eventPhase", "bubbles", "cancelable",
    "defaultPrevented", "composed", "timeStamp", "cancelBubble", "returnValue"]) {
    const getter = Object.getOwnPropertyDescriptor(proto, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
  }
  assertThrows(() => proto.preventDefault.call({}), TypeError);
  assertThrows(() => proto.stopPropagation.call(new EventTarget()), TypeError);
  assertThrows(() => EventTarget.prototype.addEventListener.call({}, "x", null), TypeError);
  assertThrows(() => EventTarget.prototype.dispatchEvent.call(new Event("x"), new Event("x")), TypeError);
});

test("dispatchEvent calls listeners in order with target and currentTarget", () => {
  const target = new EventTarget();
  const calls = [];
  const event = new Event("foo");
  target.addEventListener("foo", function (e) {
    calls.push(["a", this === target, e === event, e.target === target, e.currentTarget === target, e.eventPhase]);
    assertEquals(e.composedPath(), [target]);
  });
  target.addEventListener("foo", () => calls.push(["b"]));
  target.addEventListener("bar", () => calls.push(["bar"]));
  assertEquals(target.dispatchEvent(event), true);
  assertEquals(calls, [["a", true, true, true, true, 2], ["b"]]);
  assertEquals(event.target, target);
  assertEquals(event.currentTarget, null);
  assertEquals(event.eventPhase, 0);
  assertEquals(event.isTrusted, false);
});

test("capture listeners run before the others at the target", () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener("x", () => calls.push("bubble1"));
  target.addEventListener("x", () => calls.push("capture"), { capture: true });
  target.addEventListener("x", () => calls.push("bubble2"), false);
  target.addEventListener("x", () => calls.push("capture2"), true);
  target.dispatchEvent(new Event("x"));
  assertEquals(calls, ["capture", "capture2", "bubble1", "bubble2"]);
});

test("duplicate listeners are ignored, capture makes them distinct", () => {
  const target = new EventTarget();
  let count = 0;
  const listener = () => count++;
  target.addEventListener("x", listener);
  target.addEventListener("x", listener);
  target.addEventListener("x", listener, { once: true });
  target.addEventListener("x", listener, true);
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 2);
  target.removeEventListener("x", listener, { capture: true });
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 3);
  target.removeEventListener("x", listener);
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 3);
});

test("null and undefined listeners are ignored; primitives throw", () => {
  const target = new EventTarget();
  target.addEventListener("x", null);
  target.addEventListener("x", undefined);
  target.removeEventListener("x", null);
  assertThrows(() => target.addEventListener("x", 5), TypeError);
  assertThrows(() => target.addEventListener("x"), TypeError, "2 arguments required");
  assertEquals(target.dispatchEvent(new Event("x")), true);
});

test("once removes the listener before it runs", () => {
  const target = new EventTarget();
  let count = 0;
  target.addEventListener("x", () => {
    count++;
    target.dispatchEvent(new Event("x"));
  }, { once: true });
  target.dispatchEvent(new Event("x"));
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 1);
});

test("listener objects with handleEvent", () => {
  const target = new EventTarget();
  const calls = [];
  const listener = {
    handleEvent(e) {
      calls.push([this === listener, e.type]);
    },
  };
  target.addEventListener("x", listener);
  target.dispatchEvent(new Event("x"));
  listener.handleEvent = function () { calls.push("replaced"); };
  target.dispatchEvent(new Event("x"));
  assertEquals(calls, [[true, "x"], "replaced"]);
  target.removeEventListener("x", listener);
  target.dispatchEvent(new Event("x"));
  assertEquals(calls.length, 2);
});

test("exceptions in listeners are reported and do not stop others", () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener("x", () => {
    calls.push(1);
    throw new Error("first failure");
  });
  target.addEventListener("x", { handleEvent: 42 });
  target.addEventListener("x", () => calls.push(3));
  const logs = captureLogs(() => {
    assertEquals(target.dispatchEvent(new Event("x")), true);
  });
  assertEquals(calls, [1, 3]);
  assertEquals(logs.length, 2);
  assertEquals(logs[0][0], "error");
  assert(logs[0][1].startsWith("Uncaught Error: first failure"), logs[0][1]);
  assert(logs[0][1].includes("    at "), "the stack is logged");
  assertEquals(logs[1][0], "error");
  assert(logs[1][1].startsWith("Uncaught TypeError"), logs[1][1]);
});

test("non-Error exceptions are reported too", () => {
  const target = new EventTarget();
  target.addEventListener("x", () => { throw "plain string"; });
  const logs = captureLogs(() => target.dispatchEvent(new Event("x")));
  assertEquals(logs.length, 1);
  assert(logs[0][1].startsWith("Uncaught ") && logs[0][1].includes("plain string"), logs[0][1]);
});

test("stopImmediatePropagation stops the remaining listeners", () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener("x", (e) => { calls.push(1); e.stopImmediatePropagation(); });
  target.addEventListener("x", () => calls.push(2));
  const event = new Event("x");
  target.dispatchEvent(event);
  assertEquals(calls, [1]);
  assertEquals(event.cancelBubble, false, "flags are cleared after dispatch");
  target.dispatchEvent(event);
  assertEquals(calls, [1, 1]);
});

test("stopPropagation in a capture listener skips the non-capture listeners", () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener("x", (e) => { calls.push("c1"); e.stopPropagation(); }, true);
  target.addEventListener("x", () => calls.push("c2"), true);
  target.addEventListener("x", () => calls.push("b"));
  target.dispatchEvent(new Event("x"));
  assertEquals(calls, ["c1", "c2"]);
  const stopped = new Event("x");
  stopped.cancelBubble = true;
  target.dispatchEvent(stopped);
  assertEquals(calls, ["c1", "c2"], "stopped before dispatch: no listener runs");
  assertEquals(stopped.cancelBubble, false, "the flag is cleared by dispatch");
});

test("dispatchEvent returns !defaultPrevented; passive listeners cannot cancel", () => {
  const target = new EventTarget();
  target.addEventListener("x", (e) => e.preventDefault(), { passive: true });
  assertEquals(target.dispatchEvent(new Event("x", { cancelable: true })), true);
  target.addEventListener("x", (e) => e.preventDefault());
  assertEquals(target.dispatchEvent(new Event("x", { cancelable: true })), false);
  assertEquals(target.dispatchEvent(new Event("x")), true);
});

test("listeners added during dispatch do not run; removed ones do not run", () => {
  const target = new EventTarget();
  const calls = [];
  const late = () => calls.push("late");
  const removed = () => calls.push("removed");
  target.addEventListener("x", () => {
    calls.push("first");
    target.addEventListener("x", late);
    target.removeEventListener("x", removed);
  });
  target.addEventListener("x", removed);
  target.dispatchEvent(new Event("x"));
  assertEquals(calls, ["first"]);
  target.dispatchEvent(new Event("x"));
  assertEquals(calls, ["first", "first", "late"]);
});

test("re-dispatching an event being dispatched throws InvalidStateError", () => {
  const target = new EventTarget();
  const event = new Event("x");
  let error;
  target.addEventListener("x", (e) => {
    try {
      target.dispatchEvent(e);
    } catch (err) {
      error = err;
    }
  });
  target.dispatchEvent(event);
  assert(error instanceof DOMException);
  assertEquals(error.name, "InvalidStateError");
  assertThrows(() => target.dispatchEvent({ type: "x" }), TypeError);
});

test("subclasses of EventTarget and Event", () => {
  class Emitter extends EventTarget {}
  class MyEvent extends Event {
    constructor() {
      super("my", { cancelable: true });
      this.detail = 7;
    }
  }
  const emitter = new Emitter();
  let seen;
  emitter.addEventListener("my", (e) => { seen = e.detail; e.preventDefault(); });
  assertEquals(emitter.dispatchEvent(new MyEvent()), false);
  assertEquals(seen, 7);
});

test("signal removes the listener on abort", () => {
  const target = new EventTarget();
  const controller = new AbortController();
  let count = 0;
  target.addEventListener("x", () => count++, { signal: controller.signal });
  target.dispatchEvent(new Event("x"));
  controller.abort();
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 1);
  target.addEventListener("x", () => count++, { signal: controller.signal });
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 1, "an aborted signal adds nothing");
  assertThrows(() => target.addEventListener("x", () => {}, { signal: null }), TypeError);
  assertThrows(() => target.addEventListener("x", () => {}, { signal: {} }), TypeError);
  target.addEventListener("x", () => count++, { signal: undefined });
  target.dispatchEvent(new Event("x"));
  assertEquals(count, 2);
});

test("initEvent", () => {
  const e = new Event("a");
  e.initEvent("b", true, true);
  assertEquals([e.type, e.bubbles, e.cancelable], ["b", true, true]);
});

test("dispatch keeps working with patched builtins", () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener("x", function () { calls[calls.length] = 1; });
  target.addEventListener("x", { handleEvent() { calls[calls.length] = 2; } });
  target.addEventListener("x", () => { throw new Error("boom"); });
  const savedPush = Array.prototype.push;
  const savedCall = Function.prototype.call;
  const savedApply = Function.prototype.apply;
  const savedThen = Promise.prototype.then;
  let result;
  let logs;
  Array.prototype.push = function () { throw new Error("patched push"); };
  Function.prototype.call = function () { throw new Error("patched call"); };
  Function.prototype.apply = function () { throw new Error("patched apply"); };
  Promise.prototype.then = function () { throw new Error("patched then"); };
  try {
    logs = captureLogs(() => {
      result = target.dispatchEvent(new Event("x", { cancelable: true }));
    });
  } finally {
    Array.prototype.push = savedPush;
    Function.prototype.call = savedCall;
    Function.prototype.apply = savedApply;
    Promise.prototype.then = savedThen;
  }
  assertEquals(result, true);
  assertEquals(calls, [1, 2]);
  assertEquals(logs.length, 1);
  assert(logs[0][1].startsWith("Uncaught Error: boom"), logs[0][1]);
});
