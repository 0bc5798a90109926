// The URL Standard's algorithms (https://url.spec.whatwg.org/), on URL records: the basic URL
// parser with state overrides, host parsing (IPv4 in all its number forms, IPv6, opaque hosts,
// domains through IDNA), percent-encoding, the URL and origin serializers, the attribute setters,
// and the application/x-www-form-urlencoded parser and serializer. The Web IDL interfaces (URL,
// URLSearchParams) that sit on top are in 12_url_api.js, URLPattern in 13_url_pattern.js.
//
// This file is long because the parser is one state machine that has to be read as a whole,
// next to the spec (every state is a `case` named after the spec's state).
//
// Performance: `new URL(request.url)` runs on the hot path of most functions. The parser is a
// single pass over char codes: the spec's "buffer" is a start index into the input (every buffer
// the spec builds is a contiguous run of the preprocessed input), components are sliced out of
// the input and percent-encoded only when they contain something to encode, the states that only
// grow their buffer jump to the next code point they act on, and a host only reaches the native
// IDNA op (ops.urlDomainToAscii, ICU UTS #46) when it is not ASCII. An ASCII domain is ASCII
// lowercased and nothing else, "xn--" labels included: that is what the current standard and its
// tests require ("xn--a" and "xn--1ug.example" stay as they are although UTS #46 ToASCII would
// reject them), and for ASCII without "xn--" labels it is exactly what UTS #46 gives.
//
// URL record (class URLRecord; every field a plain own data property):
//   scheme      string, without ":"
//   username    string (percent-encoded)
//   password    string (percent-encoded)
//   host        null (no host) or the *serialized* host: a domain, "1.2.3.4", "[::1]", an opaque
//               host, or "" (the empty host)
//   port        null or an integer 0…65535 (never the scheme's default port)
//   path        string: the *serialized* path. For a URL with an opaque path (opaquePath true),
//               the opaque path itself; otherwise "" (no segments) or "/seg1/seg2…" (a segment
//               never contains "/", so the list is the string split on "/")
//   opaquePath  boolean
//   query       null or string (percent-encoded, without "?")
//   fragment    null or string (percent-encoded, without "#")
//   special     boolean, derived from scheme (kept in step by the parser and setters)
//
// Exports on `internals` (stable contract for other runtime files; 12_url_api.js adds URL,
// URLSearchParams, isURLSearchParams(v), urlSearchParamsList(usp) and urlRecordOf(url)):
//   parseURL(input, base?) -> record | null      basic URL parser; base: a record or undefined
//   serializeURL(record, excludeFragment?) -> string
//   urlencodedParse(input) -> [[name, value], …]  input: a string, or a Uint8Array of bytes (e.g.
//                                                 a request body; decoded per name/value as the
//                                                 spec says). The list is an internal list: an
//                                                 array with a null prototype (index it)
//   urlencodedSerialize(list) -> string           list: [[name, value], …] of strings
//   urlSpec: the algorithms the URL/URLPattern interfaces use (setters, serializers, state
//            constants for basicParse with a state override, percent-encode sets); see the end
//            of this file
// Host-facing (unchanged from the stopgap resolver this file replaced):
//   parseUrl(input, base?) -> record              throws TypeError "Invalid URL: <input>"
//   resolveUrl(input, base?) -> string            the serialized URL
//   setBaseUrl(url)                               called by the host before each fetch handler
//   parseUrlAgainstBase(input) -> record          `input` against that base; throws like parseUrl
//
// Deviations from the standard: none known in parsing (all of WPT's urltestdata.json and
// setters_tests.json pass). Only UTF-8 is supported as the query encoding (there is no document
// encoding on a server). Validation errors are not reported (the standard makes them non-fatal).
// No blob URL store: "blob:" URLs parse, and their origin comes from their path. IDNA uses ICU
// 72's UTS #46 data (Unicode 15.0): hosts whose result changed in later UTS #46 versions (e.g.
// Georgian capitals, U+1E9E, newly ignored code points) are listed in
// tests/conformance/expectations.json.

const {
  MathFloor,
  NumberPrototypeToString,
  ObjectFreeze,
  ObjectSetPrototypeOf,
  SafeArrayPush,
  StringFromCharCode,
  StringPrototypeCharCodeAt,
  StringPrototypeIndexOf,
  StringPrototypeLastIndexOf,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  StringPrototypeToUpperCase,
  ReflectApply,
  TypeError,
  TypedArrayPrototypeGetLength,
  Uint8Array,
} = primordials;

const EOF = -1;

// Internal lists are arrays with a null prototype: appending with `list[list.length] = x` then
// cannot reach a setter user code put on Array.prototype or Object.prototype, and costs a few ns
// (SafeArrayPush's defineProperty costs a few hundred). They never reach user code as they are.
function internalList() {
  return ObjectSetPrototypeOf([], null);
}

// --- Records -----------------------------------------------------------------------------------

// Class fields are defined with [[DefineOwnProperty]], so setters that user code puts on
// Object.prototype never run; the prototype chain is cut anyway.
class URLRecord {
  scheme = "";
  username = "";
  password = "";
  host = null;
  port = null;
  path = "";
  opaquePath = false;
  query = null;
  fragment = null;
  special = false;
}
ObjectSetPrototypeOf(URLRecord.prototype, null);

function copyRecord(url) {
  const copy = new URLRecord();
  copy.scheme = url.scheme;
  copy.username = url.username;
  copy.password = url.password;
  copy.host = url.host;
  copy.port = url.port;
  copy.path = url.path;
  copy.opaquePath = url.opaquePath;
  copy.query = url.query;
  copy.fragment = url.fragment;
  copy.special = url.special;
  return copy;
}

// https://url.spec.whatwg.org/#special-scheme: the default port, null for "file", -1 if the
// scheme is not special.
function specialSchemePort(scheme) {
  switch (scheme) {
    case "http":
    case "ws":
      return 80;
    case "https":
    case "wss":
      return 443;
    case "ftp":
      return 21;
    case "file":
      return null;
    default:
      return -1;
  }
}

function isSpecialScheme(scheme) {
  return specialSchemePort(scheme) !== -1;
}

// https://url.spec.whatwg.org/#default-port
function defaultPort(scheme) {
  const port = specialSchemePort(scheme);
  return port === -1 ? null : port;
}

function setScheme(url, scheme) {
  url.scheme = scheme;
  url.special = isSpecialScheme(scheme);
}

// https://url.spec.whatwg.org/#include-credentials
function includesCredentials(url) {
  return url.username !== "" || url.password !== "";
}

// https://url.spec.whatwg.org/#cannot-have-a-username-password-port
function cannotHaveUsernamePasswordPort(url) {
  return url.host === null || url.host === "" || url.scheme === "file";
}

// --- Code points -------------------------------------------------------------------------------

