// The URL and URLSearchParams interfaces (https://url.spec.whatwg.org/#api), on top of the
// algorithms in 05_url.js. Loaded after 10_console.js so that both can register how they print.
//
// Exports on `internals`:
//   URL, URLSearchParams                the interface objects (also installed as globals)
//   isURLSearchParams(value) -> boolean brand check (internal slot, not instanceof)
//   urlSearchParamsList(usp) -> the live [[name, value], …] list of a URLSearchParams (read it,
//                                      do not modify it: a change would not reach its URL). An
//                                      internal list: an array with a null prototype (index it)
//   urlRecordOf(url) -> the URL record of a URL object (live; do not modify it)
//
// Notes:
//   - The URL constructor converts its arguments with ToString rather than to USVString: the
//     parser's output is ASCII and it reads a lone surrogate as U+FFFD wherever it keeps one
//     (percent-encoding), so the difference is not observable and the hot path saves a scan.
//   - A URL's searchParams object is created on first access from the URL's query; the spec
//     creates it in the constructor, but its list is always the parse of the query, so nothing
//     observable changes and `new URL(request.url)` does not pay for it.
//   - href is serialized once and cached until a setter or searchParams changes the URL.

const {
  ArrayPrototype,
  ArrayPrototypeSort,
  IteratorPrototype,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectSetPrototypeOf,
  ReflectApply,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
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
  toDOMString,
  toUSVString,
} = internals.webidl;
const { serializeURL, urlencodedParse, urlencodedSerialize, urlSpec } = internals;
const {
  basicParse,
  getHash,
  getHost,
  getSearch,
  internalList,
  parseBaseString,
  serializeOrigin,
  setHash,
  setHost,
  setHostname,
  setPassword,
  setPathname,
  setPort,
  setProtocol,
  setSearch,
  setUsername,
  states,
} = urlSpec;
const NO_OVERRIDE = states.NO_OVERRIDE;

// Passed as the first constructor argument by internal callers; unreachable by user code.
const kInternal = { __proto__: null };

// Filled in by the classes' static blocks (private names are only visible inside the class).
let isURL;
let urlRecordOf;
let setURLQuery; // (url, query | null): a URLSearchParams changed its list
let isURLSearchParams;
let paramsList;
let setParamsList; // (params, list): the URL's query changed
let createParamsForURL; // (url, list) -> URLSearchParams

function parseOrThrow(input, baseRecord, baseString) {
  const record = basicParse(input, baseRecord, null, NO_OVERRIDE);
  if (record === null) {
    throw new TypeError(baseString === undefined ? `Invalid URL: ${input}` : `Invalid URL: ${input} with base ${baseString}`);
  }
  return record;
}

// Converts and parses the (url, base) arguments of the constructor and the statics; returns the
// record or null.
function parseArguments(url, base, prefix) {
  const input = toDOMString(url, prefix, "Argument 1");
  if (base === undefined) return basicParse(input, null, null, NO_OVERRIDE);
  const baseRecord = parseBaseString(toDOMString(base, prefix, "Argument 2"));
  return baseRecord === null ? null : basicParse(input, baseRecord, null, NO_OVERRIDE);
}

class URL {
  #url; // URLRecord
  #href = null; // cached serialization, or null
  #searchParams = null; // URLSearchParams, created on first access

  constructor(url, base = undefined) {
    if (url === kInternal) {
      this.#url = base;
      return;
    }
    const prefix = "Failed to construct 'URL'";
    requiredArguments(arguments.length, 1, prefix);
    const input = toDOMString(url, prefix, "Argument 1");
    if (base === undefined) {
      this.#url = parseOrThrow(input, null, undefined);
      return;
    }
    const baseString = toDOMString(base, prefix, "Argument 2");
    const baseRecord = parseBaseString(baseString);
    if (baseRecord === null) throw new TypeError(`Invalid base URL: ${baseString}`);
    this.#url = parseOrThrow(input, baseRecord, baseString);
  }

  static {
    isURL = (value) => isObject(value) && #url in value;
    urlRecordOf = (url) => url.#url;
    setURLQuery = (url, query) => {
      url.#url.query = query;
      url.#href = null;
    };
  }

  // https://url.spec.whatwg.org/#dom-url-parse
  static parse(url, base = undefined) {
    requiredArguments(arguments.length, 1, "Failed to execute 'parse' on 'URL'");
    const record = parseArguments(url, base, "Failed to execute 'parse' on 'URL'");
    return record === null ? null : new URL(kInternal, record);
  }

