// The `console` namespace (https://console.spec.whatwg.org/#console-namespace) with Node.js-style
// formatting: format specifiers like util.format (https://console.spec.whatwg.org/#formatter plus
// Node's %j/%i/%o/%O) and a port of the readable parts of Node's util.inspect for everything that
// is not a string.
//
// Every console call produces exactly one `ops.log(level, text)` (the text may contain newlines):
//   debug -> "debug"; info, count, timeEnd, timeLog -> "info"; log, dir, dirxml, table, trace,
//   group labels -> "log"; warn and the warnings of countReset/time/timeEnd/timeLog -> "warn";
//   error and failed assert -> "error".
// group()/groupCollapsed() indent every line of later output by two spaces until groupEnd().
//
// Differences from Node.js's util.inspect, which needs native helpers this runtime does not have:
//   - Promise state, Proxy targets and Map/Set iterator contents are not shown (a Promise prints
//     as `Promise {}`, a Proxy is inspected through its traps);
//   - line widths count UTF-16 code units (no East Asian wide character handling);
//   - no colors and no `[util.inspect.custom]`. Like Node, accessors print as [Getter]/[Setter]
//     without being called; only Symbol.toStringTag getters run (their errors are ignored).
//
// Exports on `internals`: inspect(value, options?), formatLogArgs(args) -> string,
// registerInspector(test, describe) to let runtime classes (Headers, Request, Response) choose
// how they print: describe(value) returns an object whose own enumerable properties are shown
// under the class name; makeDisplayObject(prototype, keys, values) builds such an object, and
// makeDisplayEntries(prototype, pairs) one that prints its [key, value] pairs like a Map's
// entries but allows repeated keys (`URLSearchParams { 'a' => '1', 'a' => '2' }`, as in Node).

const {
  ArrayIsArray,
  ArrayPrototypeIncludes,
  ArrayPrototypeIndexOf,
  ArrayPrototypeJoin,
  ArrayBufferPrototypeGetByteLength,
  AsyncFunctionPrototype,
  AsyncGeneratorFunctionPrototype,
  BigIntPrototypeValueOf,
  BooleanPrototypeValueOf,
  DataView,
  DataViewPrototypeGetBuffer,
  DataViewPrototypeGetByteLength,
  DataViewPrototypeGetByteOffset,
  DateNow,
  DatePrototypeGetTime,
  DatePrototypeToISOString,
  DatePrototypeToString,
  ErrorCaptureStackTrace,
  ErrorPrototype,
  ErrorPrototypeToString,
  FunctionPrototypeToString,
  GeneratorFunctionPrototype,
  JSONStringify,
  Map,
  MapPrototypeDelete,
  MapPrototypeForEach,
  MapPrototypeGet,
  MapPrototypeGetSize,
  MapPrototypeSet,
  MathFloor,
  MathMax,
  MathMin,
  MathRound,
  MathSqrt,
  Number,
  NumberIsNaN,
  NumberParseFloat,
  NumberParseInt,
  NumberPrototypeToFixed,
  NumberPrototypeToString,
  NumberPrototypeValueOf,
  ObjectCreate,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetOwnPropertyNames,
  ObjectGetOwnPropertySymbols,
  ObjectGetPrototypeOf,
  ObjectKeys,
  ObjectPrototype,
  ObjectPrototypeHasOwnProperty,
  ObjectPrototypeIsPrototypeOf,
  ObjectPrototypePropertyIsEnumerable,
  ObjectPrototypeToString,
  ObjectSetPrototypeOf,
  ReflectApply,
  ReflectOwnKeys,
  RegExpPrototypeGetSource,
  SafeArrayPush,
  SetPrototypeForEach,
  SetPrototypeGetSize,
  String,
  StringPrototypeCharCodeAt,
  StringPrototypeEndsWith,
  StringPrototypeIncludes,
  StringPrototypeIndexOf,
  StringPrototypePadEnd,
  StringPrototypePadStart,
  StringPrototypeRepeat,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
  StringPrototypeToUpperCase,
  StringPrototypeValueOf,
  SymbolPrototypeToString,
  SymbolPrototypeValueOf,
  SymbolToStringTag,
  TypedArrayPrototype,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeGetSymbolToStringTag,
  Uint8Array,
  WeakMap,
  WeakMapPrototypeGet,
  WeakMapPrototypeHas,
  WeakMapPrototypeSet,
  WeakSetPrototypeHas,
  globalThis,
} = primordials;
const { installGlobal, isArrayBuffer, isDataView, isSharedArrayBuffer, toDOMString } = internals.webidl;

// ---------------------------------------------------------------------------------------------
// Type checks that cannot be fooled by prototypes or Symbol.toStringTag (they use internal slots).

function succeeds(fn, value) {
  try {
    fn(value);
    return true;
  } catch {
    return false;
  }
}

// RegExp.prototype.source works on RegExp.prototype itself, which is not a RegExp.
const regExpPrototype = ObjectGetPrototypeOf(/x/);
const isDate = (value) => succeeds(DatePrototypeGetTime, value);
const isRegExp = (value) => value !== regExpPrototype && succeeds(RegExpPrototypeGetSource, value);
const isMap = (value) => succeeds(MapPrototypeGetSize, value);
const isSet = (value) => succeeds(SetPrototypeGetSize, value);
const isWeakMap = (value) => succeeds((v) => WeakMapPrototypeHas(v, ObjectPrototype), value);
const isWeakSet = (value) => succeeds((v) => WeakSetPrototypeHas(v, ObjectPrototype), value);
const isNumberObject = (value) => succeeds(NumberPrototypeValueOf, value);
const isStringObject = (value) => succeeds(StringPrototypeValueOf, value);
const isBooleanObject = (value) => succeeds(BooleanPrototypeValueOf, value);
const isBigIntObject = (value) => succeeds(BigIntPrototypeValueOf, value);
const isSymbolObject = (value) => succeeds(SymbolPrototypeValueOf, value);
const isTypedArray = (value) => TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined;
const isError = (value) => ObjectPrototypeIsPrototypeOf(ErrorPrototype, value);
const isArguments = (value) => ObjectPrototypeToString(value) === "[object Arguments]";
const isBoxedPrimitive = (value) => isNumberObject(value) || isStringObject(value) ||
  isBooleanObject(value) || isBigIntObject(value) || isSymbolObject(value);


