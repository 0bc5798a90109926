// Event and EventTarget (https://dom.spec.whatwg.org/#interface-event,
// https://dom.spec.whatwg.org/#interface-eventtarget), plus the clock shared with `performance`.
//
// There is no DOM tree: an event's path is its target alone, so dispatch runs the target's
// capturing listeners, then its other listeners, both with eventPhase AT_TARGET (2), as the
// "dispatch" algorithm does for the target's own entry of the path; `bubbles` changes nothing and
// composedPath() is [currentTarget] while dispatching, [] otherwise. Listeners added during a
// dispatch do not run in it; listeners removed during it do not run anymore.
//
// "Report the exception" (https://html.spec.whatwg.org/#report-the-exception): an exception
// thrown by a listener (or by a non-callable `handleEvent`) does not stop the other listeners; it
// fires an ErrorEvent at globalThis and, unless cancelled, is logged as
// ops.log("error", "Uncaught " + stack) (45_global_scope.js installs that through
// setReportExceptionHook; before it loads, the exception is only logged).
//
// globalThis is an EventTarget too (the [Global] interface of HTML): its listener lists live
// here, and the EventTarget methods called with an undefined or null `this` (a bare
// `addEventListener(…)` in a module) act on globalThis, as Web IDL says for [Global] interfaces.
// Deviations: no `window.event`; `passive` defaults to false (no touch/wheel events here);
// timeStamp is full precision (no coarsening) relative to performance.timeOrigin.
//
// Exports on `internals`: Event, EventTarget, highResTimeOrigin, highResNow() (ms since the time
// origin), reportException(error), isEvent(v), isEventTarget(v), createTrustedEvent(type),
// fireEvent(target, type), addEventListenerInternal(target, type, callback, flattenedOptions),
// defineEventHandler(prototype, name), describeException(error), setReportExceptionHook(fn),
// dispatchEvent(target, event), setEventTrusted(event).

const {
  DateNow,
  ObjectDefineProperty,
  ReflectApply,
  SafeArrayPush,
  StringPrototypeSlice,
  TypeError,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  requiredArguments,
  toDictionary,
  toDOMString,
} = internals.webidl;

// --- the clock (https://w3c.github.io/hr-time/#dfn-time-origin) ---

// The time origin is the instance's creation: the runtime may have been installed long before,
// into a startup snapshot (isolates/runtime/snapshot.h), so the host restarts the clock through
// internals.startClock() whenever it makes a context for a function.
let monotonicOrigin = ops.monotonicNow();
let timeOrigin = DateNow();

function startClock() {
  monotonicOrigin = ops.monotonicNow();
  timeOrigin = DateNow();
}

function highResNow() {
  return ops.monotonicNow() - monotonicOrigin;
}

function highResTimeOrigin() {
  return timeOrigin;
}

// --- report the exception ---

function describeException(error) {
  try {
    if (isObject(error)) {
      const stack = error.stack;
      if (typeof stack === "string") return stack;
    }
    const format = internals.formatLogArgs; // 10_console.js, loaded later
    if (typeof format === "function") return format([error]);
    return `${error}`;
  } catch {
    return "(an exception that could not be described)";
  }
}

// Replaced by 45_global_scope.js with one that first fires `error` at globalThis.
let reportHook = null;

function reportException(error) {
  if (reportHook !== null) return reportHook(error);
  ops.log("error", `Uncaught ${describeException(error)}`);
}

// --- Event ---

const NONE = 0;
const CAPTURING_PHASE = 1;
const AT_TARGET = 2;
const BUBBLING_PHASE = 3;

const kTrusted = { __proto__: null };

let isEvent;
let eventState;

// [LegacyUnforgeable] readonly attribute boolean isTrusted: an own accessor of every instance,
// sharing one getter.
const isTrustedDescriptor = {
  __proto__: null,
  get: function isTrusted() {
    if (!isEvent(this)) throw illegalInvocation();
    return eventState(this).isTrusted;
  },
  set: undefined,
  enumerable: true,
  configurable: false,
};

