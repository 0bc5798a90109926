// AbortController and AbortSignal (https://dom.spec.whatwg.org/#interface-abortcontroller,
// https://dom.spec.whatwg.org/#interface-AbortSignal).
//
// AbortSignal.any(signals) follows the "create a dependent abort signal" algorithm: the result
// depends on the non-dependent sources (the sources of a dependent input are used instead of the
// input itself), and aborting a source first sets the reason of every dependent, then runs the
// abort steps (abort algorithms, then a trusted "abort" event) of the source, then of each
// dependent.
//
// AbortSignal.timeout(ms) uses the host's timers (ops.timerStart, as setTimeout does), so it only
// works while a request is being handled: at module top level it throws a TypeError, and the
// timer is cancelled when the request that started it ends (the signal then never aborts). Its
// reason is a DOMException "TimeoutError".
// Deviations: a source holds its dependent signals strongly until it aborts (the spec lets
// unreachable dependents be garbage collected); the timeout's abort runs in the timer callback
// rather than in a separately queued task.
//
// Exports on `internals`: isAbortSignal(v), abortSignalAborted(signal), abortSignalReason(signal),
// abortSignalReason(signal), addAbortAlgorithm(signal, fn), signalAbort(signal, reason), newAbortSignal(),
// createDependentAbortSignal(signals) (https://dom.spec.whatwg.org/#create-a-dependent-abort-signal).

const { MathTrunc, NumberIsFinite, ReflectApply, SafeArrayPush, TypeError } = primordials;
const {
  configureInterface,
  getIteratorMethod,
  illegalInvocation,
  installGlobal,
  isObject,
  iterableToList,
  requiredArguments,
} = internals.webidl;
const { DOMException, EventTarget, defineEventHandler, fireEvent } = internals;

const kInternal = { __proto__: null };

let isAbortSignal;
let signalState;

class AbortSignal extends EventTarget {
  #state;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    super();
    this.#state = {
      __proto__: null,
      reason: undefined,
      algorithms: [],
      dependent: false,
      sources: [],
      dependents: [],
    };
  }

  static abort(reason = undefined) {
    const signal = new AbortSignal(kInternal);
    signalState(signal).reason = reason === undefined ? defaultReason() : reason;
    return signal;
  }

  static timeout(milliseconds) {
    requiredArguments(arguments.length, 1, "Failed to execute 'timeout' on 'AbortSignal'");
    const ms = toEnforcedUnsignedLongLong(milliseconds, "Failed to execute 'timeout' on 'AbortSignal'");
    const signal = new AbortSignal(kInternal);
    ops.timerStart(() => {
      signalAbort(signal, new DOMException("signal timed out", "TimeoutError"));
    }, ms, false);
    return signal;
  }

  static any(signals) {
    const prefix = "Failed to execute 'any' on 'AbortSignal'";
    requiredArguments(arguments.length, 1, prefix);
    if (!isObject(signals)) {
      throw new TypeError(`${prefix}: The provided value cannot be converted to a sequence.`);
    }
    const method = getIteratorMethod(signals, prefix, "Argument 1");
    if (method === undefined) {
      throw new TypeError(`${prefix}: The provided value cannot be converted to a sequence.`);
    }
    const list = iterableToList(signals, method, (value) => {
      if (!isAbortSignal(value)) throw new TypeError(`${prefix}: Failed to convert value to 'AbortSignal'.`);
      return value;
    }, prefix, "Argument 1");
    return createDependentSignal(list);
  }

  get aborted() {
    return stateOf(this).reason !== undefined;
  }

  get reason() {
    return stateOf(this).reason;
  }

  throwIfAborted() {
    const state = stateOf(this);
    if (state.reason !== undefined) throw state.reason;
  }

  static {
    isAbortSignal = (value) => isObject(value) && #state in value;
    signalState = (signal) => signal.#state;
  }
}

function stateOf(signal) {
  if (!isAbortSignal(signal)) throw illegalInvocation();
  return signalState(signal);
}

function defaultReason() {
  return new DOMException("signal is aborted without reason", "AbortError");
}

