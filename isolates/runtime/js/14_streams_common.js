// What the Streams Standard (https://streams.spec.whatwg.org/) files share: promise helpers that
// user code cannot intercept, a list, queue-with-sizes, the queuing strategies
// (ByteLengthQueuingStrategy, CountQueuingStrategy), the strategy and Web IDL conversions the
// stream constructors use, and ArrayBuffer transfer/clone.
//
// The streams are split over four files, loaded in this order: 14_streams_common.js (this one),
// 14_streams_readable.js, 14_streams_transform.js, 14_streams_writable.js. They share their
// abstract operations through `internals.streamsImpl` (a null-prototype object each file adds to;
// the files only look names up in it when an operation runs, so the transform file can use the
// writable file's operations). The contract for the host and the other runtime files is
// `internals.streams`, documented in 14_streams_readable.js.
//
// Promises. The spec's "react to a promise" runs PerformPromiseThen directly: it never calls a
// promise's `then` nor looks up Symbol.species. Promise.prototype.then does both, so the runtime
// never calls it (nor the primordial PromisePrototypeThen, which still looks up the species) on
// stream promises; it reacts with `await` in a small async function instead (react() below), which
// is PerformPromiseThen on a native promise. Promises are only ever resolved with non-thenables
// (the read results are ordinary objects, as the spec says; their `then` lookup is the spec's).
// Deviation: a reaction may run one microtask later than in the reference implementation (the
// async function adds a tick when a callback's result is itself awaited).

const {
  ArrayBuffer,
  ArrayBufferPrototypeGetByteLength,
  DataView,
  MathTrunc,
  NumberIsNaN,
  ObjectDefineProperty,
  ObjectFreeze,
  Promise,
  PromiseReject,
  PromiseResolve,
  RangeError,
  ReflectApply,
  TypeError,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  Uint8Array,
  DataViewPrototypeGetBuffer,
  DataViewPrototypeGetByteLength,
  DataViewPrototypeGetByteOffset,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isDataView,
  isObject,
  isTypedArray,
  requiredArguments,
  toDictionary,
} = internals.webidl;

const impl = { __proto__: null };

// --- promises ---

function noop() {}

// A promise with its resolving functions.
class Deferred {
  promise;
  resolve;
  reject;
  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

// https://webidl.spec.whatwg.org/#a-promise-resolved-with
function promiseResolvedWith(value) {
  return PromiseResolve(value);
}

// https://webidl.spec.whatwg.org/#a-promise-rejected-with
function promiseRejectedWith(reason) {
  return PromiseReject(reason);
}

// https://webidl.spec.whatwg.org/#dfn-perform-steps-once-promise-is-settled ("upon fulfillment",
// "upon rejection"); the steps never throw (they are the spec's own algorithms).
async function react(promise, onFulfilled, onRejected) {
  let value;
  try {
    value = await promise;
  } catch (reason) {
    if (onRejected !== undefined) onRejected(reason);
    return;
  }
  if (onFulfilled !== undefined) onFulfilled(value);
}

function uponPromise(promise, onFulfilled, onRejected) {
  react(promise, onFulfilled, onRejected);
}

// https://webidl.spec.whatwg.org/#mark-a-promise-as-handled
function setPromiseIsHandledToTrue(promise) {
  react(promise, undefined, noop);
}

// https://webidl.spec.whatwg.org/#dfn-perform-steps-once-promise-is-settled (the "react" that
// returns a new promise): the result of onFulfilled / onRejected, awaited rather than adopted
// through its `then`.
async function transformPromiseWith(promise, onFulfilled, onRejected) {
  let value;
  let result;
  try {
    value = await promise;
  } catch (reason) {
    if (onRejected === undefined) throw reason;
    result = onRejected(reason);
    // A primitive is the result at once (as with `then`); an object is awaited: a promise is
    // adopted without calling its `then`, another thenable's `then` is called as resolving would.
    return isObject(result) ? await result : result;
  }
  if (onFulfilled === undefined) return value;
  result = onFulfilled(value);
  return isObject(result) ? await result : result;
}

// transformPromiseWith for callbacks whose result is never a promise (an iterator result): it is
// returned as is, so the only `then` lookup on it is the one resolving the promise makes.
async function transformPromiseToValue(promise, onFulfilled, onRejected) {
  let value;
  try {
    value = await promise;
  } catch (reason) {
    return onRejected(reason);
  }
  return onFulfilled(value);
}

// Resolves `deferred` the way `promise` settles (the spec's "resolve p with q" for a promise q),
// without calling q's `then`.
function resolveWithPromise(deferred, promise) {
  uponPromise(promise, deferred.resolve, deferred.reject);
}

// "Queue a microtask" without the patchable global queueMicrotask.
async function queueMicrotaskSafe(steps) {
  await undefined;
  steps();
}

// Calls a user callback the way Web IDL "invoke a callback function" does with a promise return
// type: a throw becomes a rejected promise.
function promiseCall(fn, thisArg, args) {
  try {
    return promiseResolvedWith(ReflectApply(fn, thisArg, args));
  } catch (error) {
    return promiseRejectedWith(error);
  }
}

// --- a FIFO list (the spec's lists of read requests, pull-into descriptors, queues) ---

class ListNode {
  value;
  next = null;
  constructor(value) {
    this.value = value;
  }
}

class List {
  head = null;
  tail = null;
  length = 0;

