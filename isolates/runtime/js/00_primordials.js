// Primordials: the JavaScript builtins the runtime uses, captured before any user code runs so that
// later monkey-patching by user code (`Array.prototype.push = …`, `JSON.parse = …`, setters on
// `Object.prototype`, …) cannot change how the runtime behaves. Modelled on the `primordials` of
// Node.js and Deno. Spec background: https://tc39.es/ecma262/ (there is no web spec for this file).
//
// Naming (same as Node/Deno):
//   Uint8Array, TypeError, …             the constructors themselves
//   ObjectKeys(o), JSONParse(s)           static functions (bound to their owner)
//   PromiseResolve(v)                     static functions that need `this` work unbound too
//   ArrayPrototypeJoin(array, sep)        prototype methods, uncurried: `this` is the first argument
//   TypedArrayPrototypeGetLength(ta)      prototype getters, uncurried ("Get" + capitalized name)
//   ArrayPrototypeSymbolIterator(array)   symbol-keyed members ("Symbol" + well-known symbol name)
//   SymbolIterator, SymbolToStringTag     the well-known symbols (static data properties of Symbol)
//
// Extra helpers defined here (see their comments): uncurryThis, SafeArrayPush, ArrayCopy.
//
// Rules for the other runtime files: get every builtin from `primordials`; never call methods on
// builtin prototypes directly (`list.push(x)`), never iterate internal arrays with for…of, spread or
// array destructuring (they call the patchable `Array.prototype[Symbol.iterator]`), append to arrays
// with SafeArrayPush, and pass property descriptors with a null prototype.

const { bind, call } = Function.prototype;

// uncurryThis(fn)(thisArg, ...args) === fn.call(thisArg, ...args), using the original `call`.
const uncurryThis = bind.call(bind, call);

const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const ownKeys = Reflect.ownKeys;
const defineProperty = Reflect.defineProperty;
const objectSetPrototypeOf = Object.setPrototypeOf;
const objectGetPrototypeOf = Object.getPrototypeOf;

objectSetPrototypeOf(primordials, null);

function define(name, value) {
  defineProperty(primordials, name, {
    __proto__: null,
    value,
    writable: false,
    enumerable: true,
    configurable: false,
  });
}

// "iterator" -> "Iterator", Symbol.iterator -> "SymbolIterator".
function capitalize(key) {
  if (typeof key === "symbol") {
    const description = key.description; // "Symbol.iterator"
    return `Symbol${description[7].toUpperCase()}${description.slice(8)}`;
  }
  return `${key[0].toUpperCase()}${key.slice(1)}`;
}

function isWellKnownOrStringKey(key) {
  return typeof key === "string" ||
    (key.description !== undefined && key.description.startsWith("Symbol."));
}

// Static members: functions are bound to their owner (so PromiseResolve(x) and Uint8ArrayFrom(x)
// work without a receiver), accessors become `${prefix}Get${Key}` bound getters, data is copied.
function copyStatics(source, prefix) {
  const keys = ownKeys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "prototype" || key === "length" || key === "name" || key === "caller" ||
        key === "arguments" || !isWellKnownOrStringKey(key)) {
      continue;
    }
    const descriptor = getOwnPropertyDescriptor(source, key);
    const name = `${prefix}${capitalize(key)}`;
    if ("value" in descriptor) {
      const value = descriptor.value;
      define(name, typeof value === "function" ? bind.call(value, source) : value);
    } else if (descriptor.get !== undefined) {
      define(`${prefix}Get${capitalize(key)}`, bind.call(descriptor.get, source));
    }
  }
}

// Prototype members: methods and accessors are uncurried, other data is copied.
function copyPrototype(source, prefix) {
  const keys = ownKeys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "constructor" || !isWellKnownOrStringKey(key)) continue;
    const descriptor = getOwnPropertyDescriptor(source, key);
    if ("value" in descriptor) {
      const value = descriptor.value;
      define(`${prefix}${capitalize(key)}`, typeof value === "function" ? uncurryThis(value) : value);
    } else {
      if (descriptor.get !== undefined) {
        define(`${prefix}Get${capitalize(key)}`, uncurryThis(descriptor.get));
      }
      if (descriptor.set !== undefined) {
        define(`${prefix}Set${capitalize(key)}`, uncurryThis(descriptor.set));
      }
    }
  }
}

