// The Headers class (https://fetch.spec.whatwg.org/#headers-class).
//
// Internal state: a header list of [name, value] pairs in insertion order (names are stored
// lowercased; the spec keeps the original case but every observable output lowercases them) and
// a guard: "immutable", "request", "response" or "none".
//
// Guards: "immutable" makes append/set/delete throw a TypeError "Can't modify immutable headers."
// (incoming requests, Response.error(), Response.redirect()). This runtime runs on a server, like
// Cloudflare Workers and Deno, so the "request" and "response" guards do not filter forbidden
// request headers (https://fetch.spec.whatwg.org/#forbidden-request-header) or forbidden response
// header names (Set-Cookie): they behave like "none".
//
// Iteration (https://webidl.spec.whatwg.org/#es-iterable): as in the spec, the iterator looks at
// the current "sort and combine" result at every next() call (the result is cached until the
// next mutation), so changes made while iterating are seen at the iterator's current index.
//
// Exports on `internals`: isToken, isHeaders, createHeaders(list, guard), headerList(headers),
// setHeadersGuard(headers, guard), headersGuard(headers), convertHeadersInit(value, prefix) -> list of pairs,
// fillHeaders(headers, list), appendHeader(headers, name, value), headersContain(headers, name),
// sortAndCombineHeaders(headers) -> list of pairs.

const {
  ArrayPrototypeSort,
  IteratorPrototype,
  ObjectDefineProperty,
  ObjectSetPrototypeOf,
  ReflectApply,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  SymbolIterator,
  SymbolToStringTag,
  TypeError,
} = primordials;
const {
  configureInterface,
  getIteratorMethod,
  illegalInvocation,
  installGlobal,
  isObject,
  iterableToList,
  recordToList,
  requiredArguments,
  toByteString,
} = internals.webidl;

// https://httpwg.org/specs/rfc9110.html#tokens: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*"
// / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
function isTokenCodePoint(c) {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d ||
    c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

function isToken(string) {
  if (string === "") return false;
  for (let i = 0; i < string.length; i++) {
    if (!isTokenCodePoint(StringPrototypeCharCodeAt(string, i))) return false;
  }
  return true;
}

function isHttpWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// https://fetch.spec.whatwg.org/#concept-header-value-normalize
function normalizeValue(value) {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(StringPrototypeCharCodeAt(value, start))) start++;
  while (end > start && isHttpWhitespace(StringPrototypeCharCodeAt(value, end - 1))) end--;
  return start === 0 && end === value.length ? value : StringPrototypeSlice(value, start, end);
}

