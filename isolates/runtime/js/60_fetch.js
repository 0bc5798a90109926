// fetch() (https://fetch.spec.whatwg.org/#fetch-method): the outbound HTTP client of a function.
//
// The JavaScript here is the Fetch Standard's "main fetch" as far as it means something on a
// server: the Request is built as `new Request(input, init)` does, data: URLs are answered here
// (26_data_url.js), http: and https: go to the host's HTTP client (ops.fetchStart: one exchange on
// the shard's event loop; DNS, the egress policy, TLS, pooling and content decoding live in
// host/net and isolates/instance_fetch.cc), and redirects are followed here
// (https://fetch.spec.whatwg.org/#http-redirect-fetch) so that each hop is checked like the first.
//
// Deviations, because a function runs on a server, as in Deno and Cloudflare Workers:
//   - no CORS, no credentials mode, no cache, no referrer, no mixed-content checks: the response
//     type is "basic" and nothing is filtered; `mode`, `credentials`, `cache`, `referrer*`,
//     `integrity` and `keepalive` are accepted and have no effect;
//   - redirect: "manual" returns the redirect response itself (status and Location readable),
//     not an opaque-redirect filtered response;
//   - the host adds `accept: */*`, `accept-encoding: gzip, deflate` and `user-agent` when absent,
//     and decodes gzip and deflate bodies; the response keeps its Content-Encoding header, as in
//     browsers. A decoded body passed on untouched (`return fetch(request)`) is sent encoded,
//     with its own headers, without being decoded and encoded again;
//   - each network request (each redirect hop too) counts against the request's subrequest
//     limit; fetch() outside a request (module top level) rejects;
//   - blob: and file: URLs are not supported (TypeError).
//
// Native contract (isolates/runtime/ops_fetch.cc, isolates/instance_fetch.cc):
//   ops.fetchStart(method, url, headersFlat, body) -> [id, Promise<[status, statusText,
//       headersFlat, bodyHandle]>]; body is null, a Uint8Array, or a ReadableStream the host
//       reads (an untouched host stream is handed over whole); bodyHandle names the response
//       body for internals.createHostReadableStream. Throws a TypeError when the request cannot
//       start (the subrequest limit); the promise rejects with a TypeError whose message says
//       what failed (DNS, connection, TLS, egress policy, timeout).
//   ops.fetchAbort(id): aborts the exchange at whatever stage it is (the promise then never
//       settles: the JS side has already rejected for the abort).

const {
  ArrayIsArray,
  ArrayPrototypeIncludes,
  Promise,
  PromiseReject,
  SafeArrayPush,
  StringPrototypeToLowerCase,
  TypeError,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeSet,
  Uint8Array,
} = primordials;
const { installGlobal, isUint8Array, requiredArguments } = internals.webidl;
const {
  Request,
  abortSignalAborted,
  abortSignalReason,
  addAbortAlgorithm,
  bodySourceChunks,
  createFetchResponse,
  createHostReadableStream,
  errorHostReadableStream,
  parseDataURL,
  parseURL,
  requestParts,
  serializeMimeType,
  serializeURL,
  utf8Encode,
} = internals;
const { serializeOrigin } = internals.urlSpec;

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];
// https://fetch.spec.whatwg.org/#request-body-header-name
const REQUEST_BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];

function networkError(message) {
  return new TypeError(`fetch failed: ${message}`);
}

// https://fetch.spec.whatwg.org/#dom-global-fetch
function fetch(input, init = undefined) {
  try {
    requiredArguments(arguments.length, 1, "Failed to execute 'fetch'");
    // Steps 2-3: the request, exactly as the Request constructor makes it.
    const request = new Request(input, init);
    return fetchRequest(requestParts(request));
  } catch (error) {
    return PromiseReject(error);
  }
}

// The body as the host takes it: null, one Uint8Array (a source body: kept for redirects), or
// the ReadableStream itself (read once; a redirect that would resend it is a network error).
function hostBody(innerBody) {
  if (innerBody === null) return null;
  if (innerBody.isStream) return innerBody.stream();
  const chunks = bodySourceChunks(innerBody.take());
  if (typeof chunks === "string") return utf8Encode(chunks);
  return ArrayIsArray(chunks) ? concat(chunks) : chunks;
}

function concat(list) {
  let total = 0;
  for (let i = 0; i < list.length; i++) total += TypedArrayPrototypeGetByteLength(list[i]);
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < list.length; i++) {
    TypedArrayPrototypeSet(out, list[i], offset);
    offset += TypedArrayPrototypeGetByteLength(list[i]);
  }
  return out;
}

function headersToFlat(list) {
  const flat = [];
  for (let i = 0; i < list.length; i++) {
    SafeArrayPush(flat, list[i][0]);
    SafeArrayPush(flat, list[i][1]);
  }
  return flat;
}

