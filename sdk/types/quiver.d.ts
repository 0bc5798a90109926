/**
 * TypeScript declarations for code running in a Quiver function.
 *
 * A function is an ES module whose default export handles HTTP requests:
 *
 *   export default {
 *     async fetch(request, env, ctx) {
 *       return new Response("hi");
 *     },
 *   } satisfies ExportedHandler<Env>;
 *
 * Use these declarations with `"lib": ["es2022"]` and without `"dom"` or `@types/node`, which
 * declare the same globals differently. Headers, Request and Response follow the Fetch Standard
 * (https://fetch.spec.whatwg.org/), Blob and File the File API, FormData the XHR Standard, and the
 * WinterTC Minimum Common API, with the same shapes as TypeScript's lib.dom; only the members the
 * runtime implements today are declared here.
 */

/** The module's default export. The host calls `fetch` for every request to the function. */
interface ExportedHandler<Env = unknown> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
}

/** The third argument of `fetch`. */
interface ExecutionContext {
  /**
   * Keeps the invocation alive until `promise` settles, after the response has been returned.
   * A rejection is logged as an error instead of being an unhandled rejection.
   */
  waitUntil(promise: Promise<unknown>): void;
  /** Accepted for compatibility with Cloudflare Workers; does nothing in Quiver (no origin). */
  passThroughOnException(): void;
}

/** https://fetch.spec.whatwg.org/#typedefdef-headersinit */
type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string>;

