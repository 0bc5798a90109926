// TextEncoderStream and TextDecoderStream (https://encoding.spec.whatwg.org/#interface-textencoderstream,
// https://encoding.spec.whatwg.org/#interface-textdecoderstream).
//
// Each is a GenericTransformStream (https://streams.spec.whatwg.org/#other-specs-ts-wrapping) over
// a TransformStream made with internals.streams.createTransformStream. The decoder side reuses a
// TextDecoder (11_encoding.js) in streaming mode, with its decode method captured at load time so
// a patched TextDecoder.prototype does not reach it; the encoder side uses ops.utf8Encode and keeps
// a lead surrogate that ends a chunk for the next one ("pending high surrogate"), so a pair split
// across chunks encodes as one character and a lone one as U+FFFD (EF BF BD).
//
// No deviations known.

const {
  ReflectGetOwnPropertyDescriptor,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  TypeError,
  RangeError,
  TypedArrayPrototypeGetByteLength,
  Uint8Array,
  uncurryThis,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isArrayBuffer,
  isArrayBufferView,
  isObject,
  isSharedArrayBuffer,
  toDictionary,
  toDOMString,
} = internals.webidl;
const streams = internals.streams;
const TextDecoder = internals.TextDecoder;
const textDecoderDecode = uncurryThis(TextDecoder.prototype.decode);
const textDecoderEncoding = uncurryThis(ReflectGetOwnPropertyDescriptor(TextDecoder.prototype, "encoding").get);
const streamOption = { __proto__: null, stream: true };

// --- TextEncoderStream ---

let isTextEncoderStream;

class TextEncoderStream {
  #transform;
  #pendingHighSurrogate = null; // a string of one lead surrogate, or null

  constructor() {
    this.#transform = streams.createTransformStream({
      // https://encoding.spec.whatwg.org/#encode-and-enqueue-a-chunk
      transform: (chunk, controller) => {
        let input = toDOMString(chunk, "Failed to execute 'write' on 'TextEncoderStream'", "chunk");
        if (this.#pendingHighSurrogate !== null) {
          input = `${this.#pendingHighSurrogate}${input}`;
          this.#pendingHighSurrogate = null;
        }
        const last = input.length === 0 ? 0 : StringPrototypeCharCodeAt(input, input.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          this.#pendingHighSurrogate = StringPrototypeSlice(input, input.length - 1);
          input = StringPrototypeSlice(input, 0, input.length - 1);
        }
        const bytes = ops.utf8Encode(input); // lone surrogates become U+FFFD
        if (TypedArrayPrototypeGetByteLength(bytes) > 0) streams.transformEnqueue(controller, bytes);
      },
      // https://encoding.spec.whatwg.org/#encode-and-flush
      flush: (controller) => {
        if (this.#pendingHighSurrogate !== null) {
          this.#pendingHighSurrogate = null;
          const replacement = new Uint8Array(3);
          replacement[0] = 0xef;
          replacement[1] = 0xbf;
          replacement[2] = 0xbd;
          streams.transformEnqueue(controller, replacement);
        }
      },
    }, 1, 0);
  }

  static {
    isTextEncoderStream = (value) => isObject(value) && #transform in value;
  }

  get encoding() {
    if (!isTextEncoderStream(this)) throw illegalInvocation();
    return "utf-8";
  }

  get readable() {
    if (!isTextEncoderStream(this)) throw illegalInvocation();
    return streams.transformReadable(this.#transform);
  }

  get writable() {
    if (!isTextEncoderStream(this)) throw illegalInvocation();
    return streams.transformWritable(this.#transform);
  }
}

// --- TextDecoderStream ---

let isTextDecoderStream;
let describeDecoderStream;

function toBufferSource(chunk) {
  if (isArrayBufferView(chunk) || isArrayBuffer(chunk) || isSharedArrayBuffer(chunk)) return chunk;
  throw new TypeError("Failed to execute 'write' on 'TextDecoderStream': The provided chunk is not an ArrayBuffer or ArrayBufferView.");
}

class TextDecoderStream {
  #decoder;
  #transform;
  #fatal;
  #ignoreBOM;

  // https://encoding.spec.whatwg.org/#dom-textdecoderstream
  constructor(label = "utf-8", options = undefined) {
    const prefix = "Failed to construct 'TextDecoderStream'";
    const labelString = toDOMString(label, prefix, "Argument 1");
    const dictionary = toDictionary(options, prefix, "Argument 2");
    const fatal = dictionary === null ? false : !!dictionary.fatal;
    const ignoreBOM = dictionary === null ? false : !!dictionary.ignoreBOM;
    const encoding = internals.getEncoding(labelString);
    if (encoding === null || encoding === "replacement") {
      throw new RangeError(`${prefix}: The encoding label provided ('${labelString}') is invalid.`);
    }
    const decoder = new TextDecoder(encoding, { __proto__: null, fatal, ignoreBOM });
    this.#decoder = decoder;
    this.#fatal = fatal;
    this.#ignoreBOM = ignoreBOM;
    this.#transform = streams.createTransformStream({
      // https://encoding.spec.whatwg.org/#decode-and-enqueue-a-chunk
      transform(chunk, controller) {
        const text = decode(decoder, toBufferSource(chunk), streamOption, encoding);
        if (text.length > 0) streams.transformEnqueue(controller, text);
      },
      // https://encoding.spec.whatwg.org/#flush-and-enqueue
      flush(controller) {
        const text = decode(decoder, undefined, undefined, encoding);
        if (text.length > 0) streams.transformEnqueue(controller, text);
      },
    }, 1, 0);
  }

  static {
    isTextDecoderStream = (value) => isObject(value) && #decoder in value;
    describeDecoderStream = (stream) => [textDecoderEncoding(stream.#decoder), stream.#fatal, stream.#ignoreBOM];
  }

  get encoding() {
    if (!isTextDecoderStream(this)) throw illegalInvocation();
    return textDecoderEncoding(this.#decoder);
  }

  get fatal() {
    if (!isTextDecoderStream(this)) throw illegalInvocation();
    return this.#fatal;
  }

  get ignoreBOM() {
    if (!isTextDecoderStream(this)) throw illegalInvocation();
    return this.#ignoreBOM;
  }

  get readable() {
    if (!isTextDecoderStream(this)) throw illegalInvocation();
    return streams.transformReadable(this.#transform);
  }

  get writable() {
    if (!isTextDecoderStream(this)) throw illegalInvocation();
    return streams.transformWritable(this.#transform);
  }
}

// The decoder's own TypeError names TextDecoder.decode; the stream's names the stream.
function decode(decoder, input, options, encoding) {
  try {
    return textDecoderDecode(decoder, input, options);
  } catch {
    throw new TypeError(`Failed to decode in 'TextDecoderStream': The encoded data was not valid for encoding ${encoding}.`);
  }
}

configureInterface(TextEncoderStream, "TextEncoderStream");
configureInterface(TextDecoderStream, "TextDecoderStream");
installGlobal("TextEncoderStream", TextEncoderStream);
installGlobal("TextDecoderStream", TextDecoderStream);

// How console.log shows them (as TextEncoder and TextDecoder are shown).
internals.registerInspector(isTextEncoderStream, () =>
  internals.makeDisplayObject(TextEncoderStream.prototype, ["encoding"], ["utf-8"]));
internals.registerInspector(isTextDecoderStream, (stream) =>
  internals.makeDisplayObject(TextDecoderStream.prototype, ["encoding", "fatal", "ignoreBOM"],
    describeDecoderStream(stream)));
