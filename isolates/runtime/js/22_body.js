// The Body mixin shared by Request and Response (https://fetch.spec.whatwg.org/#body-mixin) and
// "extract a body" (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
//
// A body (https://fetch.spec.whatwg.org/#concept-body) is an InnerBody. Its stream is created only
// when something needs one (the `body` getter, clone() of a stream body): until then the body
// keeps its source, which the host sends without going through a stream, and which the read
// methods use directly. The source is one of:
//   - a string (bodies built from a string or URLSearchParams: kept as the string so the host can
//     send it without a round trip through JS bytes; UTF-8 encoded when needed, lone surrogates
//     becoming U+FFFD);
//   - a Uint8Array (byte bodies, copied at construction, and incoming request bodies);
//   - a BlobData (15_blob.js: Blob bodies, and FormData bodies encoded as multipart/form-data,
//     whose chunks include the files' own chunks, so neither copies the Blob's bytes).
//   - null once the body is a ReadableStream: given as BodyInit, an incoming streamed request
//     body, or made from the source by the `body` getter (the source's bytes are then handed to
//     the stream: a Uint8Array the body owns alone is transferred, anything shared is copied).
// Sources are never written to. clone() shares the source between the two bodies ("shared"), or
// tees the stream; a reader that hands memory to user code (arrayBuffer(), bytes()) copies a
// shared source, and otherwise gives away the body's own buffer (the body is used up by then).
// A stream body is read with internals.streams.readAllBytes (chunks must be Uint8Arrays).
// "Unusable" (https://fetch.spec.whatwg.org/#body-unusable) is InnerBody.used: the stream is
// disturbed or locked, or the source was read; bodyUsed is InnerBody.disturbed.
//
// Extracting a URLSearchParams body uses internals.isURLSearchParams, urlSearchParamsList and
// urlencodedSerialize from the URL implementation (05_url.js, 12_url_api.js), and formData() on
// an application/x-www-form-urlencoded body uses internals.urlencodedParse; they are looked up
// when called, so this file does not depend on the URL files' load order.
//
// Deviation: a body made from a source and then read by a read method without its stream being
// asked for never had a stream; its `body` is then a stream that is already disturbed and locked,
// as the spec's would be.
//
// Exports on `internals`: InnerBody, convertBodyInit(value, prefix), extractBody(value,
// keepalive) -> { body, type }, installBodyMixin(prototype, getBody, getHeaders),
// bodySourceChunks(source) -> string | Uint8Array | [Uint8Array, …] (for the host).

const {
  ArrayBufferPrototypeGetByteLength,
  JSONParse,
  MapPrototypeGet,
  ObjectDefineProperty,
  ReflectGetOwnPropertyDescriptor,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeSet,
  TypeError,
  Uint8Array,
} = primordials;
const {
  copyBufferSource,
  isArrayBuffer,
  isArrayBufferView,
  isObject,
  isSharedArrayBuffer,
  isTypedArray,
  toUSVString,
  viewBuffer,
} = internals.webidl;
const {
  blobData,
  blobDataFromBytes,
  blobType,
  concatBlobData,
  createBlob,
  createFormData,
  encodeMultipartFormData,
  extractMimeType,
  formDataList,
  headerList,
  isBlob,
  isFormData,
  mimeEssence,
  parseMultipartFormData,
  serializeMimeType,
  utf8DecodeWithoutBOM,
} = internals;
const streams = internals.streams;

class InnerBody {
  #source; // string | Uint8Array | BlobData | null (the body is #stream)
  #stream = null; // ReadableStream | null
  #used = false; // the source was read
  #shared;

  // `source` is a string, Uint8Array, BlobData or ReadableStream.
  constructor(source, shared = false) {
    if (streams.isReadableStream(source)) {
      this.#source = null;
      this.#stream = source;
    } else {
      this.#source = source;
    }
    this.#shared = shared;
  }

  // True when the body is (now) a ReadableStream: read it with readAll().
  get isStream() {
    return this.#stream !== null;
  }

