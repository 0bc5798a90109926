// FormData (https://xhr.spec.whatwg.org/#interface-formdata), its multipart/form-data encoding
// (https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart/form-data-encoding-algorithm)
// and a multipart/form-data parser for Body.formData()
// (https://fetch.spec.whatwg.org/#dom-body-formdata, RFC 7578, RFC 2046 §5.1).
//
// The entry list is a list of [name, value] pairs, value a string or a File. Iteration follows
// Web IDL's pair iterators: the iterator reads the live list at its current index.
//
// Encoding: names and string values have their newlines normalized to CRLF; names and filenames
// then escape LF, CR and '"' as %0A, %0D and %22 (HTML's rules, as browsers do). The boundary is
// "----QuiverFormBoundary" followed by 24 random hex digits (Math.random, as Deno and undici do;
// a boundary only needs to be unlikely to occur in the content). File contents are not copied:
// the encoded body is a BlobData whose chunks include the files' own chunks.
//
// Parsing is strict where a mistake would be silent and lenient where clients differ: a preamble
// before the first boundary and transport padding after a boundary are skipped, Content-Disposition
// parameters may be quoted or tokens, in any order, with spaces around ";" and "="; quoted values
// have %22, %0D and %0A decoded (the escapes browsers produce) and no backslash escapes. Anything
// else malformed (no boundary, a part without Content-Disposition or name, a missing final
// boundary, a header line without ":") is a TypeError saying what was wrong. Part header values
// are decoded as UTF-8; a part with a filename becomes a File (type from its Content-Type, else
// "text/plain", lastModified now) sharing the body's bytes; other parts become strings (UTF-8,
// BOM removed). The search for delimiters is linear in the body size.
//
// Deviations: `new FormData(form)` throws a TypeError for any `form` (there is no
// HTMLFormElement on a server); the RFC 5987 `filename*` parameter is ignored.
//
// Exports on `internals`: isFormData(v), formDataList(formData) -> entry list (live),
// createFormData(list) -> FormData, encodeMultipartFormData(list) -> { data: BlobData, boundary },
// parseMultipartFormData(bytes, boundary) -> entry list (throws TypeError).

const {
  DateNow,
  IteratorPrototype,
  MathFloor,
  MathRandom,
  ObjectDefineProperty,
  ObjectSetPrototypeOf,
  ReflectApply,
  SafeArrayPush,
  StringFromCharCode,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  SymbolIterator,
  SymbolToStringTag,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeIndexOf,
  TypeError,
  Uint8Array,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  requiredArguments,
  toUSVString,
} = internals.webidl;
const {
  blobData,
  blobDataFromBytes,
  blobDataFromChunks,
  blobType,
  createFile,
  fileLastModified,
  fileName,
  isBlob,
  isFile,
  isHttpTokenCodePoint,
  normalizeBlobType,
  utf8DecodeWithoutBOM,
} = internals;

// --- FormData ---

let isFormData;
let formDataList;
let createFormData;

// https://xhr.spec.whatwg.org/#create-an-entry (name and value already converted)
function createEntry(name, value, filename) {
  if (typeof value === "string") return [name, value];
  if (!isFile(value)) value = createFile(blobData(value), "blob", blobType(value), DateNow());
  if (filename !== undefined) {
    value = createFile(blobData(value), filename, blobType(value), fileLastModified(value));
  }
  return [name, value];
}

// Overload resolution and conversions shared by append() and set():
// (USVString name, USVString value) or (USVString name, Blob blobValue, optional USVString filename).
function convertEntryArguments(count, name, value, filename, prefix) {
  requiredArguments(count, 2, prefix);
  if (count >= 3 || isBlob(value)) {
    if (!isBlob(value)) throw new TypeError(`${prefix}: parameter 2 is not of type 'Blob'.`);
    const convertedName = toUSVString(name, prefix, "Argument 1");
    const convertedFilename = filename === undefined ? undefined : toUSVString(filename, prefix, "Argument 3");
    return createEntry(convertedName, value, convertedFilename);
  }
  const convertedName = toUSVString(name, prefix, "Argument 1");
  return createEntry(convertedName, toUSVString(value, prefix, "Argument 2"), undefined);
}

class FormData {
  #list = [];

  constructor(form = undefined, submitter = undefined) {
    if (form !== undefined) {
      throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement' (there are no forms on a server).");
    }
    void submitter;
  }

