// structuredClone(value, { transfer }) (https://html.spec.whatwg.org/#dom-structuredclone) on
// V8's ValueSerializer/ValueDeserializer (ops.structuredClone, isolates/runtime/ops_clone.cc).
//
// Clones what V8's serializer supports: primitives (BigInt too), plain objects and arrays (with
// their own enumerable string-keyed properties), boxed primitives, Date, RegExp, Map, Set,
// ArrayBuffer and all views, Error objects (name, message, stack), circular and shared
// references. DOMException is serializable (name and message, as the spec says); other platform
// objects made through internals.createHostObject (TextEncoder, TextDecoder) throw a
// DataCloneError, as do functions, symbols, SharedArrayBuffer (a function has no other agent to
// share memory with) and WebAssembly.Module.
//
// transfer: a sequence of objects; each must be an ArrayBuffer, listed once, not detached and
// detachable, else a DataCloneError. They are detached once serialization succeeded, and the clone
// owns their memory (no copy).
//
// Errors: DataCloneError is a DOMException of this realm (code 25). Exceptions thrown by getters
// during serialization propagate as they are. A serialized form larger than the isolate's heap
// limit is a DataCloneError ("out of memory"), and ArrayBuffers of the clone count against the
// function's memory limit like any others.
//
// Deviation: platform objects written in JS that do not use createHostObject yet (Headers,
// Request, Response, Event, AbortSignal, …) clone as plain objects of their own enumerable
// properties (usually `{}`) instead of throwing, as in Node.js.

const {
  TypeError,
} = primordials;
const {
  getIteratorMethod,
  isArrayBuffer,
  isObject,
  isSharedArrayBuffer,
  iterableToList,
  requiredArguments,
  toDictionary,
} = internals.webidl;
const {
  DOMException,
  domExceptionParts,
  isDOMException,
  isTextDecoder,
  isTextEncoder,
  reviveDOMException,
} = internals;

const prefix = "Failed to execute 'structuredClone'";

function dataCloneError(message) {
  return new DOMException(`${prefix}: ${message}`, "DataCloneError");
}

// What the serializer delegate writes for a host object: [name, message] for a DOMException, else
// the interface name for the DataCloneError message.
function describeHostObject(object) {
  if (isDOMException(object)) return domExceptionParts(object);
  if (isTextEncoder(object)) return "TextEncoder";
  if (isTextDecoder(object)) return "TextDecoder";
  return "platform";
}

const hooks = {
  __proto__: null,
  describe: describeHostObject,
  revive: reviveDOMException,
};

function toTransferList(transfer) {
  if (!isObject(transfer)) {
    throw new TypeError(`${prefix}: Failed to read the 'transfer' property from 'StructuredSerializeOptions': The provided value cannot be converted to a sequence.`);
  }
  const method = getIteratorMethod(transfer, prefix, "transfer");
  if (method === undefined) {
    throw new TypeError(`${prefix}: Failed to read the 'transfer' property from 'StructuredSerializeOptions': The object must have a callable @@iterator property.`);
  }
  return iterableToList(transfer, method, (item) => {
    if (!isObject(item)) {
      throw new TypeError(`${prefix}: Failed to read the 'transfer' property from 'StructuredSerializeOptions': Failed to convert value to 'object'.`);
    }
    return item;
  }, prefix, "transfer");
}

function structuredClone(value, options = undefined) {
  requiredArguments(arguments.length, 1, prefix);
  const dictionary = toDictionary(options, prefix, "Argument 2");
  let transferList = [];
  if (dictionary !== null) {
    const transfer = dictionary.transfer;
    if (transfer !== undefined) transferList = toTransferList(transfer);
  }
  // https://html.spec.whatwg.org/#structuredserializewithtransfer, the checks on the list (the
  // native op checks "detached" and "detachable").
  for (let i = 0; i < transferList.length; i++) {
    const item = transferList[i];
    if (isSharedArrayBuffer(item)) {
      throw dataCloneError("SharedArrayBuffer cannot be transferred.");
    }
    if (!isArrayBuffer(item)) {
      throw dataCloneError("Value at index " + i + " is not a transferable type (only ArrayBuffers are).");
    }
    for (let j = 0; j < i; j++) {
      if (transferList[j] === item) {
        throw dataCloneError("ArrayBuffer at index " + i + " is a duplicate of an earlier ArrayBuffer.");
      }
    }
  }
  const errorOut = { __proto__: null, message: undefined };
  const clone = ops.structuredClone(value, transferList, hooks, errorOut);
  if (errorOut.message !== undefined) throw dataCloneError(errorOut.message);
  return clone;
}

internals.webidl.installGlobal("structuredClone", structuredClone);
internals.structuredClone = structuredClone;
