// A limited URL parser/resolver for http: and https: URLs, used by `new Request(input)` and
// `Response.redirect(url)`. It follows the WHATWG URL Standard's basic URL parser
// (https://url.spec.whatwg.org/#concept-basic-url-parser) for the parts it supports, which for
// http(s) URLs gives the same results as RFC 3986 §5.2 reference resolution (including
// dot-segment removal, https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4).
//
// A full WHATWG `URL` implementation replaces this file in a later change. Until then:
//   - only the special schemes http: and https: are supported; any other scheme is rejected;
//   - hosts must be ASCII without percent-escapes (no IDNA/punycode); IPv4 hosts are normalized
//     ("127.1" -> "127.0.0.1") and IPv6 hosts are parsed and compressed like the standard does;
//   - relative references are resolved against a base: `//host/p`, `/path`, `path`, `?q`, `#f`
//     and the empty string;
//   - anything else throws a TypeError "Invalid URL: <input>".
//
// Exports on `internals`:
//   resolveUrl(input, base?) -> string            the serialized absolute URL
//   parseUrl(input, base?) -> record              { href, scheme, username, password, host, port,
//                                                   pathname, query, fragment } (frozen)
//   setBaseUrl(url)                                called by the host before each fetch handler
//   parseUrlAgainstBase(input) -> record           `input` resolved against the last base URL

const {
  ArrayPrototypeJoin,
  MathFloor,
  NumberParseInt,
  NumberPrototypeToString,
  ObjectFreeze,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeIndexOf,
  StringPrototypeLastIndexOf,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  StringPrototypeToUpperCase,
  TypeError,
  Uint8Array,
} = primordials;

const SPECIAL_PORTS = { __proto__: null, http: "80", https: "443" };

// Percent-encode sets for ASCII code points (https://url.spec.whatwg.org/#percent-encoded-bytes).
// Non-ASCII code points are always encoded (as UTF-8).
const FRAGMENT_SET = 1;
const QUERY_SET = 2;
const SPECIAL_QUERY_SET = 4;
const PATH_SET = 8;
const USERINFO_SET = 16;
const encodeSets = new Uint8Array(128);
(function buildEncodeSets() {
  function add(sets, codes) {
    for (let i = 0; i < codes.length; i++) encodeSets[StringPrototypeCharCodeAt(codes, i)] |= sets;
  }
  const all = FRAGMENT_SET | QUERY_SET | SPECIAL_QUERY_SET | PATH_SET | USERINFO_SET;
  for (let c = 0; c < 0x20; c++) encodeSets[c] = all; // C0 controls
  encodeSets[0x7f] = all;
  add(all, " \"<>");
  add(FRAGMENT_SET | PATH_SET | USERINFO_SET, "`");
  add(QUERY_SET | SPECIAL_QUERY_SET | PATH_SET | USERINFO_SET, "#");
  add(SPECIAL_QUERY_SET, "'");
  add(PATH_SET | USERINFO_SET, "?{}");
  add(USERINFO_SET, "/:;=@[\\]^|");
})();

function invalidUrl(input) {
  return new TypeError(`Invalid URL: ${input}`);
}

function hex2(byte) {
  const hex = StringPrototypeToUpperCase(NumberPrototypeToString(byte, 16));
  return byte < 16 ? `%0${hex}` : `%${hex}`;
}

function utf8PercentEncodeCodePoint(cp) {
  if (cp < 0x800) return `${hex2(0xc0 | (cp >> 6))}${hex2(0x80 | (cp & 0x3f))}`;
  if (cp < 0x10000) {
    return `${hex2(0xe0 | (cp >> 12))}${hex2(0x80 | ((cp >> 6) & 0x3f))}${hex2(0x80 | (cp & 0x3f))}`;
  }
  return `${hex2(0xf0 | (cp >> 18))}${hex2(0x80 | ((cp >> 12) & 0x3f))}` +
    `${hex2(0x80 | ((cp >> 6) & 0x3f))}${hex2(0x80 | (cp & 0x3f))}`;
}

