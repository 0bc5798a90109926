// globalThis as an EventTarget: ErrorEvent, PromiseRejectionEvent, "report the exception" and
// "notify about rejected promises" (the host runs processRejections after each microtask
// checkpoint, as quiverd does).

function nextEvent(type, { prevent = false } = {}) {
  return new Promise((resolve) => {
    addEventListener(type, (event) => {
      if (prevent) event.preventDefault();
      resolve(event);
    }, { once: true });
  });
}

function logsSince(start) {
  return __capturedLogs.slice(start).map(([level, text]) => `${level}: ${text}`);
}

test("globalThis is an EventTarget and bare addEventListener/dispatchEvent act on it", () => {
  assert(globalThis instanceof EventTarget);
  assertEquals(typeof globalThis.addEventListener, "function");
  let seen = null;
  const listener = (event) => { seen = event; };
  addEventListener.call(undefined, "ping", listener);
  dispatchEvent.call(undefined, new Event("ping"));
  assertEquals(seen.type, "ping");
  assertEquals(seen.target, globalThis);
  assertEquals(seen.currentTarget, null);
  removeEventListener("ping", listener);
  seen = null;
  globalThis.dispatchEvent(new Event("ping"));
  assertEquals(seen, null);
  assertThrows(() => EventTarget.prototype.addEventListener.call({}, "x", null), TypeError, "Illegal invocation");
});

test("ErrorEvent: attributes, defaults and conversions", () => {
  const error = new Error("e");
  const event = new ErrorEvent("error", { message: "m", filename: "f.js", lineno: 3, colno: -1, error, cancelable: true });
  assert(event instanceof Event);
  assertEquals([event.type, event.message, event.filename, event.lineno, event.colno], ["error", "m", "f.js", 3, 4294967295]);
  assertEquals(event.error, error);
  assertEquals(event.cancelable, true);
  assertEquals(event.isTrusted, false);
  const empty = new ErrorEvent("x");
  assertEquals([empty.message, empty.filename, empty.lineno, empty.colno, empty.error], ["", "", 0, 0, undefined]);
  assertThrows(() => new ErrorEvent(), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(ErrorEvent.prototype, "message").get.call(new Event("x")), TypeError);
  assertEquals(Object.prototype.toString.call(event), "[object ErrorEvent]");
});

test("PromiseRejectionEvent: promise is required, reason is kept", () => {
  const promise = Promise.resolve();
  const event = new PromiseRejectionEvent("unhandledrejection", { promise, reason: 42 });
  assertEquals(event.promise, promise);
  assertEquals(event.reason, 42);
  assertThrows(() => new PromiseRejectionEvent("x"), TypeError);
  assertThrows(() => new PromiseRejectionEvent("x", {}), TypeError, "promise");
  assertThrows(() => new PromiseRejectionEvent("x", { promise: 1 }), TypeError);
  assertEquals(Object.prototype.toString.call(event), "[object PromiseRejectionEvent]");
});

test("an unhandled rejection fires a cancelable, trusted unhandledrejection; cancelled, it is not logged", async () => {
  const start = __capturedLogs.length;
  const seen = nextEvent("unhandledrejection", { prevent: true });
  const promise = Promise.reject(new Error("nobody-listens"));
  const event = await seen;
  assert(event instanceof PromiseRejectionEvent);
  assertEquals(event.promise, promise);
  assertEquals(event.reason.message, "nobody-listens");
  assertEquals(event.isTrusted, true);
  assertEquals(event.cancelable, true);
  assertEquals(event.target, globalThis);
  assertEquals(logsSince(start).filter((line) => line.includes("nobody-listens")), []);
});

test("not cancelled, an unhandled rejection is logged as Uncaught (in promise) with its stack", async () => {
  const start = __capturedLogs.length;
  const seen = nextEvent("unhandledrejection");
  Promise.reject(new TypeError("logged-rejection"));
  await seen;
  await null;
  const lines = logsSince(start);
  assert(lines.some((line) => line.startsWith("error: Uncaught (in promise) TypeError: logged-rejection\n    at ")), lines.join("\n"));
});

test("a rejection handled within the same turn fires nothing", async () => {
  let fired = 0;
  const count = () => { fired++; };
  addEventListener("unhandledrejection", count);
  const promise = Promise.reject(new Error("handled-in-time"));
  await null;
  promise.catch(() => {});
  await new Promise((resolve) => queueMicrotask(resolve));
  // Let a checkpoint pass: wait for an unrelated rejection to be reported after this one.
  const marker = nextEvent("unhandledrejection", { prevent: true });
  Promise.reject(new Error("marker"));
  const event = await marker;
  removeEventListener("unhandledrejection", count);
  assertEquals(event.reason.message, "marker");
  assertEquals(fired, 1, "only the marker fired");
});

test("a handler added after the report fires rejectionhandled", async () => {
  const reported = nextEvent("unhandledrejection", { prevent: true });
  const promise = Promise.reject(new Error("late"));
  await reported;
  const handled = nextEvent("rejectionhandled");
  promise.catch(() => {});
  const event = await handled;
  assertEquals(event.promise, promise);
  assertEquals(event.reason, undefined);
  assertEquals(event.cancelable, false);
});

test("onunhandledrejection and onerror handler attributes", async () => {
  assertEquals(onunhandledrejection, null);
  let seen = null;
  onunhandledrejection = (event) => { seen = event; return false; };
  const marker = nextEvent("unhandledrejection");
  Promise.reject(new Error("via-handler"));
  const event = await marker;
  onunhandledrejection = null;
  assertEquals(seen, event);
  assertEquals(event.defaultPrevented, true, "returning false cancels");
  assertEquals(onerror, null);
  onerror = () => {};
  assertEquals(typeof onerror, "function");
  onerror = null;
});

test("an exception in a listener fires ErrorEvent at globalThis with its location", () => {
  const start = __capturedLogs.length;
  let seen = null;
  const onError = (event) => { seen = event; event.preventDefault(); };
  addEventListener("error", onError);
  const target = new EventTarget();
  target.addEventListener("boom", () => { throw new RangeError("listener-boom"); });
  target.dispatchEvent(new Event("boom"));
  removeEventListener("error", onError);
  assert(seen instanceof ErrorEvent);
  assertEquals(seen.message, "Uncaught RangeError: listener-boom");
  assertEquals(seen.error.message, "listener-boom");
  assert(seen.filename.endsWith("global_events.test.js"), seen.filename);
  assert(seen.lineno > 0 && seen.colno > 0);
  assertEquals(seen.isTrusted, true);
  assertEquals(logsSince(start), [], "cancelled: not logged");
});

test("not cancelled, the listener's exception is logged; an error listener that throws is only logged", () => {
  const start = __capturedLogs.length;
  const throwing = () => { throw new Error("from-error-listener"); };
  addEventListener("error", throwing);
  const target = new EventTarget();
  target.addEventListener("boom", () => { throw new Error("original"); });
  target.dispatchEvent(new Event("boom"));
  removeEventListener("error", throwing);
  const lines = logsSince(start);
  assertEquals(lines.length, 2, lines.join("\n"));
  assert(lines[0].startsWith("error: Uncaught Error: from-error-listener"), lines[0]);
  assert(lines[1].startsWith("error: Uncaught Error: original"), lines[1]);
});