/** https://fetch.spec.whatwg.org/#headers-class */
interface Headers {
  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  getSetCookie(): string[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  forEach(callbackfn: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void;
  /** Sorted by lowercase name, values of the same name combined with ", " (except set-cookie). */
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

declare var Headers: {
  prototype: Headers;
  new (init?: HeadersInit): Headers;
};

// ---------------------------------------------------------------------------------------------
// Blob, File, FormData (https://w3c.github.io/FileAPI/, https://xhr.spec.whatwg.org/#interface-formdata)
// ---------------------------------------------------------------------------------------------

type BufferSource = ArrayBufferView | ArrayBuffer;
type BlobPart = BufferSource | Blob | string;
type EndingType = "native" | "transparent";

interface BlobPropertyBag {
  /** "native" converts "\r\n" and "\r" in string parts to "\n". */
  endings?: EndingType;
  /** Lowercased when it is printable ASCII, otherwise the Blob's type is "". */
  type?: string;
}

/** Immutable bytes. Blob parts and slices share memory with the Blobs they come from. */
interface Blob {
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  /** A byte stream of the Blob's bytes (copied as they are read; the Blob is unchanged). */
  stream(): ReadableStream<Uint8Array>;
  /** Negative indexes count from the end; `contentType` becomes the slice's type. */
  slice(start?: number, end?: number, contentType?: string): Blob;
  /** UTF-8 decoded; a leading BOM is removed. */
  text(): Promise<string>;
}

declare var Blob: {
  prototype: Blob;
  new (blobParts?: Iterable<BlobPart>, options?: BlobPropertyBag): Blob;
};

interface FilePropertyBag extends BlobPropertyBag {
  /** Milliseconds since the epoch; defaults to Date.now(). */
  lastModified?: number;
}

interface File extends Blob {
  readonly lastModified: number;
  readonly name: string;
}

declare var File: {
  prototype: File;
  new (fileBits: Iterable<BlobPart>, fileName: string, options?: FilePropertyBag): File;
};

type FormDataEntryValue = File | string;

/**
 * Form fields, as sent in multipart/form-data or application/x-www-form-urlencoded bodies.
 * A Blob value is stored as a File (named "blob" unless a filename is given).
 */
interface FormData {
  append(name: string, value: string): void;
  append(name: string, blobValue: Blob, filename?: string): void;
  delete(name: string): void;
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  set(name: string, blobValue: Blob, filename?: string): void;
  forEach(callbackfn: (value: FormDataEntryValue, key: string, parent: FormData) => void, thisArg?: unknown): void;
  entries(): IterableIterator<[string, FormDataEntryValue]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<FormDataEntryValue>;
  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]>;
}

declare var FormData: {
  prototype: FormData;
  /** There are no HTML forms on a server: passing a `form` throws a TypeError. */
  new (form?: undefined): FormData;
};

// ---------------------------------------------------------------------------------------------
// Request, Response and their bodies (https://fetch.spec.whatwg.org/)
// ---------------------------------------------------------------------------------------------

/**
 * What a Request or Response body can be made from. A Blob sets the Content-Type from its type,
 * FormData to multipart/form-data with a boundary, URLSearchParams to
 * application/x-www-form-urlencoded;charset=UTF-8 and a string to text/plain;charset=UTF-8,
 * unless the headers already have one. A ReadableStream (of Uint8Array chunks) is sent as it is
 * produced, with no Content-Length; a Request needs `duplex: "half"` for it. Other objects are
 * converted to strings.
 */
type BodyInit = ReadableStream<Uint8Array> | Blob | BufferSource | FormData | URLSearchParams | string;

/** Declared in full with URL; this forward declaration merges with it. */
interface URLSearchParams {}

/** https://fetch.spec.whatwg.org/#body-mixin. Each body can be read once. */
interface Body {
  /**
   * The body as a stream of Uint8Arrays (null when there is none). An incoming request's body
   * arrives as the client sends it. Reading it, or locking it, makes the other readers fail.
   */
  readonly body: ReadableStream<Uint8Array> | null;
  /** True once the body's stream was read from (or the body was read by a method below). */
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The Blob's type is the Content-Type, parsed and serialized ("" if none or invalid). */
  blob(): Promise<Blob>;
  bytes(): Promise<Uint8Array>;
  /**
   * Parses a multipart/form-data (files become File objects) or
   * application/x-www-form-urlencoded body; rejects with a TypeError for other types or
   * malformed bodies.
   */
  formData(): Promise<FormData>;
  json(): Promise<any>;
  text(): Promise<string>;
}

type RequestCache = "default" | "force-cache" | "no-cache" | "no-store" | "only-if-cached" | "reload";
type RequestCredentials = "include" | "omit" | "same-origin";
type RequestDestination = "";
type RequestDuplex = "half";
type RequestMode = "cors" | "navigate" | "no-cors" | "same-origin";
type RequestPriority = "auto" | "high" | "low";
type RequestRedirect = "error" | "follow" | "manual";
type ReferrerPolicy =
  | ""
  | "no-referrer"
  | "no-referrer-when-downgrade"
  | "origin"
  | "origin-when-cross-origin"
  | "same-origin"
  | "strict-origin"
  | "strict-origin-when-cross-origin"
  | "unsafe-url";

/** https://fetch.spec.whatwg.org/#requestinit */
interface RequestInit {
  /** Not allowed with GET or HEAD. */
  body?: BodyInit | null;
  /** "only-if-cached" requires mode "same-origin". */
  cache?: RequestCache;
  credentials?: RequestCredentials;
  duplex?: RequestDuplex;
  headers?: HeadersInit;
  integrity?: string;
  keepalive?: boolean;
  /** Normalized to upper case for DELETE, GET, HEAD, OPTIONS, POST, PUT; CONNECT, TRACE, TRACK throw. */
  method?: string;
  /** "navigate" throws; "no-cors" allows only GET, HEAD and POST. */
  mode?: RequestMode;
  priority?: RequestPriority;
  redirect?: RequestRedirect;
  /** "" for no referrer, "about:client", or a URL (relative ones resolve like the input). */
  referrer?: string;
  referrerPolicy?: ReferrerPolicy;
  /** The request's signal follows this one. */
  signal?: AbortSignal | null;
  /** Only null is accepted. */
  window?: null;
}

/** Relative URL strings resolve against the URL of the request being handled. */
type RequestInfo = Request | string;

/** https://fetch.spec.whatwg.org/#request-class */
interface Request extends Body {
  readonly cache: RequestCache;
  readonly credentials: RequestCredentials;
  /** Always "" on a server. */
  readonly destination: RequestDestination;
  readonly duplex: RequestDuplex;
  readonly headers: Headers;
  readonly integrity: string;
  readonly isHistoryNavigation: boolean;
  readonly isReloadNavigation: boolean;
  readonly keepalive: boolean;
  readonly method: string;
  readonly mode: RequestMode;
  readonly redirect: RequestRedirect;
  /** "about:client", "" (no referrer) or a URL. */
  readonly referrer: string;
  readonly referrerPolicy: ReferrerPolicy;
  readonly signal: AbortSignal;
  readonly url: string;
  /** A copy sharing the body's bytes (a stream body is teed); a TypeError if the body was already read. */
  clone(): Request;
}

declare var Request: {
  prototype: Request;
  new (input: RequestInfo | URL, init?: RequestInit): Request;
};

type ResponseType = "basic" | "cors" | "default" | "error" | "opaque" | "opaqueredirect";

/** https://fetch.spec.whatwg.org/#responseinit */
interface ResponseInit {
  headers?: HeadersInit;
  /** 200 to 599; otherwise the constructor throws a RangeError. 101, 103, 204, 205 and 304 take no body. */
  status?: number;
  /** A reason-phrase (no CR, LF or characters above U+00FF); otherwise a TypeError. */
  statusText?: string;
}

/** https://fetch.spec.whatwg.org/#response-class */
interface Response extends Body {
  readonly headers: Headers;
  readonly ok: boolean;
  /** False for responses made with the constructor. */
  readonly redirected: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly type: ResponseType;
  /** "" for responses made with the constructor. */
  readonly url: string;
  /** A copy sharing the body's bytes (a stream body is teed); a TypeError if the body was already read. */
  clone(): Response;
}

declare var Response: {
  prototype: Response;
  new (body?: BodyInit | null, init?: ResponseInit): Response;
  /** A network error; returning it from `fetch` is an error. */
  error(): Response;
  /** A JSON response with content-type application/json. */
  json(data: unknown, init?: ResponseInit): Response;
  /** `status` is 301, 302 (default), 303, 307 or 308. Relative URLs resolve like in Request. */
  redirect(url: string | URL, status?: number): Response;
};

/**
 * https://fetch.spec.whatwg.org/#fetch-method: an outbound HTTP request from the function, made
 * by the host on its own event loop. http:, https: (certificates verified against the host's CA
 * store) and data: URLs. Redirects are followed (`redirect: "follow"`, at most 20), returned as
 * they are (`"manual"`: the 3xx response itself, as in Deno and Workers) or rejected (`"error"`).
 * Bodies stream both ways; gzip and deflate responses are decoded (Content-Encoding stays).
 * `init.signal` aborts it. Rejects with a TypeError ("fetch failed: …") for DNS, connection, TLS
 * and timeout failures, for addresses the host's egress policy blocks (by default loopback,
 * private and link-local ranges, checked after DNS), and past 50 network requests per request
 * (redirect hops included). Only while handling a request: at module top level it rejects.
 * A response returned untouched (`return fetch(request)`) is sent to the client as it arrives.
 */
declare function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;

/** https://console.spec.whatwg.org/ — output goes to the function's logs. */
interface Console {
  assert(condition?: boolean, ...data: unknown[]): void;
  count(label?: string): void;
  countReset(label?: string): void;
  debug(...data: unknown[]): void;
  dir(item?: unknown, options?: { depth?: number | null; showHidden?: boolean }): void;
  dirxml(...data: unknown[]): void;
  error(...data: unknown[]): void;
  group(...data: unknown[]): void;
  groupCollapsed(...data: unknown[]): void;
  groupEnd(): void;
  info(...data: unknown[]): void;
  log(...data: unknown[]): void;
  table(tabularData?: unknown, properties?: string[]): void;
  time(label?: string): void;
  timeEnd(label?: string): void;
  timeLog(label?: string, ...data: unknown[]): void;
  trace(...data: unknown[]): void;
  warn(...data: unknown[]): void;
}

declare var console: Console;

/** The legacy error codes of DOMException (https://webidl.spec.whatwg.org/#idl-DOMException),
 * on both the constructor and its instances. */
interface DOMExceptionCodes {
  readonly INDEX_SIZE_ERR: 1;
  readonly DOMSTRING_SIZE_ERR: 2;
  readonly HIERARCHY_REQUEST_ERR: 3;
  readonly WRONG_DOCUMENT_ERR: 4;
  readonly INVALID_CHARACTER_ERR: 5;
  readonly NO_DATA_ALLOWED_ERR: 6;
  readonly NO_MODIFICATION_ALLOWED_ERR: 7;
  readonly NOT_FOUND_ERR: 8;
  readonly NOT_SUPPORTED_ERR: 9;
  readonly INUSE_ATTRIBUTE_ERR: 10;
  readonly INVALID_STATE_ERR: 11;
  readonly SYNTAX_ERR: 12;
  readonly INVALID_MODIFICATION_ERR: 13;
  readonly NAMESPACE_ERR: 14;
  readonly INVALID_ACCESS_ERR: 15;
  readonly VALIDATION_ERR: 16;
  readonly TYPE_MISMATCH_ERR: 17;
  readonly SECURITY_ERR: 18;
  readonly NETWORK_ERR: 19;
  readonly ABORT_ERR: 20;
  readonly URL_MISMATCH_ERR: 21;
  readonly QUOTA_EXCEEDED_ERR: 22;
  readonly TIMEOUT_ERR: 23;
  readonly INVALID_NODE_TYPE_ERR: 24;
  readonly DATA_CLONE_ERR: 25;
}

interface DOMException extends Error, DOMExceptionCodes {
  readonly name: string;
  readonly message: string;
  /** The legacy code of `name` (e.g. 20 for "AbortError"), 0 for names without one. */
  readonly code: number;
}

declare var DOMException: DOMExceptionCodes & {
  prototype: DOMException;
  new (message?: string, name?: string): DOMException;
};

/** https://dom.spec.whatwg.org/#dictdef-eventinit */
interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/**
 * https://dom.spec.whatwg.org/#interface-event. There is no DOM tree: an event is dispatched to
 * its target only (eventPhase is AT_TARGET during dispatch; capture listeners run first).
 */
interface Event {
  readonly type: string;
  readonly target: EventTarget | null;
  /** @deprecated use `target` */
  readonly srcElement: EventTarget | null;
  readonly currentTarget: EventTarget | null;
  composedPath(): EventTarget[];
  readonly eventPhase: number;
  stopPropagation(): void;
  /** @deprecated use stopPropagation() */
  cancelBubble: boolean;
  stopImmediatePropagation(): void;
  readonly bubbles: boolean;
  readonly cancelable: boolean;
  /** @deprecated use preventDefault() and defaultPrevented */
  returnValue: boolean;
  preventDefault(): void;
  readonly defaultPrevented: boolean;
  readonly composed: boolean;
  /** False for events created by code, true for those the runtime fires (e.g. "abort"). */
  readonly isTrusted: boolean;
  /** Milliseconds since performance.timeOrigin. */
  readonly timeStamp: number;
  /** @deprecated */
  initEvent(type: string, bubbles?: boolean, cancelable?: boolean): void;
  readonly NONE: 0;
  readonly CAPTURING_PHASE: 1;
  readonly AT_TARGET: 2;
  readonly BUBBLING_PHASE: 3;
}

declare var Event: {
  prototype: Event;
  new (type: string, eventInitDict?: EventInit): Event;
  readonly NONE: 0;
  readonly CAPTURING_PHASE: 1;
  readonly AT_TARGET: 2;
  readonly BUBBLING_PHASE: 3;
};

interface EventListener {
  (evt: Event): void;
}

interface EventListenerObject {
  handleEvent(object: Event): void;
}

type EventListenerOrEventListenerObject = EventListener | EventListenerObject;

interface EventListenerOptions {
  capture?: boolean;
}

interface AddEventListenerOptions extends EventListenerOptions {
  once?: boolean;
  passive?: boolean;
  /** Removes the listener when the signal aborts. */
  signal?: AbortSignal;
}

/**
 * https://dom.spec.whatwg.org/#interface-eventtarget. An exception thrown by a listener is logged
 * as an error ("Uncaught …") and does not stop the other listeners.
 */
interface EventTarget {
  addEventListener(
    type: string,
    callback: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void;
  /** Returns false if a listener called preventDefault() on a cancelable event. */
  dispatchEvent(event: Event): boolean;
  removeEventListener(
    type: string,
    callback: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void;
}

declare var EventTarget: {
  prototype: EventTarget;
  new (): EventTarget;
};

/** https://dom.spec.whatwg.org/#interface-AbortSignal */
interface AbortSignal extends EventTarget {
  readonly aborted: boolean;
  /** Why the signal aborted: by default a DOMException named "AbortError". */
  readonly reason: any;
  throwIfAborted(): void;
  onabort: ((this: AbortSignal, ev: Event) => any) | null;
}

declare var AbortSignal: {
  prototype: AbortSignal;
  /** Not constructible: use an AbortController or the static methods. */
  new (): never;
  /** An already aborted signal. */
  abort(reason?: any): AbortSignal;
  /** A signal that aborts when any of `signals` does, with its reason. */
  any(signals: Iterable<AbortSignal>): AbortSignal;
  /**
   * A signal that aborts after `milliseconds` with a DOMException named "TimeoutError". Uses the
   * request's timers: it throws outside a request (at module top level), and the timer is
   * cancelled when the request that created it ends.
   */
  timeout(milliseconds: number): AbortSignal;
};

/** https://dom.spec.whatwg.org/#interface-abortcontroller */
interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: any): void;
}

declare var AbortController: {
  prototype: AbortController;
  new (): AbortController;
};

/**
 * https://html.spec.whatwg.org/#dom-queuemicrotask. An exception thrown by `callback` is logged
 * as an error ("Uncaught …").
 */
declare function queueMicrotask(callback: () => void): void;

/** https://html.spec.whatwg.org/#the-navigator-object (only `userAgent`). */
interface Navigator {
  /** "Quiver/0.1" */
  readonly userAgent: string;
}

declare var Navigator: {
  prototype: Navigator;
  new (): never;
};

declare var navigator: Navigator;

/** https://w3c.github.io/hr-time/#sec-performance (no timeline: no mark, measure or entries). */
interface Performance extends EventTarget {
  /** Milliseconds since timeOrigin, on a monotonic clock. */
  now(): number;
  /** Date.now() when the function instance was created. */
  readonly timeOrigin: number;
  toJSON(): { timeOrigin: number };
}

declare var Performance: {
  prototype: Performance;
  new (): never;
};

declare var performance: Performance;

// Encoding: TextEncoder, TextDecoder, atob, btoa, structuredClone
// (https://encoding.spec.whatwg.org/, https://html.spec.whatwg.org/#atob,
// https://html.spec.whatwg.org/#dom-structuredclone)
// ===========================================================================================

type AllowSharedBufferSource = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

interface TextEncoderEncodeIntoResult {
  /** UTF-16 code units of the source that were encoded (a surrogate pair counts 2). */
  read: number;
  /** Bytes written to the destination; never part of a character. */
  written: number;
}

/** UTF-8 only. Lone surrogates are encoded as U+FFFD. */
interface TextEncoder {
  readonly encoding: "utf-8";
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult;
}

declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface TextDecoderOptions {
  /** Throw a TypeError on malformed input instead of inserting U+FFFD. */
  fatal?: boolean;
  /** Keep a leading byte order mark (UTF-8, UTF-16) in the output. */
  ignoreBOM?: boolean;
}

interface TextDecodeOptions {
  /** More input follows: keep an incomplete sequence at the end for the next call. */
  stream?: boolean;
}

/**
 * Every encoding of the Encoding Standard by any of its labels (case-insensitive, surrounding
 * ASCII whitespace ignored): utf-8, utf-16le/be, the legacy single-byte encodings, gbk, gb18030,
 * big5, euc-jp, iso-2022-jp, shift_jis, euc-kr, x-user-defined. An unknown label, or one of
 * "replacement"'s, is a RangeError.
 */
interface TextDecoder {
  /** The encoding's name, lowercase ("utf-8", "windows-1252", "shift_jis", …). */
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string;
}

declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};

/** Base64 to a "binary string" (one character per byte). Throws an InvalidCharacterError DOMException. */
declare function atob(data: string): string;
/** A string of characters U+0000-U+00FF to base64. Throws an InvalidCharacterError DOMException. */
declare function btoa(data: string): string;

interface StructuredSerializeOptions {
  /** ArrayBuffers whose memory moves to the clone; they are detached. */
  transfer?: ArrayBuffer[];
}

/**
 * A deep copy through V8's serializer: primitives, plain objects and arrays, Date, RegExp, Map,
 * Set, ArrayBuffers and views, Error objects, DOMException, boxed primitives, cycles. Functions,
 * symbols, SharedArrayBuffer and other platform objects throw a DataCloneError DOMException.
 */
declare function structuredClone<T = any>(value: T, options?: StructuredSerializeOptions): T;

// ===========================================================================================
// Streams (https://streams.spec.whatwg.org/), TextEncoderStream and TextDecoderStream
// (https://encoding.spec.whatwg.org/#interface-textencoderstream)
// ===========================================================================================

interface QueuingStrategySize<T = any> {
  (chunk: T): number;
}

interface QueuingStrategy<T = any> {
  /** How much may be queued before `desiredSize` reaches 0 (backpressure); default 1 (0 for byte streams). */
  highWaterMark?: number;
  size?: QueuingStrategySize<T>;
}

interface QueuingStrategyInit {
  highWaterMark: number;
}

interface ByteLengthQueuingStrategy extends QueuingStrategy<ArrayBufferView> {
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize<ArrayBufferView>;
}

declare var ByteLengthQueuingStrategy: {
  prototype: ByteLengthQueuingStrategy;
  new (init: QueuingStrategyInit): ByteLengthQueuingStrategy;
};

interface CountQueuingStrategy extends QueuingStrategy {
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize;
}

declare var CountQueuingStrategy: {
  prototype: CountQueuingStrategy;
  new (init: QueuingStrategyInit): CountQueuingStrategy;
};

interface UnderlyingSource<R = any> {
  start?(controller: ReadableStreamDefaultController<R>): any;
  pull?(controller: ReadableStreamDefaultController<R>): void | PromiseLike<void>;
  cancel?(reason?: any): void | PromiseLike<void>;
  type?: undefined;
}

interface UnderlyingByteSource {
  start?(controller: ReadableByteStreamController): any;
  pull?(controller: ReadableByteStreamController): void | PromiseLike<void>;
  cancel?(reason?: any): void | PromiseLike<void>;
  type: "bytes";
  /** Gives default readers a `byobRequest` too, with a buffer of this size. */
  autoAllocateChunkSize?: number;
}

interface UnderlyingSink<W = any> {
  start?(controller: WritableStreamDefaultController): any;
  write?(chunk: W, controller: WritableStreamDefaultController): void | PromiseLike<void>;
  close?(): void | PromiseLike<void>;
  abort?(reason?: any): void | PromiseLike<void>;
}

interface Transformer<I = any, O = any> {
  start?(controller: TransformStreamDefaultController<O>): any;
  transform?(chunk: I, controller: TransformStreamDefaultController<O>): void | PromiseLike<void>;
  flush?(controller: TransformStreamDefaultController<O>): void | PromiseLike<void>;
  /** Runs when the readable side is cancelled or the writable side aborted. */
  cancel?(reason?: any): void | PromiseLike<void>;
}

interface ReadableStreamReadValueResult<T> {
  done: false;
  value: T;
}

interface ReadableStreamReadDoneResult<T> {
  done: true;
  value?: T;
}

type ReadableStreamReadResult<T> = ReadableStreamReadValueResult<T> | ReadableStreamReadDoneResult<T>;

interface StreamPipeOptions {
  preventAbort?: boolean;
  preventCancel?: boolean;
  preventClose?: boolean;
  /** Aborting it stops the pipe: the destination is aborted and the source cancelled (unless prevented). */
  signal?: AbortSignal;
}

interface ReadableWritablePair<R = any, W = any> {
  readable: ReadableStream<R>;
  writable: WritableStream<W>;
}

interface ReadableStreamIteratorOptions {
  /** Leaving a `for await` early releases the lock without cancelling the stream. */
  preventCancel?: boolean;
}

interface ReadableStreamGetReaderOptions {
  mode?: "byob";
}

interface ReadableStreamAsyncIterator<R> extends AsyncIterableIterator<R> {}

interface ReadableStream<R = any> {
  readonly locked: boolean;
  cancel(reason?: any): Promise<void>;
  getReader(options: { mode: "byob" }): ReadableStreamBYOBReader;
  getReader(options?: ReadableStreamGetReaderOptions): ReadableStreamDefaultReader<R>;
  pipeThrough<T>(transform: ReadableWritablePair<T, R>, options?: StreamPipeOptions): ReadableStream<T>;
  pipeTo(destination: WritableStream<R>, options?: StreamPipeOptions): Promise<void>;
  /** Two streams that each get every chunk (byte streams: copies). */
  tee(): [ReadableStream<R>, ReadableStream<R>];
  values(options?: ReadableStreamIteratorOptions): ReadableStreamAsyncIterator<R>;
  [Symbol.asyncIterator](options?: ReadableStreamIteratorOptions): ReadableStreamAsyncIterator<R>;
}

declare var ReadableStream: {
  prototype: ReadableStream;
  new (underlyingSource: UnderlyingByteSource, strategy?: { highWaterMark?: number }): ReadableStream<Uint8Array>;
  new <R = any>(underlyingSource?: UnderlyingSource<R>, strategy?: QueuingStrategy<R>): ReadableStream<R>;
  /** A stream of the values of an async or sync iterable; cancelling it calls the iterator's return(). */
  from<R>(asyncIterable: AsyncIterable<R> | Iterable<R | PromiseLike<R>>): ReadableStream<R>;
};

interface ReadableStreamDefaultReader<R = any> {
  readonly closed: Promise<void>;
  cancel(reason?: any): Promise<void>;
  read(): Promise<ReadableStreamReadResult<R>>;
  releaseLock(): void;
}

declare var ReadableStreamDefaultReader: {
  prototype: ReadableStreamDefaultReader;
  new <R = any>(stream: ReadableStream<R>): ReadableStreamDefaultReader<R>;
};

interface ReadableStreamBYOBReaderReadOptions {
  /** Wait until at least this many elements are filled (default 1). */
  min?: number;
}

/** Reads into the caller's buffer (byte streams only). The view's buffer is transferred. */
interface ReadableStreamBYOBReader {
  readonly closed: Promise<void>;
  cancel(reason?: any): Promise<void>;
  read<T extends ArrayBufferView>(view: T, options?: ReadableStreamBYOBReaderReadOptions): Promise<ReadableStreamReadResult<T>>;
  releaseLock(): void;
}

declare var ReadableStreamBYOBReader: {
  prototype: ReadableStreamBYOBReader;
  new (stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader;
};

interface ReadableStreamDefaultController<R = any> {
  readonly desiredSize: number | null;
  close(): void;
  enqueue(chunk?: R): void;
  error(e?: any): void;
}

declare var ReadableStreamDefaultController: {
  prototype: ReadableStreamDefaultController;
  new (): never;
};

interface ReadableByteStreamController {
  readonly byobRequest: ReadableStreamBYOBRequest | null;
  readonly desiredSize: number | null;
  close(): void;
  /** The chunk's buffer is transferred (the chunk becomes detached). */
  enqueue(chunk: ArrayBufferView): void;
  error(e?: any): void;
}

declare var ReadableByteStreamController: {
  prototype: ReadableByteStreamController;
  new (): never;
};

interface ReadableStreamBYOBRequest {
  readonly view: ArrayBufferView | null;
  respond(bytesWritten: number): void;
  respondWithNewView(view: ArrayBufferView): void;
}

declare var ReadableStreamBYOBRequest: {
  prototype: ReadableStreamBYOBRequest;
  new (): never;
};

interface WritableStream<W = any> {
  readonly locked: boolean;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  getWriter(): WritableStreamDefaultWriter<W>;
}

declare var WritableStream: {
  prototype: WritableStream;
  new <W = any>(underlyingSink?: UnderlyingSink<W>, strategy?: QueuingStrategy<W>): WritableStream<W>;
};

interface WritableStreamDefaultWriter<W = any> {
  readonly closed: Promise<void>;
  readonly desiredSize: number | null;
  /** Pending while the stream's queue is full (backpressure). */
  readonly ready: Promise<void>;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  releaseLock(): void;
  write(chunk?: W): Promise<void>;
}

declare var WritableStreamDefaultWriter: {
  prototype: WritableStreamDefaultWriter;
  new <W = any>(stream: WritableStream<W>): WritableStreamDefaultWriter<W>;
};

interface WritableStreamDefaultController {
  /** Aborted when the stream is aborted. */
  readonly signal: AbortSignal;
  error(e?: any): void;
}

declare var WritableStreamDefaultController: {
  prototype: WritableStreamDefaultController;
  new (): never;
};

interface TransformStream<I = any, O = any> {
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
}

declare var TransformStream: {
  prototype: TransformStream;
  new <I = any, O = any>(
    transformer?: Transformer<I, O>,
    writableStrategy?: QueuingStrategy<I>,
    readableStrategy?: QueuingStrategy<O>,
  ): TransformStream<I, O>;
};

interface TransformStreamDefaultController<O = any> {
  readonly desiredSize: number | null;
  enqueue(chunk?: O): void;
  error(reason?: any): void;
  /** Closes the readable side and errors the writable side. */
  terminate(): void;
}

declare var TransformStreamDefaultController: {
  prototype: TransformStreamDefaultController;
  new (): never;
};

/** Strings in, UTF-8 Uint8Arrays out; a surrogate pair split across chunks is kept whole. */
interface TextEncoderStream extends TransformStream<string, Uint8Array> {
  readonly encoding: "utf-8";
}

declare var TextEncoderStream: {
  prototype: TextEncoderStream;
  new (): TextEncoderStream;
};

/** Bytes in, strings out, with any encoding TextDecoder knows; `fatal` errors the stream on bad input. */
interface TextDecoderStream extends TransformStream<AllowSharedBufferSource, string> {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
}

declare var TextDecoderStream: {
  prototype: TextDecoderStream;
  new (label?: string, options?: TextDecoderOptions): TextDecoderStream;
};

// ===========================================================================================
// Compression: CompressionStream, DecompressionStream (https://compression.spec.whatwg.org/),
// zlib underneath. Both are transform streams of bytes: write BufferSources to `writable`, read
// Uint8Arrays (at most 64 KB each) from `readable`, or use `readable.pipeThrough(stream)`.
// ===========================================================================================

/** "brotli" is not supported (a TypeError). */
type CompressionFormat = "deflate" | "deflate-raw" | "gzip";

interface CompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BufferSource>;
}

/** Throws a TypeError for an unsupported format; a chunk that is not a BufferSource errors the stream. */
declare var CompressionStream: {
  prototype: CompressionStream;
  new (format: CompressionFormat): CompressionStream;
};

/**
 * Corrupt input, bytes after the end of the compressed stream (a second gzip member included)
 * and input that ends before the end of the stream error both sides with a TypeError. Output
 * comes in pieces of at most 64 KB, one per microtask: to bound what untrusted input may inflate
 * to, count the bytes you read and cancel the readable side past your limit.
 */
interface DecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BufferSource>;
}