function isAsciiDigit(c) {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiAlpha(c) {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

function isAsciiAlphanumeric(c) {
  return isAsciiDigit(c) || isAsciiAlpha(c);
}

function isAsciiHexDigit(c) {
  return isAsciiDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function hexValue(c) {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

function charAt(s, i) {
  return i < s.length ? StringPrototypeCharCodeAt(s, i) : EOF;
}

// --- Percent-encoding (https://url.spec.whatwg.org/#percent-encoded-bytes) ----------------------

// One bit per percent-encode set, for ASCII code points; non-ASCII is in every set.
const C0_CONTROL_SET = 1;
const FRAGMENT_SET = 2;
const QUERY_SET = 4;
const SPECIAL_QUERY_SET = 8;
const PATH_SET = 16;
const USERINFO_SET = 32;
const COMPONENT_SET = 64;
const FORM_SET = 128;

const encodeSets = new Uint8Array(128);
{
  const add = (sets, chars) => {
    for (let i = 0; i < chars.length; i++) encodeSets[StringPrototypeCharCodeAt(chars, i)] |= sets;
  };
  // The sets nest: C0 control ⊂ fragment; C0 control ⊂ query ⊂ special-query; query ⊂ path ⊂
  // userinfo ⊂ component ⊂ application/x-www-form-urlencoded. Each code point gets the bits of
  // the smallest sets it is in and of every set containing those.
  const fromC0 = 0xff;
  const fromFragment = fromC0 & ~C0_CONTROL_SET;
  const fromPath = PATH_SET | USERINFO_SET | COMPONENT_SET | FORM_SET;
  const fromUserinfo = USERINFO_SET | COMPONENT_SET | FORM_SET;
  for (let c = 0; c < 0x20; c++) encodeSets[c] = fromC0;
  encodeSets[0x7f] = fromC0;
  add(fromFragment, " \"<>");
  add(FRAGMENT_SET | fromPath, "`");
  add(QUERY_SET | SPECIAL_QUERY_SET | fromPath, "#");
  add(SPECIAL_QUERY_SET | FORM_SET, "'");
  add(fromPath, "?^{}");
  add(fromUserinfo, "/:;=@[\\]|");
  add(COMPONENT_SET | FORM_SET, "$%&+,");
  add(FORM_SET, "!()~");
}

// "%00" … "%FF"
const percentBytes = [];
for (let b = 0; b < 256; b++) {
  const hex = StringPrototypeToUpperCase(NumberPrototypeToString(b, 16));
  SafeArrayPush(percentBytes, b < 16 ? `%0${hex}` : `%${hex}`);
}

function percentEncodeCodePoint(cp) {
  if (cp < 0x80) return percentBytes[cp];
  if (cp < 0x800) return `${percentBytes[0xc0 | (cp >> 6)]}${percentBytes[0x80 | (cp & 0x3f)]}`;
  if (cp < 0x10000) {
    return `${percentBytes[0xe0 | (cp >> 12)]}${percentBytes[0x80 | ((cp >> 6) & 0x3f)]}` +
      `${percentBytes[0x80 | (cp & 0x3f)]}`;
  }
  return `${percentBytes[0xf0 | (cp >> 18)]}${percentBytes[0x80 | ((cp >> 12) & 0x3f)]}` +
    `${percentBytes[0x80 | ((cp >> 6) & 0x3f)]}${percentBytes[0x80 | (cp & 0x3f)]}`;
}

// The code point starting at s[i] (a lone surrogate reads as U+FFFD, as UTF-8 encoding does).
function codePointAt(s, i, c) {
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && i + 1 < s.length) {
    const next = StringPrototypeCharCodeAt(s, i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
  }
  return 0xfffd;
}

// https://url.spec.whatwg.org/#string-utf-8-percent-encode of s[start, end). With
// spaceAsPlus (application/x-www-form-urlencoded), U+0020 becomes "+".
function percentEncode(s, set, start = 0, end = s.length, spaceAsPlus = false) {
  let i = start;
  for (; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c >= 0x80 || (encodeSets[c] & set) !== 0) break;
  }
  if (i === end) return start === 0 && end === s.length ? s : StringPrototypeSlice(s, start, end);
  let out = StringPrototypeSlice(s, start, i);
  let last = i;
  for (; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c < 0x80) {
      if ((encodeSets[c] & set) === 0) continue;
      out += `${StringPrototypeSlice(s, last, i)}${spaceAsPlus && c === 0x20 ? "+" : percentBytes[c]}`;
    } else {
      const cp = codePointAt(s, i, c);
      out += `${StringPrototypeSlice(s, last, i)}${percentEncodeCodePoint(cp)}`;
      if (cp > 0xffff) i++;
    }
    last = i + 1;
  }
  return last === end ? out : `${out}${StringPrototypeSlice(s, last, end)}`;
}

// UTF-8 encoding of s[start, end) into `bytes` at `offset`, with "%XX" percent-decoded
// (https://url.spec.whatwg.org/#string-percent-decode) and, if plusAsSpace, "+" as 0x20.
// Returns the new offset. `bytes` must have room for 3 bytes per code unit.
function percentDecodeInto(s, start, end, plusAsSpace, bytes, offset) {
  for (let i = start; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x25 && i + 2 < end && isAsciiHexDigit(StringPrototypeCharCodeAt(s, i + 1)) &&
        isAsciiHexDigit(StringPrototypeCharCodeAt(s, i + 2))) {
      bytes[offset++] = hexValue(StringPrototypeCharCodeAt(s, i + 1)) * 16 +
        hexValue(StringPrototypeCharCodeAt(s, i + 2));
      i += 2;
    } else if (c === 0x2b && plusAsSpace) {
      bytes[offset++] = 0x20;
    } else if (c < 0x80) {
      bytes[offset++] = c;
    } else {
      const cp = codePointAt(s, i, c);
      if (cp > 0xffff) i++;
      if (cp < 0x800) {
        bytes[offset++] = 0xc0 | (cp >> 6);
      } else if (cp < 0x10000) {
        bytes[offset++] = 0xe0 | (cp >> 12);
        bytes[offset++] = 0x80 | ((cp >> 6) & 0x3f);
      } else {
        bytes[offset++] = 0xf0 | (cp >> 18);
        bytes[offset++] = 0x80 | ((cp >> 12) & 0x3f);
        bytes[offset++] = 0x80 | ((cp >> 6) & 0x3f);
      }
      bytes[offset++] = 0x80 | (cp & 0x3f);
    }
  }
  return offset;
}

// https://encoding.spec.whatwg.org/#utf-8-decode without BOM handling ("UTF-8 decode without
// BOM"), replacement for errors, of bytes[start, end).
function utf8DecodeWithoutBOM(bytes, start, end) {
  let result = "";
  const units = internalList();
  let codePoint = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    let emit = -1;
    if (needed === 0) {
      if (byte < 0x80) {
        emit = byte;
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        codePoint = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x7;
      } else {
        emit = 0xfffd;
      }
    } else if (byte < lower || byte > upper) {
      codePoint = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      emit = 0xfffd;
      i--; // the byte starts over
    } else {
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (byte & 0x3f);
      if (++seen === needed) {
        emit = codePoint;
        codePoint = needed = seen = 0;
      }
    }
    if (emit === -1) continue;
    if (emit > 0xffff) {
      emit -= 0x10000;
      units[units.length] = 0xd800 + (emit >> 10);
      units[units.length] = 0xdc00 + (emit & 0x3ff);
    } else {
      units[units.length] = emit;
    }
    if (units.length >= 8192) {
      result += ReflectApply(StringFromCharCode, null, units);
      units.length = 0;
    }
  }
  if (needed !== 0) units[units.length] = 0xfffd;
  return `${result}${ReflectApply(StringFromCharCode, null, units)}`;
}

