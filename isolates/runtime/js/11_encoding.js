// TextEncoder and TextDecoder (https://encoding.spec.whatwg.org/#api).
//
// TextEncoder: encode() and encodeInto() through V8's UTF-8 writer (ops.utf8Encode/EncodeInto):
// lone surrogates become U+FFFD (the USVString conversion), and encodeInto never writes part of
// a character (`read` counts UTF-16 code units, so a surrogate pair counts 2).
//
// TextDecoder: every encoding of the standard but "replacement" (a RangeError, as the spec says
// for its labels), by the label table of https://encoding.spec.whatwg.org/#names-and-labels.
// The decoders are native (isolates/runtime/text_codecs.h): UTF-8 not streaming and not fatal goes
// straight to V8's UTF-8 decoder (ops.utf8Decode); streaming or fatal UTF-8 uses
// ops.utf8DecodeStream, which still leaves the bulk of each chunk to V8 and finishes a sequence
// split between chunks itself. Other encodings go through ops.decode. A decoder's state between
// chunks is one number held here (#state), so there is nothing native to free.
// The BOM is handled here, on the decoded text (https://encoding.spec.whatwg.org/#decode-and-enqueue
// "serialize I/O queue"): for UTF-8 and UTF-16, a U+FEFF first in the stream is dropped unless
// ignoreBOM.
//
// Deviations: legacy multi-byte index tables come from ICU 72's converters; where they differ
// from the standard's indexes is listed in isolates/runtime/README-encoding.md (notably Big5:
// 157 HKSCS-2008 pointers are unmapped; gb18030 follows GB18030-2005 where the standard adopted
// GB18030-2022's changed mappings). TextEncoderStream/TextDecoderStream are not here.
//
// Exports on `internals`: utf8Encode(string) -> Uint8Array, utf8Decode(bytes) -> string (UTF-8
// decode: BOM stripped, errors replaced; 15_blob.js exports utf8DecodeWithoutBOM),
// getEncoding(label) -> name | null, isTextEncoder, isTextDecoder.

const {
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeSplit,
  StringPrototypeToLowerCase,
  TypeError,
  RangeError,
  TypedArrayPrototypeGetSymbolToStringTag,
  Uint32Array,
  Uint8Array,
} = primordials;
const {
  bufferSourceView,
  configureInterface,
  illegalInvocation,
  installGlobal,
  isArrayBuffer,
  isArrayBufferView,
  isObject,
  isSharedArrayBuffer,
  requiredArguments,
  toDictionary,
  toDOMString,
} = internals.webidl;
const { createHostObject, HostObjectSlots } = internals;

// --- labels (https://encoding.spec.whatwg.org/#names-and-labels) ---

