// The global scope as an EventTarget (https://html.spec.whatwg.org/#the-window-object, for a
// worker-like global): `globalThis instanceof EventTarget`, `addEventListener("error", …)`,
// `onerror`, `onunhandledrejection`, `onrejectionhandled`, and the events they receive:
//   ErrorEvent             https://html.spec.whatwg.org/#the-errorevent-interface
//   PromiseRejectionEvent  https://html.spec.whatwg.org/#the-promiserejectionevent-interface
//
// "Report the exception" (https://html.spec.whatwg.org/#report-the-exception): an exception that
// escapes a callback (an event listener, a timer) fires a cancelable ErrorEvent "error" at
// globalThis; if no listener cancels it, it is logged as "Uncaught <stack>". An exception thrown
// while an "error" event is being dispatched is only logged (HTML's "in error reporting mode").
//
// "Notify about rejected promises" (https://html.spec.whatwg.org/#notify-about-rejected-promises):
// the host hands over, after each microtask checkpoint, the promises rejected with no handler
// (and those that got one later) through internals.processRejections. For each still unhandled
// one a cancelable PromiseRejectionEvent "unhandledrejection" is fired at globalThis; if none
// cancels it, "Uncaught (in promise) <stack>" is logged. A promise that gets a handler after it
// was reported fires "rejectionhandled".
//
// Deviations: `onerror` is an ordinary event handler (it receives the event, not HTML's
// (message, source, lineno, colno, error) arguments, as in Deno and Workers); ErrorEvent's
// filename/lineno/colno are read from the first frame of the error's stack when it has one.
//
// Exports on `internals`: ErrorEvent, PromiseRejectionEvent, processRejections(list)
// (list: [handled0, promise0, reason0, …]), reportException(error).

const {
  ObjectCreate,
  ObjectDefineProperty,
  ObjectSetPrototypeOf,
  RegExp,
  RegExpPrototypeExec,
  NumberParseInt,
  WeakSet,
  StringPrototypeSlice,
  StringPrototypeIndexOf,
  TypeError,
  WeakSetPrototypeAdd,
  WeakSetPrototypeDelete,
  WeakSetPrototypeHas,
} = primordials;
const {
  configureInterface,
  installGlobal,
  isObject,
  requiredArguments,
  toDictionary,
  toDOMString,
  toUSVString,
} = internals.webidl;
const { Event, EventTarget, defineEventHandler, describeException, dispatchEvent, setEventTrusted } =
  internals;

const globalObject = globalThis;

// --- ErrorEvent ---

let isErrorEvent;

class ErrorEvent extends Event {
  #message;
  #filename;
  #lineno;
  #colno;
  #error;

  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'ErrorEvent'";
    requiredArguments(arguments.length, 1, prefix);
    const typeString = toDOMString(type, prefix, "Argument 1");
    const init = toDictionary(eventInitDict, prefix, "Argument 2");
    super(typeString, init === null ? undefined : init);
    // Dictionary members in lexicographic order: colno, error, filename, lineno, message.
    this.#colno = init === null || init.colno === undefined ? 0 : toUnsignedLong(init.colno);
    this.#error = init === null ? undefined : init.error;
    this.#filename = init === null || init.filename === undefined ? "" : toUSVString(init.filename, prefix, "filename");
    this.#lineno = init === null || init.lineno === undefined ? 0 : toUnsignedLong(init.lineno);
    this.#message = init === null || init.message === undefined ? "" : toDOMString(init.message, prefix, "message");
  }

  get message() {
    return errorEventField(this).#message;
  }

  get filename() {
    return errorEventField(this).#filename;
  }

  get lineno() {
    return errorEventField(this).#lineno;
  }

  get colno() {
    return errorEventField(this).#colno;
  }

  get error() {
    return errorEventField(this).#error;
  }

  static {
    isErrorEvent = (value) => isObject(value) && #message in value;
  }
}

function errorEventField(value) {
  if (!isErrorEvent(value)) throw new TypeError("Illegal invocation");
  return value;
}

// https://webidl.spec.whatwg.org/#es-unsigned-long (modulo 2^32, as WebIDL's ToUint32 does).
function toUnsignedLong(value) {
  return +value >>> 0;
}

configureInterface(ErrorEvent, "ErrorEvent");

// --- PromiseRejectionEvent ---

let isRejectionEvent;

