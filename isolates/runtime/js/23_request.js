// The Request class (https://fetch.spec.whatwg.org/#request-class).
//
// new Request(input, init) follows https://fetch.spec.whatwg.org/#dom-request step by step: input
// is a Request or a URL (resolved against the base URL the host set for the current request, see
// 05_url.js); every RequestInit member is converted in lexicographic order and checked
// (forbidden methods, GET/HEAD with a body, mode "navigate", "only-if-cached" outside
// "same-origin", non-CORS-safelisted methods in "no-cors" mode, a non-null window); the request's
// signal follows init.signal or the input's signal (a dependent AbortSignal). clone() shares the
// body's bytes (22_body.js) and gives the clone a signal that follows this one.
//
// Deviations, because a function runs on a server with no document or origin of its own:
//   - a referrer URL is kept as given (no same-origin check against a client's origin; the spec
//     would replace a cross-origin referrer with "about:client");
//   - guards other than "immutable" do not filter headers (20_headers.js), so "no-cors" only
//     restricts the method;
//   - isReloadNavigation and isHistoryNavigation are always false, destination is always "".
// A ReadableStream body needs `duplex: "half"` (a TypeError otherwise, as in browsers and Deno).
// The incoming request (createIncomingRequest) has immutable headers, mode "cors", credentials
// "same-origin", cache "default", redirect "follow", referrer "about:client" and a signal that
// does not abort yet.
//
// Exports on `internals`: isRequest, createIncomingRequest(method, url, headerList, body),
// requestSignal(request).

const {
  ArrayCopy,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  StringPrototypeToUpperCase,
  TypeError,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  requiredArguments,
  toByteString,
  toDictionary,
  toDOMString,
  toEnum,
  toUSVString,
} = internals.webidl;
const {
  appendHeader,
  convertBodyInit,
  convertHeadersInit,
  createDependentAbortSignal,
  createHeaders,
  extractBody,
  fillHeaders,
  headerList,
  headersContain,
  headersGuard,
  installBodyMixin,
  isAbortSignal,
  isToken,
  parseUrlAgainstBase,
  serializeURL,
} = internals;

const REDIRECT_MODES = ["follow", "error", "manual"];
const REQUEST_MODES = ["navigate", "same-origin", "no-cors", "cors"];
const REQUEST_CREDENTIALS = ["omit", "same-origin", "include"];
const REQUEST_CACHE = ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"];
const REQUEST_DUPLEX = ["half"];
const REQUEST_PRIORITY = ["high", "low", "auto"];
const REFERRER_POLICIES = [
  "", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
  "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
];
const NORMALIZED_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const FORBIDDEN_METHODS = ["CONNECT", "TRACE", "TRACK"];
const CORS_SAFELISTED_METHODS = ["GET", "HEAD", "POST"];

function includes(list, value) {
  for (let i = 0; i < list.length; i++) {
    if (list[i] === value) return true;
  }
  return false;
}

// https://fetch.spec.whatwg.org/#dom-request (steps for init["method"]): a method is a token,
// not a forbidden method, and is normalized.
function normalizeMethod(method, prefix) {
  if (!isToken(method)) throw new TypeError(`${prefix}: '${method}' is not a valid HTTP method.`);
  const upper = StringPrototypeToUpperCase(method);
  if (includes(FORBIDDEN_METHODS, upper)) throw new TypeError(`${prefix}: '${method}' HTTP method is unsupported.`);
  return includes(NORMALIZED_METHODS, upper) ? upper : method;
}