  // https://url.spec.whatwg.org/#dom-url-canparse
  static canParse(url, base = undefined) {
    requiredArguments(arguments.length, 1, "Failed to execute 'canParse' on 'URL'");
    return parseArguments(url, base, "Failed to execute 'canParse' on 'URL'") !== null;
  }

  get href() {
    if (!isURL(this)) throw illegalInvocation();
    if (this.#href === null) this.#href = serializeURL(this.#url);
    return this.#href;
  }

  set href(value) {
    if (!isURL(this)) throw illegalInvocation();
    const input = toUSVString(value, "Failed to set the 'href' property on 'URL'", "Value");
    const record = parseOrThrow(input, null, undefined);
    this.#url = record;
    this.#href = null;
    if (this.#searchParams !== null) {
      setParamsList(this.#searchParams, record.query === null ? internalList() : urlencodedParse(record.query));
    }
  }

  get origin() {
    if (!isURL(this)) throw illegalInvocation();
    return serializeOrigin(this.#url);
  }

  get protocol() {
    if (!isURL(this)) throw illegalInvocation();
    return `${this.#url.scheme}:`;
  }

  set protocol(value) {
    if (!isURL(this)) throw illegalInvocation();
    setProtocol(this.#url, toUSVString(value, "Failed to set the 'protocol' property on 'URL'", "Value"));
    this.#href = null;
  }

  get username() {
    if (!isURL(this)) throw illegalInvocation();
    return this.#url.username;
  }

  set username(value) {
    if (!isURL(this)) throw illegalInvocation();
    setUsername(this.#url, toUSVString(value, "Failed to set the 'username' property on 'URL'", "Value"));
    this.#href = null;
  }

  get password() {
    if (!isURL(this)) throw illegalInvocation();
    return this.#url.password;
  }

  set password(value) {
    if (!isURL(this)) throw illegalInvocation();
    setPassword(this.#url, toUSVString(value, "Failed to set the 'password' property on 'URL'", "Value"));
    this.#href = null;
  }

  get host() {
    if (!isURL(this)) throw illegalInvocation();
    return getHost(this.#url);
  }

  set host(value) {
    if (!isURL(this)) throw illegalInvocation();
    setHost(this.#url, toUSVString(value, "Failed to set the 'host' property on 'URL'", "Value"));
    this.#href = null;
  }

  get hostname() {
    if (!isURL(this)) throw illegalInvocation();
    return this.#url.host ?? "";
  }

  set hostname(value) {
    if (!isURL(this)) throw illegalInvocation();
    setHostname(this.#url, toUSVString(value, "Failed to set the 'hostname' property on 'URL'", "Value"));
    this.#href = null;
  }

  get port() {
    if (!isURL(this)) throw illegalInvocation();
    return this.#url.port === null ? "" : `${this.#url.port}`;
  }

  set port(value) {
    if (!isURL(this)) throw illegalInvocation();
    setPort(this.#url, toUSVString(value, "Failed to set the 'port' property on 'URL'", "Value"));
    this.#href = null;
  }

  get pathname() {
    if (!isURL(this)) throw illegalInvocation();
    return this.#url.path;
  }

  set pathname(value) {
    if (!isURL(this)) throw illegalInvocation();
    setPathname(this.#url, toUSVString(value, "Failed to set the 'pathname' property on 'URL'", "Value"));
    this.#href = null;
  }

  get search() {
    if (!isURL(this)) throw illegalInvocation();
    return getSearch(this.#url);
  }

  set search(value) {
    if (!isURL(this)) throw illegalInvocation();
    const input = setSearch(this.#url, toUSVString(value, "Failed to set the 'search' property on 'URL'", "Value"));
    this.#href = null;
    if (this.#searchParams !== null) {
      setParamsList(this.#searchParams, input === null ? internalList() : urlencodedParse(input));
    }
  }

  get searchParams() {
    if (!isURL(this)) throw illegalInvocation();
    if (this.#searchParams === null) {
      const query = this.#url.query;
      this.#searchParams = createParamsForURL(this, query === null ? internalList() : urlencodedParse(query));
    }
    return this.#searchParams;
  }

  get hash() {
    if (!isURL(this)) throw illegalInvocation();
    return getHash(this.#url);
  }

  set hash(value) {
    if (!isURL(this)) throw illegalInvocation();
    setHash(this.#url, toUSVString(value, "Failed to set the 'hash' property on 'URL'", "Value"));
    this.#href = null;
  }

  toString() {
    if (!isURL(this)) throw illegalInvocation();
    if (this.#href === null) this.#href = serializeURL(this.#url);
    return this.#href;
  }

  toJSON() {
    if (!isURL(this)) throw illegalInvocation();
    if (this.#href === null) this.#href = serializeURL(this.#url);
    return this.#href;
  }
}

// --- URLSearchParams (https://url.spec.whatwg.org/#interface-urlsearchparams) ------------------

const PARAMS_PREFIX = "Failed to construct 'URLSearchParams'";

function convertPair(pair) {
  if (!isObject(pair)) {
    throw new TypeError(`${PARAMS_PREFIX}: The provided value cannot be converted to a sequence.`);
  }
  const method = getIteratorMethod(pair, PARAMS_PREFIX, "Argument 1");
  if (method === undefined) {
    throw new TypeError(`${PARAMS_PREFIX}: The provided value cannot be converted to a sequence.`);
  }
  const items = iterableToList(pair, method, (v) => toUSVString(v, PARAMS_PREFIX, "Argument 1"), PARAMS_PREFIX, "Argument 1");
  if (items.length !== 2) {
    throw new TypeError(`${PARAMS_PREFIX}: Each query pair must be an iterable [name, value] tuple (got ${items.length} items).`);
  }
  return items;
}

function compareNames(a, b) {
  const x = a[0];
  const y = b[0];
  return x < y ? -1 : x > y ? 1 : 0;
}

class URLSearchParams {
  #list; // an internal list (null prototype, see 05_url.js) of [name, value] arrays
  #url = null; // the URL object whose query object this is, or null

  // https://url.spec.whatwg.org/#dom-urlsearchparams-urlsearchparams
  constructor(init = "") {
    if (init === kInternal) {
      this.#list = internalList();
      return;
    }
    if (isObject(init)) {
      const method = getIteratorMethod(init, PARAMS_PREFIX, "Argument 1");
      let list;
      if (method !== undefined) {
        list = iterableToList(init, method, convertPair, PARAMS_PREFIX, "Argument 1");
      } else {
        list = recordToList(
          init,
          (key) => toUSVString(key, PARAMS_PREFIX, "Argument 1"),
          (value) => toUSVString(value, PARAMS_PREFIX, "Argument 1"),
        );
      }
      this.#list = ObjectSetPrototypeOf(list, null); // a fresh array of ours: make it internal
      return;
    }
    let string = toUSVString(init, PARAMS_PREFIX, "Argument 1");
    if (string !== "" && StringPrototypeCharCodeAt(string, 0) === 0x3f) string = StringPrototypeSlice(string, 1);
    this.#list = urlencodedParse(string);
  }

  static {
    isURLSearchParams = (value) => isObject(value) && #list in value;
    paramsList = (params) => params.#list;
    setParamsList = (params, list) => {
      params.#list = list;
    };
    createParamsForURL = (url, list) => {
      const params = new URLSearchParams(kInternal);
      params.#list = list;
      params.#url = url;
      return params;
    };
  }

  // https://url.spec.whatwg.org/#concept-urlsearchparams-update
  #update() {
    if (this.#url === null) return;
    const serialized = urlencodedSerialize(this.#list);
    setURLQuery(this.#url, serialized === "" ? null : serialized);
  }

  get size() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    return this.#list.length;
  }

  append(name, value) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'append' on 'URLSearchParams'";
    requiredArguments(arguments.length, 2, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    value = toUSVString(value, prefix, "Argument 2");
    const list = this.#list;
    list[list.length] = [name, value];
    this.#update();
  }

  delete(name, value = undefined) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'delete' on 'URLSearchParams'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    if (value !== undefined) value = toUSVString(value, prefix, "Argument 2");
    const list = this.#list;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const pair = list[i];
      if (pair[0] === name && (value === undefined || pair[1] === value)) continue;
      list[kept++] = pair;
    }
    list.length = kept;
    this.#update();
  }

  get(name) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'get' on 'URLSearchParams'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === name) return list[i][1];
    }
    return null;
  }

  getAll(name) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'getAll' on 'URLSearchParams'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    const list = this.#list;
    const values = internalList();
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === name) values[values.length] = list[i][1];
    }
    return ObjectSetPrototypeOf(values, ArrayPrototype);
  }

  has(name, value = undefined) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'has' on 'URLSearchParams'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    if (value !== undefined) value = toUSVString(value, prefix, "Argument 2");
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === name && (value === undefined || list[i][1] === value)) return true;
    }
    return false;
  }

  set(name, value) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'set' on 'URLSearchParams'";
    requiredArguments(arguments.length, 2, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    value = toUSVString(value, prefix, "Argument 2");
    const list = this.#list;
    let found = false;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const pair = list[i];
      if (pair[0] === name) {
        if (found) continue;
        found = true;
        pair[1] = value;
      }
      list[kept++] = pair;
    }
    list.length = kept;
    if (!found) list[list.length] = [name, value];
    this.#update();
  }

  // Stable sort by name, comparing code units.
  sort() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    ArrayPrototypeSort(this.#list, compareNames);
    this.#update();
  }

  toString() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    return urlencodedSerialize(this.#list);
  }

  // https://webidl.spec.whatwg.org/#es-forEach: the list is read again after every callback.
  forEach(callback, thisArg = undefined) {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'forEach' on 'URLSearchParams'";
    requiredArguments(arguments.length, 1, prefix);
    if (typeof callback !== "function") {
      throw new TypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
    }
    for (let i = 0; i < this.#list.length; i++) {
      const pair = this.#list[i];
      ReflectApply(callback, thisArg, [pair[1], pair[0], this]);
    }
  }

  entries() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    return createParamsIterator(this, "key+value");
  }

  keys() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    return createParamsIterator(this, "key");
  }

  values() {
    if (!isURLSearchParams(this)) throw illegalInvocation();
    return createParamsIterator(this, "value");
  }
}

// The default iterator object (https://webidl.spec.whatwg.org/#es-default-iterator-object): it
// looks at the current list at every next(), so changes made while iterating are seen.
let createParamsIterator;

class URLSearchParamsIterator {
  #params;
  #kind;
  #index = 0;

  constructor(params, kind) {
    this.#params = params;
    this.#kind = kind;
  }

  static {
    createParamsIterator = (params, kind) => new URLSearchParamsIterator(params, kind);
  }

  next() {
    if (!isObject(this) || !(#index in this)) throw illegalInvocation();
    const list = paramsList(this.#params);
    if (this.#index >= list.length) return { value: undefined, done: true };
    const pair = list[this.#index++];
    if (this.#kind === "key") return { value: pair[0], done: false };
    if (this.#kind === "value") return { value: pair[1], done: false };
    return { value: [pair[0], pair[1]], done: false };
  }
}

const IteratorPrototypeOfParams = URLSearchParamsIterator.prototype;
ObjectSetPrototypeOf(IteratorPrototypeOfParams, IteratorPrototype);
delete IteratorPrototypeOfParams.constructor;
ObjectDefineProperty(IteratorPrototypeOfParams, "next", { __proto__: null, enumerable: true });
ObjectDefineProperty(IteratorPrototypeOfParams, SymbolToStringTag, {
  __proto__: null,
  value: "URLSearchParams Iterator",
  writable: false,
  enumerable: false,
  configurable: true,
});

configureInterface(URL, "URL");
configureInterface(URLSearchParams, "URLSearchParams");
// URLSearchParams.prototype[@@iterator] is the same function object as entries.
ObjectDefineProperty(URLSearchParams.prototype, SymbolIterator, {
  __proto__: null,
  value: URLSearchParams.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
installGlobal("URL", URL);
installGlobal("URLSearchParams", URLSearchParams);

// Printed like Node.js: URL { href: '…', origin: '…', … } and URLSearchParams { 'a' => '1' }.
internals.registerInspector(isURL, (url) => {
  const record = urlRecordOf(url);
  const keys = [
    "href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname",
    "search", "searchParams", "hash",
  ];
  const params = createParamsForURL(null, record.query === null ? internalList() : urlencodedParse(record.query));
  const values = [
    serializeURL(record), serializeOrigin(record), `${record.scheme}:`, record.username,
    record.password, getHost(record), record.host ?? "", record.port === null ? "" : `${record.port}`,
    record.path, getSearch(record), params, getHash(record),
  ];
  return internals.makeDisplayObject(URL.prototype, keys, values);
});
internals.registerInspector(isURLSearchParams, (params) => {
  return internals.makeDisplayEntries(URLSearchParams.prototype, paramsList(params));
});

internals.URL = URL;
internals.URLSearchParams = URLSearchParams;
internals.isURLSearchParams = isURLSearchParams;
internals.urlSearchParamsList = paramsList;
internals.urlRecordOf = urlRecordOf;
internals.isURL = isURL;
ObjectFreeze(kInternal);