  push(value) {
    const node = new ListNode(value);
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.length++;
  }

  shift() {
    const node = this.head;
    this.head = node.next;
    if (this.head === null) this.tail = null;
    this.length--;
    return node.value;
  }

  peek() {
    return this.head.value;
  }
}

// --- queue-with-sizes (https://streams.spec.whatwg.org/#queue-with-sizes) ---
// The container has `queue` (a List of { value, size }) and `queueTotalSize`.

class ValueWithSize {
  value;
  size;
  constructor(value, size) {
    this.value = value;
    this.size = size;
  }
}

function dequeueValue(container) {
  const pair = container.queue.shift();
  container.queueTotalSize -= pair.size;
  if (container.queueTotalSize < 0) container.queueTotalSize = 0;
  return pair.value;
}

function enqueueValueWithSize(container, value, size) {
  if (typeof size !== "number" || NumberIsNaN(size) || size < 0) {
    throw new RangeError("The queuing strategy's size must be a non-negative number.");
  }
  if (size === Infinity) throw new RangeError("The queuing strategy's size must be finite.");
  container.queue.push(new ValueWithSize(value, size));
  container.queueTotalSize += size;
}

function peekQueueValue(container) {
  return container.queue.peek().value;
}

function resetQueue(container) {
  container.queue = new List();
  container.queueTotalSize = 0;
}

// --- Web IDL conversions the stream interfaces need ---

// https://webidl.spec.whatwg.org/#es-unrestricted-double
function toUnrestrictedDouble(value) {
  return +value; // ToNumber: a TypeError for symbols and BigInts
}

// https://webidl.spec.whatwg.org/#es-unsigned-long-long with [EnforceRange]
function toEnforcedUnsignedLongLong(value, prefix, context) {
  let x = +value;
  if (x !== x || x === Infinity || x === -Infinity) {
    throw new TypeError(`${prefix}: ${context} is not a finite number.`);
  }
  x = MathTrunc(x);
  if (x < 0 || x > 9007199254740991) {
    throw new TypeError(`${prefix}: ${context} is outside the accepted range of 0 to 2^53 - 1.`);
  }
  return x + 0;
}

// https://webidl.spec.whatwg.org/#es-callback-function
function toCallback(value, prefix, context) {
  if (typeof value !== "function") throw new TypeError(`${prefix}: ${context} is not a function.`);
  return value;
}

// https://streams.spec.whatwg.org/#dictdef-queuingstrategy: { highWaterMark, size } (lexicographic).
function toQueuingStrategy(value, prefix) {
  const dictionary = toDictionary(value, prefix, "The strategy");
  const result = { __proto__: null, highWaterMark: undefined, size: undefined };
  if (dictionary === null) return result;
  const highWaterMark = dictionary.highWaterMark;
  if (highWaterMark !== undefined) result.highWaterMark = toUnrestrictedDouble(highWaterMark);
  const size = dictionary.size;
  if (size !== undefined) result.size = toCallback(size, prefix, "The strategy's size");
  return result;
}

// https://streams.spec.whatwg.org/#validate-and-normalize-high-water-mark
function extractHighWaterMark(strategy, defaultHWM) {
  const highWaterMark = strategy.highWaterMark;
  if (highWaterMark === undefined) return defaultHWM;
  if (NumberIsNaN(highWaterMark) || highWaterMark < 0) {
    throw new RangeError("The queuing strategy's highWaterMark must be a non-negative number.");
  }
  return highWaterMark;
}

// https://streams.spec.whatwg.org/#make-size-algorithm-from-size-function
function extractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  return (chunk) => ReflectApply(size, undefined, [chunk]);
}