// https://fetch.spec.whatwg.org/#header-value (after normalization): no NUL, CR or LF.
function isValidValue(value) {
  for (let i = 0; i < value.length; i++) {
    const c = StringPrototypeCharCodeAt(value, i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}

function validateName(name) {
  if (!isToken(name)) throw new TypeError(`Invalid header name: "${name}"`);
}

// https://fetch.spec.whatwg.org/#headers-validate
function validate(name, value, guard) {
  validateName(name);
  if (!isValidValue(value)) throw new TypeError(`Invalid header value for "${name}": "${value}"`);
  if (guard === "immutable") throw new TypeError("Can't modify immutable headers.");
}

function compareNames(a, b) {
  const x = a[0];
  const y = b[0];
  return x < y ? -1 : x > y ? 1 : 0;
}

// `list` with `pair` appended. A short list becomes a new array literal: a literal defines its
// elements (no setter user code put on Array.prototype runs) and costs far less than SafeArrayPush's
// defineProperty, which matters on the request path (a Response's Content-Type). A longer list
// grows in place. Either way the caller keeps the returned array.
function withPair(list, pair) {
  switch (list.length) {
    case 0:
      return [pair];
    case 1:
      return [list[0], pair];
    case 2:
      return [list[0], list[1], pair];
    case 3:
      return [list[0], list[1], list[2], pair];
    case 4:
      return [list[0], list[1], list[2], list[3], pair];
    case 5:
      return [list[0], list[1], list[2], list[3], list[4], pair];
    default:
      SafeArrayPush(list, pair);
      return list;
  }
}

// https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine
// A list whose names are already strictly increasing is its own result (nothing to sort, no
// name twice to combine): it is returned as it is, without copying. Callers only read it.
function sortAndCombine(list) {
  let ordered = true;
  for (let i = 1; i < list.length; i++) {
    if (!(list[i - 1][0] < list[i][0])) {
      ordered = false;
      break;
    }
  }
  if (ordered) return list;
  const sorted = [];
  for (let i = 0; i < list.length; i++) SafeArrayPush(sorted, list[i]);
  ArrayPrototypeSort(sorted, compareNames); // stable: same-name values keep their order
  const result = [];
  for (let i = 0; i < sorted.length; i++) {
    const name = sorted[i][0];
    let value = sorted[i][1];
    if (name !== "set-cookie") {
      while (i + 1 < sorted.length && sorted[i + 1][0] === name) value += `, ${sorted[++i][1]}`;
    }
    SafeArrayPush(result, [name, value]);
  }
  return result;
}

// Converts a HeadersInit (sequence<sequence<ByteString>> or record<ByteString, ByteString>) to a
// list of [name, value] pairs; a Headers object is copied directly (same result as iterating it).
function convertHeadersInit(init, prefix) {
  if (!isObject(init)) {
    throw new TypeError(
      `${prefix}: The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.`,
    );
  }
  if (isHeaders(init)) return sortAndCombine(headerList(init));
  const method = getIteratorMethod(init, prefix, "headers");
  const toName = (v) => toByteString(v, prefix, "header name");
  const toValue = (v) => toByteString(v, prefix, "header value");
  if (method === undefined) return recordToList(init, toName, toValue);
  // sequence<sequence<ByteString>>: every item is converted to ByteString.
  return iterableToList(init, method, (pair) => {
    if (!isObject(pair)) {
      throw new TypeError(`${prefix}: a header name/value pair must be a sequence (an iterable object).`);
    }
    const pairMethod = getIteratorMethod(pair, prefix, "header pair");
    if (pairMethod === undefined) {
      throw new TypeError(`${prefix}: a header name/value pair must be a sequence (an iterable object).`);
    }
    const items = iterableToList(pair, pairMethod, toValue, prefix, "header pair");
    if (items.length !== 2) {
      throw new TypeError(`${prefix}: expected a header name/value pair to be length 2, found ${items.length}.`);
    }
    return [items[0], items[1]];
  }, prefix, "headers");
}

let isHeaders;
let headerList;
let createHeaders;
let setHeadersGuard;
let headersGuard;
let appendHeader;
let headersContain;
let sortAndCombineHeaders;

class Headers {
  #list = [];
  #guard = "none";
  #sorted = null; // cache of sortAndCombine(#list), reset on every mutation

  constructor(init = undefined) {
    if (init !== undefined) fill(this, convertHeadersInit(init, "Failed to construct 'Headers'"));
  }

  static {
    isHeaders = (value) => isObject(value) && #list in value;
    headerList = (headers) => headers.#list;
    createHeaders = (list, guard) => {
      const headers = new Headers();
      headers.#list = list;
      headers.#guard = guard;
      return headers;
    };
    setHeadersGuard = (headers, guard) => {
      headers.#guard = guard;
    };
    headersGuard = (headers) => headers.#guard;
    // https://fetch.spec.whatwg.org/#concept-headers-append
    appendHeader = (headers, name, value) => {
      value = normalizeValue(value);
      validate(name, value, headers.#guard);
      headers.#list = withPair(headers.#list, [StringPrototypeToLowerCase(name), value]);
      headers.#sorted = null;
    };
    headersContain = (headers, name) => headers.#indexOf(StringPrototypeToLowerCase(name)) !== -1;
    sortAndCombineHeaders = (headers) => {
      if (headers.#sorted === null) headers.#sorted = sortAndCombine(headers.#list);
      return headers.#sorted;
    };
  }

  #indexOf(lowercaseName) {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === lowercaseName) return i;
    }
    return -1;
  }

  #removeAll(lowercaseName) {
    const kept = [];
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] !== lowercaseName) SafeArrayPush(kept, list[i]);
    }
    this.#list = kept;
    this.#sorted = null;
  }

  append(name, value) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'append' on 'Headers'";
    requiredArguments(arguments.length, 2, prefix);
    name = toByteString(name, prefix, "Argument 1");
    value = toByteString(value, prefix, "Argument 2");
    appendHeader(this, name, value);
  }

  delete(name) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'delete' on 'Headers'";
    requiredArguments(arguments.length, 1, prefix);
    name = toByteString(name, prefix, "Argument 1");
    validate(name, "", this.#guard);
    const lowercaseName = StringPrototypeToLowerCase(name);
    if (this.#indexOf(lowercaseName) === -1) return;
    this.#removeAll(lowercaseName);
  }

  get(name) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'get' on 'Headers'";
    requiredArguments(arguments.length, 1, prefix);
    name = toByteString(name, prefix, "Argument 1");
    validateName(name);
    const lowercaseName = StringPrototypeToLowerCase(name);
    const list = this.#list;
    let value = null;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === lowercaseName) value = value === null ? list[i][1] : `${value}, ${list[i][1]}`;
    }
    return value;
  }

  getSetCookie() {
    if (!isHeaders(this)) throw illegalInvocation();
    const list = this.#list;
    const values = [];
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === "set-cookie") SafeArrayPush(values, list[i][1]);
    }
    return values;
  }

  has(name) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'has' on 'Headers'";
    requiredArguments(arguments.length, 1, prefix);
    name = toByteString(name, prefix, "Argument 1");
    validateName(name);
    return this.#indexOf(StringPrototypeToLowerCase(name)) !== -1;
  }

  set(name, value) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'set' on 'Headers'";
    requiredArguments(arguments.length, 2, prefix);
    name = toByteString(name, prefix, "Argument 1");
    value = normalizeValue(toByteString(value, prefix, "Argument 2"));
    validate(name, value, this.#guard);
    // https://fetch.spec.whatwg.org/#concept-header-list-set: replace the first, drop the rest.
    const lowercaseName = StringPrototypeToLowerCase(name);
    const list = [];
    let found = false;
    for (let i = 0; i < this.#list.length; i++) {
      const pair = this.#list[i];
      if (pair[0] !== lowercaseName) {
        SafeArrayPush(list, pair);
      } else if (!found) {
        SafeArrayPush(list, [lowercaseName, value]);
        found = true;
      }
    }
    if (!found) SafeArrayPush(list, [lowercaseName, value]);
    this.#list = list;
    this.#sorted = null;
  }

  // https://webidl.spec.whatwg.org/#es-forEach
  forEach(callback, thisArg = undefined) {
    if (!isHeaders(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'forEach' on 'Headers'";
    requiredArguments(arguments.length, 1, prefix);
    if (typeof callback !== "function") {
      throw new TypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
    }
    let pairs = sortAndCombineHeaders(this);
    for (let i = 0; i < pairs.length; i++) {
      ReflectApply(callback, thisArg, [pairs[i][1], pairs[i][0], this]);
      pairs = sortAndCombineHeaders(this);
    }
  }

  entries() {
    if (!isHeaders(this)) throw illegalInvocation();
    return createHeadersIterator(this, "key+value");
  }

  keys() {
    if (!isHeaders(this)) throw illegalInvocation();
    return createHeadersIterator(this, "key");
  }

  values() {
    if (!isHeaders(this)) throw illegalInvocation();
    return createHeadersIterator(this, "value");
  }
}

// https://fetch.spec.whatwg.org/#concept-headers-fill
function fill(headers, list) {
  for (let i = 0; i < list.length; i++) appendHeader(headers, list[i][0], list[i][1]);
}

// The default iterator object (https://webidl.spec.whatwg.org/#es-default-iterator-object).
let createHeadersIterator;

class HeadersIterator {
  #headers;
  #kind;
  #index = 0;

  constructor(headers, kind) {
    this.#headers = headers;
    this.#kind = kind;
  }

  static {
    createHeadersIterator = (headers, kind) => new HeadersIterator(headers, kind);
  }

  next() {
    if (!isObject(this) || !(#index in this)) throw illegalInvocation();
    const pairs = sortAndCombineHeaders(this.#headers);
    if (this.#index >= pairs.length) return { value: undefined, done: true };
    const pair = pairs[this.#index++];
    if (this.#kind === "key") return { value: pair[0], done: false };
    if (this.#kind === "value") return { value: pair[1], done: false };
    return { value: [pair[0], pair[1]], done: false };
  }
}

// %HeadersIteratorPrototype%: inherits from %IteratorPrototype%, has an enumerable `next`, a
// "Headers Iterator" tag and no `constructor`.
const HeadersIteratorPrototype = HeadersIterator.prototype;
ObjectSetPrototypeOf(HeadersIteratorPrototype, IteratorPrototype);
delete HeadersIteratorPrototype.constructor;
ObjectDefineProperty(HeadersIteratorPrototype, "next", { __proto__: null, enumerable: true });
ObjectDefineProperty(HeadersIteratorPrototype, SymbolToStringTag, {
  __proto__: null,
  value: "Headers Iterator",
  writable: false,
  enumerable: false,
  configurable: true,
});

configureInterface(Headers, "Headers");
// Headers.prototype[@@iterator] is the same function object as entries (Web IDL pair iterator).
ObjectDefineProperty(Headers.prototype, SymbolIterator, {
  __proto__: null,
  value: Headers.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
installGlobal("Headers", Headers);

internals.registerInspector(isHeaders, (headers) => {
  const pairs = sortAndCombineHeaders(headers);
  const keys = [];
  const values = [];
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0];
    if (name === "set-cookie" && keys.length > 0 && keys[keys.length - 1] === name) {
      // Several Set-Cookie headers show as an array.
      const previous = values[values.length - 1];
      if (typeof previous === "string") values[values.length - 1] = [previous, pairs[i][1]];
      else SafeArrayPush(previous, pairs[i][1]);
      continue;
    }
    SafeArrayPush(keys, name);
    SafeArrayPush(values, pairs[i][1]);
  }
  return internals.makeDisplayObject(Headers.prototype, keys, values);
});

internals.isToken = isToken;
internals.isHeaders = isHeaders;
internals.createHeaders = createHeaders;
internals.headerList = headerList;
internals.setHeadersGuard = setHeadersGuard;
internals.headersGuard = headersGuard;
internals.convertHeadersInit = convertHeadersInit;
internals.fillHeaders = fill;
internals.appendHeader = appendHeader;
internals.headersContain = headersContain;
internals.sortAndCombineHeaders = sortAndCombineHeaders;