declare var DecompressionStream: {
  prototype: DecompressionStream;
  new (format: CompressionFormat): DecompressionStream;
};

// ---------------------------------------------------------------------------------------------
// The global scope as an EventTarget: "error", "unhandledrejection", "rejectionhandled".

interface ErrorEventInit extends EventInit {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: any;
}

/** https://html.spec.whatwg.org/#the-errorevent-interface: fired at globalThis for an exception
 * that escaped a listener or a timer; cancel it (preventDefault) to keep it out of the log. */
interface ErrorEvent extends Event {
  readonly message: string;
  readonly filename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly error: any;
}
declare var ErrorEvent: {
  prototype: ErrorEvent;
  new (type: string, eventInitDict?: ErrorEventInit): ErrorEvent;
};

interface PromiseRejectionEventInit extends EventInit {
  promise: Promise<any>;
  reason?: any;
}

/** https://html.spec.whatwg.org/#the-promiserejectionevent-interface: "unhandledrejection"
 * (cancelable; not cancelled, the rejection is logged) and "rejectionhandled". */
interface PromiseRejectionEvent extends Event {
  readonly promise: Promise<any>;
  readonly reason: any;
}
declare var PromiseRejectionEvent: {
  prototype: PromiseRejectionEvent;
  new (type: string, eventInitDict: PromiseRejectionEventInit): PromiseRejectionEvent;
};

