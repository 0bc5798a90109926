// Web IDL helpers shared by the runtime's interfaces: argument-count checks, conversions of
// JavaScript values to IDL types (DOMString, ByteString, USVString, unsigned short, dictionaries,
// sequences, records), brand-check errors, installing interfaces on the global object, and
// reading the bytes of a BufferSource.
// Spec: https://webidl.spec.whatwg.org/#es-type-mapping
//
// Exported as `internals.webidl`.

const {
  ArrayBufferPrototypeGetByteLength,
  MathFloor,
  DataViewPrototypeGetBuffer,
  DataViewPrototypeGetByteLength,
  DataViewPrototypeGetByteOffset,
  ObjectDefineProperty,
  ObjectFreeze,
  ReflectApply,
  ReflectGetOwnPropertyDescriptor,
  ReflectOwnKeys,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  SymbolIterator,
  SymbolToStringTag,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  TypeError,
  Uint8Array,
  globalThis,
} = primordials;

function illegalInvocation() {
  return new TypeError("Illegal invocation");
}

function requiredArguments(count, required, prefix) {
  if (count < required) {
    const noun = required === 1 ? "argument" : "arguments";
    throw new TypeError(`${prefix}: ${required} ${noun} required, but only ${count} present.`);
  }
}

function isObject(value) {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

// https://webidl.spec.whatwg.org/#es-DOMString
function toDOMString(value, prefix, context) {
  if (typeof value === "string") return value;
  if (typeof value === "symbol") {
    throw new TypeError(`${prefix}: ${context} is a symbol, which cannot be converted to a string.`);
  }
  return `${value}`;
}

// https://webidl.spec.whatwg.org/#es-ByteString
function toByteString(value, prefix, context) {
  const string = toDOMString(value, prefix, context);
  for (let i = 0; i < string.length; i++) {
    if (StringPrototypeCharCodeAt(string, i) > 0xff) {
      throw new TypeError(
        `${prefix}: ${context} is not a valid ByteString (it contains a character above U+00FF).`,
      );
    }
  }
  return string;
}

// https://infra.spec.whatwg.org/#javascript-string-convert (lone surrogates become U+FFFD)
function toWellFormed(string) {
  let result = null;
  let last = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < string.length) {
      const next = StringPrototypeCharCodeAt(string, i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    result = `${result ?? ""}${StringPrototypeSlice(string, last, i)}\ufffd`;
    last = i + 1;
  }
  return result === null ? string : `${result}${StringPrototypeSlice(string, last)}`;
}

// https://webidl.spec.whatwg.org/#es-USVString
function toUSVString(value, prefix, context) {
  return toWellFormed(toDOMString(value, prefix, context));
}

// https://webidl.spec.whatwg.org/#es-unsigned-short (ToNumber, truncate, modulo 2^16)
function toUnsignedShort(value) {
  let x = +value; // throws a TypeError for symbols and BigInts, like ToNumber
  if (x !== x || x === Infinity || x === -Infinity) return 0;
  x = x < 0 ? -MathFloor(-x) : MathFloor(x);
  x %= 65536;
  return x < 0 ? x + 65536 : x + 0; // "+ 0" turns -0 into +0
}

// https://webidl.spec.whatwg.org/#es-dictionary (the member reads are done by each caller, in
// lexicographic order, with `dictionary[name]`: Get walks the prototype chain, as the spec says)
function toDictionary(value, prefix, context) {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    throw new TypeError(`${prefix}: ${context} can not be converted to a dictionary.`);
  }
  return value;
}

// https://webidl.spec.whatwg.org/#es-enumeration
function toEnum(value, allowed, typeName, prefix) {
  const string = toDOMString(value, prefix, typeName);
  for (let i = 0; i < allowed.length; i++) {
    if (allowed[i] === string) return string;
  }
  throw new TypeError(`${prefix}: The provided value '${string}' is not a valid enum value of type ${typeName}.`);
}

// https://webidl.spec.whatwg.org/#create-sequence-from-iterable: uses the iterable's own iterator
// protocol (user code), converting every value with `convert`.
function iterableToList(iterable, method, convert, prefix, context) {
  const iterator = ReflectApply(method, iterable, []);
  if (!isObject(iterator)) {
    throw new TypeError(`${prefix}: ${context}: the iterator is not an object.`);
  }
  const next = iterator.next;
  const list = [];
  for (;;) {
    const result = ReflectApply(next, iterator, []);
    if (!isObject(result)) {
      throw new TypeError(`${prefix}: ${context}: the iterator result is not an object.`);
    }
    if (result.done) return list;
    SafeArrayPush(list, convert(result.value));
  }
}

// Returns the @@iterator method of `value` or undefined (GetMethod).
function getIteratorMethod(value, prefix, context) {
  const method = value[SymbolIterator];
  if (method === undefined || method === null) return undefined;
  if (typeof method !== "function") {
    throw new TypeError(`${prefix}: ${context}: Symbol.iterator is not a function.`);
  }
  return method;
}

