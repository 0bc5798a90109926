// The entry points the host (C++) calls around a fetch handler: building the incoming Request,
// the handler's `ctx` (ExecutionContext, as in Cloudflare Workers:
// https://developers.cloudflare.com/workers/runtime-apis/context/), and turning the handler's
// result into a record the host can send. Related spec: https://fetch.spec.whatwg.org/#responses
//
// Exports on `internals` (setBaseUrl is in 05_url.js):
//   makeRequest(method, url, headerList, body) -> Request
//       method: string as received; url: absolute URL string; headerList: [[name0, value0], …]
//       with lowercase names, repeated names in order, built by the host (the Request keeps the
//       list and its pairs as its header list: no copy per request); body: null, an ArrayBuffer (the runtime
//       takes ownership of it; an empty one counts as no body) or a ReadableStream (a streamed
//       body, e.g. a native-backed byte stream made with internals.streams.createReadableByteStream;
//       it must be unlocked and undisturbed). The request's headers are immutable. The values
//       are trusted (not re-validated).
//   warmUp(): runs the request path once on a new instance (see below).
//   abortIncomingRequest(request): aborts request.signal (the client disconnected).
//   makeContext() -> ExecutionContext with waitUntil(promise) and passThroughOnException().
//   waitUntilSettled(ctx) -> Promise<void> | null: null when ctx.waitUntil() was never called
//       (the host then ends the request with its response); otherwise a promise that fulfills
//       once every promise passed to ctx.waitUntil() so far, and any added while waiting, has
//       settled. The host keeps the request (its timers, fetches, CPU and wall limits) alive
//       until then.
//   responseRecord(value) -> [status, statusText, headerList, body]
//       headerList: the sorted and combined [[name, value], …] (read only: it may be the
//       response's own list);
//       body: null, a string (the host encodes it to UTF-8), a Uint8Array, an array of
//       Uint8Arrays to send one after the other (Blob and FormData bodies: their chunks, which
//       the host copies and must not keep), or a ReadableStream (the body is a stream: unlocked
//       and undisturbed; the host reads it with internals.streams.acquireReader/readerRead, each
//       chunk must be a Uint8Array, and cancels it with cancelStream/readerCancel if the client
//       goes away). A source body is marked as used. Throws a TypeError for anything that cannot
//       be sent, including a body that is already used, locked or disturbed.

const {
  ObjectGetPrototypeOf,
  SafeArrayPush,
  TypeError,
  TypedArrayPrototypeGetLength,
  Uint8Array,
} = primordials;
const {
  bufferSourceView,
  configureInterface,
  illegalInvocation,
  isArrayBufferView,
  isObject,
  requiredArguments,
} = internals.webidl;
const {
  InnerBody,
  bodySourceChunks,
  createIncomingRequest,
  formatLogArgs,
  isResponse,
  responseParts,
  sortAndCombineHeaders,
} = internals;

function makeRequest(method, url, headerList, body) {
  let innerBody = null;
  if (internals.streams.isReadableStream(body)) {
    innerBody = new InnerBody(body);
  } else if (body !== null && body !== undefined) {
    // An ArrayBuffer per the contract; a view is accepted too. No copy: the runtime owns it.
    const bytes = isArrayBufferView(body) ? bufferSourceView(body) : new Uint8Array(body);
    if (TypedArrayPrototypeGetLength(bytes) > 0) innerBody = new InnerBody(bytes);
  }
  return createIncomingRequest(`${method}`, `${url}`, headerList, innerBody);
}

// --- ExecutionContext ---

const kInternal = { __proto__: null }; // the only key that constructs an ExecutionContext

let isExecutionContext;
let contextPromises;

class ExecutionContext {
  #promises = [];

  constructor(key) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
  }

  static {
    isExecutionContext = (value) => isObject(value) && #promises in value;
    contextPromises = (context) => context.#promises;
  }

  // Extends the life of the invocation until `promise` settles. A rejection is logged (level
  // "error") instead of being reported as an unhandled rejection.
  waitUntil(promise) {
    if (!isExecutionContext(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 1, "Failed to execute 'waitUntil' on 'ExecutionContext'");
    SafeArrayPush(this.#promises, settle(promise));
  }

  // In Cloudflare Workers this makes an exception fall through to the origin server. Quiver has
  // no origin behind a function, so this is a no-op kept for compatibility.
  passThroughOnException() {
    if (!isExecutionContext(this)) throw illegalInvocation();
  }
}

// Waits for `value` and logs a rejection. `await` (unlike Promise.prototype.then) does not look
// up Symbol.species, which user code could have redefined.
async function settle(value) {
  try {
    await value;
  } catch (reason) {
    ops.log("error", `Uncaught (in waitUntil promise) ${formatLogArgs([reason])}`);
  }
}

configureInterface(ExecutionContext, "ExecutionContext");

function makeContext() {
  return new ExecutionContext(kInternal);
}

// Resolves when all waitUntil promises (including ones registered meanwhile) have settled.
function waitUntilSettled(context) {
  if (!isExecutionContext(context)) throw illegalInvocation();
  const promises = contextPromises(context);
  return promises.length === 0 ? null : allSettled(promises);
}

async function allSettled(promises) {
  for (let i = 0; i < promises.length; i++) await promises[i];
}

// --- Response record ---

function describe(value) {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      return `an object (${constructorName(value)})`;
  }
}

function constructorName(object) {
  try {
    if (ObjectGetPrototypeOf(object) === null) return "null prototype";
    const constructor = object.constructor;
    const name = typeof constructor === "function" ? constructor.name : undefined;
    return typeof name === "string" && name !== "" ? name : "Object";
  } catch {
    return "Object";
  }
}

function responseRecord(value) {
  if (!isResponse(value)) {
    throw new TypeError(`The fetch handler must return a Response (or a Promise of one), got ${describe(value)}`);
  }
  const parts = responseParts(value);
  if (parts.type === "error") throw new TypeError("Response.error() cannot be sent to a client");
  let body = null;
  if (parts.body !== null) {
    if (parts.body.used) throw new TypeError("Response body has already been used");
    body = parts.body.isStream ? parts.body.stream() : bodySourceChunks(parts.body.take());
  }
  return [parts.status, parts.statusText, sortAndCombineHeaders(parts.headers), body];
}

// The host's own warm-up of a new instance, before the function's module runs (uncharged): the
// path every request takes (a Request in, a Response out) runs once, so V8 has compiled it and
// the first request is not charged for compiling the runtime.
function warmUp() {
  const request = makeRequest("GET", "http://warm-up.invalid/", [["accept", "*/*"]], null);
  request.headers.get("accept");
  responseRecord(new Response("warm-up", { headers: { "content-type": "text/plain" } }));
  makeContext();
}

// The client went away before the response (the host calls this, then ends the request): the
// request's signal aborts with an AbortError, as in Deno, so listeners can stop their work.
function abortIncomingRequest(request) {
  internals.signalAbort(internals.requestSignal(request),
    new internals.DOMException("The client disconnected before the response", "AbortError"));
}

internals.warmUp = warmUp;
internals.abortIncomingRequest = abortIncomingRequest;
internals.makeRequest = makeRequest;
internals.makeContext = makeContext;
internals.waitUntilSettled = waitUntilSettled;
internals.responseRecord = responseRecord;
