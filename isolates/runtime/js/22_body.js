// The Body mixin shared by Request and Response (https://fetch.spec.whatwg.org/#body-mixin) and
// "extract a body" (https://fetch.spec.whatwg.org/#concept-bodyinit-extract).
//
// A body is stored whole, as an InnerBody holding either a string (bodies built from a string:
// kept as the string so the host can send it without a round trip through JS bytes; it is UTF-8
// encoded when needed, lone surrogates becoming U+FFFD) or a Uint8Array the body owns.
//
// Not yet here (later changes): ReadableStream. Until streams exist the `body` getter returns
// null, even when there is a body; use text()/json()/arrayBuffer()/bytes() to read it. Likewise
// Blob, FormData and URLSearchParams bodies are not recognized yet: like any other object they
// are converted to a string (BodyInit's USVString branch), e.g. "[object Object]".
//
// Exports on `internals`: InnerBody, convertBodyInit(value, prefix), extractBody(value) ->
// { body, type }, installBodyMixin(prototype, getBody).

const {
  ArrayBuffer,
  ArrayBufferPrototypeGetByteLength,
  JSONParse,
  ObjectDefineProperty,
  ReflectGetOwnPropertyDescriptor,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
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
  isSharedArrayBuffer,
  toUSVString,
  viewBuffer,
} = internals.webidl;

class InnerBody {
  #source; // string | Uint8Array
  #used = false;

  constructor(source) {
    this.#source = source;
  }

  // https://fetch.spec.whatwg.org/#body-unusable (without streams: "has been read")
  get used() {
    return this.#used;
  }

  // Marks the body as read and returns its source (string or Uint8Array).
  take() {
    this.#used = true;
    return this.#source;
  }
}

// https://webidl.spec.whatwg.org/#es-union for BodyInit = (ReadableStream or Blob or
// BufferSource or FormData or URLSearchParams or USVString): returns an ArrayBuffer, an
// ArrayBufferView or a string. Only called for non-null values.
function convertBodyInit(value, prefix) {
  if (typeof value === "object" || typeof value === "function") {
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

// https://fetch.spec.whatwg.org/#concept-bodyinit-extract, for a converted BodyInit.
function extractBody(object) {
  if (typeof object === "string") {
    return { __proto__: null, body: new InnerBody(object), type: "text/plain;charset=UTF-8" };
  }
  return { __proto__: null, body: new InnerBody(copyBufferSource(object)), type: null };
}

// UTF-8 bytes of a body source.
function sourceBytes(source) {
  return typeof source === "string" ? ops.utf8Encode(source) : source;
}

// https://encoding.spec.whatwg.org/#utf-8-decode (the op does not strip the BOM)
function utf8Decode(bytes) {
  const text = ops.utf8Decode(bytes);
  return text.length > 0 && StringPrototypeCharCodeAt(text, 0) === 0xfeff ? StringPrototypeSlice(text, 1) : text;
}

// An ArrayBuffer holding exactly `bytes`, reusing its buffer when the view covers all of it
// (body sources are never shared, and a body can only be read once).
function toArrayBuffer(bytes) {
  const buffer = TypedArrayPrototypeGetBuffer(bytes);
  const length = TypedArrayPrototypeGetByteLength(bytes);
  if (TypedArrayPrototypeGetByteOffset(bytes) === 0 && length === ArrayBufferPrototypeGetByteLength(buffer)) {
    return buffer;
  }
  const copy = new Uint8Array(new ArrayBuffer(length));
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

// Defines body, bodyUsed, arrayBuffer(), bytes(), json() and text() on `prototype`.
// `getBody(object)` returns the object's InnerBody or null, and throws "Illegal invocation" when
// `object` is not an instance of the class.
function installBodyMixin(prototype, getBody) {
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
      return toArrayBuffer(sourceBytes(consume(getBody(this))));
    },
    async bytes() {
      const bytes = sourceBytes(consume(getBody(this)));
      return new Uint8Array(toArrayBuffer(bytes));
    },
    async json() {
      return JSONParse(utf8Decode(sourceBytes(consume(getBody(this)))));
    },
    async text() {
      return utf8Decode(sourceBytes(consume(getBody(this))));
    },
  };
  const names = ["body", "bodyUsed", "arrayBuffer", "bytes", "json", "text"];
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
