// The Response class (https://fetch.spec.whatwg.org/#response-class).
//
// new Response(body, init) with any BodyInit (22_body.js) and the init members headers, status
// (200-599, else RangeError) and statusText (a reason-phrase, else TypeError); a body with a null
// body status (101, 103, 204, 205, 304) is a TypeError. Response.json(), Response.redirect(),
// Response.error(); the attributes type, url, redirected, status, ok, statusText, headers, body and
// bodyUsed; the body methods (22_body.js); clone(), which shares the body's bytes (or tees its
// stream). A ReadableStream body has no known length: the host sends it as it is produced.
//
// Deviations: responses made by this runtime have an empty URL list, so `url` is "" and
// `redirected` false (fetch() will set them).
//
// Exports on `internals`: isResponse, responseParts(response) -> { type, status, statusText,
// headers, body } (body: InnerBody or null).

const {
  ArrayCopy,
  JSONStringify,
  StringPrototypeCharCodeAt,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  RangeError,
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
  toUnsignedShort,
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
  headersGuard,
  installBodyMixin,
  parseUrlAgainstBase,
  serializeURL,
  setHeadersGuard,
} = internals;

// https://fetch.spec.whatwg.org/#null-body-status
function isNullBodyStatus(status) {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

// https://fetch.spec.whatwg.org/#redirect-status
function isRedirectStatus(status) {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

// reason-phrase = *( HTAB / SP / VCHAR / obs-text ) (https://httpwg.org/specs/rfc9112.html#status.line)
function isReasonPhrase(text) {
  for (let i = 0; i < text.length; i++) {
    const c = StringPrototypeCharCodeAt(text, i);
    if (c !== 0x09 && (c < 0x20 || c === 0x7f || c > 0xff)) return false;
  }
  return true;
}

// https://fetch.spec.whatwg.org/#responseinit, members read in lexicographic order.
function convertResponseInit(init, prefix) {
  const dictionary = toDictionary(init, prefix, "init");
  const result = { __proto__: null, headers: undefined, status: 200, statusText: "" };
  if (dictionary === null) return result;
  const headers = dictionary.headers;
  if (headers !== undefined) result.headers = convertHeadersInit(headers, prefix);
  const status = dictionary.status;
  if (status !== undefined) result.status = toUnsignedShort(status);
  const statusText = dictionary.statusText;
  if (statusText !== undefined) result.statusText = toByteString(statusText, prefix, "statusText");
  return result;
}

// Passed as `body` by internal callers to skip the constructor steps; unreachable by user code.
const kInternal = { __proto__: null };

let isResponse;
let getResponseBody;
let getResponseHeaders;
let responseParts;
let describeResponse;
let createFetchResponse;

class Response {
  #type = "default";
  #status = 200;
  #statusText = "";
  #headers = createHeaders([], "response");
  #body = null; // InnerBody | null
  #urlList = null; // [url, …] for a fetch() response (https://fetch.spec.whatwg.org/#concept-response-url-list)

  constructor(body = null, init = undefined) {
    if (body === kInternal) return;
    const prefix = "Failed to construct 'Response'";
    const bodyInit = body === null ? null : convertBodyInit(body, prefix);
    const options = convertResponseInit(init, prefix);
    Response.#initialize(this, options, bodyInit === null ? null : extractBody(bodyInit), prefix);
  }

  // https://fetch.spec.whatwg.org/#initialize-a-response
  static #initialize(response, options, bodyWithType, prefix) {
    if (options.status < 200 || options.status > 599) {
      throw new RangeError(`${prefix}: The status provided (${options.status}) is outside the range [200, 599].`);
    }
    if (!isReasonPhrase(options.statusText)) {
      throw new TypeError(`${prefix}: Invalid statusText: "${options.statusText}".`);
    }
    response.#status = options.status;
    response.#statusText = options.statusText;
    if (options.headers !== undefined) fillHeaders(response.#headers, options.headers);
    if (bodyWithType !== null) {
      if (isNullBodyStatus(response.#status)) {
        throw new TypeError(`${prefix}: Response with null body status (${response.#status}) cannot have body.`);
      }
      response.#body = bodyWithType.body;
      if (bodyWithType.type !== null && !headersContain(response.#headers, "content-type")) {
        appendHeader(response.#headers, "content-type", bodyWithType.type);
      }
    }
  }

  // https://fetch.spec.whatwg.org/#dom-response-error
  static error() {
    const response = new Response(kInternal);
    response.#type = "error";
    response.#status = 0;
    setHeadersGuard(response.#headers, "immutable");
    return response;
  }

  // https://fetch.spec.whatwg.org/#dom-response-redirect
  static redirect(url, status = 302) {
    const prefix = "Failed to execute 'redirect' on 'Response'";
    requiredArguments(arguments.length, 1, prefix);
    url = toUSVString(url, prefix, "Argument 1");
    status = toUnsignedShort(status);
    const parsed = parseUrlAgainstBase(url);
    if (!isRedirectStatus(status)) {
      throw new RangeError(`${prefix}: Invalid status code ${status}. The status must be one of 301, 302, 303, 307 or 308.`);
    }
    const response = new Response(kInternal);
    response.#status = status;
    appendHeader(response.#headers, "location", serializeURL(parsed));
    setHeadersGuard(response.#headers, "immutable");
    return response;
  }

  // https://fetch.spec.whatwg.org/#dom-response-json
  static json(data, init = undefined) {
    const prefix = "Failed to execute 'json' on 'Response'";
    requiredArguments(arguments.length, 1, prefix);
    const options = convertResponseInit(init, prefix);
    const text = JSONStringify(data); // TypeError for BigInt and cycles
    if (text === undefined) {
      throw new TypeError(`${prefix}: The data is not JSON serializable.`);
    }
    const response = new Response(kInternal);
    const extracted = extractBody(text);
    Response.#initialize(response, options, { __proto__: null, body: extracted.body, type: "application/json" }, prefix);
    return response;
  }

  static {
    isResponse = (value) => isObject(value) && #body in value;
    getResponseBody = (value) => {
      if (!isResponse(value)) throw illegalInvocation();
      return value.#body;
    };
    getResponseHeaders = (response) => response.#headers;
    responseParts = (response) => ({
      __proto__: null,
      type: response.#type,
      status: response.#status,
      statusText: response.#statusText,
      headers: response.#headers,
      body: response.#body,
    });
    // A response from the network (60_fetch.js): headers immutable, type "basic", the URLs it
    // went through (more than one: it was redirected). `stream` is null or a ReadableStream.
    createFetchResponse = (status, statusText, list, stream, urlList) => {
      const response = new Response(kInternal);
      response.#type = "basic";
      response.#status = status;
      response.#statusText = statusText;
      response.#headers = createHeaders(list, "immutable");
      response.#body = stream === null ? null : new InnerBody(stream);
      response.#urlList = urlList;
      return response;
    };
    describeResponse = (response) => internals.makeDisplayObject(
      Response.prototype,
      ["status", "statusText", "headers", "type", "url", "redirected", "bodyUsed"],
      [response.#status, response.#statusText, response.#headers, response.#type, "", false,
        response.#body !== null && response.#body.disturbed],
    );
  }

  get type() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#type;
  }

  // https://fetch.spec.whatwg.org/#dom-response-url: the last URL of a fetch() response's list
  // (without its fragment); "" for responses the function made.
  get url() {
    if (!isResponse(this)) throw illegalInvocation();
    if (this.#urlList === null) return "";
    const url = this.#urlList[this.#urlList.length - 1];
    const hash = StringPrototypeIndexOf(url, "#");
    return hash === -1 ? url : StringPrototypeSlice(url, 0, hash);
  }

  get redirected() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#urlList !== null && this.#urlList.length > 1;
  }

  get status() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#status;
  }

  get ok() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#status >= 200 && this.#status <= 299;
  }

  get statusText() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#statusText;
  }

  get headers() {
    if (!isResponse(this)) throw illegalInvocation();
    return this.#headers;
  }

  // https://fetch.spec.whatwg.org/#dom-response-clone
  clone() {
    if (!isResponse(this)) throw illegalInvocation();
    if (this.#body !== null && this.#body.used) {
      throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
    }
    const clone = new Response(kInternal);
    clone.#type = this.#type;
    clone.#status = this.#status;
    clone.#statusText = this.#statusText;
    clone.#headers = createHeaders(ArrayCopy(headerList(this.#headers)), headersGuard(this.#headers));
    clone.#body = this.#body === null ? null : this.#body.clone();
    clone.#urlList = this.#urlList;
    return clone;
  }
}

installBodyMixin(Response.prototype, getResponseBody, getResponseHeaders);
configureInterface(Response, "Response");
installGlobal("Response", Response);

internals.registerInspector(isResponse, describeResponse);

internals.isResponse = isResponse;
internals.responseParts = responseParts;
internals.createFetchResponse = createFetchResponse;