// Own property descriptor with a null prototype, so that properties user code adds to
// Object.prototype ("value", "get", …) cannot leak into it.
function getOwnDescriptor(object, key) {
  const descriptor = ObjectGetOwnPropertyDescriptor(object, key);
  if (descriptor !== undefined) ObjectSetPrototypeOf(descriptor, null);
  return descriptor;
}

// ---------------------------------------------------------------------------------------------
// Hooks for runtime classes.

const inspectors = [];

function registerInspector(test, describe) {
  SafeArrayPush(inspectors, { __proto__: null, test, describe });
}

function makeDisplayObject(prototype, keys, values) {
  const object = ObjectCreate(prototype);
  for (let i = 0; i < keys.length; i++) {
    ObjectDefineProperty(object, keys[i], {
      __proto__: null,
      value: values[i],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return object;
}

// Objects made by makeDisplayEntries -> their [key, value] pairs.
const displayEntries = new WeakMap();

function makeDisplayEntries(prototype, pairs) {
  const object = ObjectCreate(prototype);
  WeakMapPrototypeSet(displayEntries, object, pairs);
  return object;
}

// ---------------------------------------------------------------------------------------------
// util.inspect

const kObjectType = 0;
const kArrayType = 1;
const kArrayExtrasType = 2;

// Names of the global constructors that exist before user code runs (for `%s`).
const builtInObjects = new Map();
{
  const names = ObjectGetOwnPropertyNames(globalThis);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const c = StringPrototypeCharCodeAt(name, 0);
    if (c >= 0x41 && c <= 0x5a) {
      const descriptor = getOwnDescriptor(globalThis, name);
      if (descriptor !== undefined && typeof descriptor.value === "function") {
        MapPrototypeSet(builtInObjects, name, true);
      }
    }
  }
}

function inspect(value, options = undefined) {
  const ctx = {
    __proto__: null,
    seen: [],
    circular: null,
    indentationLvl: 0,
    currentDepth: 0,
    depth: 2,
    showHidden: false,
    breakLength: 80,
    compact: 3,
    maxArrayLength: 100,
    maxStringLength: 10000,
  };
  if (options !== undefined && options !== null) {
    if (options.depth !== undefined) ctx.depth = options.depth === Infinity ? null : options.depth;
    if (options.showHidden !== undefined) ctx.showHidden = !!options.showHidden;
    if (options.breakLength !== undefined) ctx.breakLength = options.breakLength;
    if (options.maxArrayLength !== undefined) ctx.maxArrayLength = options.maxArrayLength;
  }
  return formatValue(ctx, value, 0);
}

function formatValue(ctx, value, recurseTimes, typedArray = false) {
  if (typeof value !== "object" && typeof value !== "function") {
    return formatPrimitive(ctx, value);
  }
  if (value === null) return "null";
  for (let i = 0; i < inspectors.length; i++) {
    if (inspectors[i].test(value)) {
      value = inspectors[i].describe(value);
      break;
    }
  }
  if (ArrayPrototypeIncludes(ctx.seen, value)) {
    if (ctx.circular === null) ctx.circular = new Map();
    let index = MapPrototypeGet(ctx.circular, value);
    if (index === undefined) {
      index = MapPrototypeGetSize(ctx.circular) + 1;
      MapPrototypeSet(ctx.circular, value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray);
}

function getConstructorName(object) {
  let current = object;
  let firstProto;
  while (current !== null) {
    const descriptor = getOwnDescriptor(current, "constructor");
    if (descriptor !== undefined && typeof descriptor.value === "function") {
      const name = descriptor.value.name;
      if (typeof name === "string" && name !== "" && isInstanceof(object, descriptor.value)) {
        return name;
      }
    }
    current = ObjectGetPrototypeOf(current);
    if (firstProto === undefined) firstProto = current;
  }
  return firstProto === null ? null : "Object";
}

function isInstanceof(object, constructor) {
  try {
    const prototype = constructor.prototype;
    return ((typeof prototype === "object" && prototype !== null) || typeof prototype === "function") &&
      ObjectPrototypeIsPrototypeOf(prototype, object);
  } catch {
    return false;
  }
}

// value[Symbol.toStringTag], without letting patched builtin getters (or throwing user getters)
// break inspection: the builtin %TypedArray% getter is called through its captured copy, other
// getters are called and their errors ignored.
const typedArrayTagGetter = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, SymbolToStringTag).get;

function getToStringTag(value) {
  let current = value;
  while (current !== null) {
    const descriptor = getOwnDescriptor(current, SymbolToStringTag);
    if (descriptor !== undefined) {
      if (descriptor.get === undefined) return descriptor.value;
      if (descriptor.get === typedArrayTagGetter) return TypedArrayPrototypeGetSymbolToStringTag(value);
      try {
        return ReflectApply(descriptor.get, value, []);
      } catch {
        return undefined;
      }
    }
    current = ObjectGetPrototypeOf(current);
  }
  return undefined;
}

function getPrefix(constructor, tag, fallback, size = "") {
  if (constructor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

function isIndexKey(key) {
  if (typeof key !== "string" || key === "" || key.length > 10) return false;
  if (key.length > 1 && key[0] === "0") return false;
  for (let i = 0; i < key.length; i++) {
    const c = StringPrototypeCharCodeAt(key, i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return +key < 4294967295;
}

function getKeys(value, showHidden) {
  const symbols = ObjectGetOwnPropertySymbols(value);
  const keys = showHidden ? ObjectGetOwnPropertyNames(value) : ObjectKeys(value);
  for (let i = 0; i < symbols.length; i++) {
    if (showHidden || ObjectPrototypePropertyIsEnumerable(value, symbols[i])) {
      SafeArrayPush(keys, symbols[i]);
    }
  }
  return keys;
}

function getOwnNonIndexProperties(value, showHidden) {
  const all = ReflectOwnKeys(value);
  const keys = [];
  for (let i = 0; i < all.length; i++) {
    const key = all[i];
    if (isIndexKey(key)) continue;
    if (!showHidden && !ObjectPrototypePropertyIsEnumerable(value, key)) continue;
    SafeArrayPush(keys, key);
  }
  return keys;
}

function removeKey(keys, key) {
  const index = ArrayPrototypeIndexOf(keys, key);
  if (index === -1) return;
  for (let i = index; i < keys.length - 1; i++) keys[i] = keys[i + 1];
  keys.length--;
}

function formatRaw(ctx, value, recurseTimes, typedArray) {
  let keys;
  const constructor = getConstructorName(value);
  let tag = getToStringTag(value);
  if (typeof tag !== "string" ||
      (tag !== "" && (ctx.showHidden
        ? ObjectPrototypeHasOwnProperty(value, SymbolToStringTag)
        : ObjectPrototypePropertyIsEnumerable(value, SymbolToStringTag)))) {
    tag = "";
  }
  let base = "";
  let formatter = formatNothing;
  let braces;
  let extrasType = kObjectType;
  // [name, value] pairs read through captured getters (ArrayBuffer/DataView), shown before keys.
  let internalProperties = null;

  if (ArrayIsArray(value)) {
    const prefix = constructor !== "Array" || tag !== ""
      ? getPrefix(constructor, tag, "Array", `(${value.length})`)
      : "";
    keys = getOwnNonIndexProperties(value, ctx.showHidden);
    braces = [`${prefix}[`, "]"];
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = kArrayExtrasType;
    formatter = formatArray;
  } else if (isSet(value)) {
    const size = SetPrototypeGetSize(value);
    const prefix = getPrefix(constructor, tag, "Set", `(${size})`);
    keys = getKeys(value, ctx.showHidden);
    formatter = formatSet;
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, "}"];
  } else if (isMap(value)) {
    const size = MapPrototypeGetSize(value);
    const prefix = getPrefix(constructor, tag, "Map", `(${size})`);
    keys = getKeys(value, ctx.showHidden);
    formatter = formatMap;
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, "}"];
  } else if (isTypedArray(value)) {
    keys = getOwnNonIndexProperties(value, ctx.showHidden);
    const length = TypedArrayPrototypeGetLength(value);
    const fallback = TypedArrayPrototypeGetSymbolToStringTag(value);
    const prefix = getPrefix(constructor, tag, fallback, `(${length})`);
    braces = [`${prefix}[`, "]"];
    if (length === 0 && keys.length === 0) return `${braces[0]}]`;
    formatter = formatTypedArray;
    extrasType = kArrayExtrasType;
  } else {
    keys = getKeys(value, ctx.showHidden);
    braces = ["{", "}"];
    if (constructor === "Object") {
      if (isArguments(value)) {
        braces[0] = "[Arguments] {";
      } else if (tag !== "") {
        braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
      }
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (typeof value === "function") {
      base = getFunctionBase(value, constructor, tag);
      if (keys.length === 0) return base;
    } else if (isRegExp(value)) {
      base = `/${RegExpPrototypeGetSource(value)}/${regExpFlags(value)}`;
      const prefix = getPrefix(constructor, tag, "RegExp");
      if (prefix !== "RegExp ") base = `${prefix}${base}`;
      if (keys.length === 0 || (ctx.depth !== null && recurseTimes > ctx.depth)) return base;
    } else if (isDate(value)) {
      base = NumberIsNaN(DatePrototypeGetTime(value))
        ? DatePrototypeToString(value)
        : DatePrototypeToISOString(value);
      const prefix = getPrefix(constructor, tag, "Date");
      if (prefix !== "Date ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = formatError(value, constructor, tag, ctx, keys);
      if (keys.length === 0) return base;
    } else if (isArrayBuffer(value) || isSharedArrayBuffer(value)) {
      const prefix = getPrefix(constructor, tag, isArrayBuffer(value) ? "ArrayBuffer" : "SharedArrayBuffer");
      if (!typedArray) formatter = formatArrayBuffer;
      else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(byteLengthOf(value))} }`;
      braces[0] = `${prefix}{`;
      internalProperties = [["byteLength", byteLengthOf(value)]];
    } else if (isDataView(value)) {
      braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
      internalProperties = [
        ["byteLength", DataViewPrototypeGetByteLength(value)],
        ["byteOffset", DataViewPrototypeGetByteOffset(value)],
        ["buffer", DataViewPrototypeGetBuffer(value)],
      ];
    } else if (isWeakMap(value) || isWeakSet(value)) {
      braces[0] = `${getPrefix(constructor, tag, isWeakMap(value) ? "WeakMap" : "WeakSet")}{`;
      formatter = formatWeakCollection;
    } else if (isBoxedPrimitive(value)) {
      base = getBoxedBase(value, ctx, keys, constructor, tag);
      if (keys.length === 0) return base;
    } else if (WeakMapPrototypeHas(displayEntries, value)) {
      braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
      formatter = formatEntries;
      if (WeakMapPrototypeGet(displayEntries, value).length === 0 && keys.length === 0) return `${braces[0]}}`;
    } else {
      braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    }
  }

  if (ctx.depth !== null && recurseTimes > ctx.depth) {
    let name = StringPrototypeSlice(getPrefix(constructor, tag, "Object"), 0, -1);
    if (constructor !== null) name = `[${name}]`;
    return name;
  }
  recurseTimes += 1;
  SafeArrayPush(ctx.seen, value);
  ctx.currentDepth = recurseTimes;
  const output = formatter(ctx, value, recurseTimes);
  if (internalProperties !== null) {
    ctx.indentationLvl += 2;
    for (let i = 0; i < internalProperties.length; i++) {
      const property = internalProperties[i];
      SafeArrayPush(output, `${property[0]}: ${formatValue(ctx, property[1], recurseTimes)}`);
    }
    ctx.indentationLvl -= 2;
  }
  for (let i = 0; i < keys.length; i++) {
    SafeArrayPush(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
  }
  ctx.seen.length--;

  if (ctx.circular !== null) {
    const index = MapPrototypeGet(ctx.circular, value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      base = base === "" ? reference : `${reference} ${base}`;
    }
  }
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

// Like the RegExp.prototype.flags getter, but through the captured flag getters (the builtin
// getter reads the patchable `global`, `sticky`, … properties). Read from `primordials` by name
// because some flags (unicodeSets) do not exist in every V8 version.
const regExpFlagGetters = [
  ["d", primordials.RegExpPrototypeGetHasIndices],
  ["g", primordials.RegExpPrototypeGetGlobal],
  ["i", primordials.RegExpPrototypeGetIgnoreCase],
  ["m", primordials.RegExpPrototypeGetMultiline],
  ["s", primordials.RegExpPrototypeGetDotAll],
  ["u", primordials.RegExpPrototypeGetUnicode],
  ["v", primordials.RegExpPrototypeGetUnicodeSets],
  ["y", primordials.RegExpPrototypeGetSticky],
];

function regExpFlags(regexp) {
  let flags = "";
  for (let i = 0; i < regExpFlagGetters.length; i++) {
    const getter = regExpFlagGetters[i][1];
    if (getter !== undefined && getter(regexp)) flags += regExpFlagGetters[i][0];
  }
  return flags;
}

function prepend(keys, key) {
  const result = [key];
  for (let i = 0; i < keys.length; i++) SafeArrayPush(result, keys[i]);
  return result;
}

function byteLengthOf(buffer) {
  return isArrayBuffer(buffer)
    ? ArrayBufferPrototypeGetByteLength(buffer)
    : DataViewPrototypeGetByteLength(new DataView(buffer)); // a SharedArrayBuffer (see webidl)
}

function formatNothing() {
  return [];
}

function remainingText(remaining) {
  return `... ${remaining} more item${remaining > 1 ? "s" : ""}`;
}

function formatArray(ctx, value, recurseTimes) {
  const length = value.length;
  const max = MathMin(MathMax(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < max; i++) {
    if (!ObjectPrototypeHasOwnProperty(value, i)) {
      return formatSparseArray(ctx, value, recurseTimes, max, output, i);
    }
    SafeArrayPush(output, formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (length > max) SafeArrayPush(output, remainingText(length - max));
  return output;
}

// Arrays with holes: "<1 empty item>" runs, found through the own index keys (fast for huge
// sparse arrays).
function formatSparseArray(ctx, value, recurseTimes, maxLength, output, i) {
  const keys = ObjectKeys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    if (!isIndexKey(key)) break;
    const n = +key;
    if (n !== index) {
      const empty = n - index;
      SafeArrayPush(output, `<${empty} empty item${empty > 1 ? "s" : ""}>`);
      index = n;
      if (output.length === maxLength) break;
    }
    SafeArrayPush(output, formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = value.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) SafeArrayPush(output, `<${remaining} empty item${remaining > 1 ? "s" : ""}>`);
  } else if (remaining > 0) {
    SafeArrayPush(output, remainingText(remaining));
  }
  return output;
}

function formatTypedArray(ctx, value) {
  const length = TypedArrayPrototypeGetLength(value);
  const max = MathMin(MathMax(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < max; i++) {
    const element = value[i];
    SafeArrayPush(output, typeof element === "bigint" ? `${element}n` : formatNumber(element));
  }
  if (length > max) SafeArrayPush(output, remainingText(length - max));
  return output;
}

function formatArrayBuffer(ctx, value) {
  let bytes;
  try {
    bytes = new Uint8Array(value);
  } catch {
    return ["(detached)"];
  }
  const length = TypedArrayPrototypeGetLength(bytes);
  const max = MathMin(ctx.maxArrayLength, length);
  let hex = "";
  for (let i = 0; i < max; i++) {
    const digits = NumberPrototypeToString(bytes[i], 16);
    hex += `${i === 0 ? "" : " "}${bytes[i] < 16 ? "0" : ""}${digits}`;
  }
  const remaining = length - max;
  if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
  return [`[Uint8Contents]: <${hex}>`];
}

function formatSet(ctx, value, recurseTimes) {
  const size = SetPrototypeGetSize(value);
  const max = MathMin(MathMax(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  SetPrototypeForEach(value, (entry) => {
    if (output.length < max) SafeArrayPush(output, formatValue(ctx, entry, recurseTimes));
  });
  if (size > max) SafeArrayPush(output, remainingText(size - max));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx, value, recurseTimes) {
  const size = MapPrototypeGetSize(value);
  const max = MathMin(MathMax(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  MapPrototypeForEach(value, (entryValue, entryKey) => {
    if (output.length < max) {
      const k = formatValue(ctx, entryKey, recurseTimes);
      const v = formatValue(ctx, entryValue, recurseTimes);
      SafeArrayPush(output, `${k} => ${v}`);
    }
  });
  if (size > max) SafeArrayPush(output, remainingText(size - max));
  ctx.indentationLvl -= 2;
  return output;
}

function formatEntries(ctx, value, recurseTimes) {
  const pairs = WeakMapPrototypeGet(displayEntries, value);
  const max = MathMin(MathMax(0, ctx.maxArrayLength), pairs.length);
  const output = [];
  ctx.indentationLvl += 2;
  for (let i = 0; i < max; i++) {
    const k = formatValue(ctx, pairs[i][0], recurseTimes);
    const v = formatValue(ctx, pairs[i][1], recurseTimes);
    SafeArrayPush(output, `${k} => ${v}`);
  }
  if (pairs.length > max) SafeArrayPush(output, remainingText(pairs.length - max));
  ctx.indentationLvl -= 2;
  return output;
}

function formatWeakCollection() {
  return ["<items unknown>"];
}

function getBoxedBase(value, ctx, keys, constructor, tag) {
  let type;
  let primitive;
  if (isNumberObject(value)) {
    type = "Number";
    primitive = NumberPrototypeValueOf(value);
  } else if (isStringObject(value)) {
    type = "String";
    primitive = StringPrototypeValueOf(value);
    // The index keys of a String object are its characters; "length" is not shown either.
    const filtered = [];
    for (let i = 0; i < keys.length; i++) {
      if (!isIndexKey(keys[i]) && keys[i] !== "length") SafeArrayPush(filtered, keys[i]);
    }
    keys.length = 0;
    for (let i = 0; i < filtered.length; i++) SafeArrayPush(keys, filtered[i]);
  } else if (isBooleanObject(value)) {
    type = "Boolean";
    primitive = BooleanPrototypeValueOf(value);
  } else if (isBigIntObject(value)) {
    type = "BigInt";
    primitive = BigIntPrototypeValueOf(value);
  } else {
    type = "Symbol";
    primitive = SymbolPrototypeValueOf(value);
  }
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
  base += `: ${formatPrimitive({ __proto__: null, maxStringLength: 10000, breakLength: Infinity, indentationLvl: 0 }, primitive)}]`;
  if (tag !== "" && tag !== constructor) base += ` [${tag}]`;
  return base;
}

function getFunctionBase(value, constructor, tag) {
  const source = FunctionPrototypeToString(value);
  if (StringPrototypeStartsWith(source, "class") && StringPrototypeEndsWith(source, "}")) {
    const slice = StringPrototypeSlice(source, 5, -1);
    const bracketIndex = StringPrototypeIndexOf(slice, "{");
    if (bracketIndex !== -1 && !StringPrototypeIncludes(StringPrototypeSlice(slice, 0, bracketIndex), "(")) {
      return getClassBase(value, constructor, tag);
    }
  }
  let type = "Function";
  if (ObjectPrototypeIsPrototypeOf(GeneratorFunctionPrototype, value)) type = `Generator${type}`;
  if (ObjectPrototypeIsPrototypeOf(AsyncGeneratorFunctionPrototype, value)) type = `AsyncGenerator${type}`;
  if (ObjectPrototypeIsPrototypeOf(AsyncFunctionPrototype, value)) type = `Async${type}`;
  let base = `[${type}`;
  if (constructor === null) base += " (null prototype)";
  const name = value.name;
  base += typeof name === "string" && name !== "" ? `: ${name}` : " (anonymous)";
  base += "]";
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function getClassBase(value, constructor, tag) {
  const name = (ObjectPrototypeHasOwnProperty(value, "name") && value.name) || "(anonymous)";
  let base = `class ${name}`;
  if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName = ObjectGetPrototypeOf(value).name;
    if (superName) base += ` extends ${superName}`;
  } else {
    base += " extends [null prototype]";
  }
  return `[${base}]`;
}

function formatError(error, constructor, tag, ctx, keys) {
  const name = error.name != null ? String(error.name) : "Error";
  let stack = error.stack ? String(error.stack) : ErrorPrototypeToString(error);
  if (!ctx.showHidden && keys.length !== 0) {
    const names = ["name", "message", "stack"];
    for (let i = 0; i < names.length; i++) {
      if (ArrayPrototypeIncludes(keys, names[i]) && StringPrototypeIncludes(stack, String(error[names[i]]))) {
        removeKey(keys, names[i]);
      }
    }
  }
  if ("cause" in error && !ArrayPrototypeIncludes(keys, "cause")) SafeArrayPush(keys, "cause");
  if (ArrayIsArray(error.errors) && !ArrayPrototypeIncludes(keys, "errors")) SafeArrayPush(keys, "errors");

  // "Error: x" thrown by a subclass FooError prints as "FooError: x" (like Node's improveStack).
  const length = name.length;
  if (constructor !== null && StringPrototypeEndsWith(name, "Error") && StringPrototypeStartsWith(stack, name) &&
      (stack.length === length || stack[length] === ":" || stack[length] === "\n")) {
    const prefix = StringPrototypeSlice(getPrefix(constructor, tag, "Error"), 0, -1);
    if (name !== prefix) {
      stack = StringPrototypeIncludes(prefix, name)
        ? `${prefix}${StringPrototypeSlice(stack, length)}`
        : `${prefix} [${name}]${StringPrototypeSlice(stack, length)}`;
    }
  }

  const message = error.message;
  let position = (typeof message === "string" && message !== "" && StringPrototypeIndexOf(stack, message)) || -1;
  if (position !== -1) position += message.length;
  if (StringPrototypeIndexOf(stack, "\n    at", position) === -1) stack = `[${stack}]`;
  if (ctx.indentationLvl !== 0) stack = indentLines(stack, StringPrototypeRepeat(" ", ctx.indentationLvl), false);
  return stack;
}

// Adds `indentation` after every newline (and at the start if `first`).
function indentLines(text, indentation, first) {
  let out = first ? indentation : "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (StringPrototypeCharCodeAt(text, i) === 0x0a) {
      out += `${StringPrototypeSlice(text, last, i + 1)}${indentation}`;
      last = i + 1;
    }
  }
  return out + StringPrototypeSlice(text, last);
}

function isIdentifierKey(key) {
  if (key === "") return false;
  for (let i = 0; i < key.length; i++) {
    const c = StringPrototypeCharCodeAt(key, i);
    const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!alpha && !(i > 0 && c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

function formatProperty(ctx, value, recurseTimes, key, type) {
  const descriptor = getOwnDescriptor(value, key) ||
    { __proto__: null, value: value[key], enumerable: true };
  let str;
  if (descriptor.value !== undefined) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, descriptor.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (descriptor.get !== undefined) {
    str = descriptor.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else if (descriptor.set !== undefined) {
    str = "[Setter]";
  } else {
    str = "undefined";
  }
  if (type === kArrayType) return str;
  let name;
  if (typeof key === "symbol") {
    name = `[${escapeControlCharacters(SymbolPrototypeToString(key))}]`;
  } else if (key === "__proto__") {
    name = "['__proto__']";
  } else if (descriptor.enumerable === false) {
    name = `[${escapeControlCharacters(key)}]`;
  } else if (isIdentifierKey(key)) {
    name = key;
  } else {
    name = strEscape(key);
  }
  return `${name}: ${str}`;
}

function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  const entries = output.length;
  if (extrasType === kArrayExtrasType && entries > 6) {
    output = groupArrayElements(ctx, output, value);
  }
  if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(ctx, output, start, base)) {
      const joined = ArrayPrototypeJoin(output, ", ");
      if (!StringPrototypeIncludes(joined, "\n")) {
        return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${StringPrototypeRepeat(" ", ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ` +
    `${ArrayPrototypeJoin(output, `,${indentation}  `)}${indentation}${braces[1]}`;
}

function isBelowBreakLength(ctx, output, start, base) {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === "" || !StringPrototypeIncludes(base, "\n");
}

// Prints long arrays of short entries in aligned columns (port of Node's groupArrayElements).
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  if (ctx.maxArrayLength < output.length) outputLength--; // ignore "... n more items"
  const separatorSpace = 2; // ", "
  const dataLen = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    SafeArrayPush(dataLen, len);
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
    const approxCharHeights = 2.5;
    const averageBias = MathSqrt(actualMax - totalLength / output.length);
    const biasedMax = MathMax(actualMax - 3 - averageBias, 1);
    const columns = MathMin(
      MathRound(MathSqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
      MathFloor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp = [];
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      SafeArrayPush(maxLineLength, lineLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = MathMin(i + columns, outputLength);
      let str = "";
      let j = i;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - i];
        str += padStart
          ? StringPrototypePadStart(`${output[j]}, `, padding, " ")
          : StringPrototypePadEnd(`${output[j]}, `, padding, " ");
      }
      if (padStart) {
        str += StringPrototypePadStart(output[j], maxLineLength[j - i] - separatorSpace, " ");
      } else {
        str += output[j];
      }
      SafeArrayPush(tmp, str);
    }
    if (ctx.maxArrayLength < output.length) SafeArrayPush(tmp, output[outputLength]);
    return tmp;
  }
  return output;
}

function formatNumber(value) {
  // Object.is(value, -0)
  if (value === 0 && 1 / value < 0) return "-0";
  return `${value}`;
}

function formatPrimitive(ctx, value) {
  switch (typeof value) {
    case "string": {
      let trailer = "";
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = StringPrototypeSlice(value, 0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
      }
      if (value.length > 16 && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        return joinSplitLines(value, StringPrototypeRepeat(" ", ctx.indentationLvl + 2)) + trailer;
      }
      return strEscape(value) + trailer;
    }
    case "number":
      return formatNumber(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return SymbolPrototypeToString(value);
    default:
      return `${value}`; // undefined, boolean
  }
}

// Long strings with newlines print as 'line 1\n' + 'line 2' over several lines.
function joinSplitLines(value, indentation) {
  let out = "";
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (StringPrototypeCharCodeAt(value, i) === 0x0a && i + 1 < value.length) {
      out += `${strEscape(StringPrototypeSlice(value, start, i + 1))} +\n${indentation}`;
      start = i + 1;
    }
  }
  return out + strEscape(StringPrototypeSlice(value, start));
}

const meta = [
  "\\x00", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\x07",
  "\\b", "\\t", "\\n", "\\x0B", "\\f", "\\r", "\\x0E", "\\x0F",
  "\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15", "\\x16", "\\x17",
  "\\x18", "\\x19", "\\x1A", "\\x1B", "\\x1C", "\\x1D", "\\x1E", "\\x1F",
];

function escapeCode(c) {
  if (c < 0x20) return meta[c];
  if (c === 0x5c) return "\\\\";
  if (c === 0x27) return "\\'";
  return `\\x${StringPrototypeToUpperCase(NumberPrototypeToString(c, 16))}`; // 0x7f-0x9f
}

// Quotes a string like Node: single quotes unless the string contains them, escaping control
// characters, backslashes, the chosen quote and lone surrogates.
function strEscape(str) {
  let quote = 0x27; // '
  if (StringPrototypeIncludes(str, "'")) {
    if (!StringPrototypeIncludes(str, "\"")) quote = 0x22;
    else if (!StringPrototypeIncludes(str, "`") && !StringPrototypeIncludes(str, "${")) quote = 0x60;
  }
  let result = "";
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const c = StringPrototypeCharCodeAt(str, i);
    if ((c === 0x27 && quote === 0x27) || c === 0x5c || c < 0x20 || (c > 0x7e && c < 0xa0)) {
      result += `${StringPrototypeSlice(str, last, i)}${escapeCode(c)}`;
      last = i + 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < str.length) {
        const next = StringPrototypeCharCodeAt(str, i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      result += `${StringPrototypeSlice(str, last, i)}\\u${NumberPrototypeToString(c, 16)}`;
      last = i + 1;
    }
  }
  const q = quote === 0x27 ? "'" : quote === 0x22 ? "\"" : "`";
  return `${q}${result}${StringPrototypeSlice(str, last)}${q}`;
}

function escapeControlCharacters(str) {
  let result = "";
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const c = StringPrototypeCharCodeAt(str, i);
    if (c < 0x20 || (c > 0x7e && c < 0xa0)) {
      result += `${StringPrototypeSlice(str, last, i)}${escapeCode(c)}`;
      last = i + 1;
    }
  }
  return result + StringPrototypeSlice(str, last);
}

// ---------------------------------------------------------------------------------------------
// util.format

// Whether `%s` should inspect the object rather than call its (user-defined) toString.
function hasBuiltInToString(value) {
  if (typeof value.toString !== "function") return true;
  if (ObjectPrototypeHasOwnProperty(value, "toString")) return false;
  let pointer = value;
  do {
    pointer = ObjectGetPrototypeOf(pointer);
  } while (pointer !== null && !ObjectPrototypeHasOwnProperty(pointer, "toString"));
  if (pointer === null) return true;
  const descriptor = getOwnDescriptor(pointer, "constructor");
  return descriptor !== undefined && typeof descriptor.value === "function" &&
    MapPrototypeGet(builtInObjects, descriptor.value.name) === true;
}

// The engine's message for JSON.stringify of a circular structure (first line), so that `%j` can
// print "[Circular]" for exactly that error.
const circularErrorMessage = (() => {
  const a = { __proto__: null };
  a.a = a;
  try {
    JSONStringify(a);
  } catch (error) {
    return firstLine(error.message);
  }
  return null;
})();

function tryStringify(value) {
  try {
    return JSONStringify(value);
  } catch (error) {
    if (error !== null && typeof error === "object" && error.name === "TypeError" &&
        firstLine(String(error.message)) === circularErrorMessage) {
      return "[Circular]";
    }
    throw error;
  }
}

function firstLine(text) {
  const newline = StringPrototypeIndexOf(text, "\n");
  return newline === -1 ? text : StringPrototypeSlice(text, 0, newline);
}

function formatSpecifier(code, arg) {
  switch (code) {
    case 0x73: // %s
      if (typeof arg === "number") return formatNumber(arg);
      if (typeof arg === "bigint") return `${arg}n`;
      if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) return String(arg);
      return inspect(arg, { depth: 0 });
    case 0x6a: // %j
      return tryStringify(arg);
    case 0x64: // %d
      if (typeof arg === "bigint") return `${arg}n`;
      if (typeof arg === "symbol") return "NaN";
      return formatNumber(Number(arg));
    case 0x4f: // %O
      return inspect(arg);
    case 0x6f: // %o
      return inspect(arg, { showHidden: true, depth: 4 });
    case 0x69: // %i
      if (typeof arg === "bigint") return `${arg}n`;
      if (typeof arg === "symbol") return "NaN";
      return formatNumber(NumberParseInt(arg));
    case 0x66: // %f
      if (typeof arg === "symbol") return "NaN";
      return formatNumber(NumberParseFloat(arg));
    default: // %c: CSS is ignored
      return "";
  }
}

function isSpecifier(code) {
  return code === 0x73 || code === 0x6a || code === 0x64 || code === 0x4f || code === 0x6f ||
    code === 0x69 || code === 0x66 || code === 0x63;
}

// Node's util.format: `args` is a list of values.
function formatLogArgs(args) {
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (StringPrototypeCharCodeAt(first, i) !== 0x25) continue; // "%"
      const next = StringPrototypeCharCodeAt(first, ++i);
      if (next === 0x25) {
        str += StringPrototypeSlice(first, lastPos, i);
        lastPos = i + 1;
      } else if (a + 1 !== args.length && isSpecifier(next)) {
        const replacement = formatSpecifier(next, args[++a]);
        if (lastPos !== i - 1) str += StringPrototypeSlice(first, lastPos, i - 1);
        str += replacement;
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += StringPrototypeSlice(first, lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value) : value;
    join = " ";
    a++;
  }
  return str;
}

// ---------------------------------------------------------------------------------------------
// console.table (port of Node's cli_table)

function renderRow(row, widths) {
  let out = "│ ";
  for (let i = 0; i < row.length; i++) {
    out += StringPrototypePadEnd(row[i], widths[i], " ");
    if (i !== row.length - 1) out += " │ ";
  }
  return `${out} │`;
}

function renderTable(head, columns) {
  const widths = [];
  let rowCount = 0;
  for (let i = 0; i < head.length; i++) {
    SafeArrayPush(widths, head[i].length);
    if (columns[i].length > rowCount) rowCount = columns[i].length;
  }
  const rows = [];
  for (let j = 0; j < rowCount; j++) {
    const row = [];
    for (let i = 0; i < head.length; i++) {
      const cell = ObjectPrototypeHasOwnProperty(columns[i], j) ? columns[i][j] : "";
      SafeArrayPush(row, cell);
      if (cell.length > widths[i]) widths[i] = cell.length;
    }
    SafeArrayPush(rows, row);
  }
  const divider = [];
  for (let i = 0; i < widths.length; i++) SafeArrayPush(divider, StringPrototypeRepeat("─", widths[i] + 2));
  let result = `┌${ArrayPrototypeJoin(divider, "┬")}┐\n${renderRow(head, widths)}\n` +
    `├${ArrayPrototypeJoin(divider, "┼")}┤\n`;
  for (let j = 0; j < rows.length; j++) result += `${renderRow(rows[j], widths)}\n`;
  return `${result}└${ArrayPrototypeJoin(divider, "┴")}┘`;
}

function tableCell(value) {
  const depth = value !== null && typeof value === "object" && !ArrayIsArray(value) &&
    ObjectKeys(value).length > 2 ? -1 : 0;
  return inspect(value, { depth, maxArrayLength: 3, breakLength: Infinity });
}

function formatTable(data, properties) {
  const indexColumn = [];
  const valuesColumn = [];
  const columnNames = [];
  const columns = [];
  let hasPrimitives = false;
  const addCell = (key, row, text) => {
    let index = ArrayPrototypeIndexOf(columnNames, key);
    if (index === -1) {
      SafeArrayPush(columnNames, key);
      SafeArrayPush(columns, []);
      index = columns.length - 1;
    }
    ObjectDefineProperty(columns[index], row, {
      __proto__: null, value: text, writable: true, enumerable: true, configurable: true,
    });
  };
  const addRow = (indexText, item) => {
    const row = indexColumn.length;
    SafeArrayPush(indexColumn, indexText);
    const primitive = item === null || (typeof item !== "function" && typeof item !== "object");
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      ObjectDefineProperty(valuesColumn, row, {
        __proto__: null, value: tableCell(item), writable: true, enumerable: true, configurable: true,
      });
      return;
    }
    const keys = properties !== undefined ? properties : ObjectKeys(item);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const text = primitive || !ObjectPrototypeHasOwnProperty(item, key) ? "" : tableCell(item[key]);
      addCell(key, row, text);
    }
  };
  if (isMap(data) || isSet(data)) {
    // Maps and Sets print their entries as they are: (iteration index) | [Key |] Values.
    const keys = [];
    const values = [];
    const addEntry = (value, key) => {
      SafeArrayPush(indexColumn, `${indexColumn.length}`);
      if (isMap(data)) SafeArrayPush(keys, tableCell(key));
      SafeArrayPush(values, tableCell(value));
    };
    if (isMap(data)) {
      MapPrototypeForEach(data, addEntry);
      return renderTable(["(iteration index)", "Key", "Values"], [indexColumn, keys, values]);
    }
    SetPrototypeForEach(data, addEntry);
    return renderTable(["(iteration index)", "Values"], [indexColumn, values]);
  }
  const keys = ObjectKeys(data);
  for (let i = 0; i < keys.length; i++) addRow(keys[i], data[keys[i]]);
  const head = ["(index)"];
  const body = [indexColumn];
  for (let i = 0; i < columnNames.length; i++) {
    SafeArrayPush(head, columnNames[i]);
    SafeArrayPush(body, columns[i]);
  }
  if (hasPrimitives) {
    SafeArrayPush(head, "Values");
    SafeArrayPush(body, valuesColumn);
  }
  return renderTable(head, body);
}

// ---------------------------------------------------------------------------------------------
// The console namespace (https://console.spec.whatwg.org/)

let groupIndentation = "";
const counts = new Map();
const timers = new Map();

function print(level, text) {
  ops.log(level, groupIndentation === "" ? text : indentLines(text, groupIndentation, true));
}

function formatDuration(ms) {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60000) return `${NumberPrototypeToFixed(ms / 1000, 3)}s`;
  const minutes = MathFloor(ms / 60000);
  const seconds = NumberPrototypeToFixed((ms - minutes * 60000) / 1000, 3);
  return `${minutes}:${StringPrototypePadStart(seconds, 6, "0")} (m:ss.mmm)`;
}

function toLabel(label) {
  return toDOMString(label, "console", "label");
}

// Builds `Assertion failed[: first] …rest` for console.assert.
function assertionData(data) {
  if (data.length === 0) return ["Assertion failed"];
  if (typeof data[0] === "string") {
    const result = [`Assertion failed: ${data[0]}`];
    for (let i = 1; i < data.length; i++) SafeArrayPush(result, data[i]);
    return result;
  }
  return prepend(data, "Assertion failed");
}

const consoleNamespace = {
  debug(...data) {
    print("debug", formatLogArgs(data));
  },
  error(...data) {
    print("error", formatLogArgs(data));
  },
  info(...data) {
    print("info", formatLogArgs(data));
  },
  log(...data) {
    print("log", formatLogArgs(data));
  },
  warn(...data) {
    print("warn", formatLogArgs(data));
  },
  dirxml(...data) {
    print("log", formatLogArgs(data));
  },
  assert(condition = false, ...data) {
    if (condition) return;
    print("error", formatLogArgs(assertionData(data)));
  },
  table(tabularData = undefined, properties = undefined) {
    if (tabularData === null || typeof tabularData !== "object") {
      print("log", formatLogArgs([tabularData]));
      return;
    }
    let columns;
    if (properties !== undefined) {
      columns = [];
      const list = ArrayIsArray(properties) ? properties : [];
      for (let i = 0; i < list.length; i++) SafeArrayPush(columns, toDOMString(list[i], "console.table", "property"));
    }
    print("log", formatTable(tabularData, columns));
  },
  trace(...data) {
    const holder = { __proto__: null, name: "Trace", message: formatLogArgs(data) };
    ErrorCaptureStackTrace(holder, consoleTrace); // the stack starts at the caller of trace()
    print("log", `${holder.stack}`);
  },
  dir(item = undefined, options = undefined) {
    let depth;
    let showHidden;
    if (options !== undefined && options !== null) {
      depth = options.depth;
      showHidden = options.showHidden;
    }
    print("log", inspect(item, { depth, showHidden }));
  },
  count(label = "default") {
    label = toLabel(label);
    const count = (MapPrototypeGet(counts, label) ?? 0) + 1;
    MapPrototypeSet(counts, label, count);
    print("info", `${label}: ${count}`);
  },
  countReset(label = "default") {
    label = toLabel(label);
    if (MapPrototypeGet(counts, label) === undefined) {
      print("warn", `Count for '${label}' does not exist`);
      return;
    }
    MapPrototypeSet(counts, label, 0);
  },
  group(...data) {
    if (data.length > 0) print("log", formatLogArgs(data));
    groupIndentation += "  ";
  },
  groupCollapsed(...data) {
    if (data.length > 0) print("log", formatLogArgs(data));
    groupIndentation += "  ";
  },
  groupEnd() {
    groupIndentation = StringPrototypeSlice(groupIndentation, 0, MathMax(0, groupIndentation.length - 2));
  },
  time(label = "default") {
    label = toLabel(label);
    if (MapPrototypeGet(timers, label) !== undefined) {
      print("warn", `Label '${label}' already exists for console.time()`);
      return;
    }
    MapPrototypeSet(timers, label, DateNow());
  },
  timeLog(label = "default", ...data) {
    label = toLabel(label);
    const start = MapPrototypeGet(timers, label);
    if (start === undefined) {
      print("warn", `No such label '${label}' for console.timeLog()`);
      return;
    }
    const line = `${label}: ${formatDuration(DateNow() - start)}`;
    print("info", data.length === 0 ? line : `${line} ${formatLogArgs(data)}`);
  },
  timeEnd(label = "default") {
    label = toLabel(label);
    const start = MapPrototypeGet(timers, label);
    if (start === undefined) {
      print("warn", `No such label '${label}' for console.timeEnd()`);
      return;
    }
    MapPrototypeDelete(timers, label);
    print("info", `${label}: ${formatDuration(DateNow() - start)}`);
  },
};

const consoleTrace = consoleNamespace.trace;

// "For historical reasons, the console namespace object's [[Prototype]] is an empty object".
ObjectSetPrototypeOf(consoleNamespace, ObjectCreate(ObjectPrototype));
ObjectDefineProperty(consoleNamespace, SymbolToStringTag, {
  __proto__: null,
  value: "console",
  writable: false,
  enumerable: false,
  configurable: true,
});
installGlobal("console", consoleNamespace);

internals.inspect = inspect;
internals.formatLogArgs = formatLogArgs;
internals.registerInspector = registerInspector;
internals.makeDisplayEntries = makeDisplayEntries;
internals.makeDisplayObject = makeDisplayObject;