  static {
    isFormData = (value) => isObject(value) && #list in value;
    formDataList = (formData) => formData.#list;
    createFormData = (list) => {
      const formData = new FormData();
      formData.#list = list;
      return formData;
    };
  }

  append(name, value, filename = undefined) {
    if (!isFormData(this)) throw illegalInvocation();
    const entry = convertEntryArguments(arguments.length, name, value, filename, "Failed to execute 'append' on 'FormData'");
    SafeArrayPush(this.#list, entry);
  }

  delete(name) {
    if (!isFormData(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'delete' on 'FormData'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    const kept = [];
    for (let i = 0; i < this.#list.length; i++) {
      if (this.#list[i][0] !== name) SafeArrayPush(kept, this.#list[i]);
    }
    this.#list = kept;
  }

  get(name) {
    if (!isFormData(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'get' on 'FormData'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    for (let i = 0; i < this.#list.length; i++) {
      if (this.#list[i][0] === name) return this.#list[i][1];
    }
    return null;
  }

  getAll(name) {
    if (!isFormData(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'getAll' on 'FormData'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    const values = [];
    for (let i = 0; i < this.#list.length; i++) {
      if (this.#list[i][0] === name) SafeArrayPush(values, this.#list[i][1]);
    }
    return values;
  }

  has(name) {
    if (!isFormData(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'has' on 'FormData'";
    requiredArguments(arguments.length, 1, prefix);
    name = toUSVString(name, prefix, "Argument 1");
    for (let i = 0; i < this.#list.length; i++) {
      if (this.#list[i][0] === name) return true;
    }
    return false;
  }

  set(name, value, filename = undefined) {
    if (!isFormData(this)) throw illegalInvocation();
    const entry = convertEntryArguments(arguments.length, name, value, filename, "Failed to execute 'set' on 'FormData'");
    // Replace the first entry with this name, remove the others; append if there was none.
    const list = [];
    let found = false;
    for (let i = 0; i < this.#list.length; i++) {
      if (this.#list[i][0] !== entry[0]) {
        SafeArrayPush(list, this.#list[i]);
      } else if (!found) {
        SafeArrayPush(list, entry);
        found = true;
      }
    }
    if (!found) SafeArrayPush(list, entry);
    this.#list = list;
  }

  // https://webidl.spec.whatwg.org/#es-forEach
  forEach(callback, thisArg = undefined) {
    if (!isFormData(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'forEach' on 'FormData'";
    requiredArguments(arguments.length, 1, prefix);
    if (typeof callback !== "function") {
      throw new TypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
    }
    for (let i = 0; i < this.#list.length; i++) {
      const entry = this.#list[i];
      ReflectApply(callback, thisArg, [entry[1], entry[0], this]);
    }
  }

  entries() {
    if (!isFormData(this)) throw illegalInvocation();
    return createFormDataIterator(this, "key+value");
  }

  keys() {
    if (!isFormData(this)) throw illegalInvocation();
    return createFormDataIterator(this, "key");
  }

  values() {
    if (!isFormData(this)) throw illegalInvocation();
    return createFormDataIterator(this, "value");
  }
}

// The default iterator object (https://webidl.spec.whatwg.org/#es-default-iterator-object).
let createFormDataIterator;

class FormDataIterator {
  #formData;
  #kind;
  #index = 0;

  constructor(formData, kind) {
    this.#formData = formData;
    this.#kind = kind;
  }

  static {
    createFormDataIterator = (formData, kind) => new FormDataIterator(formData, kind);
  }

  next() {
    if (!isObject(this) || !(#index in this)) throw illegalInvocation();
    const list = formDataList(this.#formData);
    if (this.#index >= list.length) return { value: undefined, done: true };
    const entry = list[this.#index++];
    if (this.#kind === "key") return { value: entry[0], done: false };
    if (this.#kind === "value") return { value: entry[1], done: false };
    return { value: [entry[0], entry[1]], done: false };
  }
}

const FormDataIteratorPrototype = FormDataIterator.prototype;
ObjectSetPrototypeOf(FormDataIteratorPrototype, IteratorPrototype);
delete FormDataIteratorPrototype.constructor;
ObjectDefineProperty(FormDataIteratorPrototype, "next", { __proto__: null, enumerable: true });
ObjectDefineProperty(FormDataIteratorPrototype, SymbolToStringTag, {
  __proto__: null,
  value: "FormData Iterator",
  writable: false,
  enumerable: false,
  configurable: true,
});

configureInterface(FormData, "FormData");
ObjectDefineProperty(FormData.prototype, SymbolIterator, {
  __proto__: null,
  value: FormData.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
installGlobal("FormData", FormData);

// Repeated names show as an array of their values, like Headers' set-cookie.
internals.registerInspector(isFormData, (formData) => {
  const list = formDataList(formData);
  const keys = [];
  const values = [];
  const repeated = [];
  for (let i = 0; i < list.length; i++) {
    const name = list[i][0];
    let index = -1;
    for (let j = 0; j < keys.length && index === -1; j++) {
      if (keys[j] === name) index = j;
    }
    if (index === -1) {
      SafeArrayPush(keys, name);
      SafeArrayPush(values, list[i][1]);
      SafeArrayPush(repeated, false);
    } else if (repeated[index]) {
      SafeArrayPush(values[index], list[i][1]);
    } else {
      values[index] = [values[index], list[i][1]];
      repeated[index] = true;
    }
  }
  return internals.makeDisplayObject(FormData.prototype, keys, values);
});

// --- Encoding ---

// Lone CR and lone LF become CRLF.
function normalizeNewlines(string) {
  let result = "";
  let last = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c === 0x0d) {
      if (i + 1 < string.length && StringPrototypeCharCodeAt(string, i + 1) === 0x0a) {
        i++;
        continue;
      }
    } else if (c !== 0x0a) {
      continue;
    }
    result += `${StringPrototypeSlice(string, last, i)}\r\n`;
    last = i + 1;
  }
  return last === 0 ? string : result + StringPrototypeSlice(string, last);
}

function escapeName(string) {
  let result = "";
  let last = 0;
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    const escape = c === 0x0a ? "%0A" : c === 0x0d ? "%0D" : c === 0x22 ? "%22" : null;
    if (escape === null) continue;
    result += `${StringPrototypeSlice(string, last, i)}${escape}`;
    last = i + 1;
  }
  return last === 0 ? string : result + StringPrototypeSlice(string, last);
}

const HEX = "0123456789abcdef";

function randomBoundary() {
  let boundary = "----QuiverFormBoundary";
  for (let i = 0; i < 24; i++) boundary += HEX[MathFloor(MathRandom() * 16)];
  return boundary;
}

// https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart/form-data-encoding-algorithm
function encodeMultipartFormData(list) {
  const boundary = randomBoundary();
  const chunks = [];
  let text = "";
  for (let i = 0; i < list.length; i++) {
    const name = list[i][0];
    const value = list[i][1];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(normalizeNewlines(name))}"`;
    if (typeof value === "string") {
      text += `\r\n\r\n${normalizeNewlines(value)}\r\n`;
      continue;
    }
    const type = blobType(value);
    text += `; filename="${escapeName(fileName(value))}"\r\n` +
      `Content-Type: ${type === "" ? "application/octet-stream" : type}\r\n\r\n`;
    SafeArrayPush(chunks, ops.utf8Encode(text));
    SafeArrayPush(chunks, blobData(value));
    text = "\r\n";
  }
  text += `--${boundary}--\r\n`;
  SafeArrayPush(chunks, ops.utf8Encode(text));
  return { __proto__: null, data: blobDataFromChunks(chunks), boundary };
}

// --- Parsing ---

function parseError(reason) {
  return new TypeError(`Failed to parse the body as multipart/form-data: ${reason}.`);
}

// True if bytes[position…] starts with `pattern`.
function startsWithAt(bytes, position, pattern) {
  if (position + TypedArrayPrototypeGetLength(pattern) > TypedArrayPrototypeGetLength(bytes)) return false;
  for (let i = 0; i < TypedArrayPrototypeGetLength(pattern); i++) {
    if (bytes[position + i] !== pattern[i]) return false;
  }
  return true;
}

// Index of the next CR LF "--" boundary at or after `from`, or -1. `pattern` is that sequence;
// it holds no CR after its first byte, so skipping to the next CR after a failed match never
// misses one, and the search is linear.
function findDelimiter(bytes, from, pattern) {
  for (;;) {
    const cr = TypedArrayPrototypeIndexOf(bytes, 0x0d, from);
    if (cr === -1) return -1;
    if (startsWithAt(bytes, cr, pattern)) return cr;
    from = cr + 1;
  }
}

const BYTE_TO_CHAR = [];
for (let i = 0; i < 256; i++) SafeArrayPush(BYTE_TO_CHAR, StringFromCharCode(i));

// https://infra.spec.whatwg.org/#isomorphic-decode of bytes[start, end)
function isomorphicDecode(bytes, start, end) {
  let string = "";
  for (let i = start; i < end; i++) string += BYTE_TO_CHAR[bytes[i]];
  return string;
}

function subview(bytes, start, end) {
  return new Uint8Array(TypedArrayPrototypeGetBuffer(bytes), TypedArrayPrototypeGetByteOffset(bytes) + start, end - start);
}

function isTabOrSpace(c) {
  return c === 0x20 || c === 0x09;
}

// Decodes the escapes browsers use in quoted names and filenames.
function decodeNameEscapes(string) {
  let result = "";
  let last = 0;
  for (let i = 0; i + 2 < string.length; i++) {
    if (StringPrototypeCharCodeAt(string, i) !== 0x25) continue;
    const code = StringPrototypeToLowerCase(StringPrototypeSlice(string, i + 1, i + 3));
    const decoded = code === "0a" ? "\n" : code === "0d" ? "\r" : code === "22" ? "\"" : null;
    if (decoded === null) continue;
    result += `${StringPrototypeSlice(string, last, i)}${decoded}`;
    last = i + 3;
    i += 2;
  }
  return last === 0 ? string : result + StringPrototypeSlice(string, last);
}

// `form-data; name="…"; filename="…"` -> { name, filename } (filename null if absent).
function parseContentDisposition(value) {
  let position = 0;
  const skipSpaces = () => {
    while (position < value.length && isTabOrSpace(StringPrototypeCharCodeAt(value, position))) position++;
  };
  while (position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x3b &&
         !isTabOrSpace(StringPrototypeCharCodeAt(value, position))) {
    position++;
  }
  if (StringPrototypeToLowerCase(StringPrototypeSlice(value, 0, position)) !== "form-data") {
    throw parseError(`a part's Content-Disposition is not form-data ("${value}")`);
  }
  let name = null;
  let filename = null;
  for (;;) {
    skipSpaces();
    if (position >= value.length) break;
    if (StringPrototypeCharCodeAt(value, position) !== 0x3b) {
      throw parseError(`unexpected text in a Content-Disposition header ("${value}")`);
    }
    position++;
    skipSpaces();
    const nameStart = position;
    while (position < value.length && isHttpTokenCodePoint(StringPrototypeCharCodeAt(value, position))) position++;
    const parameter = StringPrototypeToLowerCase(StringPrototypeSlice(value, nameStart, position));
    skipSpaces();
    if (position >= value.length || StringPrototypeCharCodeAt(value, position) !== 0x3d) {
      if (parameter === "" && position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x3b) {
        throw parseError(`unexpected text in a Content-Disposition header ("${value}")`);
      }
      continue; // a parameter without a value
    }
    position++;
    skipSpaces();
    let parameterValue;
    if (position < value.length && StringPrototypeCharCodeAt(value, position) === 0x22) {
      let end = position + 1;
      while (end < value.length && StringPrototypeCharCodeAt(value, end) !== 0x22) end++;
      if (end >= value.length) throw parseError(`unterminated quoted string in a Content-Disposition header ("${value}")`);
      parameterValue = decodeNameEscapes(StringPrototypeSlice(value, position + 1, end));
      position = end + 1;
    } else {
      const start = position;
      while (position < value.length && StringPrototypeCharCodeAt(value, position) !== 0x3b) position++;
      let end = position;
      while (end > start && isTabOrSpace(StringPrototypeCharCodeAt(value, end - 1))) end--;
      parameterValue = StringPrototypeSlice(value, start, end);
    }
    if (parameter === "name" && name === null) name = parameterValue;
    else if (parameter === "filename" && filename === null) filename = parameterValue;
  }
  if (name === null) throw parseError("a part's Content-Disposition has no name");
  return { __proto__: null, name, filename };
}

// Parses the header lines of a part starting at `position`, through the empty line.
function parsePartHeaders(bytes, position) {
  const length = TypedArrayPrototypeGetLength(bytes);
  let disposition = null;
  let contentType = null;
  for (;;) {
    const lineEnd = TypedArrayPrototypeIndexOf(bytes, 0x0d, position);
    if (lineEnd === -1 || lineEnd + 1 >= length) throw parseError("the body ends inside a part's headers");
    if (bytes[lineEnd + 1] !== 0x0a) throw parseError("a part's header line has a CR without LF");
    if (lineEnd === position) {
      position += 2;
      break;
    }
    const colon = TypedArrayPrototypeIndexOf(bytes, 0x3a, position);
    if (colon === -1 || colon > lineEnd) throw parseError("a part's header line has no colon");
    const headerName = StringPrototypeToLowerCase(isomorphicDecode(bytes, position, colon));
    for (let i = 0; i < headerName.length; i++) {
      if (!isHttpTokenCodePoint(StringPrototypeCharCodeAt(headerName, i))) {
        throw parseError(`a part has an invalid header name ("${headerName}")`);
      }
    }
    if (headerName === "") throw parseError("a part has an empty header name");
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    while (valueStart < valueEnd && isTabOrSpace(bytes[valueStart])) valueStart++;
    while (valueEnd > valueStart && isTabOrSpace(bytes[valueEnd - 1])) valueEnd--;
    if (headerName === "content-disposition") {
      if (disposition !== null) throw parseError("a part has two Content-Disposition headers");
      disposition = parseContentDisposition(utf8DecodeWithoutBOM(subview(bytes, valueStart, valueEnd)));
    } else if (headerName === "content-type") {
      contentType = isomorphicDecode(bytes, valueStart, valueEnd);
    }
    position = lineEnd + 2;
  }
  if (disposition === null) throw parseError("a part has no Content-Disposition header");
  return { __proto__: null, name: disposition.name, filename: disposition.filename, contentType, position };
}

function checkBoundary(boundary) {
  if (boundary === "") throw parseError("the boundary is empty");
  for (let i = 0; i < boundary.length; i++) {
    const c = StringPrototypeCharCodeAt(boundary, i);
    if (c === 0x0d || c === 0x0a || c > 0xff) throw parseError("the boundary has an invalid character");
  }
}

// Returns the entry list of `bytes` (a Uint8Array nobody writes to: Files share its memory).
function parseMultipartFormData(bytes, boundary) {
  checkBoundary(boundary);
  const length = TypedArrayPrototypeGetLength(bytes);
  const pattern = new Uint8Array(4 + boundary.length);
  pattern[0] = 0x0d;
  pattern[1] = 0x0a;
  pattern[2] = 0x2d;
  pattern[3] = 0x2d;
  for (let i = 0; i < boundary.length; i++) pattern[4 + i] = StringPrototypeCharCodeAt(boundary, i);
  const dashBoundary = subview(pattern, 2, 4 + boundary.length);

  let position;
  if (startsWithAt(bytes, 0, dashBoundary)) {
    position = 2 + boundary.length;
  } else {
    const first = findDelimiter(bytes, 0, pattern);
    if (first === -1) throw parseError(`the boundary "${boundary}" does not occur in the body`);
    position = first + 4 + boundary.length;
  }
  const entries = [];
  for (;;) {
    if (bytes[position] === 0x2d && bytes[position + 1] === 0x2d) return entries; // close delimiter
    while (position < length && isTabOrSpace(bytes[position])) position++;
    if (bytes[position] !== 0x0d || bytes[position + 1] !== 0x0a) {
      throw parseError(position >= length ? "the body ends without the final boundary" : "a boundary is not followed by CRLF");
    }
    const part = parsePartHeaders(bytes, position + 2);
    const end = findDelimiter(bytes, part.position, pattern);
    if (end === -1) throw parseError("the body ends without the final boundary");
    const content = subview(bytes, part.position, end);
    if (part.filename === null) {
      SafeArrayPush(entries, [part.name, utf8DecodeWithoutBOM(content)]);
    } else {
      const type = normalizeBlobType(part.contentType === null ? "text/plain" : part.contentType);
      SafeArrayPush(entries, [part.name, createFile(blobDataFromBytes(content), part.filename, type, DateNow())]);
    }
    position = end + 4 + boundary.length;
  }
}

internals.isFormData = isFormData;
internals.formDataList = formDataList;
internals.createFormData = createFormData;
internals.encodeMultipartFormData = encodeMultipartFormData;
internals.parseMultipartFormData = parseMultipartFormData;