// Percent-decodes s[start, end) (and "+" if plusAsSpace) and UTF-8 decodes the bytes. Strings
// without "%" (or "+") come back as they are; when every escape is an ASCII byte the result is
// built from slices, and only escapes of non-ASCII bytes go through the UTF-8 decoder.
function percentDecodeString(s, start = 0, end = s.length, plusAsSpace = false) {
  let i = start;
  for (; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x25 || (plusAsSpace && c === 0x2b)) break;
  }
  if (i === end) return start === 0 && end === s.length ? s : StringPrototypeSlice(s, start, end);
  let out = "";
  let last = start;
  for (; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x2b && plusAsSpace) {
      out += `${StringPrototypeSlice(s, last, i)} `;
      last = i + 1;
    } else if (c === 0x25 && i + 2 < end && isAsciiHexDigit(StringPrototypeCharCodeAt(s, i + 1)) &&
               isAsciiHexDigit(StringPrototypeCharCodeAt(s, i + 2))) {
      const byte = hexValue(StringPrototypeCharCodeAt(s, i + 1)) * 16 + hexValue(StringPrototypeCharCodeAt(s, i + 2));
      if (byte >= 0x80) return percentDecodeBytes(s, start, end, plusAsSpace);
      out += `${StringPrototypeSlice(s, last, i)}${StringFromCharCode(byte)}`;
      i += 2;
      last = i + 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      return percentDecodeBytes(s, start, end, plusAsSpace); // lone surrogates become U+FFFD
    }
  }
  return `${out}${StringPrototypeSlice(s, last, end)}`;
}

function percentDecodeBytes(s, start, end, plusAsSpace) {
  const bytes = new Uint8Array((end - start) * 3);
  const length = percentDecodeInto(s, start, end, plusAsSpace, bytes, 0);
  return utf8DecodeWithoutBOM(bytes, 0, length);
}

// --- Hosts (https://url.spec.whatwg.org/#host-parsing) -----------------------------------------

// https://url.spec.whatwg.org/#forbidden-host-code-point
function isForbiddenHostCodePoint(c) {
  switch (c) {
    case 0x00: case 0x09: case 0x0a: case 0x0d: case 0x20: case 0x23: case 0x2f: case 0x3a:
    case 0x3c: case 0x3e: case 0x3f: case 0x40: case 0x5b: case 0x5c: case 0x5d: case 0x5e:
    case 0x7c:
      return true;
    default:
      return false;
  }
}

// https://url.spec.whatwg.org/#forbidden-domain-code-point
function isForbiddenDomainCodePoint(c) {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x2d && c <= 0x39 && c !== 0x2f)) return false; // a-z - . 0-9
  return c <= 0x20 || c === 0x25 || c === 0x7f || isForbiddenHostCodePoint(c);
}

// https://url.spec.whatwg.org/#ipv4-number-parser on s[start, end): the number, or -1.
function parseIPv4Number(s, start, end) {
  if (start === end) return -1;
  let radix = 10;
  if (end - start >= 2 && StringPrototypeCharCodeAt(s, start) === 0x30) {
    const second = StringPrototypeCharCodeAt(s, start + 1) | 0x20;
    if (second === 0x78) {
      radix = 16;
      start += 2;
    } else {
      radix = 8;
      start += 1;
    }
  }
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    let digit;
    if (radix === 16) {
      if (!isAsciiHexDigit(c)) return -1;
      digit = hexValue(c);
    } else {
      digit = c - 0x30;
      if (digit < 0 || digit >= radix) return -1;
    }
    value = value * radix + digit;
  }
  return value;
}

// https://url.spec.whatwg.org/#ends-in-a-number-checker
function endsInANumber(s) {
  let end = s.length;
  if (end > 0 && StringPrototypeCharCodeAt(s, end - 1) === 0x2e) {
    if (end === 1) return false;
    end--;
  }
  const start = StringPrototypeLastIndexOf(s, ".", end - 1) + 1;
  if (start === end) return false;
  let allDigits = true;
  for (let i = start; i < end; i++) {
    if (!isAsciiDigit(StringPrototypeCharCodeAt(s, i))) {
      allDigits = false;
      break;
    }
  }
  return allDigits || parseIPv4Number(s, start, end) !== -1;
}

// https://url.spec.whatwg.org/#concept-ipv4-parser, returning the serialized address or null.
function parseIPv4(s) {
  let end = s.length;
  if (end > 0 && StringPrototypeCharCodeAt(s, end - 1) === 0x2e && end > 1) end--;
  const numbers = internalList();
  let start = 0;
  for (;;) {
    let dot = StringPrototypeIndexOf(s, ".", start);
    if (dot === -1 || dot >= end) dot = end;
    if (numbers.length === 4) return null;
    const n = parseIPv4Number(s, start, dot);
    if (n === -1) return null;
    numbers[numbers.length] = n;
    if (dot === end) break;
    start = dot + 1;
  }
  const count = numbers.length;
  for (let i = 0; i < count - 1; i++) {
    if (numbers[i] > 255) return null;
  }
  if (numbers[count - 1] >= 256 ** (5 - count)) return null;
  let address = numbers[count - 1];
  for (let i = 0; i < count - 1; i++) address += numbers[i] * 256 ** (3 - i);
  return serializeIPv4(address);
}

// https://url.spec.whatwg.org/#concept-ipv4-serializer
function serializeIPv4(address) {
  const a = MathFloor(address / 16777216) % 256;
  const b = MathFloor(address / 65536) % 256;
  const c = MathFloor(address / 256) % 256;
  return `${a}.${b}.${c}.${address % 256}`;
}

