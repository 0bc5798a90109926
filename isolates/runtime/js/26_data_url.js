// The data: URL processor (https://fetch.spec.whatwg.org/#data-url-processor), for fetch() of
// data: URLs.
//
// It needs the WHATWG URL parser and serializer (internals.parseURL(input) -> record or null,
// internals.serializeURL(record, excludeFragment) -> string, from the URL implementation) and
// forgiving-base64 decode (internals.forgivingBase64Decode(string) -> Uint8Array or null, from the
// encoding implementation). They are looked up when called, so the order in which those files
// load does not matter; without them parseDataURL throws a TypeError saying which is missing.
//
// Exports on `internals`: parseDataURL(url) -> { mimeType, body } | null, where url is a string
// (parsed with no base) or a URL record, mimeType a MIME type record (07_mime.js) and body a
// Uint8Array; null means failure (not a data: URL, no comma, invalid base64).

const {
  ReflectApply,
  StringFromCharCode,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  TypeError,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  Uint8Array,
} = primordials;
const { parseMimeType } = internals;

function isAsciiWhitespace(c) {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// https://url.spec.whatwg.org/#string-percent-decode: UTF-8 encode, then decode %XX.
function percentDecode(string) {
  const bytes = ops.utf8Encode(string);
  const length = TypedArrayPrototypeGetLength(bytes);
  const out = new Uint8Array(length);
  let j = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === 0x25 && i + 2 < length) {
      const high = hexValue(bytes[i + 1]);
      const low = hexValue(bytes[i + 2]);
      if (high !== -1 && low !== -1) {
        out[j++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    out[j++] = byte;
  }
  if (j === length) return out;
  const exact = new Uint8Array(j);
  for (let i = 0; i < j; i++) exact[i] = out[i];
  return exact;
}

// https://infra.spec.whatwg.org/#isomorphic-decode, in slices small enough for apply().
function isomorphicDecode(bytes) {
  let string = "";
  const length = TypedArrayPrototypeGetLength(bytes);
  const buffer = TypedArrayPrototypeGetBuffer(bytes);
  const offset = TypedArrayPrototypeGetByteOffset(bytes);
  for (let start = 0; start < length; start += 8192) {
    const end = start + 8192 < length ? start + 8192 : length;
    string += ReflectApply(StringFromCharCode, null, new Uint8Array(buffer, offset + start, end - start));
  }
  return string;
}

// Whether mimeType ends with ";", any number of spaces, and "base64" (ASCII case-insensitive);
// returns the index of that ";" or -1.
function base64Suffix(mimeType) {
  const length = mimeType.length;
  if (length < 7 || StringPrototypeToLowerCase(StringPrototypeSlice(mimeType, length - 6)) !== "base64") return -1;
  let i = length - 6;
  while (i > 0 && StringPrototypeCharCodeAt(mimeType, i - 1) === 0x20) i--;
  return i > 0 && StringPrototypeCharCodeAt(mimeType, i - 1) === 0x3b ? i - 1 : -1;
}

function requireInternal(name) {
  const fn = internals[name];
  if (typeof fn !== "function") {
    throw new TypeError(`data: URLs need internals.${name}, which this runtime does not have yet`);
  }
  return fn;
}

// https://fetch.spec.whatwg.org/#data-url-processor
function parseDataURL(url) {
  const parseURL = requireInternal("parseURL");
  const serializeURL = requireInternal("serializeURL");
  const forgivingBase64Decode = requireInternal("forgivingBase64Decode");
  const record = typeof url === "string" ? parseURL(url) : url;
  if (record === null || record === undefined) return null;
  // 1-3. Serialize without the fragment; the scheme must be "data".
  let input = serializeURL(record, true);
  if (StringPrototypeToLowerCase(StringPrototypeSlice(input, 0, 5)) !== "data:") return null;
  input = StringPrototypeSlice(input, 5);
  // 4-8. The MIME type is everything up to the first ",", without surrounding ASCII whitespace.
  let comma = 0;
  while (comma < input.length && StringPrototypeCharCodeAt(input, comma) !== 0x2c) comma++;
  if (comma >= input.length) return null;
  let start = 0;
  let end = comma;
  while (start < end && isAsciiWhitespace(StringPrototypeCharCodeAt(input, start))) start++;
  while (end > start && isAsciiWhitespace(StringPrototypeCharCodeAt(input, end - 1))) end--;
  let mimeType = StringPrototypeSlice(input, start, end);
  // 9-10. The body, percent-decoded.
  let body = percentDecode(StringPrototypeSlice(input, comma + 1));
  // 11. ";base64".
  const semicolon = base64Suffix(mimeType);
  if (semicolon !== -1) {
    body = forgivingBase64Decode(isomorphicDecode(body));
    if (body === null || body === undefined) return null;
    mimeType = StringPrototypeSlice(mimeType, 0, semicolon);
  }
  // 12-14.
  if (mimeType.length > 0 && StringPrototypeCharCodeAt(mimeType, 0) === 0x3b) mimeType = `text/plain${mimeType}`;
  let mimeTypeRecord = parseMimeType(mimeType);
  if (mimeTypeRecord === null) mimeTypeRecord = parseMimeType("text/plain;charset=US-ASCII");
  return { __proto__: null, mimeType: mimeTypeRecord, body };
}

internals.parseDataURL = parseDataURL;