  // https://fetch.spec.whatwg.org/#body-unusable
  get used() {
    if (this.#stream === null) return this.#used;
    return streams.isDisturbed(this.#stream) || streams.isLocked(this.#stream);
  }

  // bodyUsed: https://fetch.spec.whatwg.org/#dom-body-bodyused
  get disturbed() {
    return this.#stream === null ? this.#used : streams.isDisturbed(this.#stream);
  }

  // True when another body may hold the same Uint8Array source (after clone()).
  get shared() {
    return this.#shared;
  }

  // Marks a source body as read and returns its source.
  take() {
    this.#used = true;
    return this.#source;
  }

  // The body's ReadableStream, made from the source the first time.
  stream() {
    if (this.#stream === null) {
      this.#stream = this.#used ? usedStream() : sourceStream(this.#source, this.#shared);
      this.#source = null;
    }
    return this.#stream;
  }

  // https://fetch.spec.whatwg.org/#concept-body-clone: the two bodies share the source, or the
  // stream is teed (this body keeps one branch).
  clone() {
    if (this.#stream !== null) {
      const branches = streams.tee(this.#stream);
      this.#stream = branches[0];
      return new InnerBody(branches[1]);
    }
    this.#shared = true;
    return new InnerBody(this.#source, true);
  }

  // Moves the body to a new Request (new Request(request)); this one becomes used. A stream is
  // piped through a proxy (https://fetch.spec.whatwg.org/#dom-request step 41: "creating a proxy"),
  // which disturbs and locks this body's stream.
  transfer() {
    if (this.#stream !== null) {
      // A host body nobody touched moves as it is, so it can still go from socket to socket
      // (28_host_streams.js); this body's stream is left locked.
      const moved = internals.transferHostStream(this.#stream);
      if (moved !== null) return new InnerBody(moved);
      const proxy = streams.createTransformStream({});
      const piped = streams.pipeTo(this.#stream, streams.transformWritable(proxy));
      streams.markHandled(piped);
      return new InnerBody(streams.transformReadable(proxy));
    }
    this.#used = true;
    return new InnerBody(this.#source, this.#shared);
  }
}

// A stream of the source's bytes. Bytes the body alone owns (a Uint8Array that is its buffer's
// only view and not shared with a clone) are transferred to the stream; others are copied.
function sourceStream(source, shared) {
  if (typeof source === "string") return streams.readableStreamFromBytes(ops.utf8Encode(source));
  if (isTypedArray(source)) {
    const whole = TypedArrayPrototypeGetByteOffset(source) === 0 &&
      TypedArrayPrototypeGetByteLength(source) === ArrayBufferPrototypeGetByteLength(TypedArrayPrototypeGetBuffer(source));
    if (!shared && whole) return streams.readableStreamFromBytes(source);
    return streams.readableStreamFromChunks([source], true);
  }
  return streams.readableStreamFromChunks(source.chunks, true);
}

// The stream of a body whose source was already read: empty, disturbed and locked.
function usedStream() {
  const stream = streams.readableStreamFromBytes(new Uint8Array(0));
  streams.markHandled(streams.readerRead(streams.acquireReader(stream)));
  return stream;
}

function isURLSearchParams(value) {
  const test = internals.isURLSearchParams;
  return typeof test === "function" && test(value);
}

// https://webidl.spec.whatwg.org/#es-union for BodyInit = (ReadableStream or Blob or
// BufferSource or FormData or URLSearchParams or USVString): returns a ReadableStream, Blob,
// FormData, URLSearchParams, ArrayBuffer, ArrayBufferView or string. Only called for non-null
// values.
function convertBodyInit(value, prefix) {
  if (isObject(value)) {
    if (streams.isReadableStream(value)) return value;
    if (isBlob(value) || isFormData(value) || isURLSearchParams(value)) return value;
    if (isArrayBuffer(value)) return value;
    if (isArrayBufferView(value)) {
      if (isSharedArrayBuffer(viewBuffer(value))) {
        throw new TypeError(`${prefix}: the body's view must not be backed by a SharedArrayBuffer.`);
      }
      return value;
    }
  }
  return toUSVString(value, prefix, "body");
}

function bodyWithType(source, type) {
  return { __proto__: null, body: new InnerBody(source), type };
}

// https://fetch.spec.whatwg.org/#concept-bodyinit-extract, for a converted BodyInit.
function extractBody(object, keepalive = false) {
  if (streams.isReadableStream(object)) {
    if (keepalive) throw new TypeError("A keepalive request cannot have a ReadableStream body.");
    if (streams.isDisturbed(object) || streams.isLocked(object)) {
      throw new TypeError("The ReadableStream body is disturbed or locked.");
    }
    return bodyWithType(object, null);
  }
  if (typeof object === "string") return bodyWithType(object, "text/plain;charset=UTF-8");
  if (isBlob(object)) {
    const type = blobType(object);
    return bodyWithType(blobData(object), type === "" ? null : type);
  }
  if (isFormData(object)) {
    const encoded = encodeMultipartFormData(formDataList(object));
    return bodyWithType(encoded.data, `multipart/form-data; boundary=${encoded.boundary}`);
  }
  if (isURLSearchParams(object)) {
    const list = internals.urlSearchParamsList(object);
    return bodyWithType(internals.urlencodedSerialize(list), "application/x-www-form-urlencoded;charset=UTF-8");
  }
  return bodyWithType(copyBufferSource(object), null);
}

// The source as the host takes it: a string, a Uint8Array, or a list of Uint8Arrays to send one
// after the other (a BlobData's chunks; none for an empty one).
function bodySourceChunks(source) {
  if (typeof source === "string" || isTypedArray(source)) return source;
  return source.chunks;
}

// UTF-8 bytes of a body source (read-only use: they may be shared).
function sourceBytes(source) {
  if (typeof source === "string") return ops.utf8Encode(source);
  if (isTypedArray(source)) return source;
  return concatBlobData(source);
}

// Bytes of a body source that the caller may give to user code.
function ownBytes(source, shared) {
  if (isTypedArray(source) && shared) {
    const copy = new Uint8Array(TypedArrayPrototypeGetByteLength(source));
    TypedArrayPrototypeSet(copy, source);
    return copy;
  }
  return sourceBytes(source);
}

// An ArrayBuffer holding exactly `bytes` (which the caller owns), reusing its buffer when the
// view covers all of it.
function toArrayBuffer(bytes) {
  const buffer = TypedArrayPrototypeGetBuffer(bytes);
  const length = TypedArrayPrototypeGetByteLength(bytes);
  if (TypedArrayPrototypeGetByteOffset(bytes) === 0 && length === ArrayBufferPrototypeGetByteLength(buffer)) {
    return buffer;
  }
  const copy = new Uint8Array(length);
  TypedArrayPrototypeSet(copy, bytes);
  return TypedArrayPrototypeGetBuffer(copy);
}

// https://fetch.spec.whatwg.org/#concept-body-consume-body: the body's source (the empty string
// for a null body, the bytes read from a stream body) and whether it may be shared; throws (i.e.
// rejects) if the body is unusable.
async function consume(body) {
  if (body === null) return { __proto__: null, source: "", shared: false };
  if (body.used) throw new TypeError("Body has already been used");
  if (body.isStream) {
    const bytes = await streams.readAllBytes(body.stream());
    return { __proto__: null, source: bytes, shared: false };
  }
  const shared = body.shared;
  return { __proto__: null, source: body.take(), shared };
}

// https://fetch.spec.whatwg.org/#concept-body-mime-type for Request and Response.
function bodyMimeType(headers) {
  return extractMimeType(headerList(headers));
}

function toBlobData(source) {
  if (typeof source === "string") return blobDataFromBytes(ops.utf8Encode(source));
  if (isTypedArray(source)) return blobDataFromBytes(source); // shared readers copy, see above
  return source;
}

// https://fetch.spec.whatwg.org/#concept-body-package-data for FormData.
function packageFormData(source, mimeType) {
  const essence = mimeType === null ? null : mimeEssence(mimeType);
  if (essence === "multipart/form-data") {
    const boundary = MapPrototypeGet(mimeType.parameters, "boundary");
    if (boundary === undefined) {
      throw new TypeError("Failed to parse the body as multipart/form-data: the Content-Type has no boundary parameter.");
    }
    return createFormData(parseMultipartFormData(sourceBytes(source), boundary));
  }
  if (essence === "application/x-www-form-urlencoded") {
    const parse = internals.urlencodedParse;
    if (typeof parse !== "function") {
      throw new TypeError("Failed to parse the body as application/x-www-form-urlencoded: URLSearchParams is not available.");
    }
    return createFormData(parse(sourceBytes(source)));
  }
  throw new TypeError(
    `Failed to parse the body as FormData: the Content-Type must be multipart/form-data or application/x-www-form-urlencoded${essence === null ? "" : `, not ${essence}`}.`,
  );
}

// Defines body, bodyUsed, arrayBuffer(), blob(), bytes(), formData(), json() and text() on
// `prototype`. `getBody(object)` returns the object's InnerBody or null, and throws "Illegal
// invocation" when `object` is not an instance of the class; `getHeaders(object)` its Headers.
function installBodyMixin(prototype, getBody, getHeaders) {
  const members = {
    get body() {
      const body = getBody(this);
      return body === null ? null : body.stream();
    },
    get bodyUsed() {
      const body = getBody(this);
      return body !== null && body.disturbed;
    },
    async arrayBuffer() {
      const consumed = await consume(getBody(this));
      return toArrayBuffer(ownBytes(consumed.source, consumed.shared));
    },
    async blob() {
      const body = getBody(this);
      const headers = getHeaders(this);
      const consumed = await consume(body);
      const mimeType = bodyMimeType(headers);
      return createBlob(toBlobData(consumed.source), mimeType === null ? "" : serializeMimeType(mimeType));
    },
    async bytes() {
      const consumed = await consume(getBody(this));
      return new Uint8Array(toArrayBuffer(ownBytes(consumed.source, consumed.shared)));
    },
    async formData() {
      const body = getBody(this);
      const headers = getHeaders(this);
      const consumed = await consume(body);
      return packageFormData(consumed.source, bodyMimeType(headers));
    },
    async json() {
      const consumed = await consume(getBody(this));
      return JSONParse(utf8DecodeWithoutBOM(sourceBytes(consumed.source)));
    },
    async text() {
      const consumed = await consume(getBody(this));
      return utf8DecodeWithoutBOM(sourceBytes(consumed.source));
    },
  };
  const names = ["body", "bodyUsed", "arrayBuffer", "blob", "bytes", "formData", "json", "text"];
  for (let i = 0; i < names.length; i++) {
    const descriptor = ReflectGetOwnPropertyDescriptor(members, names[i]);
    descriptor.enumerable = true;
    ObjectDefineProperty(prototype, names[i], descriptor);
  }
}

internals.InnerBody = InnerBody;
internals.convertBodyInit = convertBodyInit;
internals.extractBody = extractBody;
internals.installBodyMixin = installBodyMixin;
internals.bodySourceChunks = bodySourceChunks;