const labelTable = [
  ["utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"],
  ["ibm866", "866 cp866 csibm866 ibm866"],
  ["iso-8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"],
  ["iso-8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"],
  ["iso-8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"],
  ["iso-8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988"],
  ["iso-8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e " +
    "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"],
  ["iso-8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 " +
    "iso_8859-7 iso_8859-7:1987 sun_eu_greek"],
  ["iso-8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 " +
    "iso_8859-8 iso_8859-8:1988 visual"],
  ["iso-8859-8-i", "csiso88598i iso-8859-8-i logical"],
  ["iso-8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"],
  ["iso-8859-13", "iso-8859-13 iso8859-13 iso885913"],
  ["iso-8859-14", "iso-8859-14 iso8859-14 iso885914"],
  ["iso-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"],
  ["iso-8859-16", "iso-8859-16"],
  ["koi8-r", "cskoi8r koi koi8 koi8-r koi8_r"],
  ["koi8-u", "koi8-ru koi8-u"],
  ["macintosh", "csmacintosh mac macintosh x-mac-roman"],
  ["windows-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"],
  ["windows-1250", "cp1250 windows-1250 x-cp1250"],
  ["windows-1251", "cp1251 windows-1251 x-cp1251"],
  ["windows-1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 " +
    "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"],
  ["windows-1253", "cp1253 windows-1253 x-cp1253"],
  ["windows-1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 " +
    "l5 latin5 windows-1254 x-cp1254"],
  ["windows-1255", "cp1255 windows-1255 x-cp1255"],
  ["windows-1256", "cp1256 windows-1256 x-cp1256"],
  ["windows-1257", "cp1257 windows-1257 x-cp1257"],
  ["windows-1258", "cp1258 windows-1258 x-cp1258"],
  ["x-mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"],
  ["gbk", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"],
  ["gb18030", "gb18030"],
  ["big5", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"],
  ["euc-jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"],
  ["iso-2022-jp", "csiso2022jp iso-2022-jp"],
  ["shift_jis", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"],
  ["euc-kr", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 " +
    "ksc_5601 windows-949"],
  ["replacement", "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr"],
  ["utf-16be", "unicodefffe utf-16be"],
  ["utf-16le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"],
  ["x-user-defined", "x-user-defined"],
];

const encodingForLabel = { __proto__: null };
for (let i = 0; i < labelTable.length; i++) {
  const labels = StringPrototypeSplit(labelTable[i][1], " ");
  for (let j = 0; j < labels.length; j++) encodingForLabel[labels[j]] = labelTable[i][0];
}

function isAsciiWhitespace(c) {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

// https://encoding.spec.whatwg.org/#concept-encoding-get: the encoding's name, or null.
function getEncoding(label) {
  let start = 0;
  let end = label.length;
  while (start < end && isAsciiWhitespace(StringPrototypeCharCodeAt(label, start))) start++;
  while (end > start && isAsciiWhitespace(StringPrototypeCharCodeAt(label, end - 1))) end--;
  // ASCII lowercase only: String.prototype.toLowerCase also maps non-ASCII letters (U+212A
  // KELVIN SIGN to "k"), which would accept labels the spec does not.
  const trimmed = StringPrototypeSlice(label, start, end);
  for (let i = 0; i < trimmed.length; i++) {
    if (StringPrototypeCharCodeAt(trimmed, i) > 0x7f) return null;
  }
  return encodingForLabel[StringPrototypeToLowerCase(trimmed)] ?? null;
}

// --- TextEncoder ---

const encodeIntoResult = new Uint32Array(2);

let TextEncoder;
let isTextEncoder;

class TextEncoderSlots extends HostObjectSlots {
  #brand = true;

  constructor(object) {
    super(object);
  }

  static {
    isTextEncoder = (value) => isObject(value) && #brand in value;

    TextEncoder = class TextEncoder {
      constructor() {
        return new TextEncoderSlots(createHostObject(new.target));
      }

      get encoding() {
        if (!isTextEncoder(this)) throw illegalInvocation();
        return "utf-8";
      }

      // https://encoding.spec.whatwg.org/#dom-textencoder-encode
      encode(input = "") {
        if (!isTextEncoder(this)) throw illegalInvocation();
        const string = toDOMString(input, "Failed to execute 'encode' on 'TextEncoder'", "Argument 1");
        return ops.utf8Encode(string);
      }

      // https://encoding.spec.whatwg.org/#dom-textencoder-encodeinto
      encodeInto(source, destination) {
        if (!isTextEncoder(this)) throw illegalInvocation();
        const prefix = "Failed to execute 'encodeInto' on 'TextEncoder'";
        requiredArguments(arguments.length, 2, prefix);
        const string = toDOMString(source, prefix, "Argument 1");
        if (TypedArrayPrototypeGetSymbolToStringTag(destination) !== "Uint8Array") {
          throw new TypeError(`${prefix}: parameter 2 is not of type 'Uint8Array'.`);
        }
        ops.utf8EncodeInto(string, destination, encodeIntoResult);
        return { read: encodeIntoResult[0], written: encodeIntoResult[1] };
      }
    };
  }
}

configureInterface(TextEncoder, "TextEncoder");

// --- TextDecoder ---

const stateOut = new Uint32Array(1);

let TextDecoder;
let isTextDecoder;
let describeDecoder;

class TextDecoderSlots extends HostObjectSlots {
  #encoding;
  #fatal;
  #ignoreBOM;
  #bomSeen = false;
  #doNotFlush = false;
  #state = 0;

  constructor(object) {
    super(object);
  }

  static {
    isTextDecoder = (value) => isObject(value) && #encoding in value;
    describeDecoder = (decoder) => [decoder.#encoding, decoder.#fatal, decoder.#ignoreBOM];

    TextDecoder = class TextDecoder {
      // https://encoding.spec.whatwg.org/#dom-textdecoder
      constructor(label = "utf-8", options = undefined) {
        const prefix = "Failed to construct 'TextDecoder'";
        const labelString = toDOMString(label, prefix, "Argument 1");
        const dictionary = toDictionary(options, prefix, "Argument 2");
        const fatal = dictionary === null ? false : !!dictionary.fatal;
        const ignoreBOM = dictionary === null ? false : !!dictionary.ignoreBOM;
        const encoding = getEncoding(labelString);
        if (encoding === null || encoding === "replacement") {
          throw new RangeError(`${prefix}: The encoding label provided ('${labelString}') is invalid.`);
        }
        const self = new TextDecoderSlots(createHostObject(new.target));
        self.#encoding = encoding;
        self.#fatal = fatal;
        self.#ignoreBOM = ignoreBOM;
        return self;
      }

      get encoding() {
        if (!isTextDecoder(this)) throw illegalInvocation();
        return this.#encoding;
      }

      get fatal() {
        if (!isTextDecoder(this)) throw illegalInvocation();
        return this.#fatal;
      }

      get ignoreBOM() {
        if (!isTextDecoder(this)) throw illegalInvocation();
        return this.#ignoreBOM;
      }

      // https://encoding.spec.whatwg.org/#dom-textdecoder-decode
      decode(input = undefined, options = undefined) {
        if (!isTextDecoder(this)) throw illegalInvocation();
        const prefix = "Failed to execute 'decode' on 'TextDecoder'";
        let bytes;
        if (input === undefined) {
          bytes = new Uint8Array(0);
        } else if (isArrayBufferView(input) || isArrayBuffer(input)) {
          bytes = bufferSourceView(input);
        } else if (isSharedArrayBuffer(input)) {
          bytes = new Uint8Array(input);
        } else {
          throw new TypeError(`${prefix}: parameter 1 is not of type '(ArrayBuffer or ArrayBufferView)'.`);
        }
        const dictionary = toDictionary(options, prefix, "Argument 2");
        const stream = dictionary === null ? false : !!dictionary.stream;

        // 1. A stream that was flushed starts again.
        if (!this.#doNotFlush) {
          this.#state = 0;
          this.#bomSeen = false;
        }
        // 2. The new "do not flush".
        this.#doNotFlush = stream;

        const encoding = this.#encoding;
        let text;
        if (encoding === "utf-8") {
          text = !stream && !this.#fatal && this.#state === 0
            ? ops.utf8Decode(bytes)
            : ops.utf8DecodeStream(bytes, this.#state, this.#fatal, !stream, stateOut);
        } else {
          text = ops.decode(encoding, bytes, this.#state, this.#fatal, !stream, stateOut);
        }
        if (text === null) {
          this.#state = 0;
          throw new TypeError(`${prefix}: The encoded data was not valid for encoding ${encoding}.`);
        }
        this.#state = stream ? stateOut[0] : 0;
        if (text.length > 0 && !this.#bomSeen &&
            (encoding === "utf-8" || encoding === "utf-16le" || encoding === "utf-16be")) {
          if (!this.#ignoreBOM) {
            this.#bomSeen = true;
            if (StringPrototypeCharCodeAt(text, 0) === 0xfeff) text = StringPrototypeSlice(text, 1);
          }
        }
        return text;
      }
    };
  }
}

configureInterface(TextDecoder, "TextDecoder");

// How console.log shows them (as in Deno).
internals.registerInspector(isTextEncoder, () =>
  internals.makeDisplayObject(TextEncoder.prototype, ["encoding"], ["utf-8"]));
internals.registerInspector(isTextDecoder, (decoder) => {
  const parts = describeDecoder(decoder);
  return internals.makeDisplayObject(TextDecoder.prototype, ["encoding", "fatal", "ignoreBOM"], parts);
});

// --- helpers for the rest of the runtime ---

// https://encoding.spec.whatwg.org/#utf-8-decode (BOM stripped)
function utf8Decode(bytes) {
  const text = ops.utf8Decode(bytes);
  return text.length > 0 && StringPrototypeCharCodeAt(text, 0) === 0xfeff ? StringPrototypeSlice(text, 1) : text;
}

installGlobal("TextEncoder", TextEncoder);
installGlobal("TextDecoder", TextDecoder);

internals.TextEncoder = TextEncoder;
internals.TextDecoder = TextDecoder;
internals.isTextEncoder = isTextEncoder;
internals.isTextDecoder = isTextDecoder;
internals.getEncoding = getEncoding;
internals.utf8Encode = (string) => ops.utf8Encode(string);
internals.utf8Decode = utf8Decode;
