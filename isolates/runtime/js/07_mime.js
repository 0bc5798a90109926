// MIME types: parsing and serializing (https://mimesniff.spec.whatwg.org/#understanding-mime-types)
// and the Fetch Standard's "extract a MIME type" from a header list
// (https://fetch.spec.whatwg.org/#concept-header-extract-mime-type), with the header-value helpers
// it needs ("collect an HTTP quoted string", "get, decode, and split").
//
// A MIME type record is { type, subtype, parameters } with `type` and `subtype` ASCII-lowercased
// and `parameters` a Map from lowercase name to value, in the order they were parsed. Records
// are plain internal objects (null prototype); callers may change `parameters` on their own
// records (extract-a-MIME-type does).
//
// Exports on `internals`:
//   parseMimeType(string) -> record | null          https://mimesniff.spec.whatwg.org/#parse-a-mime-type
//   serializeMimeType(record) -> string             https://mimesniff.spec.whatwg.org/#serialize-a-mime-type
//   mimeEssence(record) -> "type/subtype"
//   extractMimeType(headerList) -> record | null    headerList: [[lowercaseName, value], …]
//   collectHttpQuotedString(input, position, extractValue) -> { value, position }
//   getDecodeSplit(value) -> list of strings        https://fetch.spec.whatwg.org/#header-value-get-decode-and-split
//   isHttpTokenCodePoint(c), isHttpQuotedStringTokenCodePoint(c), isHttpWhitespace(c)

const {
  Map,
  MapPrototypeForEach,
  MapPrototypeGet,
  MapPrototypeHas,
  MapPrototypeSet,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
} = primordials;