// https://fetch.spec.whatwg.org/#requestinit, members read in lexicographic order. `nonEmpty`
// says whether any member was present ("if init is not empty").
function convertRequestInit(init, prefix) {
  const dictionary = toDictionary(init, prefix, "Argument 2");
  const result = {
    __proto__: null,
    nonEmpty: false,
    body: undefined,
    cache: undefined,
    credentials: undefined,
    duplex: undefined,
    headers: undefined,
    integrity: undefined,
    keepalive: undefined,
    method: undefined,
    mode: undefined,
    priority: undefined,
    redirect: undefined,
    referrer: undefined,
    referrerPolicy: undefined,
    signal: undefined,
    window: undefined,
  };
  if (dictionary === null) return result;
  const body = dictionary.body;
  if (body !== undefined) result.body = body === null ? null : convertBodyInit(body, prefix);
  const cache = dictionary.cache;
  if (cache !== undefined) result.cache = toEnum(cache, REQUEST_CACHE, "RequestCache", prefix);
  const credentials = dictionary.credentials;
  if (credentials !== undefined) result.credentials = toEnum(credentials, REQUEST_CREDENTIALS, "RequestCredentials", prefix);
  const duplex = dictionary.duplex;
  if (duplex !== undefined) result.duplex = toEnum(duplex, REQUEST_DUPLEX, "RequestDuplex", prefix);
  const headers = dictionary.headers;
  if (headers !== undefined) result.headers = convertHeadersInit(headers, prefix);
  const integrity = dictionary.integrity;
  if (integrity !== undefined) result.integrity = toDOMString(integrity, prefix, "integrity");
  const keepalive = dictionary.keepalive;
  if (keepalive !== undefined) result.keepalive = !!keepalive;
  const method = dictionary.method;
  if (method !== undefined) result.method = toByteString(method, prefix, "method");
  const mode = dictionary.mode;
  if (mode !== undefined) result.mode = toEnum(mode, REQUEST_MODES, "RequestMode", prefix);
  const priority = dictionary.priority;
  if (priority !== undefined) result.priority = toEnum(priority, REQUEST_PRIORITY, "RequestPriority", prefix);
  const redirect = dictionary.redirect;
  if (redirect !== undefined) result.redirect = toEnum(redirect, REDIRECT_MODES, "RequestRedirect", prefix);
  const referrer = dictionary.referrer;
  if (referrer !== undefined) result.referrer = toUSVString(referrer, prefix, "referrer");
  const referrerPolicy = dictionary.referrerPolicy;
  if (referrerPolicy !== undefined) result.referrerPolicy = toEnum(referrerPolicy, REFERRER_POLICIES, "ReferrerPolicy", prefix);
  const signal = dictionary.signal;
  if (signal !== undefined) {
    if (signal !== null && !isAbortSignal(signal)) {
      throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'RequestInit': Failed to convert value to 'AbortSignal'.`);
    }
    result.signal = signal;
  }
  const window = dictionary.window;
  if (window !== undefined) result.window = window;
  const names = [
    "body", "cache", "credentials", "duplex", "headers", "integrity", "keepalive", "method", "mode",
    "priority", "redirect", "referrer", "referrerPolicy", "signal", "window",
  ];
  for (let i = 0; i < names.length; i++) {
    if (result[names[i]] !== undefined) result.nonEmpty = true;
  }
  return result;
}

// Whether `value` parses as the URL about:client (which the http(s)-only resolver cannot parse);
// leading/trailing C0 controls and spaces are ignored, as the URL parser does.
function isAboutClient(value) {
  let start = 0;
  let end = value.length;
  while (start < end && StringPrototypeCharCodeAt(value, start) <= 0x20) start++;
  while (end > start && StringPrototypeCharCodeAt(value, end - 1) <= 0x20) end--;
  return StringPrototypeToLowerCase(StringPrototypeSlice(value, start, end)) === "about:client";
}

// https://fetch.spec.whatwg.org/#dom-request step 14: "client", "no-referrer" or a URL string.
function parseReferrer(referrer, prefix) {
  if (referrer === "") return "no-referrer";
  if (isAboutClient(referrer)) return "client";
  let parsed;
  try {
    parsed = parseUrlAgainstBase(referrer);
  } catch {
    throw new TypeError(`${prefix}: Referrer '${referrer}' is not a valid URL.`);
  }
  return serializeURL(parsed);
}

// Passed as `input` by internal callers to skip the constructor steps; unreachable by user code.
const kInternal = { __proto__: null };

let isRequest;
let getRequestBody;
let getRequestHeaders;
let getRequestSignal;
let requestParts;
let createIncomingRequest;
let describeRequest;

class Request {
  #method = "GET";
  #url = "";
  #headers;
  #body = null; // InnerBody | null
  #redirect = "follow";
  #mode = "cors";
  #credentials = "same-origin";
  #cache = "default";
  #integrity = "";
  #keepalive = false;
  #referrer = "client"; // "client" | "no-referrer" | a URL string
  #referrerPolicy = "";
  #priority = "auto";
  #signal = null; // AbortSignal; null only for an incoming request until it is asked for

  constructor(input, init = undefined) {
    if (input === kInternal) return;
    const prefix = "Failed to construct 'Request'";
    requiredArguments(arguments.length, 1, prefix);
    // Web IDL conversions of the arguments.
    const inputRequest = isRequest(input) ? input : null;
    const inputUrl = inputRequest === null ? toUSVString(input, prefix, "Argument 1") : null;
    const options = convertRequestInit(init, prefix);

    // Steps 5-6: the request to start from.
    let signal = null;
    let fallbackMode = null;
    let list;
    if (inputRequest === null) {
      const parsed = parseUrlAgainstBase(inputUrl);
      if (parsed.username !== "" || parsed.password !== "") {
        throw new TypeError(`${prefix}: Request cannot be constructed from a URL that includes credentials: ${inputUrl}`);
      }
      this.#url = serializeURL(parsed);
      fallbackMode = "cors";
      list = [];
    } else {
      this.#url = inputRequest.#url;
      this.#method = inputRequest.#method;
      this.#redirect = inputRequest.#redirect;
      this.#mode = inputRequest.#mode;
      this.#credentials = inputRequest.#credentials;
      this.#cache = inputRequest.#cache;
      this.#integrity = inputRequest.#integrity;
      this.#keepalive = inputRequest.#keepalive;
      this.#referrer = inputRequest.#referrer;
      this.#referrerPolicy = inputRequest.#referrerPolicy;
      this.#priority = inputRequest.#priority;
      signal = Request.#signalOf(inputRequest);
      list = ArrayCopy(headerList(inputRequest.#headers));
    }

    // Step 10: window.
    if (options.window !== undefined && options.window !== null) {
      throw new TypeError(`${prefix}: 'window' can only be null.`);
    }
    // Step 13: a non-empty init resets what described the input's own navigation.
    if (options.nonEmpty) {
      if (this.#mode === "navigate") this.#mode = "same-origin";
      this.#referrer = "client";
      this.#referrerPolicy = "";
    }
    // Steps 14-24.
    if (options.referrer !== undefined) this.#referrer = parseReferrer(options.referrer, prefix);
    if (options.referrerPolicy !== undefined) this.#referrerPolicy = options.referrerPolicy;
    const mode = options.mode !== undefined ? options.mode : fallbackMode;
    if (mode === "navigate") {
      throw new TypeError(`${prefix}: Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.`);
    }
    if (mode !== null) this.#mode = mode;
    if (options.credentials !== undefined) this.#credentials = options.credentials;
    if (options.cache !== undefined) this.#cache = options.cache;
    if (this.#cache === "only-if-cached" && this.#mode !== "same-origin") {
      throw new TypeError(`${prefix}: 'only-if-cached' can be set only with 'same-origin' mode.`);
    }
    if (options.redirect !== undefined) this.#redirect = options.redirect;
    if (options.integrity !== undefined) this.#integrity = options.integrity;
    if (options.keepalive !== undefined) this.#keepalive = options.keepalive;
    // Step 25: method.
    if (options.method !== undefined) this.#method = normalizeMethod(options.method, prefix);
    // Steps 26-30: signal.
    if (options.signal !== undefined) signal = options.signal;
    if (options.priority !== undefined) this.#priority = options.priority;
    this.#signal = createDependentAbortSignal(signal === null ? [] : [signal]);

    // Steps 31-32: headers.
    this.#headers = createHeaders(list, "request");
    if (this.#mode === "no-cors" && !includes(CORS_SAFELISTED_METHODS, this.#method)) {
      throw new TypeError(`${prefix}: '${this.#method}' is unsupported in no-cors mode.`);
    }
    if (options.headers !== undefined) {
      this.#headers = createHeaders([], "request");
      fillHeaders(this.#headers, options.headers);
    }

    // Steps 33-41: body.
    const inputBody = inputRequest === null ? null : inputRequest.#body;
    const hasInitBody = options.body !== undefined && options.body !== null;
    if ((hasInitBody || inputBody !== null) && (this.#method === "GET" || this.#method === "HEAD")) {
      throw new TypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    if (hasInitBody) {
      const extracted = extractBody(options.body, this.#keepalive);
      if (extracted.body.isStream) {
        // Step 38: a stream body needs duplex "half" and a CORS or same-origin mode.
        if (options.duplex === undefined) {
          throw new TypeError(`${prefix}: The 'duplex' member must be specified for a request with a streaming body.`);
        }
        if (this.#mode !== "same-origin" && this.#mode !== "cors") {
          throw new TypeError(`${prefix}: A request with a streaming body must have mode 'same-origin' or 'cors'.`);
        }
      }
      this.#body = extracted.body;
      if (extracted.type !== null && !headersContain(this.#headers, "content-type")) {
        appendHeader(this.#headers, "content-type", extracted.type);
      }
    } else if (inputBody !== null) {
      if (inputBody.used) {
        throw new TypeError(`${prefix}: Cannot construct a Request with a Request object that has already been used.`);
      }
      // The new request takes over the input's body; the input becomes used (disturbed).
      this.#body = inputBody.transfer();
    }
  }

  // The incoming request's signal is made when first asked for (by the function, a clone, or
  // the host aborting it), which most requests never do.
  static #signalOf(request) {
    if (request.#signal === null) request.#signal = createDependentAbortSignal([]);
    return request.#signal;
  }

  static {
    isRequest = (value) => isObject(value) && #body in value;
    getRequestBody = (value) => {
      if (!isRequest(value)) throw illegalInvocation();
      return value.#body;
    };
    getRequestHeaders = (request) => request.#headers;
    getRequestSignal = (request) => Request.#signalOf(request);
    // For fetch() (60_fetch.js): what a network request is made of.
    requestParts = (request) => ({
      __proto__: null,
      method: request.#method,
      url: request.#url,
      headerList: headerList(request.#headers),
      body: request.#body,
      redirect: request.#redirect,
      signal: Request.#signalOf(request),
    });
    createIncomingRequest = (method, url, list, body) => {
      const request = new Request(kInternal);
      request.#method = method;
      request.#url = url;
      request.#headers = createHeaders(list, "immutable");
      request.#body = body;
      return request;
    };
    describeRequest = (request) => internals.makeDisplayObject(
      Request.prototype,
      ["method", "url", "headers", "redirect", "bodyUsed"],
      [request.#method, request.#url, request.#headers, request.#redirect,
        request.#body !== null && request.#body.disturbed],
    );
  }

  get method() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#method;
  }

  get url() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#url;
  }

  get headers() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#headers;
  }

  get destination() {
    if (!isRequest(this)) throw illegalInvocation();
    return "";
  }

  get referrer() {
    if (!isRequest(this)) throw illegalInvocation();
    if (this.#referrer === "no-referrer") return "";
    if (this.#referrer === "client") return "about:client";
    return this.#referrer;
  }

  get referrerPolicy() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#referrerPolicy;
  }

  get mode() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#mode;
  }

  get credentials() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#credentials;
  }

  get cache() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#cache;
  }

  get redirect() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#redirect;
  }

  get integrity() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#integrity;
  }

  get keepalive() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#keepalive;
  }

  get isReloadNavigation() {
    if (!isRequest(this)) throw illegalInvocation();
    return false;
  }

  get isHistoryNavigation() {
    if (!isRequest(this)) throw illegalInvocation();
    return false;
  }

  get signal() {
    if (!isRequest(this)) throw illegalInvocation();
    return Request.#signalOf(this);
  }

  get duplex() {
    if (!isRequest(this)) throw illegalInvocation();
    return "half";
  }

  // https://fetch.spec.whatwg.org/#dom-request-clone
  clone() {
    if (!isRequest(this)) throw illegalInvocation();
    if (this.#body !== null && this.#body.used) {
      throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
    }
    const clone = new Request(kInternal);
    clone.#method = this.#method;
    clone.#url = this.#url;
    clone.#headers = createHeaders(ArrayCopy(headerList(this.#headers)), headersGuard(this.#headers));
    clone.#body = this.#body === null ? null : this.#body.clone();
    clone.#redirect = this.#redirect;
    clone.#mode = this.#mode;
    clone.#credentials = this.#credentials;
    clone.#cache = this.#cache;
    clone.#integrity = this.#integrity;
    clone.#keepalive = this.#keepalive;
    clone.#referrer = this.#referrer;
    clone.#referrerPolicy = this.#referrerPolicy;
    clone.#priority = this.#priority;
    clone.#signal = createDependentAbortSignal([Request.#signalOf(this)]);
    return clone;
  }
}

installBodyMixin(Request.prototype, getRequestBody, getRequestHeaders);
configureInterface(Request, "Request");
installGlobal("Request", Request);

internals.registerInspector(isRequest, describeRequest);

internals.isRequest = isRequest;
internals.createIncomingRequest = createIncomingRequest;
internals.requestSignal = getRequestSignal;
internals.requestParts = requestParts;
internals.Request = Request;