function sizeOne() {
  return 1;
}

// --- ArrayBuffers (https://streams.spec.whatwg.org/#transfer-array-buffer and friends) ---

const cloneHooks = { __proto__: null, describe: noop, revive: noop };

// https://tc39.es/ecma262/#sec-isdetachedbuffer (V8 10.2 has no ArrayBuffer.prototype.detached)
function isDetachedBuffer(buffer) {
  if (ArrayBufferPrototypeGetByteLength(buffer) !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

// https://streams.spec.whatwg.org/#transfer-array-buffer: a new ArrayBuffer with the same memory;
// `buffer` is detached. A TypeError for a buffer that cannot be transferred (detached, a
// WebAssembly memory's).
function transferArrayBuffer(buffer) {
  if (isDetachedBuffer(buffer)) throw new TypeError("The ArrayBuffer is detached.");
  const errorOut = { __proto__: null, message: undefined };
  const moved = ops.structuredClone(buffer, [buffer], cloneHooks, errorOut);
  if (errorOut.message !== undefined) throw new TypeError(`The ArrayBuffer cannot be transferred: ${errorOut.message}`);
  return moved;
}

// https://streams.spec.whatwg.org/#can-transfer-array-buffer (detachable: not a WebAssembly memory)
function canTransferArrayBuffer(buffer) {
  return !isDetachedBuffer(buffer);
}

// https://tc39.es/ecma262/#sec-clonearraybuffer
function cloneArrayBuffer(buffer, byteOffset, byteLength) {
  const copy = new Uint8Array(byteLength);
  TypedArrayPrototypeSet(copy, new Uint8Array(buffer, byteOffset, byteLength));
  return TypedArrayPrototypeGetBuffer(copy);
}

// https://tc39.es/ecma262/#sec-copydatablockbytes
function copyDataBlockBytes(to, toIndex, from, fromIndex, count) {
  TypedArrayPrototypeSet(new Uint8Array(to, toIndex, count), new Uint8Array(from, fromIndex, count));
}

// The [[ViewedArrayBuffer]], [[ByteOffset]] and [[ByteLength]] of an ArrayBufferView.
function viewBuffer(view) {
  return isTypedArray(view) ? TypedArrayPrototypeGetBuffer(view) : DataViewPrototypeGetBuffer(view);
}

function viewByteOffset(view) {
  return isTypedArray(view) ? TypedArrayPrototypeGetByteOffset(view) : DataViewPrototypeGetByteOffset(view);
}

function viewByteLength(view) {
  if (isTypedArray(view)) return TypedArrayPrototypeGetByteLength(view);
  try {
    return DataViewPrototypeGetByteLength(view);
  } catch {
    return 0; // detached
  }
}

const typedArrayConstructors = {
  __proto__: null,
  Int8Array: [primordials.Int8Array, 1],
  Uint8Array: [primordials.Uint8Array, 1],
  Uint8ClampedArray: [primordials.Uint8ClampedArray, 1],
  Int16Array: [primordials.Int16Array, 2],
  Uint16Array: [primordials.Uint16Array, 2],
  Int32Array: [primordials.Int32Array, 4],
  Uint32Array: [primordials.Uint32Array, 4],
  Float32Array: [primordials.Float32Array, 4],
  Float64Array: [primordials.Float64Array, 8],
  BigInt64Array: [primordials.BigInt64Array, 8],
  BigUint64Array: [primordials.BigUint64Array, 8],
};

// [constructor, element size] of a view: its own typed array kind, or DataView.
function viewKind(view) {
  const name = TypedArrayPrototypeGetSymbolToStringTag(view);
  if (name === undefined) return [DataView, 1];
  return typedArrayConstructors[name];
}

// The element count of a view (its byte length for a DataView).
function viewElementLength(view) {
  return viewByteLength(view) / viewKind(view)[1];
}

function isArrayBufferViewValue(value) {
  return isTypedArray(value) || isDataView(value);
}

// --- queuing strategies (https://streams.spec.whatwg.org/#qs-api) ---

function byteLengthSize(chunk) {
  return chunk.byteLength;
}
ObjectDefineProperty(byteLengthSize, "name", { __proto__: null, value: "size" });

function countSize() {
  return 1;
}
ObjectDefineProperty(countSize, "name", { __proto__: null, value: "size" });

// https://streams.spec.whatwg.org/#dictdef-queuingstrategyinit
function toQueuingStrategyInit(value, prefix) {
  requiredArguments(value === undefined ? 0 : 1, 1, prefix);
  const dictionary = toDictionary(value, prefix, "Argument 1");
  const highWaterMark = dictionary === null ? undefined : dictionary.highWaterMark;
  if (highWaterMark === undefined) {
    throw new TypeError(`${prefix}: Failed to read the 'highWaterMark' property from 'QueuingStrategyInit': Required member is undefined.`);
  }
  return toUnrestrictedDouble(highWaterMark);
}

let isByteLengthQueuingStrategy;

class ByteLengthQueuingStrategy {
  #highWaterMark;

  constructor(init) {
    this.#highWaterMark = toQueuingStrategyInit(init, "Failed to construct 'ByteLengthQueuingStrategy'");
  }

  get highWaterMark() {
    if (!isByteLengthQueuingStrategy(this)) throw illegalInvocation();
    return this.#highWaterMark;
  }

  get size() {
    if (!isByteLengthQueuingStrategy(this)) throw illegalInvocation();
    return byteLengthSize;
  }

  static {
    isByteLengthQueuingStrategy = (value) => isObject(value) && #highWaterMark in value;
  }
}

let isCountQueuingStrategy;

class CountQueuingStrategy {
  #highWaterMark;

  constructor(init) {
    this.#highWaterMark = toQueuingStrategyInit(init, "Failed to construct 'CountQueuingStrategy'");
  }

  get highWaterMark() {
    if (!isCountQueuingStrategy(this)) throw illegalInvocation();
    return this.#highWaterMark;
  }

  get size() {
    if (!isCountQueuingStrategy(this)) throw illegalInvocation();
    return countSize;
  }

  static {
    isCountQueuingStrategy = (value) => isObject(value) && #highWaterMark in value;
  }
}

configureInterface(ByteLengthQueuingStrategy, "ByteLengthQueuingStrategy");
configureInterface(CountQueuingStrategy, "CountQueuingStrategy");
installGlobal("ByteLengthQueuingStrategy", ByteLengthQueuingStrategy);
installGlobal("CountQueuingStrategy", CountQueuingStrategy);

const shared = {
  Deferred,
  List,
  canTransferArrayBuffer,
  cloneArrayBuffer,
  copyDataBlockBytes,
  dequeueValue,
  enqueueValueWithSize,
  extractHighWaterMark,
  extractSizeAlgorithm,
  isArrayBufferViewValue,
  isDetachedBuffer,
  noop,
  peekQueueValue,
  promiseCall,
  promiseRejectedWith,
  promiseResolvedWith,
  queueMicrotaskSafe,
  resetQueue,
  resolveWithPromise,
  setPromiseIsHandledToTrue,
  sizeOne,
  toCallback,
  toEnforcedUnsignedLongLong,
  toQueuingStrategy,
  toUnrestrictedDouble,
  transferArrayBuffer,
  transformPromiseToValue,
  transformPromiseWith,
  uponPromise,
  viewBuffer,
  viewByteLength,
  viewByteOffset,
  viewElementLength,
  viewKind,
};
const sharedNames = ObjectFreeze(["Deferred", "List", "canTransferArrayBuffer", "cloneArrayBuffer",
  "copyDataBlockBytes", "dequeueValue", "enqueueValueWithSize", "extractHighWaterMark",
  "extractSizeAlgorithm", "isArrayBufferViewValue", "isDetachedBuffer", "noop", "peekQueueValue",
  "promiseCall", "promiseRejectedWith", "promiseResolvedWith", "queueMicrotaskSafe", "resetQueue",
  "resolveWithPromise", "setPromiseIsHandledToTrue", "sizeOne", "toCallback",
  "toEnforcedUnsignedLongLong", "toQueuingStrategy", "toUnrestrictedDouble", "transferArrayBuffer",
  "transformPromiseToValue", "transformPromiseWith", "uponPromise", "viewBuffer", "viewByteLength", "viewByteOffset",
  "viewElementLength", "viewKind"]);
for (let i = 0; i < sharedNames.length; i++) impl[sharedNames[i]] = shared[sharedNames[i]];

internals.streamsImpl = impl;