// https://mimesniff.spec.whatwg.org/#http-token-code-point
function isHttpTokenCodePoint(c) {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d ||
    c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

// https://mimesniff.spec.whatwg.org/#http-quoted-string-token-code-point
function isHttpQuotedStringTokenCodePoint(c) {
  return c === 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

// https://fetch.spec.whatwg.org/#http-whitespace
function isHttpWhitespace(c) {
  return c === 0x0a || c === 0x0d || c === 0x09 || c === 0x20;
}

function isHttpTabOrSpace(c) {
  return c === 0x09 || c === 0x20;
}

function solelyTokenCodePoints(string) {
  for (let i = 0; i < string.length; i++) {
    if (!isHttpTokenCodePoint(StringPrototypeCharCodeAt(string, i))) return false;
  }
  return true;
}

function solelyQuotedStringTokenCodePoints(string) {
  for (let i = 0; i < string.length; i++) {
    if (!isHttpQuotedStringTokenCodePoint(StringPrototypeCharCodeAt(string, i))) return false;
  }
  return true;
}

// Index of the first code unit at or after `position` that is `a` or `b` (or input.length).
function indexOfEither(input, position, a, b) {
  while (position < input.length) {
    const c = StringPrototypeCharCodeAt(input, position);
    if (c === a || c === b) return position;
    position++;
  }
  return position;
}

function trimTrailingHttpWhitespace(string) {
  let end = string.length;
  while (end > 0 && isHttpWhitespace(StringPrototypeCharCodeAt(string, end - 1))) end--;
  return end === string.length ? string : StringPrototypeSlice(string, 0, end);
}

// https://fetch.spec.whatwg.org/#collect-an-http-quoted-string. input[position] is '"'.
// Returns the value (extractValue) or the raw quoted text, and the position after it.
function collectHttpQuotedString(input, position, extractValue) {
  const positionStart = position;
  let value = "";
  position++;
  for (;;) {
    const end = indexOfEither(input, position, 0x22, 0x5c);
    value += StringPrototypeSlice(input, position, end);
    position = end;
    if (position >= input.length) break;
    const quoteOrBackslash = StringPrototypeCharCodeAt(input, position);
    position++;
    if (quoteOrBackslash === 0x5c) {
      if (position >= input.length) {
        value += "\\";
        break;
      }
      value += input[position];
      position++;
    } else {
      break;
    }
  }
  return {
    __proto__: null,
    value: extractValue ? value : StringPrototypeSlice(input, positionStart, position),
    position,
  };
}

function newMimeType(type, subtype) {
  return { __proto__: null, type, subtype, parameters: new Map() };
}

// https://mimesniff.spec.whatwg.org/#parse-a-mime-type
function parseMimeType(input) {
  // 1. Remove leading and trailing HTTP whitespace.
  let start = 0;
  let end = input.length;
  while (start < end && isHttpWhitespace(StringPrototypeCharCodeAt(input, start))) start++;
  while (end > start && isHttpWhitespace(StringPrototypeCharCodeAt(input, end - 1))) end--;
  if (start !== 0 || end !== input.length) input = StringPrototypeSlice(input, start, end);

  // 3-6. type
  let position = indexOfEither(input, 0, 0x2f, 0x2f);
  const type = StringPrototypeSlice(input, 0, position);
  if (type === "" || !solelyTokenCodePoints(type)) return null;
  if (position >= input.length) return null;
  position++;

  // 7-9. subtype
  const subtypeEnd = indexOfEither(input, position, 0x3b, 0x3b);
  const subtype = trimTrailingHttpWhitespace(StringPrototypeSlice(input, position, subtypeEnd));
  position = subtypeEnd;
  if (subtype === "" || !solelyTokenCodePoints(subtype)) return null;

  // 10.
  const mimeType = newMimeType(StringPrototypeToLowerCase(type), StringPrototypeToLowerCase(subtype));

  // 11. parameters
  while (position < input.length) {
    position++; // skip ";"
    while (position < input.length && isHttpWhitespace(StringPrototypeCharCodeAt(input, position))) position++;
    const nameEnd = indexOfEither(input, position, 0x3b, 0x3d);
    const parameterName = StringPrototypeToLowerCase(StringPrototypeSlice(input, position, nameEnd));
    position = nameEnd;
    if (position < input.length) {
      if (StringPrototypeCharCodeAt(input, position) === 0x3b) continue;
      position++; // skip "="
    }
    if (position >= input.length) break;
    let parameterValue;
    if (StringPrototypeCharCodeAt(input, position) === 0x22) {
      const collected = collectHttpQuotedString(input, position, true);
      parameterValue = collected.value;
      position = indexOfEither(input, collected.position, 0x3b, 0x3b);
    } else {
      const valueEnd = indexOfEither(input, position, 0x3b, 0x3b);
      parameterValue = trimTrailingHttpWhitespace(StringPrototypeSlice(input, position, valueEnd));
      position = valueEnd;
      if (parameterValue === "") continue;
    }
    if (parameterName !== "" && solelyTokenCodePoints(parameterName) &&
        solelyQuotedStringTokenCodePoints(parameterValue) &&
        !MapPrototypeHas(mimeType.parameters, parameterName)) {
      MapPrototypeSet(mimeType.parameters, parameterName, parameterValue);
    }
  }
  return mimeType;
}

function mimeEssence(mimeType) {
  return `${mimeType.type}/${mimeType.subtype}`;
}

// https://mimesniff.spec.whatwg.org/#serialize-a-mime-type
function serializeMimeType(mimeType) {
  let serialization = mimeEssence(mimeType);
  MapPrototypeForEach(mimeType.parameters, (value, name) => {
    serialization += `;${name}=`;
    if (value === "" || !solelyTokenCodePoints(value)) {
      let escaped = "";
      let last = 0;
      for (let i = 0; i < value.length; i++) {
        const c = StringPrototypeCharCodeAt(value, i);
        if (c === 0x22 || c === 0x5c) {
          escaped += `${StringPrototypeSlice(value, last, i)}\\`;
          last = i;
        }
      }
      value = `"${escaped}${StringPrototypeSlice(value, last)}"`;
    }
    serialization += value;
  });
  return serialization;
}

// https://fetch.spec.whatwg.org/#header-value-get-decode-and-split (the value is a string whose
// code units are bytes, so "isomorphic decode" is the identity).
function getDecodeSplit(input) {
  let position = 0;
  const values = [];
  let temporaryValue = "";
  for (;;) {
    const end = indexOfEither(input, position, 0x22, 0x2c);
    temporaryValue += StringPrototypeSlice(input, position, end);
    position = end;
    if (position < input.length && StringPrototypeCharCodeAt(input, position) === 0x22) {
      const collected = collectHttpQuotedString(input, position, false);
      temporaryValue += collected.value;
      position = collected.position;
      if (position < input.length) continue;
    }
    let start = 0;
    let stop = temporaryValue.length;
    while (start < stop && isHttpTabOrSpace(StringPrototypeCharCodeAt(temporaryValue, start))) start++;
    while (stop > start && isHttpTabOrSpace(StringPrototypeCharCodeAt(temporaryValue, stop - 1))) stop--;
    SafeArrayPush(values, StringPrototypeSlice(temporaryValue, start, stop));
    temporaryValue = "";
    if (position >= input.length) return values;
    position++; // skip ","
  }
}

// https://fetch.spec.whatwg.org/#concept-header-list-get for Content-Type, combined with ", ".
function getContentType(headerList) {
  let value = null;
  for (let i = 0; i < headerList.length; i++) {
    if (headerList[i][0] === "content-type") {
      value = value === null ? headerList[i][1] : `${value}, ${headerList[i][1]}`;
    }
  }
  return value;
}

// https://fetch.spec.whatwg.org/#concept-header-extract-mime-type
function extractMimeType(headerList) {
  let charset = null;
  let essence = null;
  let mimeType = null;
  const combined = getContentType(headerList);
  if (combined === null) return null;
  const values = getDecodeSplit(combined);
  for (let i = 0; i < values.length; i++) {
    const temporaryMimeType = parseMimeType(values[i]);
    if (temporaryMimeType === null || mimeEssence(temporaryMimeType) === "*/*") continue;
    mimeType = temporaryMimeType;
    const mimeTypeEssence = mimeEssence(mimeType);
    if (mimeTypeEssence !== essence) {
      charset = null;
      if (MapPrototypeHas(mimeType.parameters, "charset")) {
        charset = MapPrototypeGet(mimeType.parameters, "charset");
      }
      essence = mimeTypeEssence;
    } else if (!MapPrototypeHas(mimeType.parameters, "charset") && charset !== null) {
      MapPrototypeSet(mimeType.parameters, "charset", charset);
    }
  }
  return mimeType;
}

internals.parseMimeType = parseMimeType;
internals.serializeMimeType = serializeMimeType;
internals.mimeEssence = mimeEssence;
internals.extractMimeType = extractMimeType;
internals.collectHttpQuotedString = collectHttpQuotedString;
internals.getDecodeSplit = getDecodeSplit;
internals.isHttpTokenCodePoint = isHttpTokenCodePoint;
internals.isHttpQuotedStringTokenCodePoint = isHttpQuotedStringTokenCodePoint;
internals.isHttpWhitespace = isHttpWhitespace;