// https://url.spec.whatwg.org/#concept-ipv6-parser on s[start, end), returning 8 pieces or null.
function parseIPv6(s, start, end) {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0;
  let compress = -1;
  let p = start;
  const at = (i) => (i < end ? StringPrototypeCharCodeAt(s, i) : EOF);
  if (at(p) === 0x3a) {
    if (at(p + 1) !== 0x3a) return null;
    p += 2;
    pieceIndex++;
    compress = pieceIndex;
  }
  while (at(p) !== EOF) {
    if (pieceIndex === 8) return null;
    if (at(p) === 0x3a) {
      if (compress !== -1) return null;
      p++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && isAsciiHexDigit(at(p))) {
      value = value * 16 + hexValue(at(p));
      p++;
      length++;
    }
    if (at(p) === 0x2e) {
      if (length === 0) return null;
      p -= length;
      if (pieceIndex > 6) return null;
      let numbersSeen = 0;
      while (at(p) !== EOF) {
        let ipv4Piece = -1;
        if (numbersSeen > 0) {
          if (at(p) === 0x2e && numbersSeen < 4) p++;
          else return null;
        }
        if (!isAsciiDigit(at(p))) return null;
        while (isAsciiDigit(at(p))) {
          const number = at(p) - 0x30;
          if (ipv4Piece === -1) ipv4Piece = number;
          else if (ipv4Piece === 0) return null;
          else ipv4Piece = ipv4Piece * 10 + number;
          if (ipv4Piece > 255) return null;
          p++;
        }
        address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
        numbersSeen++;
        if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
      }
      if (numbersSeen !== 4) return null;
      break;
    } else if (at(p) === 0x3a) {
      p++;
      if (at(p) === EOF) return null;
    } else if (at(p) !== EOF) {
      return null;
    }
    address[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== -1) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const tmp = address[compress + swaps - 1];
      address[compress + swaps - 1] = address[pieceIndex];
      address[pieceIndex] = tmp;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return null;
  }
  return address;
}

// https://url.spec.whatwg.org/#concept-ipv6-serializer, with the brackets of the host serializer.
function serializeIPv6(address) {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (address[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && address[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = "[";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? "::" : ":";
      i += bestLength - 1;
      continue;
    }
    out += NumberPrototypeToString(address[i], 16);
    if (i !== 7) out += ":";
  }
  return `${out}]`;
}

// https://url.spec.whatwg.org/#concept-opaque-host-parser
function parseOpaqueHost(s) {
  for (let i = 0; i < s.length; i++) {
    if (isForbiddenHostCodePoint(StringPrototypeCharCodeAt(s, i))) return null;
  }
  return percentEncode(s, C0_CONTROL_SET);
}

// https://url.spec.whatwg.org/#concept-domain-to-ascii with beStrict = false, followed by the
// host parser's forbidden-code-point check. Returns the ASCII domain or null. An ASCII domain is
// only lowercased (no UTS #46 processing, so "xn--" labels are kept as they are, valid Punycode
// or not); anything else goes through ICU.
function domainToASCII(domain) {
  let upper = false;
  let forbidden = false; // not final yet: NFC may compose "<" + U+0338 into a valid code point
  for (let i = 0; i < domain.length; i++) {
    const c = StringPrototypeCharCodeAt(domain, i);
    if (c >= 0x80) return unicodeDomainToASCII(domain);
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (isForbiddenDomainCodePoint(c)) forbidden = true;
  }
  if (forbidden) return null;
  return upper ? StringPrototypeToLowerCase(domain) : domain;
}

function unicodeDomainToASCII(domain) {
  const result = ops.urlDomainToAscii(domain, false);
  if (result === null || result === "") return null;
  for (let i = 0; i < result.length; i++) {
    if (isForbiddenDomainCodePoint(StringPrototypeCharCodeAt(result, i))) return null;
  }
  return result;
}

// https://url.spec.whatwg.org/#concept-host-parser on s[start, end), returning the serialized
// host or null (failure).
function parseHost(s, start, end, isOpaque) {
  if (start < end && StringPrototypeCharCodeAt(s, start) === 0x5b) {
    if (StringPrototypeCharCodeAt(s, end - 1) !== 0x5d) return null;
    const address = parseIPv6(s, start + 1, end - 1);
    return address === null ? null : serializeIPv6(address);
  }
  const input = StringPrototypeSlice(s, start, end);
  if (isOpaque) return parseOpaqueHost(input);
  const domain = percentDecodeString(input);
  const asciiDomain = domainToASCII(domain);
  if (asciiDomain === null) return null;
  const last = StringPrototypeCharCodeAt(asciiDomain, asciiDomain.length - 1);
  // Only a domain whose last label is a number (decimal or 0x…) is an IPv4 address.
  if ((isAsciiDigit(last) || last === 0x2e || (last | 0x20) === 0x78 || isAsciiHexDigit(last)) &&
      endsInANumber(asciiDomain)) {
    return parseIPv4(asciiDomain);
  }
  return asciiDomain;
}

// --- Paths -------------------------------------------------------------------------------------

// https://url.spec.whatwg.org/#single-dot-path-segment on s[start, end)
function isSingleDot(s, start, end) {
  const length = end - start;
  if (length === 1) return StringPrototypeCharCodeAt(s, start) === 0x2e;
  return length === 3 && StringPrototypeCharCodeAt(s, start) === 0x25 &&
    StringPrototypeCharCodeAt(s, start + 1) === 0x32 &&
    (StringPrototypeCharCodeAt(s, start + 2) | 0x20) === 0x65;
}

// https://url.spec.whatwg.org/#double-dot-path-segment on s[start, end)
function isDoubleDot(s, start, end) {
  const length = end - start;
  if (length !== 2 && length !== 4 && length !== 6) return false;
  let i = start;
  for (let dots = 0; dots < 2; dots++) {
    if (i < end && StringPrototypeCharCodeAt(s, i) === 0x2e) {
      i++;
    } else if (i + 2 < end && StringPrototypeCharCodeAt(s, i) === 0x25 &&
               StringPrototypeCharCodeAt(s, i + 1) === 0x32 &&
               (StringPrototypeCharCodeAt(s, i + 2) | 0x20) === 0x65) {
      i += 3;
    } else {
      return false;
    }
  }
  return i === end;
}

// https://url.spec.whatwg.org/#windows-drive-letter on s[start, end)
function isWindowsDriveLetter(s, start, end) {
  if (end - start !== 2 || !isAsciiAlpha(StringPrototypeCharCodeAt(s, start))) return false;
  const second = StringPrototypeCharCodeAt(s, start + 1);
  return second === 0x3a || second === 0x7c;
}

// https://url.spec.whatwg.org/#start-with-a-windows-drive-letter for s[pointer…]
function startsWithWindowsDriveLetter(s, pointer) {
  if (s.length - pointer < 2 || !isWindowsDriveLetter(s, pointer, pointer + 2)) return false;
  if (s.length - pointer === 2) return true;
  const third = StringPrototypeCharCodeAt(s, pointer + 2);
  return third === 0x2f || third === 0x5c || third === 0x3f || third === 0x23;
}

// Whether the first segment of a serialized list path is a normalized Windows drive letter
// ("/C:" or "/C:/…").
function firstSegmentIsNormalizedDriveLetter(path) {
  return path.length >= 3 && StringPrototypeCharCodeAt(path, 2) === 0x3a &&
    isAsciiAlpha(StringPrototypeCharCodeAt(path, 1)) &&
    (path.length === 3 || StringPrototypeCharCodeAt(path, 3) === 0x2f);
}

// https://url.spec.whatwg.org/#shorten-a-urls-path
function shortenPath(url) {
  const path = url.path;
  if (path === "") return;
  if (url.scheme === "file" && path.length === 3 && firstSegmentIsNormalizedDriveLetter(path)) return;
  url.path = StringPrototypeSlice(path, 0, StringPrototypeLastIndexOf(path, "/"));
}

// --- The basic URL parser (https://url.spec.whatwg.org/#concept-basic-url-parser) --------------

const NO_OVERRIDE = -1;
const SCHEME_START = 0;
const SCHEME = 1;
const NO_SCHEME = 2;
const SPECIAL_RELATIVE_OR_AUTHORITY = 3;
const PATH_OR_AUTHORITY = 4;
const RELATIVE = 5;
const RELATIVE_SLASH = 6;
const SPECIAL_AUTHORITY_SLASHES = 7;
const SPECIAL_AUTHORITY_IGNORE_SLASHES = 8;
const AUTHORITY = 9;
const HOST = 10;
const HOSTNAME = 11;
const PORT = 12;
const FILE = 13;
const FILE_SLASH = 14;
const FILE_HOST = 15;
const PATH_START = 16;
const PATH = 17;
const OPAQUE_PATH = 18;
const QUERY = 19;
const FRAGMENT = 20;

// Steps 1 and 2 of the parser: strip leading and trailing C0 controls and spaces (only for a
// fresh parse), then remove every ASCII tab and newline.
function preprocess(input, trim) {
  let start = 0;
  let end = input.length;
  if (trim) {
    while (start < end && StringPrototypeCharCodeAt(input, start) <= 0x20) start++;
    while (end > start && StringPrototypeCharCodeAt(input, end - 1) <= 0x20) end--;
  }
  let out = null;
  let last = start;
  for (let i = start; i < end; i++) {
    const c = StringPrototypeCharCodeAt(input, i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out = `${out ?? ""}${StringPrototypeSlice(input, last, i)}`;
      last = i + 1;
    }
  }
  if (out !== null) return `${out}${StringPrototypeSlice(input, last, end)}`;
  return start === 0 && end === input.length ? input : StringPrototypeSlice(input, start, end);
}

// Appends the userinfo in s[start, end) (the authority state's buffer at an "@") to url.
// Returns the new passwordTokenSeen.
function appendUserinfo(url, s, start, end, atSignSeen, passwordTokenSeen) {
  if (atSignSeen) {
    // "If atSignSeen is true, then prepend "%40" to buffer."
    if (passwordTokenSeen) url.password += "%40";
    else url.username += "%40";
  }
  if (passwordTokenSeen) {
    url.password += percentEncode(s, USERINFO_SET, start, end);
    return true;
  }
  let colon = StringPrototypeIndexOf(s, ":", start);
  if (colon === -1 || colon >= end) colon = -1;
  if (colon === -1) {
    url.username += percentEncode(s, USERINFO_SET, start, end);
    return false;
  }
  url.username += percentEncode(s, USERINFO_SET, start, colon);
  url.password += percentEncode(s, USERINFO_SET, colon + 1, end);
  return true;
}

// Scan-ahead helpers: the index of the next code point (at or after i) that the authority, host
// or path state does something with; every code point before it only extends the buffer.
function scanAuthority(s, i, special) {
  for (; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x40 || c === 0x2f || c === 0x3f || c === 0x23 || (special && c === 0x5c)) return i;
  }
  return i;
}