class Event {
  #state;

  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'Event'";
    requiredArguments(arguments.length, 1, prefix);
    const typeString = toDOMString(type, prefix, "Argument 1");
    const init = toDictionary(eventInitDict, prefix, "Argument 2");
    // Dictionary members in lexicographic order.
    const bubbles = init === null ? false : !!init.bubbles;
    const cancelable = init === null ? false : !!init.cancelable;
    const composed = init === null ? false : !!init.composed;
    this.#state = {
      __proto__: null,
      type: typeString,
      bubbles,
      cancelable,
      composed,
      target: null,
      currentTarget: null,
      eventPhase: NONE,
      canceled: false,
      stopPropagation: false,
      stopImmediatePropagation: false,
      inPassiveListener: false,
      dispatching: false,
      initialized: true,
      isTrusted: arguments[2] === kTrusted,
      timeStamp: highResNow(),
    };
    ObjectDefineProperty(this, "isTrusted", isTrustedDescriptor);
  }

  get type() {
    return stateOf(this).type;
  }

  get target() {
    return stateOf(this).target;
  }

  get srcElement() {
    return stateOf(this).target;
  }

  get currentTarget() {
    return stateOf(this).currentTarget;
  }

  composedPath() {
    const state = stateOf(this);
    return state.currentTarget === null ? [] : [state.currentTarget];
  }

  get eventPhase() {
    return stateOf(this).eventPhase;
  }

  stopPropagation() {
    stateOf(this).stopPropagation = true;
  }

  get cancelBubble() {
    return stateOf(this).stopPropagation;
  }

  set cancelBubble(value) {
    const state = stateOf(this);
    if (value) state.stopPropagation = true;
  }

  stopImmediatePropagation() {
    const state = stateOf(this);
    state.stopPropagation = true;
    state.stopImmediatePropagation = true;
  }

  get bubbles() {
    return stateOf(this).bubbles;
  }

  get cancelable() {
    return stateOf(this).cancelable;
  }

  get returnValue() {
    return !stateOf(this).canceled;
  }

  set returnValue(value) {
    const state = stateOf(this);
    if (!value) setCanceled(state);
  }

  preventDefault() {
    setCanceled(stateOf(this));
  }

  get defaultPrevented() {
    return stateOf(this).canceled;
  }

  get composed() {
    return stateOf(this).composed;
  }

  get timeStamp() {
    return stateOf(this).timeStamp;
  }

  initEvent(type, bubbles = false, cancelable = false) {
    const state = stateOf(this);
    requiredArguments(arguments.length, 1, "Failed to execute 'initEvent' on 'Event'");
    const typeString = toDOMString(type, "Failed to execute 'initEvent' on 'Event'", "Argument 1");
    if (state.dispatching) return;
    state.initialized = true;
    state.stopPropagation = false;
    state.stopImmediatePropagation = false;
    state.canceled = false;
    state.isTrusted = false;
    state.target = null;
    state.type = typeString;
    state.bubbles = !!bubbles;
    state.cancelable = !!cancelable;
  }

  static {
    isEvent = (value) => isObject(value) && #state in value;
    eventState = (event) => event.#state;
  }
}

function stateOf(event) {
  if (!isEvent(event)) throw illegalInvocation();
  return eventState(event);
}

// https://dom.spec.whatwg.org/#set-the-canceled-flag
function setCanceled(state) {
  if (state.cancelable && !state.inPassiveListener) state.canceled = true;
}

function createTrustedEvent(type) {
  return new Event(type, undefined, kTrusted);
}

configureInterface(Event, "Event");
const phases = [["NONE", NONE], ["CAPTURING_PHASE", CAPTURING_PHASE], ["AT_TARGET", AT_TARGET],
  ["BUBBLING_PHASE", BUBBLING_PHASE]];
for (let i = 0; i < phases.length; i++) {
  const descriptor = {
    __proto__: null,
    value: phases[i][1],
    writable: false,
    enumerable: true,
    configurable: false,
  };
  ObjectDefineProperty(Event, phases[i][0], descriptor);
  ObjectDefineProperty(Event.prototype, phases[i][0], descriptor);
}

// --- EventTarget ---

let isEventTarget;
let listenersOf;
let handlersOf;

// https://dom.spec.whatwg.org/#concept-flatten-options
function flattenCapture(options) {
  if (typeof options === "boolean") return options;
  const dictionary = toDictionary(options, "EventTarget", "options");
  return dictionary === null ? false : !!dictionary.capture;
}

// https://dom.spec.whatwg.org/#event-flatten-more
function flattenMore(options, prefix) {
  if (typeof options === "boolean") {
    return { __proto__: null, capture: options, once: false, passive: false, signal: null };
  }
  const dictionary = toDictionary(options, prefix, "Argument 3");
  if (dictionary === null) {
    return { __proto__: null, capture: false, once: false, passive: false, signal: null };
  }
  const capture = !!dictionary.capture;
  const once = !!dictionary.once;
  const passiveValue = dictionary.passive;
  const passive = passiveValue === undefined ? false : !!passiveValue;
  const signalValue = dictionary.signal;
  let signal = null;
  if (signalValue !== undefined) {
    if (!internals.isAbortSignal(signalValue)) {
      throw new TypeError(`${prefix}: member signal is not of type AbortSignal.`);
    }
    signal = signalValue;
  }
  return { __proto__: null, capture, once, passive, signal };
}