function copyClass(name, constructor) {
  define(name, constructor);
  copyStatics(constructor, name);
  if (constructor.prototype !== undefined && constructor.prototype !== null) {
    copyPrototype(constructor.prototype, `${name}Prototype`);
    define(`${name}Prototype`, constructor.prototype);
  }
}

const globalConstructors = [
  "AggregateError", "Array", "ArrayBuffer", "BigInt", "BigInt64Array", "BigUint64Array", "Boolean",
  "DataView", "Date", "Error", "EvalError", "FinalizationRegistry", "Float32Array", "Float64Array",
  "Function", "Int16Array", "Int32Array", "Int8Array", "Map", "Number", "Object", "Promise",
  "RangeError", "ReferenceError", "RegExp", "Set", "SharedArrayBuffer", "String", "Symbol",
  "SyntaxError", "TypeError", "URIError", "Uint16Array", "Uint32Array", "Uint8Array",
  "Uint8ClampedArray", "WeakMap", "WeakRef", "WeakSet",
];
for (let i = 0; i < globalConstructors.length; i++) {
  const name = globalConstructors[i];
  // SharedArrayBuffer and friends may be disabled by the embedder.
  if (typeof globalThis[name] === "function") copyClass(name, globalThis[name]);
}

const namespaces = ["JSON", "Math", "Reflect"];
for (let i = 0; i < namespaces.length; i++) {
  copyStatics(globalThis[namespaces[i]], namespaces[i]);
}

const globalFunctions = [
  "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "isFinite", "isNaN",
  "parseFloat", "parseInt",
];
for (let i = 0; i < globalFunctions.length; i++) {
  define(capitalize(globalFunctions[i]), globalThis[globalFunctions[i]]);
}

// Intrinsics that have no global name.
const TypedArray = objectGetPrototypeOf(Uint8Array);
copyClass("TypedArray", TypedArray);

const arrayIterator = [][Symbol.iterator]();
const ArrayIteratorPrototype = objectGetPrototypeOf(arrayIterator);
const IteratorPrototype = objectGetPrototypeOf(ArrayIteratorPrototype);
define("IteratorPrototype", IteratorPrototype);
define("ArrayIteratorPrototype", ArrayIteratorPrototype);
copyPrototype(ArrayIteratorPrototype, "ArrayIteratorPrototype");

const AsyncFunction = objectGetPrototypeOf(async function () {}).constructor;
const GeneratorFunction = objectGetPrototypeOf(function* () {}).constructor;
const AsyncGeneratorFunction = objectGetPrototypeOf(async function* () {}).constructor;
define("AsyncFunction", AsyncFunction);
define("AsyncFunctionPrototype", AsyncFunction.prototype);
define("GeneratorFunction", GeneratorFunction);
define("GeneratorFunctionPrototype", GeneratorFunction.prototype);
define("AsyncGeneratorFunction", AsyncGeneratorFunction);
define("AsyncGeneratorFunctionPrototype", AsyncGeneratorFunction.prototype);

define("globalThis", globalThis);
define("uncurryThis", uncurryThis);

// Appends `value` to `array` like Array.prototype.push, but through [[DefineOwnProperty]]: push
// uses [[Set]], which would call a setter that user code installed on Object.prototype or
// Array.prototype for the next index ("0", "1", …) instead of storing the element.
const descriptorForPush = { __proto__: null, value: undefined, writable: true, enumerable: true, configurable: true };
function SafeArrayPush(array, value) {
  descriptorForPush.value = value;
  defineProperty(array, array.length, descriptorForPush);
  descriptorForPush.value = undefined;
  return array.length;
}
define("SafeArrayPush", SafeArrayPush);

// A shallow copy of an internal dense array (Array.prototype.slice would consult the patchable
// `constructor`/Symbol.species of the source).
define("ArrayCopy", function ArrayCopy(array) {
  const copy = [];
  for (let i = 0; i < array.length; i++) SafeArrayPush(copy, array[i]);
  return copy;
});

Object.freeze(primordials);