function scanHost(s, i, special) {
  for (; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x3a || c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5b || (special && c === 0x5c)) return i;
  }
  return i;
}

function scanSegment(s, i, special, override) {
  for (; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x2f || (special && c === 0x5c) || (!override && (c === 0x3f || c === 0x23))) return i;
  }
  return i;
}

// For the path state's fast path: the end (the index of "?", "#" or the input's end) of the path
// starting at s[i], or -1 if some segment needs percent-encoding, is a candidate dot segment
// (starts with "." or "%"), or a backslash acts as a separator.
function scanSimplePath(s, i, special) {
  let segmentStart = i;
  for (; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x2f) {
      segmentStart = i + 1;
    } else if (c === 0x3f || c === 0x23) {
      return i;
    } else if (c >= 0x80 || (encodeSets[c] & PATH_SET) !== 0 || (special && c === 0x5c) ||
               ((c === 0x2e || c === 0x25) && i === segmentStart)) {
      return -1;
    }
  }
  return i;
}

// The basic URL parser. Without a state override it returns a new record or null (failure).
// With one, `url` is modified in place (possibly partly, as the standard says) and the result is
// `url` or null for failure. `base` is a record or null.
function basicParse(rawInput, base, url, stateOverride) {
  const override = stateOverride !== NO_OVERRIDE;
  const input = preprocess(rawInput, url === null);
  const length = input.length;
  if (url === null) url = new URLRecord();
  let state = override ? stateOverride : SCHEME_START;
  let bufferStart = -1; // -1: the buffer is empty; else it is input[bufferStart, pointer)
  let atSignSeen = false;
  let insideBrackets = false;
  let passwordTokenSeen = false;
  let pointer = 0;

  for (;;) {
    const c = pointer < length ? StringPrototypeCharCodeAt(input, pointer) : EOF;
    switch (state) {
      case SCHEME_START:
        if (isAsciiAlpha(c)) {
          bufferStart = pointer;
          state = SCHEME;
        } else if (!override) {
          state = NO_SCHEME;
          pointer--;
        } else {
          return null;
        }
        break;

      case SCHEME:
        if (isAsciiAlphanumeric(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
          // part of the buffer
        } else if (c === 0x3a) {
          const buffer = StringPrototypeToLowerCase(StringPrototypeSlice(input, bufferStart, pointer));
          if (override) {
            if (url.special !== isSpecialScheme(buffer)) return url;
            if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
            if (url.scheme === "file" && url.host === "") return url;
          }
          setScheme(url, buffer);
          if (override) {
            if (url.port === defaultPort(url.scheme)) url.port = null;
            return url;
          }
          bufferStart = -1;
          if (buffer === "file") {
            state = FILE;
          } else if (url.special && base !== null && base.scheme === buffer) {
            state = SPECIAL_RELATIVE_OR_AUTHORITY;
          } else if (url.special) {
            state = SPECIAL_AUTHORITY_SLASHES;
          } else if (charAt(input, pointer + 1) === 0x2f) {
            state = PATH_OR_AUTHORITY;
            pointer++;
          } else {
            url.path = "";
            url.opaquePath = true;
            state = OPAQUE_PATH;
          }
        } else if (!override) {
          bufferStart = -1;
          state = NO_SCHEME;
          pointer = -1;
        } else {
          return null;
        }
        break;

      case NO_SCHEME:
        if (base === null || (base.opaquePath && c !== 0x23)) return null;
        if (base.opaquePath) {
          setScheme(url, base.scheme);
          url.path = base.path;
          url.opaquePath = true;
          url.query = base.query;
          url.fragment = "";
          state = FRAGMENT;
        } else if (base.scheme !== "file") {
          state = RELATIVE;
          pointer--;
        } else {
          state = FILE;
          pointer--;
        }
        break;

      case SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c === 0x2f && charAt(input, pointer + 1) === 0x2f) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          pointer++;
        } else {
          state = RELATIVE;
          pointer--;
        }
        break;

      case PATH_OR_AUTHORITY:
        if (c === 0x2f) {
          state = AUTHORITY;
        } else {
          state = PATH;
          pointer--;
        }
        break;

      case RELATIVE:
        setScheme(url, base.scheme);
        if (c === 0x2f || (url.special && c === 0x5c)) {
          state = RELATIVE_SLASH;
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          url.path = base.path;
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== EOF) {
            url.query = null;
            shortenPath(url);
            state = PATH;
            pointer--;
          }
        }
        break;

      case RELATIVE_SLASH:
        if (url.special && (c === 0x2f || c === 0x5c)) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        } else if (c === 0x2f) {
          state = AUTHORITY;
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          state = PATH;
          pointer--;
        }
        break;

      case SPECIAL_AUTHORITY_SLASHES:
        state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        if (c === 0x2f && charAt(input, pointer + 1) === 0x2f) pointer++;
        else pointer--;
        break;

      case SPECIAL_AUTHORITY_IGNORE_SLASHES:
        if (c !== 0x2f && c !== 0x5c) {
          state = AUTHORITY;
          pointer--;
        }
        break;

      case AUTHORITY:
        if (c === 0x40) {
          const start = bufferStart === -1 ? pointer : bufferStart;
          passwordTokenSeen = appendUserinfo(url, input, start, pointer, atSignSeen, passwordTokenSeen);
          atSignSeen = true;
          bufferStart = -1;
        } else if (c === EOF || c === 0x2f || c === 0x3f || c === 0x23 || (url.special && c === 0x5c)) {
          if (atSignSeen && bufferStart === -1) return null;
          pointer = (bufferStart === -1 ? pointer : bufferStart) - 1;
          bufferStart = -1;
          state = HOST;
        } else {
          if (bufferStart === -1) bufferStart = pointer;
          // Nothing happens until the next "@" or end of the authority: jump there.
          pointer = scanAuthority(input, pointer + 1, url.special) - 1;
        }
        break;

      case HOST:
      case HOSTNAME:
        if (override && url.scheme === "file") {
          pointer--;
          state = FILE_HOST;
        } else if (c === 0x3a && !insideBrackets) {
          if (bufferStart === -1) return null;
          if (stateOverride === HOSTNAME) return null;
          const host = parseHost(input, bufferStart, pointer, !url.special);
          if (host === null) return null;
          url.host = host;
          bufferStart = -1;
          state = PORT;
        } else if (c === EOF || c === 0x2f || c === 0x3f || c === 0x23 || (url.special && c === 0x5c)) {
          const end = pointer;
          pointer--;
          if (url.special && bufferStart === -1) return null;
          if (override && bufferStart === -1 && (includesCredentials(url) || url.port !== null)) {
            return null;
          }
          const host = bufferStart === -1 ? "" : parseHost(input, bufferStart, end, !url.special);
          if (host === null) return null;
          url.host = host;
          bufferStart = -1;
          state = PATH_START;
          if (override) return url;
        } else {
          if (c === 0x5b) insideBrackets = true;
          else if (c === 0x5d) insideBrackets = false;
          if (bufferStart === -1) bufferStart = pointer;
          // Jump to the last code point before the next one the host state acts on.
          if (!insideBrackets) pointer = scanHost(input, pointer + 1, url.special) - 1;
        }
        break;

      case PORT:
        if (isAsciiDigit(c)) {
          if (bufferStart === -1) bufferStart = pointer;
        } else if (c === EOF || c === 0x2f || c === 0x3f || c === 0x23 || (url.special && c === 0x5c) ||
                   override) {
          if (bufferStart !== -1) {
            let port = 0;
            for (let i = bufferStart; i < pointer; i++) {
              port = port * 10 + StringPrototypeCharCodeAt(input, i) - 0x30;
              if (port > 65535) return null;
            }
            url.port = port === defaultPort(url.scheme) ? null : port;
            bufferStart = -1;
            if (override) return url;
          }
          if (override) return null;
          state = PATH_START;
          pointer--;
        } else {
          return null;
        }
        break;

      case FILE:
        setScheme(url, "file");
        url.host = "";
        if (c === 0x2f || c === 0x5c) {
          state = FILE_SLASH;
        } else if (base !== null && base.scheme === "file") {
          url.host = base.host;
          url.path = base.path;
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== EOF) {
            url.query = null;
            if (!startsWithWindowsDriveLetter(input, pointer)) shortenPath(url);
            else url.path = "";
            state = PATH;
            pointer--;
          }
        } else {
          state = PATH;
          pointer--;
        }
        break;

      case FILE_SLASH:
        if (c === 0x2f || c === 0x5c) {
          state = FILE_HOST;
        } else {
          if (base !== null && base.scheme === "file") {
            url.host = base.host;
            if (!startsWithWindowsDriveLetter(input, pointer) &&
                firstSegmentIsNormalizedDriveLetter(base.path)) {
              url.path += StringPrototypeSlice(base.path, 0, 3);
            }
          }
          state = PATH;
          pointer--;
        }
        break;

      case FILE_HOST:
        if (c === EOF || c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) {
          const end = pointer;
          pointer--;
          if (!override && bufferStart !== -1 && isWindowsDriveLetter(input, bufferStart, end)) {
            // The Windows drive letter quirk: the buffer is kept and becomes the first segment.
            state = PATH;
          } else if (bufferStart === -1) {
            url.host = "";
            if (override) return url;
            state = PATH_START;
          } else {
            let host = parseHost(input, bufferStart, end, !url.special);
            if (host === null) return null;
            if (host === "localhost") host = "";
            url.host = host;
            if (override) return url;
            bufferStart = -1;
            state = PATH_START;
          }
        } else if (bufferStart === -1) {
          bufferStart = pointer;
        }
        break;

      case PATH_START:
        if (url.special) {
          state = PATH;
          if (c !== 0x2f && c !== 0x5c) pointer--;
        } else if (!override && c === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (!override && c === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        } else if (c !== EOF) {
          state = PATH;
          if (c !== 0x2f) pointer--;
        } else if (override && url.host === null) {
          url.path += "/";
        }
        break;

      case PATH:
        if (bufferStart === -1 && url.path === "" && !override && url.scheme !== "file" &&
            pointer > 0 && StringPrototypeCharCodeAt(input, pointer - 1) === 0x2f) {
          // Fast path for a whole path with nothing to encode or resolve: one slice.
          const end = scanSimplePath(input, pointer, url.special);
          if (end !== -1) {
            url.path = StringPrototypeSlice(input, pointer - 1, end);
            if (end === length) return url;
            if (StringPrototypeCharCodeAt(input, end) === 0x3f) {
              url.query = "";
              state = QUERY;
            } else {
              url.fragment = "";
              state = FRAGMENT;
            }
            pointer = end;
            break;
          }
        }
        if (c === EOF || c === 0x2f || (url.special && c === 0x5c) ||
            (!override && (c === 0x3f || c === 0x23))) {
          const atSlash = c === 0x2f || (url.special && c === 0x5c);
          const start = bufferStart === -1 ? pointer : bufferStart;
          if (isDoubleDot(input, start, pointer)) {
            shortenPath(url);
            if (!atSlash) url.path += "/";
          } else if (isSingleDot(input, start, pointer)) {
            if (!atSlash) url.path += "/";
          } else {
            let segment = percentEncode(input, PATH_SET, start, pointer);
            if (url.scheme === "file" && url.path === "" && isWindowsDriveLetter(segment, 0, segment.length)) {
              segment = `${StringPrototypeSlice(segment, 0, 1)}:`;
            }
            url.path += `/${segment}`;
          }
          bufferStart = -1;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          }
        } else {
          if (bufferStart === -1) bufferStart = pointer;
          // The segment runs to the next separator: jump there.
          pointer = scanSegment(input, pointer + 1, url.special, override) - 1;
        }
        break;

      case OPAQUE_PATH:
        if (c === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (c === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        } else if (c !== EOF) {
          let end = pointer;
          while (end < length) {
            const d = StringPrototypeCharCodeAt(input, end);
            if (d === 0x3f || d === 0x23) break;
            end++;
          }
          let encoded = percentEncode(input, C0_CONTROL_SET, pointer, end);
          // A space right before "?" or "#" is encoded, so that removing the query or fragment
          // later cannot leave a trailing space.
          if (end < length && StringPrototypeCharCodeAt(input, end - 1) === 0x20) {
            encoded = `${StringPrototypeSlice(encoded, 0, encoded.length - 1)}%20`;
          }
          url.path += encoded;
          pointer = end - 1;
        }
        break;

      case QUERY:
        if (c === EOF || (!override && c === 0x23)) {
          if (bufferStart !== -1) {
            url.query += percentEncode(input, url.special ? SPECIAL_QUERY_SET : QUERY_SET, bufferStart, pointer);
          }
          bufferStart = -1;
          if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          }
        } else {
          // The buffer runs to the next "#" (or the end): jump there.
          bufferStart = pointer;
          let end = override ? -1 : StringPrototypeIndexOf(input, "#", pointer);
          if (end === -1) end = length;
          pointer = end - 1;
        }
        break;

      case FRAGMENT:
        if (c !== EOF) {
          url.fragment += percentEncode(input, FRAGMENT_SET, pointer, length);
          pointer = length - 1;
        }
        break;
    }
    if (pointer >= length) break;
    pointer++;
  }
  return url;
}