function removeListenerRecord(target, listener) {
  listener.removed = true;
  const list = listenersOf(target);
  for (let i = 0; i < list.length; i++) {
    if (list[i] === listener) {
      for (let j = i; j + 1 < list.length; j++) list[j] = list[j + 1];
      list.length--;
      return;
    }
  }
}

// https://dom.spec.whatwg.org/#add-an-event-listener (callback: an object or null; the checks on
// its type are done by the caller).
function addEventListenerInternal(target, type, callback, flattened) {
  if (callback === null) return;
  const signal = flattened.signal;
  if (signal !== null && internals.abortSignalAborted(signal)) return;
  const list = listenersOf(target);
  for (let i = 0; i < list.length; i++) {
    const existing = list[i];
    if (existing.type === type && existing.callback === callback && existing.capture === flattened.capture) {
      return;
    }
  }
  const listener = {
    __proto__: null,
    type,
    callback,
    capture: flattened.capture,
    passive: flattened.passive,
    once: flattened.once,
    signal,
    removed: false,
  };
  SafeArrayPush(list, listener);
  if (signal !== null) {
    internals.addAbortAlgorithm(signal, () => removeListenerRecord(target, listener));
  }
}

// https://dom.spec.whatwg.org/#concept-event-listener-inner-invoke (phase: "capturing" or
// "bubbling"); `listeners` is a copy of the target's list.
function innerInvoke(event, state, listeners, phase) {
  for (let i = 0; i < listeners.length; i++) {
    const listener = listeners[i];
    if (listener.removed) continue;
    if (listener.type !== state.type) continue;
    if (phase === "capturing" && !listener.capture) continue;
    if (phase === "bubbling" && listener.capture) continue;
    if (listener.once) removeListenerRecord(state.currentTarget, listener);
    if (listener.passive) state.inPassiveListener = true;
    const callback = listener.callback;
    try {
      if (typeof callback === "function") {
        ReflectApply(callback, state.currentTarget, [event]);
      } else {
        const handleEvent = callback.handleEvent;
        if (typeof handleEvent !== "function") {
          throw new TypeError("The 'handleEvent' property of the event listener is not callable.");
        }
        ReflectApply(handleEvent, callback, [event]);
      }
    } catch (error) {
      reportException(error);
    }
    state.inPassiveListener = false;
    if (state.stopImmediatePropagation) return;
  }
}

// https://dom.spec.whatwg.org/#concept-event-dispatch, for a path of one target.
function dispatch(target, event) {
  const state = eventState(event);
  state.dispatching = true;
  state.target = target;
  state.currentTarget = target;
  state.eventPhase = AT_TARGET;
  const list = listenersOf(target);
  const listeners = [];
  for (let i = 0; i < list.length; i++) SafeArrayPush(listeners, list[i]);
  if (!state.stopPropagation) innerInvoke(event, state, listeners, "capturing");
  if (!state.stopPropagation) innerInvoke(event, state, listeners, "bubbling");
  state.eventPhase = NONE;
  state.currentTarget = null;
  state.dispatching = false;
  state.stopPropagation = false;
  state.stopImmediatePropagation = false;
  return !state.canceled;
}

// globalThis's EventTarget state (the global proxy cannot carry the private fields).
const globalObject = globalThis;
const globalListeners = [];
const globalHandlers = { __proto__: null };

class EventTarget {
  #listeners = [];
  #handlers = { __proto__: null };

  constructor() {}

  addEventListener(type, callback, options = undefined) {
    const target = this ?? globalObject;
    if (!isEventTarget(target)) throw illegalInvocation();
    const prefix = "Failed to execute 'addEventListener' on 'EventTarget'";
    requiredArguments(arguments.length, 2, prefix);
    const typeString = toDOMString(type, prefix, "Argument 1");
    if (callback !== null && callback !== undefined && !isObject(callback)) {
      throw new TypeError(`${prefix}: The callback provided as parameter 2 is not an object.`);
    }
    const flattened = flattenMore(options, prefix);
    addEventListenerInternal(target, typeString, callback ?? null, flattened);
  }