// https://webidl.spec.whatwg.org/#es-record: own enumerable properties, in [[OwnPropertyKeys]]
// order. Returns a list of [key, value] pairs (both already converted).
function recordToList(object, convertKey, convertValue) {
  const keys = ReflectOwnKeys(object);
  const list = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const descriptor = ReflectGetOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !descriptor.enumerable) continue;
    const typedKey = convertKey(key);
    const typedValue = convertValue(object[key]);
    SafeArrayPush(list, [typedKey, typedValue]);
  }
  return list;
}

function isArrayBuffer(value) {
  if (!isObject(value)) return false;
  try {
    ArrayBufferPrototypeGetByteLength(value); // throws unless `value` is a (non-shared) ArrayBuffer
    return true;
  } catch {
    return false;
  }
}

// Asked of the host: V8 adds the SharedArrayBuffer global to a context after the startup snapshot
// is deserialized (it depends on flags), so the primordials, copied when the snapshot was made,
// have no SharedArrayBuffer methods to test a value with.
function isSharedArrayBuffer(value) {
  return ops.isSharedArrayBuffer(value);
}

function isTypedArray(value) {
  return TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined;
}

function isUint8Array(value) {
  return TypedArrayPrototypeGetSymbolToStringTag(value) === "Uint8Array";
}

function isDataView(value) {
  if (!isObject(value)) return false;
  try {
    DataViewPrototypeGetBuffer(value);
    return true;
  } catch {
    return false;
  }
}

function isArrayBufferView(value) {
  return isTypedArray(value) || isDataView(value);
}

// The ArrayBuffer (or SharedArrayBuffer) a view looks at.
function viewBuffer(view) {
  return isTypedArray(view) ? TypedArrayPrototypeGetBuffer(view) : DataViewPrototypeGetBuffer(view);
}

// A Uint8Array looking at exactly the bytes of `source` (ArrayBuffer or ArrayBufferView), without
// copying. Detached buffers yield an empty array.
function bufferSourceView(source) {
  if (isTypedArray(source)) {
    const length = TypedArrayPrototypeGetByteLength(source);
    if (length === 0) return new Uint8Array(0);
    return new Uint8Array(TypedArrayPrototypeGetBuffer(source), TypedArrayPrototypeGetByteOffset(source), length);
  }
  if (isDataView(source)) {
    let length;
    try {
      length = DataViewPrototypeGetByteLength(source); // throws if the buffer is detached
    } catch {
      return new Uint8Array(0);
    }
    if (length === 0) return new Uint8Array(0);
    return new Uint8Array(DataViewPrototypeGetBuffer(source), DataViewPrototypeGetByteOffset(source), length);
  }
  const length = ArrayBufferPrototypeGetByteLength(source); // 0 if detached
  if (length === 0) return new Uint8Array(0);
  return new Uint8Array(source, 0, length);
}

// https://webidl.spec.whatwg.org/#dfn-get-buffer-source-copy
function copyBufferSource(source) {
  const view = bufferSourceView(source);
  const copy = new Uint8Array(TypedArrayPrototypeGetLength(view));
  TypedArrayPrototypeSet(copy, view);
  return copy;
}

// Installs an interface object or namespace on the global object, like Web IDL does.
function installGlobal(name, value) {
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    value,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

// Makes a class look like a Web IDL interface: attributes and operations on the prototype are
// enumerable (https://webidl.spec.whatwg.org/#es-operations), the prototype has a
// Symbol.toStringTag (https://webidl.spec.whatwg.org/#es-interface-prototype-object), and the
// `prototype` property stays non-writable as class syntax makes it.
function configureInterface(constructor, name) {
  const prototype = constructor.prototype;
  const keys = ReflectOwnKeys(prototype);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "constructor" || typeof key === "symbol") continue;
    const descriptor = ReflectGetOwnPropertyDescriptor(prototype, key);
    descriptor.enumerable = true;
    ObjectDefineProperty(prototype, key, descriptor);
  }
  const staticKeys = ReflectOwnKeys(constructor);
  for (let i = 0; i < staticKeys.length; i++) {
    const key = staticKeys[i];
    if (key === "prototype" || key === "length" || key === "name" || typeof key === "symbol") continue;
    const descriptor = ReflectGetOwnPropertyDescriptor(constructor, key);
    descriptor.enumerable = true;
    ObjectDefineProperty(constructor, key, descriptor);
  }
  ObjectDefineProperty(prototype, SymbolToStringTag, {
    __proto__: null,
    value: name,
    writable: false,
    enumerable: false,
    configurable: true,
  });
}

internals.webidl = ObjectFreeze({
  __proto__: null,
  bufferSourceView,
  configureInterface,
  copyBufferSource,
  getIteratorMethod,
  illegalInvocation,
  installGlobal,
  isArrayBuffer,
  isArrayBufferView,
  isDataView,
  isObject,
  isSharedArrayBuffer,
  isTypedArray,
  isUint8Array,
  iterableToList,
  recordToList,
  requiredArguments,
  toByteString,
  toDictionary,
  toDOMString,
  toEnum,
  toUnsignedShort,
  toUSVString,
  toWellFormed,
  viewBuffer,
});
