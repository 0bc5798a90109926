// queueMicrotask (https://html.spec.whatwg.org/#dom-queuemicrotask), navigator
// (https://html.spec.whatwg.org/#the-navigator-object, userAgent only) and performance
// (https://w3c.github.io/hr-time/#the-performance-attribute: now(), timeOrigin, toJSON()).
//
// queueMicrotask: an exception thrown by the callback is reported like a listener's
// ("Uncaught " + stack, logged at level "error"). The microtask is queued through a promise
// reaction made with the original Promise machinery, so user code that patches
// Promise.prototype.then or Promise[Symbol.species] does not change it.
//
// performance.timeOrigin is Date.now() when the function instance was created (internals.startClock
// in 03_event.js), and performance.now() the milliseconds since then on a monotonic
// clock (ops.monotonicNow). Deviations: timestamps are not coarsened; Performance is an
// EventTarget with no events and no timeline (mark/measure/getEntries are not implemented);
// `navigator` and `performance` are accessors on the global object, as on WorkerGlobalScope; and
// the Navigator interface holds only `userAgent` ("Quiver/0.1").

const {
  ObjectDefineProperty,
  PromisePrototypeThen,
  PromiseResolve,
  ReflectApply,
  TypeError,
  globalThis,
} = primordials;
const { configureInterface, illegalInvocation, installGlobal, isObject, requiredArguments } =
  internals.webidl;
const { EventTarget, highResNow, highResTimeOrigin, reportException } = internals;

const kInternal = { __proto__: null };

// --- queueMicrotask ---

const undefinedConstructor = {
  __proto__: null,
  value: undefined,
  writable: false,
  enumerable: false,
  configurable: false,
};

function queueMicrotask(callback) {
  requiredArguments(arguments.length, 1, "Failed to execute 'queueMicrotask'");
  if (typeof callback !== "function") {
    throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  }
  const promise = PromiseResolve(undefined);
  // SpeciesConstructor() falls back to %Promise% when `constructor` is undefined.
  ObjectDefineProperty(promise, "constructor", undefinedConstructor);
  PromisePrototypeThen(promise, () => {
    try {
      ReflectApply(callback, globalThis, []);
    } catch (error) {
      reportException(error);
    }
  });
}

// --- navigator ---

let isNavigator;

class Navigator {
  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
  }

  get userAgent() {
    if (!isNavigator(this)) throw illegalInvocation();
    return "Quiver/0.1";
  }

  #brand = true;

  static {
    isNavigator = (value) => isObject(value) && #brand in value;
  }
}

configureInterface(Navigator, "Navigator");

// --- performance ---

let isPerformance;

class Performance extends EventTarget {
  #brand = true;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    super();
  }

  now() {
    if (!isPerformance(this)) throw illegalInvocation();
    return highResNow();
  }

  get timeOrigin() {
    if (!isPerformance(this)) throw illegalInvocation();
    return highResTimeOrigin();
  }

  toJSON() {
    if (!isPerformance(this)) throw illegalInvocation();
    return { timeOrigin: highResTimeOrigin() };
  }

  static {
    isPerformance = (value) => isObject(value) && #brand in value;
  }
}

configureInterface(Performance, "Performance");

const navigator = new Navigator(kInternal);
const performance = new Performance(kInternal);

// Attributes of the global object: `navigator` is readonly (a getter), `performance` is
// [Replaceable] (assigning it defines an own data property instead).
function installGetter(name, value, replaceable) {
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    get: { [name]() { return value; } }[name],
    set: replaceable ? { [name](v) {
      ObjectDefineProperty(globalThis, name, {
        __proto__: null, value: v, writable: true, enumerable: true, configurable: true,
      });
    } }[name] : undefined,
    enumerable: true,
    configurable: true,
  });
}

installGlobal("queueMicrotask", queueMicrotask);
installGlobal("Navigator", Navigator);
installGlobal("Performance", Performance);
installGetter("navigator", navigator, false);
installGetter("performance", performance, true);