interface GlobalEventHandlersEventMap {
  error: ErrorEvent;
  unhandledrejection: PromiseRejectionEvent;
  rejectionhandled: PromiseRejectionEvent;
}

declare function addEventListener<K extends keyof GlobalEventHandlersEventMap>(
  type: K,
  listener: (this: typeof globalThis, ev: GlobalEventHandlersEventMap[K]) => any,
  options?: boolean | AddEventListenerOptions,
): void;
declare function addEventListener(
  type: string,
  listener: EventListener | EventListenerObject | null,
  options?: boolean | AddEventListenerOptions,
): void;
declare function removeEventListener(
  type: string,
  listener: EventListener | EventListenerObject | null,
  options?: boolean | EventListenerOptions,
): void;
declare function dispatchEvent(event: Event): boolean;
declare var onerror: ((this: typeof globalThis, ev: ErrorEvent) => any) | null;
declare var onunhandledrejection: ((this: typeof globalThis, ev: PromiseRejectionEvent) => any) | null;
declare var onrejectionhandled: ((this: typeof globalThis, ev: PromiseRejectionEvent) => any) | null;

// =====================================================================================
// Web Crypto (https://w3c.github.io/webcrypto/): crypto, Crypto, CryptoKey, SubtleCrypto and
// the algorithm dictionaries. Supported: SHA-1/256/384/512, HMAC, AES-CBC/CTR/GCM/KW, RSA-OAEP,
// RSA-PSS, RSASSA-PKCS1-v1_5, ECDSA and ECDH (P-256/384/521), Ed25519, X25519, HKDF, PBKDF2.
// Expensive operations (RSA key generation, PBKDF2 above 10,000 iterations, RSA private-key
// operations with 4096-bit keys and up, inputs of 1 MiB or more) run off the function's thread
// and, like timers, only while a request is being handled: at module top level they reject
// with a TypeError.
// ============================================================================================