class PromiseRejectionEvent extends Event {
  #promise;
  #reason;

  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'PromiseRejectionEvent'";
    requiredArguments(arguments.length, 2, prefix);
    const typeString = toDOMString(type, prefix, "Argument 1");
    const init = toDictionary(eventInitDict, prefix, "Argument 2");
    const promise = init === null ? undefined : init.promise;
    if (!isObject(promise)) {
      throw new TypeError(`${prefix}: required member promise is undefined or not an object.`);
    }
    super(typeString, init);
    this.#promise = promise;
    this.#reason = init.reason;
  }

  get promise() {
    return rejectionEventField(this).#promise;
  }

  get reason() {
    return rejectionEventField(this).#reason;
  }

  static {
    isRejectionEvent = (value) => isObject(value) && #promise in value;
  }
}

function rejectionEventField(value) {
  if (!isRejectionEvent(value)) throw new TypeError("Illegal invocation");
  return value;
}

configureInterface(PromiseRejectionEvent, "PromiseRejectionEvent");

// --- globalThis as an EventTarget ---

// Between globalThis and Object.prototype: an object inheriting from EventTarget.prototype that
// carries the global event handler attributes.
const globalScopePrototype = ObjectCreate(EventTarget.prototype);
defineEventHandler(globalScopePrototype, "onerror");
defineEventHandler(globalScopePrototype, "onunhandledrejection");
defineEventHandler(globalScopePrototype, "onrejectionhandled");
ObjectSetPrototypeOf(globalObject, globalScopePrototype);

// --- report the exception ---

// "    at fn (file:12:5)" or "    at file:12:5": the first frame's position.
const framePattern = new RegExp("\\n\\s+at (?:.*\\()?(.*?):(\\d+):(\\d+)\\)?(?:\\n|$)");

function errorLocation(error) {
  try {
    if (!isObject(error)) return null;
    const stack = error.stack;
    if (typeof stack !== "string") return null;
    const match = RegExpPrototypeExec(framePattern, stack);
    if (match === null) return null;
    return { __proto__: null, filename: match[1], lineno: NumberParseInt(match[2], 10), colno: NumberParseInt(match[3], 10) };
  } catch {
    return null;
  }
}

function firstLine(text) {
  const end = StringPrototypeIndexOf(text, "\n");
  return end === -1 ? text : StringPrototypeSlice(text, 0, end);
}

let reporting = false;

function reportException(error) {
  const description = describeException(error);
  if (reporting) {
    ops.log("error", `Uncaught ${description}`);
    return;
  }
  reporting = true;
  let notCanceled = true;
  try {
    const location = errorLocation(error);
    const event = new ErrorEvent("error", {
      __proto__: null,
      cancelable: true,
      message: `Uncaught ${firstLine(description)}`,
      error,
      filename: location === null ? "" : location.filename,
      lineno: location === null ? 0 : location.lineno,
      colno: location === null ? 0 : location.colno,
    });
    setEventTrusted(event);
    notCanceled = dispatchEvent(globalObject, event);
  } finally {
    reporting = false;
  }
  if (notCanceled) ops.log("error", `Uncaught ${description}`);
}

internals.setReportExceptionHook(reportException);

// --- notify about rejected promises ---

const outstandingRejections = new WeakSet();

function processRejections(list) {
  for (let i = 0; i + 2 < list.length; i += 3) {
    const handled = list[i];
    const promise = list[i + 1];
    if (handled) {
      if (!WeakSetPrototypeHas(outstandingRejections, promise)) continue;
      WeakSetPrototypeDelete(outstandingRejections, promise);
      const event = new PromiseRejectionEvent("rejectionhandled", {
        __proto__: null, promise, reason: undefined,
      });
      setEventTrusted(event);
      dispatchEvent(globalObject, event);
      continue;
    }
    const reason = list[i + 2];
    const event = new PromiseRejectionEvent("unhandledrejection", {
      __proto__: null, cancelable: true, promise, reason,
    });
    setEventTrusted(event);
    const notCanceled = dispatchEvent(globalObject, event);
    if (notCanceled) ops.log("error", `Uncaught (in promise) ${describeException(reason)}`);
    WeakSetPrototypeAdd(outstandingRejections, promise);
  }
}

installGlobal("ErrorEvent", ErrorEvent);
installGlobal("PromiseRejectionEvent", PromiseRejectionEvent);

internals.ErrorEvent = ErrorEvent;
internals.PromiseRejectionEvent = PromiseRejectionEvent;
internals.processRejections = processRejections;
internals.reportException = reportException;