function flatToList(flat) {
  const list = [];
  for (let i = 0; i + 1 < flat.length; i += 2) SafeArrayPush(list, [flat[i], flat[i + 1]]);
  return list;
}

function findHeader(list, name) {
  for (let i = 0; i < list.length; i++) {
    if (StringPrototypeToLowerCase(list[i][0]) === name) return list[i][1];
  }
  return null;
}

function withoutHeaders(list, names) {
  const out = [];
  for (let i = 0; i < list.length; i++) {
    if (!ArrayPrototypeIncludes(names, StringPrototypeToLowerCase(list[i][0]))) {
      SafeArrayPush(out, list[i]);
    }
  }
  return out;
}

// https://fetch.spec.whatwg.org/#main-fetch, for one Request's parts.
async function fetchRequest(parts) {
  const signal = parts.signal;
  // Step 5 of fetch(): an already aborted signal rejects at once.
  if (abortSignalAborted(signal)) throw abortSignalReason(signal);

  let url = parts.url;
  let record = parseURL(url);
  if (record === null) throw networkError(`invalid URL: ${url}`);
  if (record.scheme === "data") return dataResponse(url);
  if (record.scheme !== "http" && record.scheme !== "https") {
    throw networkError(`the URL scheme "${record.scheme}" is not supported`);
  }

  let method = parts.method;
  let headers = parts.headerList;
  let body = hostBody(parts.body);
  const urlList = [url];
  let redirects = 0;

  // The exchange in flight, for the abort algorithm; and the reject of the pending wait.
  let current = 0;
  let rejectWait = null;
  let responseBody = null;
  addAbortAlgorithm(signal, () => {
    const reason = abortSignalReason(signal);
    if (current !== 0) ops.fetchAbort(current);
    if (rejectWait !== null) rejectWait(reason);
    if (responseBody !== null) errorHostReadableStream(responseBody, reason);
  });

  for (;;) {
    const started = ops.fetchStart(method, url, headersToFlat(headers), body);
    current = started[0];
    const result = await new Promise((resolve, reject) => {
      rejectWait = reject;
      forward(started[1], resolve, reject);
    });
    rejectWait = null;
    current = 0;
    const status = result[0];
    const responseHeaders = flatToList(result[2]);
    const handle = result[3];
    const location = findHeader(responseHeaders, "location");

    if (ArrayPrototypeIncludes(REDIRECT_STATUSES, status) && location !== null &&
        parts.redirect !== "manual") {
      // https://fetch.spec.whatwg.org/#http-redirect-fetch
      ops.bodyCancel(handle);
      if (parts.redirect === "error") {
        throw networkError(`${url} redirected (${status}) and the request's redirect mode is "error"`);
      }
      const next = parseURL(location, record);
      if (next === null) throw networkError(`the redirect location "${location}" is not a valid URL`);
      if (next.scheme !== "http" && next.scheme !== "https") {
        throw networkError(`redirect to a ${next.scheme}: URL is not allowed`);
      }
      if (++redirects > MAX_REDIRECTS) throw networkError(`too many redirects (more than ${MAX_REDIRECTS})`);
      if (body !== null && !isUint8Array(body) && status !== 303) {
        throw networkError("cannot follow a redirect with a streamed request body");
      }
      if (((status === 301 || status === 302) && method === "POST") ||
          (status === 303 && method !== "GET" && method !== "HEAD")) {
        method = "GET";
        body = null;
        headers = withoutHeaders(headers, REQUEST_BODY_HEADERS);
      }
      if (serializeOrigin(next) !== serializeOrigin(record)) {
        headers = withoutHeaders(headers, ["authorization"]);
      }
      record = next;
      url = serializeURL(next);
      SafeArrayPush(urlList, url);
      continue;
    }

    let stream = null;
    if (method === "HEAD" || ArrayPrototypeIncludes(NULL_BODY_STATUSES, status)) {
      ops.bodyCancel(handle);
    } else {
      responseBody = createHostReadableStream(handle);
      stream = responseBody;
    }
    return createFetchResponse(status, result[1], responseHeaders, stream, urlList);
  }
}

// Settles resolve/reject the way `promise` (a native promise from an op) settles, without its
// patchable `then`.
async function forward(promise, resolve, reject) {
  try {
    resolve(await promise);
  } catch (error) {
    reject(error);
  }
}

// https://fetch.spec.whatwg.org/#scheme-fetch, "data"
function dataResponse(url) {
  const parsed = parseDataURL(url);
  if (parsed === null) throw networkError("invalid data: URL");
  return createFetchResponse(200, "OK", [["content-type", serializeMimeType(parsed.mimeType)]],
    internals.streams.readableStreamFromBytes(parsed.body), [url]);
}

installGlobal("fetch", fetch);