type KeyFormat = "jwk" | "pkcs8" | "raw" | "spki";
type KeyType = "private" | "public" | "secret";
type KeyUsage =
  | "decrypt"
  | "deriveBits"
  | "deriveKey"
  | "encrypt"
  | "sign"
  | "unwrapKey"
  | "verify"
  | "wrapKey";
type NamedCurve = "P-256" | "P-384" | "P-521";
/** An algorithm name ("SHA-256", "AES-GCM", …, matched case-insensitively) or a dictionary. */
type AlgorithmIdentifier = Algorithm | string;
type HashAlgorithmIdentifier = AlgorithmIdentifier;
/** Web Crypto's BigInteger: an unsigned big-endian integer. */
type BigInteger = Uint8Array;

interface Algorithm {
  name: string;
}

interface KeyAlgorithm {
  name: string;
}

interface AesKeyAlgorithm extends KeyAlgorithm {
  length: number;
}

interface HmacKeyAlgorithm extends KeyAlgorithm {
  hash: KeyAlgorithm;
  length: number;
}

interface RsaKeyAlgorithm extends KeyAlgorithm {
  modulusLength: number;
  publicExponent: BigInteger;
}

interface RsaHashedKeyAlgorithm extends RsaKeyAlgorithm {
  hash: KeyAlgorithm;
}