  removeEventListener(type, callback, options = undefined) {
    const target = this ?? globalObject;
    if (!isEventTarget(target)) throw illegalInvocation();
    const prefix = "Failed to execute 'removeEventListener' on 'EventTarget'";
    requiredArguments(arguments.length, 2, prefix);
    const typeString = toDOMString(type, prefix, "Argument 1");
    if (callback !== null && callback !== undefined && !isObject(callback)) {
      throw new TypeError(`${prefix}: The callback provided as parameter 2 is not an object.`);
    }
    const capture = flattenCapture(options);
    if (callback === null || callback === undefined) return;
    const list = listenersOf(target);
    for (let i = 0; i < list.length; i++) {
      const listener = list[i];
      if (listener.type === typeString && listener.callback === callback && listener.capture === capture) {
        removeListenerRecord(target, listener);
        return;
      }
    }
  }

  dispatchEvent(event) {
    const target = this ?? globalObject;
    if (!isEventTarget(target)) throw illegalInvocation();
    const prefix = "Failed to execute 'dispatchEvent' on 'EventTarget'";
    requiredArguments(arguments.length, 1, prefix);
    if (!isEvent(event)) throw new TypeError(`${prefix}: parameter 1 is not of type 'Event'.`);
    const state = eventState(event);
    if (state.dispatching || !state.initialized) {
      throw new internals.DOMException(`${prefix}: The event is already being dispatched.`, "InvalidStateError");
    }
    state.isTrusted = false;
    return dispatch(target, event);
  }

  static {
    isEventTarget = (value) => isObject(value) && (#listeners in value || value === globalObject);
    listenersOf = (target) => (target === globalObject ? globalListeners : target.#listeners);
    handlersOf = (target) => (target === globalObject ? globalHandlers : target.#handlers);
  }
}

configureInterface(EventTarget, "EventTarget");

// Fires a trusted event at `target` (https://dom.spec.whatwg.org/#concept-event-fire); returns
// !defaultPrevented.
function fireEvent(target, type) {
  const event = createTrustedEvent(type);
  return dispatch(target, event);
}

// Event handler IDL attributes (https://html.spec.whatwg.org/#event-handler-attributes), e.g.
// `onabort`: a non-object sets null; the first non-null value registers one listener (at that
// point of the list) that calls the current handler; null removes it. A handler returning false
// cancels the event.
function defineEventHandler(prototype, name) {
  const type = StringPrototypeSlice(name, 2);
  ObjectDefineProperty(prototype, name, {
    __proto__: null,
    get() {
      if (!isEventTarget(this)) throw illegalInvocation();
      const record = handlersOf(this)[type];
      return record === undefined ? null : record.value;
    },
    set(value) {
      if (!isEventTarget(this)) throw illegalInvocation();
      const handlers = handlersOf(this);
      const handler = isObject(value) ? value : null;
      let record = handlers[type];
      if (record === undefined) {
        record = { __proto__: null, value: null, listener: null };
        handlers[type] = record;
      }
      record.value = handler;
      if (handler === null) {
        if (record.listener !== null) {
          removeListenerRecord(this, record.listener);
          record.listener = null;
        }
        return;
      }
      if (record.listener !== null) return;
      const callback = function (event) {
        const current = record.value;
        if (typeof current !== "function") return; // [LegacyTreatNonObjectAsNull]
        const result = ReflectApply(current, this, [event]);
        if (result === false) setCanceled(eventState(event));
      };
      addEventListenerInternal(this, type, callback, {
        __proto__: null, capture: false, once: false, passive: false, signal: null,
      });
      const list = listenersOf(this);
      record.listener = list[list.length - 1];
    },
    enumerable: true,
    configurable: true,
  });
}

installGlobal("Event", Event);
installGlobal("EventTarget", EventTarget);

internals.Event = Event;
internals.EventTarget = EventTarget;

internals.highResTimeOrigin = highResTimeOrigin;
internals.startClock = startClock;
internals.highResNow = highResNow;
internals.reportException = reportException;
internals.isEvent = isEvent;
internals.isEventTarget = isEventTarget;
internals.createTrustedEvent = createTrustedEvent;
internals.fireEvent = fireEvent;
internals.addEventListenerInternal = addEventListenerInternal;
internals.defineEventHandler = defineEventHandler;
internals.describeException = describeException;
internals.dispatchEvent = dispatch; // (target, event) -> !canceled; keeps isTrusted as it is
internals.setEventTrusted = (event) => {
  eventState(event).isTrusted = true;
};
internals.setReportExceptionHook = (hook) => {
  reportHook = hook;
};