// https://webidl.spec.whatwg.org/#es-unsigned-long-long with [EnforceRange]
function toEnforcedUnsignedLongLong(value, prefix) {
  const x = +value;
  if (!NumberIsFinite(x)) throw new TypeError(`${prefix}: Value is not a finite number.`);
  const integer = MathTrunc(x) + 0;
  if (integer < 0 || integer > 9007199254740991) {
    throw new TypeError(`${prefix}: Value is outside the 'unsigned long long' value range.`);
  }
  return integer;
}

function appendUnique(list, value) {
  for (let i = 0; i < list.length; i++) {
    if (list[i] === value) return;
  }
  SafeArrayPush(list, value);
}

// https://dom.spec.whatwg.org/#create-a-dependent-abort-signal
function createDependentSignal(signals) {
  const result = new AbortSignal(kInternal);
  const resultState = signalState(result);
  for (let i = 0; i < signals.length; i++) {
    const reason = signalState(signals[i]).reason;
    if (reason !== undefined) {
      resultState.reason = reason;
      return result;
    }
  }
  resultState.dependent = true;
  for (let i = 0; i < signals.length; i++) {
    const signal = signals[i];
    const state = signalState(signal);
    if (!state.dependent) {
      appendUnique(resultState.sources, signal);
      appendUnique(state.dependents, result);
    } else {
      for (let j = 0; j < state.sources.length; j++) {
        const source = state.sources[j];
        appendUnique(resultState.sources, source);
        appendUnique(signalState(source).dependents, result);
      }
    }
  }
  return result;
}

// https://dom.spec.whatwg.org/#run-the-abort-steps
function runAbortSteps(signal) {
  const state = signalState(signal);
  const algorithms = state.algorithms;
  state.algorithms = [];
  for (let i = 0; i < algorithms.length; i++) {
    try {
      algorithms[i]();
    } catch (error) {
      internals.reportException(error);
    }
  }
  fireEvent(signal, "abort");
}

// https://dom.spec.whatwg.org/#abortsignal-signal-abort
function signalAbort(signal, reason = undefined) {
  const state = signalState(signal);
  if (state.reason !== undefined) return;
  state.reason = reason === undefined ? defaultReason() : reason;
  const toAbort = [];
  const dependents = state.dependents;
  state.dependents = [];
  for (let i = 0; i < dependents.length; i++) {
    const dependentState = signalState(dependents[i]);
    if (dependentState.reason === undefined) {
      dependentState.reason = state.reason;
      SafeArrayPush(toAbort, dependents[i]);
    }
  }
  runAbortSteps(signal);
  for (let i = 0; i < toAbort.length; i++) runAbortSteps(toAbort[i]);
}

function addAbortAlgorithm(signal, algorithm) {
  const state = signalState(signal);
  if (state.reason !== undefined) return;
  SafeArrayPush(state.algorithms, algorithm);
}

configureInterface(AbortSignal, "AbortSignal");
defineEventHandler(AbortSignal.prototype, "onabort");

let controllerSignal;

class AbortController {
  #signal;

  constructor() {
    this.#signal = new AbortSignal(kInternal);
  }

  get signal() {
    return controllerSignal(this);
  }

  abort(reason = undefined) {
    signalAbort(controllerSignal(this), reason);
  }

  static {
    controllerSignal = (controller) => {
      if (!isObject(controller) || !(#signal in controller)) throw illegalInvocation();
      return controller.#signal;
    };
  }
}

configureInterface(AbortController, "AbortController");

installGlobal("AbortSignal", AbortSignal);
installGlobal("AbortController", AbortController);

internals.isAbortSignal = isAbortSignal;
internals.abortSignalAborted = (signal) => signalState(signal).reason !== undefined;
internals.abortSignalReason = (signal) => signalState(signal).reason;
internals.abortSignalReason = (signal) => signalState(signal).reason;
internals.addAbortAlgorithm = addAbortAlgorithm;
internals.signalAbort = signalAbort;
internals.newAbortSignal = () => new AbortSignal(kInternal);
internals.createDependentAbortSignal = createDependentSignal;
