// The Body mixin shared by Request and Response (https://fetch.spec.whatwg.org/#body-mixin) and
// "extract a body" (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
//
// A body is stored whole, as an InnerBody whose source is one of:
//   - a string (bodies built from a string or URLSearchParams: kept as the string so the host can
//     send it without a round trip through JS bytes; UTF-8 encoded when needed, lone surrogates
//     becoming U+FFFD);
//   - a Uint8Array (byte bodies, copied at construction, and incoming request bodies);
//   - a BlobData (15_blob.js: Blob bodies, and FormData bodies encoded as multipart/form-data,
//     whose chunks include the files' own chunks, so neither copies the Blob's bytes).
// Sources are never written to. clone() shares the source between the two bodies ("shared"); a
// reader that hands memory to user code (arrayBuffer(), bytes()) copies a shared source, and
// otherwise gives away the body's own buffer (the body is used up by then).
//
// Extracting a URLSearchParams body uses internals.isURLSearchParams, urlSearchParamsList and
// urlencodedSerialize from the URL implementation (05_url.js, 12_url_api.js), and formData() on
// an application/x-www-form-urlencoded body uses internals.urlencodedParse; they are looked up
// when called, so this file does not depend on the URL files' load order.
//
// Deviation: ReadableStream does not exist yet, so the `body` getter returns null even when there
// is a body (use text()/json()/arrayBuffer()/bytes()/blob()/formData() to read it), and a stream
// is not accepted as BodyInit (it becomes a string like any other object).
//
// Exports on `internals`: InnerBody, convertBodyInit(value, prefix), extractBody(value) ->
// { body, type }, installBodyMixin(prototype, getBody, getHeaders), bodySourceChunks(source) ->
// string | Uint8Array | [Uint8Array, …] (for the host).

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

class InnerBody {
  #source; // string | Uint8Array | BlobData
  #used = false;
  #shared;

  constructor(source, shared = false) {
    this.#source = source;
    this.#shared = shared;
  }

  // https://fetch.spec.whatwg.org/#body-unusable (without streams: "has been read")
  get used() {
    return this.#used;
  }

  // True when another body may hold the same Uint8Array source (after clone()).
  get shared() {
    return this.#shared;
  }

  // Marks the body as read and returns its source.
  take() {
    this.#used = true;
    return this.#source;
  }

  // https://fetch.spec.whatwg.org/#concept-body-clone: the two bodies share the source.
  clone() {
    this.#shared = true;
    return new InnerBody(this.#source, true);
  }

  // Moves the source to a new body (new Request(request)); this one becomes used.
  transfer() {
    this.#used = true;
    return new InnerBody(this.#source, this.#shared);
  }
}

function isURLSearchParams(value) {
  const test = internals.isURLSearchParams;
  return typeof test === "function" && test(value);
}

// https://webidl.spec.whatwg.org/#es-union for BodyInit = (ReadableStream or Blob or
// BufferSource or FormData or URLSearchParams or USVString): returns a Blob, FormData,
// URLSearchParams, ArrayBuffer, ArrayBufferView or string. Only called for non-null values.
function convertBodyInit(value, prefix) {
  if (isObject(value)) {
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
function extractBody(object) {
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

// https://fetch.spec.whatwg.org/#concept-body-consume-body: returns the body's source, or the
// empty string for a null body; throws (i.e. rejects) if the body was already read.
function consume(body) {
  if (body === null) return "";
  if (body.used) throw new TypeError("Body has already been used");
  return body.take();
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
      getBody(this);
      return null; // becomes a ReadableStream in a later change
    },
    get bodyUsed() {
      const body = getBody(this);
      return body !== null && body.used;
    },
    async arrayBuffer() {
      const body = getBody(this);
      const shared = body !== null && body.shared;
      return toArrayBuffer(ownBytes(consume(body), shared));
    },
    async blob() {
      const body = getBody(this);
      const source = consume(body);
      const mimeType = bodyMimeType(getHeaders(this));
      return createBlob(toBlobData(source), mimeType === null ? "" : serializeMimeType(mimeType));
    },
    async bytes() {
      const body = getBody(this);
      const shared = body !== null && body.shared;
      return new Uint8Array(toArrayBuffer(ownBytes(consume(body), shared)));
    },
    async formData() {
      const body = getBody(this);
      const source = consume(body);
      return packageFormData(source, bodyMimeType(getHeaders(this)));
    },
    async json() {
      return JSONParse(utf8DecodeWithoutBOM(sourceBytes(consume(getBody(this)))));
    },
    async text() {
      return utf8DecodeWithoutBOM(sourceBytes(consume(getBody(this))));
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