interface EcKeyAlgorithm extends KeyAlgorithm {
  namedCurve: NamedCurve;
}

interface RsaKeyGenParams extends Algorithm {
  modulusLength: number;
  publicExponent: BigInteger;
}

interface RsaHashedKeyGenParams extends RsaKeyGenParams {
  hash: HashAlgorithmIdentifier;
}

interface RsaHashedImportParams extends Algorithm {
  hash: HashAlgorithmIdentifier;
}

interface RsaPssParams extends Algorithm {
  /** In bytes. */
  saltLength: number;
}

interface RsaOaepParams extends Algorithm {
  label?: BufferSource;
}

interface EcKeyGenParams extends Algorithm {
  namedCurve: NamedCurve;
}

interface EcKeyImportParams extends Algorithm {
  namedCurve: NamedCurve;
}

interface EcdsaParams extends Algorithm {
  hash: HashAlgorithmIdentifier;
}

/** ECDH and X25519 key agreement: the other party's public key. */
interface EcdhKeyDeriveParams extends Algorithm {
  public: CryptoKey;
}

interface AesKeyGenParams extends Algorithm {
  /** 128, 192 or 256. */
  length: number;
}

interface AesDerivedKeyParams extends Algorithm {
  length: number;
}

interface AesCbcParams extends Algorithm {
  /** 16 bytes. */
  iv: BufferSource;
}