// https://url.spec.whatwg.org/#string-utf-8-percent-encode (lone surrogates encode as U+FFFD)
function percentEncode(string, set) {
  let out = "";
  let last = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c < 0x80 && (encodeSets[c] & set) === 0) continue;
    out += StringPrototypeSlice(string, last, i);
    if (c < 0x80) {
      out += hex2(c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < string.length &&
               StringPrototypeCharCodeAt(string, i + 1) >= 0xdc00 &&
               StringPrototypeCharCodeAt(string, i + 1) <= 0xdfff) {
      const low = StringPrototypeCharCodeAt(string, i + 1);
      out += utf8PercentEncodeCodePoint(0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += utf8PercentEncodeCodePoint(0xfffd);
    } else {
      out += utf8PercentEncodeCodePoint(c);
    }
    last = i + 1;
  }
  return last === 0 ? string : out + StringPrototypeSlice(string, last);
}

function isAsciiAlpha(c) {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAsciiDigit(c) {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiHexDigit(c) {
  return isAsciiDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isSlash(c) {
  return c === 0x2f || c === 0x5c; // "/" or "\" (both are separators in special URLs)
}

// Strips leading/trailing C0 controls and spaces, removes ASCII tab and newline everywhere.
function preprocess(input) {
  let start = 0;
  let end = input.length;
  while (start < end && StringPrototypeCharCodeAt(input, start) <= 0x20) start++;
  while (end > start && StringPrototypeCharCodeAt(input, end - 1) <= 0x20) end--;
  let out = "";
  let last = start;
  for (let i = start; i < end; i++) {
    const c = StringPrototypeCharCodeAt(input, i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += StringPrototypeSlice(input, last, i);
      last = i + 1;
    }
  }
  return out + StringPrototypeSlice(input, last, end);
}

// Index of the ":" ending a scheme at the start of `s`, or -1 if `s` does not start with one.
function schemeEnd(s) {
  if (s.length === 0 || !isAsciiAlpha(StringPrototypeCharCodeAt(s, 0))) return -1;
  for (let i = 1; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x3a) return i;
    if (!isAsciiAlpha(c) && !isAsciiDigit(c) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return -1;
  }
  return -1;
}

function skipSlashes(s, i) {
  while (i < s.length && isSlash(StringPrototypeCharCodeAt(s, i))) i++;
  return i;
}

// Index of the first "#" (or "?" if stopAtQuery, or slash if stopAtSlash) at or after `from`,
// else s.length.
function findFirst(s, from, stopAtSlash, stopAtQuery) {
  for (let i = from; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x23 || (stopAtQuery && c === 0x3f) || (stopAtSlash && isSlash(c))) return i;
  }
  return s.length;
}

// --- Hosts (https://url.spec.whatwg.org/#host-parsing) ---

function parseIPv4Number(part) {
  if (part === "") return -1;
  let radix = 10;
  let digits = part;
  if (part.length >= 2 && part[0] === "0" && (part[1] === "x" || part[1] === "X")) {
    radix = 16;
    digits = StringPrototypeSlice(part, 2);
  } else if (part.length >= 2 && part[0] === "0") {
    radix = 8;
    digits = StringPrototypeSlice(part, 1);
  }
  if (digits === "") return 0;
  for (let i = 0; i < digits.length; i++) {
    const c = StringPrototypeCharCodeAt(digits, i);
    const ok = radix === 16 ? isAsciiHexDigit(c) : radix === 10 ? isAsciiDigit(c) : c >= 0x30 && c <= 0x37;
    if (!ok) return -1;
  }
  return NumberParseInt(digits, radix);
}

function splitOn(s, separator) {
  const parts = [];
  let start = 0;
  for (;;) {
    const index = StringPrototypeIndexOf(s, separator, start);
    if (index === -1) {
      SafeArrayPush(parts, StringPrototypeSlice(s, start));
      return parts;
    }
    SafeArrayPush(parts, StringPrototypeSlice(s, start, index));
    start = index + 1;
  }
}

// https://url.spec.whatwg.org/#ends-in-a-number-checker
function endsInANumber(host) {
  const parts = splitOn(host, ".");
  let lastIndex = parts.length - 1;
  if (parts[lastIndex] === "") {
    if (parts.length === 1) return false;
    lastIndex--;
  }
  const last = parts[lastIndex];
  if (last === "") return false;
  let allDigits = true;
  for (let i = 0; i < last.length; i++) {
    if (!isAsciiDigit(StringPrototypeCharCodeAt(last, i))) allDigits = false;
  }
  return allDigits || parseIPv4Number(last) !== -1;
}

// https://url.spec.whatwg.org/#concept-ipv4-parser, returns the serialized address or null.
function parseIPv4(host) {
  const parts = splitOn(host, ".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.length--;
  if (parts.length > 4) return null;
  const numbers = [];
  for (let i = 0; i < parts.length; i++) {
    const n = parseIPv4Number(parts[i]);
    if (n === -1) return null;
    SafeArrayPush(numbers, n);
  }
  for (let i = 0; i < numbers.length - 1; i++) {
    if (numbers[i] > 255) return null;
  }
  if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return null;
  let address = numbers[numbers.length - 1];
  for (let i = 0; i < numbers.length - 1; i++) address += numbers[i] * 256 ** (3 - i);
  const octets = [];
  for (let i = 3; i >= 0; i--) SafeArrayPush(octets, `${MathFloor(address / 256 ** i) % 256}`);
  return ArrayPrototypeJoin(octets, ".");
}

// https://url.spec.whatwg.org/#concept-ipv6-parser, returns 8 pieces or null.
function parseIPv6(input) {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0;
  let compress = null;
  let p = 0;
  const at = (i) => (i < input.length ? StringPrototypeCharCodeAt(input, i) : -1);
  if (at(p) === 0x3a) {
    if (at(p + 1) !== 0x3a) return null;
    p += 2;
    pieceIndex++;
    compress = pieceIndex;
  }
  while (at(p) !== -1) {
    if (pieceIndex === 8) return null;
    if (at(p) === 0x3a) {
      if (compress !== null) return null;
      p++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && isAsciiHexDigit(at(p))) {
      value = value * 16 + NumberParseInt(input[p], 16);
      p++;
      length++;
    }
    if (at(p) === 0x2e) {
      if (length === 0) return null;
      p -= length;
      if (pieceIndex > 6) return null;
      let numbersSeen = 0;
      while (at(p) !== -1) {
        let ipv4Piece = null;
        if (numbersSeen > 0) {
          if (at(p) === 0x2e && numbersSeen < 4) p++;
          else return null;
        }
        if (!isAsciiDigit(at(p))) return null;
        while (isAsciiDigit(at(p))) {
          const number = at(p) - 0x30;
          if (ipv4Piece === null) ipv4Piece = number;
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
      if (at(p) === -1) return null;
    } else if (at(p) !== -1) {
      return null;
    }
    address[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== null) {
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

// https://url.spec.whatwg.org/#concept-ipv6-serializer
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
  let ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && address[i] === 0) continue;
    ignore0 = false;
    if (bestStart === i) {
      out += i === 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    out += NumberPrototypeToString(address[i], 16);
    if (i !== 7) out += ":";
  }
  return `${out}]`;
}

// Forbidden domain code points (https://url.spec.whatwg.org/#forbidden-domain-code-point), plus
// "%" and non-ASCII which this limited parser cannot process (they need percent-decoding/IDNA).
function isUnsupportedDomainCodePoint(c) {
  return c <= 0x20 || c >= 0x7f || c === 0x23 || c === 0x25 || c === 0x2f || c === 0x3a ||
    c === 0x3c || c === 0x3e || c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c ||
    c === 0x5d || c === 0x5e || c === 0x7c;
}

// Returns the serialized host or null on failure.
function parseHost(input) {
  if (input === "") return null;
  if (input[0] === "[") {
    if (input[input.length - 1] !== "]") return null;
    const address = parseIPv6(StringPrototypeSlice(input, 1, input.length - 1));
    return address === null ? null : serializeIPv6(address);
  }
  for (let i = 0; i < input.length; i++) {
    if (isUnsupportedDomainCodePoint(StringPrototypeCharCodeAt(input, i))) return null;
  }
  const domain = StringPrototypeToLowerCase(input);
  return endsInANumber(domain) ? parseIPv4(domain) : domain;
}

// Returns the port to serialize ("" for none or the scheme's default) or null on failure.
function parsePort(input, scheme) {
  if (input === "") return "";
  for (let i = 0; i < input.length; i++) {
    if (!isAsciiDigit(StringPrototypeCharCodeAt(input, i))) return null;
  }
  const port = NumberParseInt(input, 10);
  if (port > 65535) return null;
  const serialized = `${port}`;
  return serialized === SPECIAL_PORTS[scheme] ? "" : serialized;
}

// --- Paths (https://url.spec.whatwg.org/#path-state) ---

function isSingleDot(segment) {
  return segment === "." || StringPrototypeToLowerCase(segment) === "%2e";
}

function isDoubleDot(segment) {
  if (segment.length !== 2 && segment.length !== 4 && segment.length !== 6) return false;
  const lower = StringPrototypeToLowerCase(segment);
  return lower === ".." || lower === ".%2e" || lower === "%2e." || lower === "%2e%2e";
}

// Appends the segments of s[start, end) to `segments`, resolving dot segments.
function parsePathInto(segments, s, start, end) {
  let segmentStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && !isSlash(StringPrototypeCharCodeAt(s, i))) continue;
    const segment = StringPrototypeSlice(s, segmentStart, i);
    const isLast = i === end;
    if (isDoubleDot(segment)) {
      if (segments.length > 0) segments.length--;
      if (isLast) SafeArrayPush(segments, "");
    } else if (isSingleDot(segment)) {
      if (isLast) SafeArrayPush(segments, "");
    } else {
      SafeArrayPush(segments, percentEncode(segment, PATH_SET));
    }
    segmentStart = i + 1;
  }
  return segments;
}

function copySegments(segments, dropLast) {
  const copy = [];
  const n = dropLast ? segments.length - 1 : segments.length;
  for (let i = 0; i < n; i++) SafeArrayPush(copy, segments[i]);
  return copy;
}

// --- Records ---

function makeRecord(scheme, username, password, host, port, segments, query, fragment) {
  const userinfo = username !== "" || password !== ""
    ? `${username}${password !== "" ? `:${password}` : ""}@`
    : "";
  const pathname = `/${ArrayPrototypeJoin(segments, "/")}`;
  const href = `${scheme}://${userinfo}${host}${port !== "" ? `:${port}` : ""}${pathname}` +
    `${query !== null ? `?${query}` : ""}${fragment !== null ? `#${fragment}` : ""}`;
  return ObjectFreeze({
    __proto__: null,
    href,
    scheme,
    username,
    password,
    host,
    port,
    pathname,
    segments: ObjectFreeze(segments),
    query,
    fragment,
  });
}

// Parses an optional "?query" and "#fragment" starting at s[i] (s[i] is "?", "#" or the end).
function finish(base, segments, s, i, defaultQuery) {
  let query = defaultQuery;
  let fragment = null;
  if (i < s.length && s[i] === "?") {
    const end = findFirst(s, i + 1, false, false);
    query = percentEncode(StringPrototypeSlice(s, i + 1, end), SPECIAL_QUERY_SET);
    i = end;
  }
  if (i < s.length && s[i] === "#") {
    fragment = percentEncode(StringPrototypeSlice(s, i + 1), FRAGMENT_SET);
  }
  return makeRecord(base.scheme, base.username, base.password, base.host, base.port, segments, query, fragment);
}

// Parses "[userinfo@]host[:port][/path][?query][#fragment]" starting at s[i].
function parseAuthority(scheme, s, i) {
  const authorityEnd = findFirst(s, i, true, true);
  let hostStart = i;
  let username = "";
  let password = "";
  const at = StringPrototypeLastIndexOf(s, "@", authorityEnd - 1);
  if (at >= i) {
    const userinfo = StringPrototypeSlice(s, i, at);
    const colon = StringPrototypeIndexOf(userinfo, ":");
    username = percentEncode(colon === -1 ? userinfo : StringPrototypeSlice(userinfo, 0, colon), USERINFO_SET);
    password = colon === -1 ? "" : percentEncode(StringPrototypeSlice(userinfo, colon + 1), USERINFO_SET);
    hostStart = at + 1;
  }
  const hostAndPort = StringPrototypeSlice(s, hostStart, authorityEnd);
  let colon;
  if (hostAndPort[0] === "[") {
    const close = StringPrototypeIndexOf(hostAndPort, "]");
    if (close === -1) return null;
    colon = close + 1 < hostAndPort.length ? close + 1 : -1;
    if (colon !== -1 && hostAndPort[colon] !== ":") return null;
  } else {
    colon = StringPrototypeIndexOf(hostAndPort, ":");
  }
  const host = parseHost(colon === -1 ? hostAndPort : StringPrototypeSlice(hostAndPort, 0, colon));
  if (host === null) return null;
  const port = parsePort(colon === -1 ? "" : StringPrototypeSlice(hostAndPort, colon + 1), scheme);
  if (port === null) return null;

  const base = { __proto__: null, scheme, username, password, host, port };
  if (authorityEnd < s.length && isSlash(StringPrototypeCharCodeAt(s, authorityEnd))) {
    const pathEnd = findFirst(s, authorityEnd + 1, false, true);
    return finish(base, parsePathInto([], s, authorityEnd + 1, pathEnd), s, pathEnd, null);
  }
  return finish(base, [""], s, authorityEnd, null); // "http://host?q" has the path "/"
}

// https://url.spec.whatwg.org/#relative-state
function parseRelative(s, base) {
  if (s.length === 0) {
    return makeRecord(base.scheme, base.username, base.password, base.host, base.port,
      copySegments(base.segments, false), base.query, null);
  }
  const first = StringPrototypeCharCodeAt(s, 0);
  if (isSlash(first)) {
    if (s.length > 1 && isSlash(StringPrototypeCharCodeAt(s, 1))) {
      return parseAuthority(base.scheme, s, skipSlashes(s, 0));
    }
    const end = findFirst(s, 1, false, true);
    return finish(base, parsePathInto([], s, 1, end), s, end, null);
  }
  if (first === 0x3f) return finish(base, copySegments(base.segments, false), s, 0, null);
  if (first === 0x23) return finish(base, copySegments(base.segments, false), s, 0, base.query);
  const end = findFirst(s, 0, false, true);
  return finish(base, parsePathInto(copySegments(base.segments, true), s, 0, end), s, end, null);
}

// Returns a record, or null if `input` is not a URL this parser supports.
function basicParse(input, base) {
  const s = preprocess(input);
  const colon = schemeEnd(s);
  if (colon === -1) return base === null ? null : parseRelative(s, base);
  const scheme = StringPrototypeToLowerCase(StringPrototypeSlice(s, 0, colon));
  if (SPECIAL_PORTS[scheme] === undefined) return null;
  if (base !== null && base.scheme === scheme) {
    // "special relative or authority state": "http:foo" is relative to an http: base.
    return parseRelative(StringPrototypeSlice(s, colon + 1), base);
  }
  return parseAuthority(scheme, s, skipSlashes(s, colon + 1));
}

let lastBaseString = null;
let lastBaseRecord = null;

function parseBase(base) {
  if (base === undefined || base === null) return null;
  const string = `${base}`;
  if (string !== lastBaseString) {
    const record = basicParse(string, null);
    if (record === null) throw invalidUrl(string);
    lastBaseString = string;
    lastBaseRecord = record;
  }
  return lastBaseRecord;
}

function parseUrl(input, base = undefined) {
  const string = `${input}`;
  const record = basicParse(string, parseBase(base));
  if (record === null) throw invalidUrl(string);
  return record;
}

function resolveUrl(input, base = undefined) {
  return parseUrl(input, base).href;
}

// The base URL for relative URLs in `new Request(input)` and `Response.redirect(url)`: the URL of
// the request currently being handled (the host calls setBaseUrl before each fetch handler).
let currentBase = null;

function setBaseUrl(url) {
  const string = `${url}`;
  const record = basicParse(string, null);
  if (record === null) throw invalidUrl(string);
  currentBase = record;
}

function parseUrlAgainstBase(input) {
  const string = `${input}`;
  const record = basicParse(string, currentBase);
  if (record === null) throw invalidUrl(string);
  return record;
}

internals.parseUrl = parseUrl;
internals.resolveUrl = resolveUrl;
internals.setBaseUrl = setBaseUrl;
internals.parseUrlAgainstBase = parseUrlAgainstBase;
