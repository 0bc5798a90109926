// The Request class (https://fetch.spec.whatwg.org/#request-class).
//
// Supported: new Request(input, init) with input a URL string (resolved against the base URL the
// host set for the current request, see 05_url.js) or a Request, and the init members
// body, headers, method and redirect; the attributes method, url, headers, redirect, body and
// bodyUsed; the body methods (22_body.js).
// Not yet (later changes): clone(), signal, and the other RequestInit members (cache,
// credentials, integrity, keepalive, mode, priority, referrer, referrerPolicy, window), which are
// ignored.
//
// Exports on `internals`: isRequest, createIncomingRequest(method, url, headerList, body).

const {
  ArrayCopy,
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
  toEnum,
  toUSVString,
} = internals.webidl;
const {
  InnerBody,
  appendHeader,
  convertBodyInit,
  convertHeadersInit,
  createHeaders,
  extractBody,
  fillHeaders,
  headerList,
  headersContain,
  installBodyMixin,
  isToken,
  parseUrlAgainstBase,
  serializeURL,
} = internals;

const REDIRECT_MODES = ["follow", "error", "manual"];
const NORMALIZED_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const FORBIDDEN_METHODS = ["CONNECT", "TRACE", "TRACK"];

// https://fetch.spec.whatwg.org/#dom-request (steps for init["method"]): a method is a token.
function normalizeMethod(method, prefix) {
  if (!isToken(method)) throw new TypeError(`${prefix}: '${method}' is not a valid HTTP method.`);
  const upper = StringPrototypeToUpperCase(method);
  for (let i = 0; i < FORBIDDEN_METHODS.length; i++) {
    if (upper === FORBIDDEN_METHODS[i]) throw new TypeError(`${prefix}: '${method}' HTTP method is unsupported.`);
  }
  for (let i = 0; i < NORMALIZED_METHODS.length; i++) {
    if (upper === NORMALIZED_METHODS[i]) return upper;
  }
  return method;
}

// https://fetch.spec.whatwg.org/#requestinit: the supported members, read in lexicographic order.
function convertRequestInit(init, prefix) {
  const dictionary = toDictionary(init, prefix, "Argument 2");
  const result = { __proto__: null, body: undefined, headers: undefined, method: undefined, redirect: undefined };
  if (dictionary === null) return result;
  const body = dictionary.body;
  if (body !== undefined) result.body = body === null ? null : convertBodyInit(body, prefix);
  const headers = dictionary.headers;
  if (headers !== undefined) result.headers = convertHeadersInit(headers, prefix);
  const method = dictionary.method;
  if (method !== undefined) result.method = toByteString(method, prefix, "method");
  const redirect = dictionary.redirect;
  if (redirect !== undefined) result.redirect = toEnum(redirect, REDIRECT_MODES, "RequestRedirect", prefix);
  return result;
}

// Passed as `input` by internal callers to skip the constructor steps; unreachable by user code.
const kInternal = { __proto__: null };

let isRequest;
let getRequestBody;
let createIncomingRequest;
let describeRequest;

class Request {
  #method = "GET";
  #url = "";
  #headers;
  #redirect = "follow";
  #body = null; // InnerBody | null

  constructor(input, init = undefined) {
    if (input === kInternal) return;
    const prefix = "Failed to construct 'Request'";
    requiredArguments(arguments.length, 1, prefix);
    // Web IDL conversions of the arguments.
    const inputRequest = isRequest(input) ? input : null;
    const inputUrl = inputRequest === null ? toUSVString(input, prefix, "Argument 1") : null;
    const options = convertRequestInit(init, prefix);

    // Steps of https://fetch.spec.whatwg.org/#dom-request, for what this runtime supports.
    let list;
    if (inputRequest === null) {
      const parsed = parseUrlAgainstBase(inputUrl);
      if (parsed.username !== "" || parsed.password !== "") {
        throw new TypeError(`${prefix}: Request cannot be constructed from a URL that includes credentials: ${inputUrl}`);
      }
      this.#url = serializeURL(parsed);
      list = [];
    } else {
      this.#url = inputRequest.#url;
      this.#method = inputRequest.#method;
      this.#redirect = inputRequest.#redirect;
      list = ArrayCopy(headerList(inputRequest.#headers));
    }
    const inputBody = inputRequest === null ? null : inputRequest.#body;

    if (options.method !== undefined) this.#method = normalizeMethod(options.method, prefix);
    if (options.redirect !== undefined) this.#redirect = options.redirect;

    this.#headers = createHeaders(list, "request");
    if (options.headers !== undefined) {
      this.#headers = createHeaders([], "request");
      fillHeaders(this.#headers, options.headers);
    }

    const hasInitBody = options.body !== undefined && options.body !== null;
    if ((hasInitBody || inputBody !== null) && (this.#method === "GET" || this.#method === "HEAD")) {
      throw new TypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    if (hasInitBody) {
      const extracted = extractBody(options.body);
      this.#body = extracted.body;
      if (extracted.type !== null && !headersContain(this.#headers, "content-type")) {
        appendHeader(this.#headers, "content-type", extracted.type);
      }
    } else if (inputBody !== null) {
      if (inputBody.used) {
        throw new TypeError(`${prefix}: Cannot construct a Request with a Request object that has already been used.`);
      }
      // The new request takes over the input's body; the input becomes used (disturbed).
      this.#body = new InnerBody(inputBody.take());
    }
  }

  static {
    isRequest = (value) => isObject(value) && #body in value;
    getRequestBody = (value) => {
      if (!isRequest(value)) throw illegalInvocation();
      return value.#body;
    };
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
        request.#body !== null && request.#body.used],
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

  get redirect() {
    if (!isRequest(this)) throw illegalInvocation();
    return this.#redirect;
  }
}

installBodyMixin(Request.prototype, getRequestBody);
configureInterface(Request, "Request");
installGlobal("Request", Request);

internals.registerInspector(isRequest, describeRequest);

internals.isRequest = isRequest;
internals.createIncomingRequest = createIncomingRequest;