interface AesCtrParams extends Algorithm {
  /** The 16-byte initial counter block. */
  counter: BufferSource;
  /** How many rightmost bits of the block are the counter (1 to 128). */
  length: number;
}

interface AesGcmParams extends Algorithm {
  iv: BufferSource;
  additionalData?: BufferSource;
  /** In bits: 32, 64, 96, 104, 112, 120 or 128 (the default). */
  tagLength?: number;
}

interface HmacKeyGenParams extends Algorithm {
  hash: HashAlgorithmIdentifier;
  /** In bits; the hash's block size by default. */
  length?: number;
}

interface HmacImportParams extends Algorithm {
  hash: HashAlgorithmIdentifier;
  length?: number;
}

interface HkdfParams extends Algorithm {
  hash: HashAlgorithmIdentifier;
  salt: BufferSource;
  info: BufferSource;
}

interface Pbkdf2Params extends Algorithm {
  hash: HashAlgorithmIdentifier;
  salt: BufferSource;
  iterations: number;
}

interface RsaOtherPrimesInfo {
  r?: string;
  d?: string;
  t?: string;
}

/** https://w3c.github.io/webcrypto/#JsonWebKey-dictionary (RFC 7517). */
interface JsonWebKey {
  kty?: string;
  use?: string;
  key_ops?: string[];
  alg?: string;
  ext?: boolean;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  /** Multi-prime RSA keys are not supported (importing one is a NotSupportedError). */
  oth?: RsaOtherPrimesInfo[];
  k?: string;
}

/** https://w3c.github.io/webcrypto/#cryptokey-interface. Made only by SubtleCrypto. */
interface CryptoKey {
  readonly type: KeyType;
  readonly extractable: boolean;
  /** The same object on every read. */
  readonly algorithm: KeyAlgorithm;
  /** The same array on every read. */
  readonly usages: KeyUsage[];
}

declare var CryptoKey: {
  prototype: CryptoKey;
  new (): never;
};

interface CryptoKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * https://w3c.github.io/webcrypto/#subtlecrypto-interface. Every method returns a promise and
 * rejects (never throws) with a TypeError or a DOMException (NotSupportedError,
 * InvalidAccessError, OperationError, DataError, SyntaxError).
 */