// --- Serializers -------------------------------------------------------------------------------

// https://url.spec.whatwg.org/#concept-url-serializer
function serializeURL(url, excludeFragment = false) {
  let out = `${url.scheme}:`;
  if (url.host !== null) {
    out += "//";
    if (url.username !== "" || url.password !== "") {
      out += url.username;
      if (url.password !== "") out += `:${url.password}`;
      out += "@";
    }
    out += url.host;
    if (url.port !== null) out += `:${url.port}`;
  } else if (!url.opaquePath && url.path.length > 1 && StringPrototypeCharCodeAt(url.path, 1) === 0x2f) {
    out += "/.";
  }
  out += url.path;
  if (url.query !== null) out += `?${url.query}`;
  if (!excludeFragment && url.fragment !== null) out += `#${url.fragment}`;
  return out;
}

// https://url.spec.whatwg.org/#concept-url-origin, serialized
// (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin).
function serializeOrigin(url) {
  switch (url.scheme) {
    case "blob": {
      const pathURL = basicParse(url.path, null, null, NO_OVERRIDE);
      if (pathURL !== null && (pathURL.scheme === "http" || pathURL.scheme === "https")) {
        return serializeOrigin(pathURL);
      }
      return "null";
    }
    case "ftp":
    case "http":
    case "https":
    case "ws":
    case "wss":
      return url.port === null ? `${url.scheme}://${url.host}` : `${url.scheme}://${url.host}:${url.port}`;
    default:
      return "null";
  }
}

