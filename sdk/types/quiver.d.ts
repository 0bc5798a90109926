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
 * (https://fetch.spec.whatwg.org/) and the WinterTC Minimum Common API, with the same shapes as
 * TypeScript's lib.dom; only the members the runtime implements today are declared here.
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

/**
 * Bodies the runtime accepts today. Other values are converted to strings, as the standard does
 * for objects that are not Blob, FormData, URLSearchParams or ReadableStream.
 */
type BodyInit = string | ArrayBuffer | ArrayBufferView;

/** https://fetch.spec.whatwg.org/#body-mixin */
interface Body {
  /**
   * Always null for now: ReadableStream support comes in a later version. Read bodies with
   * text(), json(), arrayBuffer() or bytes().
   */
  readonly body: null;
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  json(): Promise<any>;
  text(): Promise<string>;
}

type RequestRedirect = "error" | "follow" | "manual";

/** The RequestInit members the runtime supports (others are ignored). */
interface RequestInit {
  body?: BodyInit | null;
  headers?: HeadersInit;
  method?: string;
  redirect?: RequestRedirect;
}

/** Relative URL strings resolve against the URL of the request being handled. */
type RequestInfo = Request | string;

/** https://fetch.spec.whatwg.org/#request-class */
interface Request extends Body {
  readonly headers: Headers;
  readonly method: string;
  readonly redirect: RequestRedirect;
  readonly url: string;
}

declare var Request: {
  prototype: Request;
  new (input: RequestInfo, init?: RequestInit): Request;
};

type ResponseType = "default" | "error";

interface ResponseInit {
  headers?: HeadersInit;
  /** 200 to 599; otherwise the constructor throws a RangeError. */
  status?: number;
  statusText?: string;
}

/** https://fetch.spec.whatwg.org/#response-class */
interface Response extends Body {
  readonly headers: Headers;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly type: ResponseType;
  readonly url: string;
}

declare var Response: {
  prototype: Response;
  new (body?: BodyInit | null, init?: ResponseInit): Response;
  /** A network error; returning it from `fetch` is an error. */
  error(): Response;
  /** A JSON response with content-type application/json. */
  json(data: unknown, init?: ResponseInit): Response;
  /** `status` is 301, 302 (default), 303, 307 or 308. Relative URLs resolve like in Request. */
  redirect(url: string, status?: number): Response;
};

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