interface SubtleCrypto {
  encrypt(
    algorithm: AlgorithmIdentifier | RsaOaepParams | AesCtrParams | AesCbcParams | AesGcmParams,
    key: CryptoKey,
    data: BufferSource,
  ): Promise<ArrayBuffer>;
  decrypt(
    algorithm: AlgorithmIdentifier | RsaOaepParams | AesCtrParams | AesCbcParams | AesGcmParams,
    key: CryptoKey,
    data: BufferSource,
  ): Promise<ArrayBuffer>;
  sign(
    algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams,
    key: CryptoKey,
    data: BufferSource,
  ): Promise<ArrayBuffer>;
  verify(
    algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams,
    key: CryptoKey,
    signature: BufferSource,
    data: BufferSource,
  ): Promise<boolean>;
  digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer>;
  generateKey(
    algorithm: "Ed25519" | "X25519" | RsaHashedKeyGenParams | EcKeyGenParams,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKeyPair>;
  generateKey(
    algorithm: AesKeyGenParams | HmacKeyGenParams,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKey>;
  generateKey(
    algorithm: AlgorithmIdentifier,
    extractable: boolean,
    keyUsages: Iterable<KeyUsage>,
  ): Promise<CryptoKeyPair | CryptoKey>;
  deriveKey(
    algorithm: AlgorithmIdentifier | EcdhKeyDeriveParams | HkdfParams | Pbkdf2Params,
    baseKey: CryptoKey,
    derivedKeyType: AlgorithmIdentifier | AesDerivedKeyParams | HmacImportParams,
    extractable: boolean,
    keyUsages: Iterable<KeyUsage>,
  ): Promise<CryptoKey>;
  /** `length` in bits; null (the default) takes the whole ECDH/X25519 secret. */
  deriveBits(
    algorithm: AlgorithmIdentifier | EcdhKeyDeriveParams | HkdfParams | Pbkdf2Params,
    baseKey: CryptoKey,
    length?: number | null,
  ): Promise<ArrayBuffer>;
  importKey(
    format: "jwk",
    keyData: JsonWebKey,
    algorithm:
      | AlgorithmIdentifier
      | RsaHashedImportParams
      | EcKeyImportParams
      | HmacImportParams
      | Algorithm,
    extractable: boolean,
    keyUsages: readonly KeyUsage[],
  ): Promise<CryptoKey>;
  importKey(
    format: Exclude<KeyFormat, "jwk">,
    keyData: BufferSource,
    algorithm:
      | AlgorithmIdentifier
      | RsaHashedImportParams
      | EcKeyImportParams
      | HmacImportParams
      | Algorithm,
    extractable: boolean,
    keyUsages: Iterable<KeyUsage>,
  ): Promise<CryptoKey>;
  exportKey(format: "jwk", key: CryptoKey): Promise<JsonWebKey>;
  exportKey(format: Exclude<KeyFormat, "jwk">, key: CryptoKey): Promise<ArrayBuffer>;
  exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey>;
  wrapKey(
    format: KeyFormat,
    key: CryptoKey,
    wrappingKey: CryptoKey,
    wrapAlgorithm: AlgorithmIdentifier | RsaOaepParams | AesCtrParams | AesCbcParams | AesGcmParams,
  ): Promise<ArrayBuffer>;
  unwrapKey(
    format: KeyFormat,
    wrappedKey: BufferSource,
    unwrappingKey: CryptoKey,
    unwrapAlgorithm:
      | AlgorithmIdentifier
      | RsaOaepParams
      | AesCtrParams
      | AesCbcParams
      | AesGcmParams,
    unwrappedKeyAlgorithm:
      | AlgorithmIdentifier
      | RsaHashedImportParams
      | EcKeyImportParams
      | HmacImportParams
      | Algorithm,
    extractable: boolean,
    keyUsages: Iterable<KeyUsage>,
  ): Promise<CryptoKey>;
}

declare var SubtleCrypto: {
  prototype: SubtleCrypto;
  new (): never;
};

/** https://w3c.github.io/webcrypto/#crypto-interface */
interface Crypto {
  readonly subtle: SubtleCrypto;
  /**
   * Fills an integer typed array with random values and returns it. At most 65,536 bytes
   * (QuotaExceededError); other views are a TypeMismatchError.
   */
  getRandomValues<
    T extends
      | Int8Array
      | Uint8Array
      | Uint8ClampedArray
      | Int16Array
      | Uint16Array
      | Int32Array
      | Uint32Array
      | BigInt64Array
      | BigUint64Array,
  >(array: T): T;
  /** A random (version 4) UUID, lowercase. */
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}

declare var Crypto: {
  prototype: Crypto;
  new (): never;
};

declare var crypto: Crypto;
// ---------------------------------------------------------------------------------------------
// URL, URLSearchParams, URLPattern (https://url.spec.whatwg.org/, https://urlpattern.spec.whatwg.org/)
// ---------------------------------------------------------------------------------------------

/**
 * https://url.spec.whatwg.org/#url-class. Parsing follows the URL Standard; hosts go through
 * IDNA (UTS #46, ICU's tables for Unicode 15.0). Invalid input throws a TypeError
 * "Invalid URL: <input>".
 */
interface URL {
  /** The serialized URL. Setting it parses the new value (TypeError if invalid). */
  href: string;
  /** "https://example.com:8443", or "null" for schemes without a tuple origin. */
  readonly origin: string;
  /** The scheme followed by ":", e.g. "https:". */
  protocol: string;
  username: string;
  password: string;
  /** hostname, plus ":" and the port when the port is not the scheme's default. */
  host: string;
  /** Punycode for international names, "[::1]" for IPv6, "" when there is no host. */
  hostname: string;
  /** "" for no port or the scheme's default port. */
  port: string;
  pathname: string;
  /** "" or "?" followed by the query. */
  search: string;
  /** Live: changing it changes `search`, and the other way round. */
  readonly searchParams: URLSearchParams;
  /** "" or "#" followed by the fragment. */
  hash: string;
  toString(): string;
  toJSON(): string;
}

declare var URL: {
  prototype: URL;
  new (url: string | URL, base?: string | URL): URL;
  /** Whether `new URL(url, base)` would succeed. */
  canParse(url: string | URL, base?: string | URL): boolean;
  /** `new URL(url, base)`, or null instead of throwing. */
  parse(url: string | URL, base?: string | URL): URL | null;
};

/** https://url.spec.whatwg.org/#interface-urlsearchparams: an ordered list of name-value pairs. */
interface URLSearchParams {
  /** The number of pairs. */
  readonly size: number;
  append(name: string, value: string): void;
  /** Removes every pair with this name (and, if given, this value). */
  delete(name: string, value?: string): void;
  /** The first value for the name, or null. */
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  /** Replaces the first pair with this name and removes the others, or appends. */
  set(name: string, value: string): void;
  /** Stable sort by name (UTF-16 code units). */
  sort(): void;
  /** application/x-www-form-urlencoded, without a leading "?". */
  toString(): string;
  forEach(callbackfn: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: any): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

declare var URLSearchParams: {
  prototype: URLSearchParams;
  /** A query string (a leading "?" is ignored), pairs, or a record of names to values. */
  new (init?: string[][] | Iterable<readonly [string, string]> | Record<string, string> | string | URLSearchParams): URLSearchParams;
};

/** https://urlpattern.spec.whatwg.org/#dictdef-urlpatterninit: a pattern (or an input) by component. */
interface URLPatternInit {
  protocol?: string;
  username?: string;
  password?: string;
  hostname?: string;
  port?: string;
  pathname?: string;
  search?: string;
  hash?: string;
  /** Components not given are taken from this URL (as far as the URL Standard's rules say). */
  baseURL?: string;
}

/** A pattern string such as "https://*.example.com/books/:id", or a URLPatternInit. */
type URLPatternInput = string | URLPatternInit;

interface URLPatternOptions {
  /** Match the pathname, search and hash case-insensitively. */
  ignoreCase?: boolean;
}

interface URLPatternComponentResult {
  /** The component of the input that was matched. */
  input: string;
  /** Named groups by name, unnamed ones ("*", "(…)") by index: "0", "1", … */
  groups: Record<string, string | undefined>;
}

interface URLPatternResult {
  /** The arguments exec() was called with. */
  inputs: [URLPatternInput] | [URLPatternInput, string];
  protocol: URLPatternComponentResult;
  username: URLPatternComponentResult;
  password: URLPatternComponentResult;
  hostname: URLPatternComponentResult;
  port: URLPatternComponentResult;
  pathname: URLPatternComponentResult;
  search: URLPatternComponentResult;
  hash: URLPatternComponentResult;
}

/**
 * https://urlpattern.spec.whatwg.org/#urlpattern-class. Syntax: `:name` (a segment), `*`
 * (anything), `(regexp)`, `{…}` groups, and the modifiers `?`, `+` and `*`. Invalid patterns throw
 * a TypeError. Regular expression groups use JavaScript's "u" flag rules.
 */
interface URLPattern {
  /** The canonical pattern string of each component. */
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  /** Whether any component uses a custom regular expression group. */
  readonly hasRegExpGroups: boolean;
  test(input?: URLPatternInput, baseURL?: string): boolean;
  /** The match with every component's groups, or null. */
  exec(input?: URLPatternInput, baseURL?: string): URLPatternResult | null;
}

declare var URLPattern: {
  prototype: URLPattern;
  new (input: URLPatternInput, baseURL: string, options?: URLPatternOptions): URLPattern;
  new (input?: URLPatternInput, options?: URLPatternOptions): URLPattern;
};

// ====================================================================================