// --- Attribute getters and setters (https://url.spec.whatwg.org/#urlutils-members) --------------
// The setters take an already converted USVString; the URL interface handles searchParams.

function getHost(url) {
  if (url.host === null) return "";
  return url.port === null ? url.host : `${url.host}:${url.port}`;
}

function getSearch(url) {
  return url.query === null || url.query === "" ? "" : `?${url.query}`;
}

function getHash(url) {
  return url.fragment === null || url.fragment === "" ? "" : `#${url.fragment}`;
}

function setProtocol(url, value) {
  basicParse(`${value}:`, null, url, SCHEME_START);
}

function setUsername(url, value) {
  if (cannotHaveUsernamePasswordPort(url)) return;
  url.username = percentEncode(value, USERINFO_SET);
}

function setPassword(url, value) {
  if (cannotHaveUsernamePasswordPort(url)) return;
  url.password = percentEncode(value, USERINFO_SET);
}

function setHost(url, value) {
  if (url.opaquePath) return;
  basicParse(value, null, url, HOST);
}

function setHostname(url, value) {
  if (url.opaquePath) return;
  basicParse(value, null, url, HOSTNAME);
}

function setPort(url, value) {
  if (cannotHaveUsernamePasswordPort(url)) return;
  if (value === "") url.port = null;
  else basicParse(value, null, url, PORT);
}

function setPathname(url, value) {
  if (url.opaquePath) return;
  url.path = "";
  basicParse(value, null, url, PATH_START);
}

// Returns the string the URL's query object must be re-initialized from, or null for empty.
function setSearch(url, value) {
  if (value === "") {
    url.query = null;
    return null;
  }
  const input = StringPrototypeCharCodeAt(value, 0) === 0x3f ? StringPrototypeSlice(value, 1) : value;
  url.query = "";
  basicParse(input, null, url, QUERY);
  return input;
}

function setHash(url, value) {
  if (value === "") {
    url.fragment = null;
    return;
  }
  const input = StringPrototypeCharCodeAt(value, 0) === 0x23 ? StringPrototypeSlice(value, 1) : value;
  url.fragment = "";
  basicParse(input, null, url, FRAGMENT);
}

// --- application/x-www-form-urlencoded (https://url.spec.whatwg.org/#application/x-www-form-urlencoded)

// The name or value bytes[start, end): "+" → space, percent-decoded, UTF-8 decoded.
function decodeFormBytes(bytes, start, end) {
  let simple = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x80 || b === 0x25 || b === 0x2b) {
      simple = false;
      break;
    }
  }
  if (simple) {
    const units = internalList();
    let result = "";
    for (let i = start; i < end; i++) {
      units[units.length] = bytes[i];
      if (units.length === 8192) {
        result += ReflectApply(StringFromCharCode, null, units);
        units.length = 0;
      }
    }
    return `${result}${ReflectApply(StringFromCharCode, null, units)}`;
  }
  const decoded = new Uint8Array(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x2b) {
      decoded[length++] = 0x20;
    } else if (b === 0x25 && i + 2 < end && isAsciiHexDigit(bytes[i + 1]) && isAsciiHexDigit(bytes[i + 2])) {
      decoded[length++] = hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2]);
      i += 2;
    } else {
      decoded[length++] = b;
    }
  }
  return utf8DecodeWithoutBOM(decoded, 0, length);
}

// https://url.spec.whatwg.org/#concept-urlencoded-parser over a string (the string form of
// "UTF-8 encode, then parse") or a Uint8Array of bytes.
function urlencodedParse(input) {
  const list = internalList();
  const isString = typeof input === "string";
  const length = isString ? input.length : TypedArrayPrototypeGetLength(input);
  let start = 0;
  while (start <= length) {
    let end = start;
    if (isString) {
      end = StringPrototypeIndexOf(input, "&", start);
      if (end === -1) end = length;
    } else {
      while (end < length && input[end] !== 0x26) end++;
    }
    if (end > start) {
      let equals = start;
      if (isString) {
        equals = StringPrototypeIndexOf(input, "=", start);
        if (equals === -1 || equals > end) equals = end;
      } else {
        while (equals < end && input[equals] !== 0x3d) equals++;
      }
      const valueStart = equals < end ? equals + 1 : end;
      const name = isString ? percentDecodeString(input, start, equals, true) : decodeFormBytes(input, start, equals);
      const value = isString ? percentDecodeString(input, valueStart, end, true) : decodeFormBytes(input, valueStart, end);
      list[list.length] = [name, value];
    }
    start = end + 1;
  }
  return list;
}

// https://url.spec.whatwg.org/#concept-urlencoded-serializer
function urlencodedSerialize(list) {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    const pair = list[i];
    if (i > 0) out += "&";
    out += `${percentEncode(pair[0], FORM_SET, 0, pair[0].length, true)}=` +
      `${percentEncode(pair[1], FORM_SET, 0, pair[1].length, true)}`;
  }
  return out;
}

// --- Entry points ------------------------------------------------------------------------------

// https://url.spec.whatwg.org/#concept-url-parser without blob URL entries. `input` a string,
// `base` a record or null/undefined.
function parseURL(input, base = undefined) {
  return basicParse(`${input}`, base === undefined ? null : base, null, NO_OVERRIDE);
}

function invalidUrl(input) {
  return new TypeError(`Invalid URL: ${input}`);
}

// The last base string parsed, for `new URL(x, sameBaseAgain)`. The cached record is never
// handed out, only read.
let lastBaseString = null;
let lastBaseRecord = null;

// The record of a base URL string, or null if it does not parse.
function parseBaseString(string) {
  if (string !== lastBaseString) {
    const record = basicParse(string, null, null, NO_OVERRIDE);
    if (record === null) return null;
    lastBaseString = string;
    lastBaseRecord = record;
  }
  return lastBaseRecord;
}

function parseUrl(input, base = undefined) {
  const string = `${input}`;
  let baseRecord = null;
  if (base !== undefined && base !== null) {
    baseRecord = parseBaseString(`${base}`);
    if (baseRecord === null) throw invalidUrl(`${base}`);
  }
  const record = basicParse(string, baseRecord, null, NO_OVERRIDE);
  if (record === null) throw invalidUrl(string);
  return record;
}

function resolveUrl(input, base = undefined) {
  return serializeURL(parseUrl(input, base));
}

// The base URL for relative URLs in `new Request(input)` and `Response.redirect(url)`: the URL of
// the request currently being handled (the host calls setBaseUrl before each fetch handler).
let currentBase = null;
// The string currentBase was parsed from: requests to the same URL (a client repeating one
// request, keep-alive) reuse the record, which nothing writes to, instead of parsing it again.
let currentBaseString = null;

function setBaseUrl(url) {
  if (url === currentBaseString) return;
  currentBase = parseUrl(url);
  currentBaseString = url;
}

function parseUrlAgainstBase(input) {
  const string = `${input}`;
  const record = basicParse(string, currentBase, null, NO_OVERRIDE);
  if (record === null) throw invalidUrl(string);
  return record;
}

internals.parseURL = parseURL;
internals.serializeURL = serializeURL;
internals.urlencodedParse = urlencodedParse;
internals.urlencodedSerialize = urlencodedSerialize;
internals.parseUrl = parseUrl;
internals.resolveUrl = resolveUrl;
internals.setBaseUrl = setBaseUrl;
internals.parseUrlAgainstBase = parseUrlAgainstBase;

// For 12_url_api.js and 13_url_pattern.js.
internals.urlSpec = ObjectFreeze({
  __proto__: null,
  URLRecord,
  basicParse,
  copyRecord,
  defaultPort,
  getHash,
  getHost,
  getSearch,
  isSpecialScheme,
  parseBaseString,
  parseHost,
  percentDecodeString,
  percentEncode,
  internalList,
  serializeIPv6,
  parseIPv6,
  serializeOrigin,
  setHash,
  setHostname,
  setHost,
  setPassword,
  setPathname,
  setPort,
  setProtocol,
  setScheme,
  setSearch,
  setUsername,
  states: ObjectFreeze({
    __proto__: null,
    NO_OVERRIDE,
    SCHEME_START,
    HOST,
    HOSTNAME,
    PORT,
    PATH_START,
    OPAQUE_PATH,
    QUERY,
    FRAGMENT,
  }),
  sets: ObjectFreeze({
    __proto__: null,
    C0_CONTROL_SET,
    FRAGMENT_SET,
    QUERY_SET,
    SPECIAL_QUERY_SET,
    PATH_SET,
    USERINFO_SET,
    COMPONENT_SET,
    FORM_SET,
  }),
});
