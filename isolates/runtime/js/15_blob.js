// Blob and File (https://w3c.github.io/FileAPI/#blob-section, https://w3c.github.io/FileAPI/#file-section).
//
// Storage: a Blob holds BlobData, an immutable list of byte chunks (Uint8Arrays the runtime never
// hands out or writes to) and their total size. A Blob part of another Blob shares that Blob's
// chunks, and slice() makes views on the same memory, so neither copies bytes. A BufferSource
// part is copied once; consecutive string parts are UTF-8 encoded together into one chunk. A
// chunk list that grows past MAX_CHUNKS (e.g. `blob = new Blob([blob, "x"])` in a loop) has its
// runs of small chunks merged, so chunk lists stay short and nothing is copied quadratically.
// Reading (text(), arrayBuffer(), bytes()) concatenates the chunks into one new buffer.
//
// stream() is a byte stream that copies one chunk per pull (the chunks stay the Blob's).
//
// Deviations: `endings: "native"` converts line endings to "\n" (the host is Linux); blob URLs
// (URL.createObjectURL) do not exist on a server.
//
// Exports on `internals`: isBlob(v), isFile(v), blobData(blob) -> BlobData, blobType(blob),
// fileName(file), fileLastModified(file),
// createBlob(data, type), createFile(data, name, type, lastModified), blobDataFromBytes(u8),
// blobDataFromChunks(list), concatBlobData(data) -> new Uint8Array, emptyBlobData,
// normalizeBlobType(string), utf8DecodeWithoutBOM(bytes).
// BlobData is { chunks: [Uint8Array, …], size } (null prototype; never mutated once made).

const {
  DateNow,
  MathFloor,
  MathMax,
  MathMin,
  NumberIsFinite,
  ObjectFreeze,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeSet,
  TypeError,
  Uint8Array,
} = primordials;
const {
  configureInterface,
  copyBufferSource,
  getIteratorMethod,
  illegalInvocation,
  installGlobal,
  isArrayBuffer,
  isArrayBufferView,
  isObject,
  isSharedArrayBuffer,
  isTypedArray,
  iterableToList,
  requiredArguments,
  toDictionary,
  toDOMString,
  toEnum,
  toUSVString,
  viewBuffer,
} = internals.webidl;

const MAX_CHUNKS = 64;
const SMALL_CHUNK = 8192;

// --- BlobData ---

function makeBlobData(chunks, size) {
  return ObjectFreeze({ __proto__: null, chunks: ObjectFreeze(chunks), size });
}

const emptyBlobData = makeBlobData([], 0);

// Takes ownership of `bytes`: nobody may write to them afterwards.
function blobDataFromBytes(bytes) {
  const length = TypedArrayPrototypeGetByteLength(bytes);
  return length === 0 ? emptyBlobData : makeBlobData([bytes], length);
}

// A new Uint8Array holding the concatenation of `chunks` (total `size` bytes).
function concatChunks(chunks, size) {
  const out = new Uint8Array(size);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    TypedArrayPrototypeSet(out, chunks[i], offset);
    offset += TypedArrayPrototypeGetByteLength(chunks[i]);
  }
  return out;
}

function concatBlobData(data) {
  return concatChunks(data.chunks, data.size);
}

// Merges runs of small chunks once the list is long (see the file comment).
function compactChunks(chunks) {
  if (chunks.length <= MAX_CHUNKS) return chunks;
  const out = [];
  let run = [];
  let runSize = 0;
  const flush = () => {
    if (run.length === 1) SafeArrayPush(out, run[0]);
    else if (run.length > 1) SafeArrayPush(out, concatChunks(run, runSize));
    run = [];
    runSize = 0;
  };
  for (let i = 0; i < chunks.length; i++) {
    const length = TypedArrayPrototypeGetByteLength(chunks[i]);
    if (length < SMALL_CHUNK) {
      SafeArrayPush(run, chunks[i]);
      runSize += length;
      if (runSize >= SMALL_CHUNK) flush();
    } else {
      flush();
      SafeArrayPush(out, chunks[i]);
    }
  }
  flush();
  return out;
}

// A BlobData from a list of chunks (Uint8Arrays the caller gives up) and BlobDatas (shared).
function blobDataFromChunks(list) {
  const chunks = [];
  let size = 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (isTypedArray(item)) {
      const length = TypedArrayPrototypeGetByteLength(item);
      if (length === 0) continue;
      SafeArrayPush(chunks, item);
      size += length;
    } else {
      for (let j = 0; j < item.chunks.length; j++) SafeArrayPush(chunks, item.chunks[j]);
      size += item.size;
    }
  }
  return size === 0 ? emptyBlobData : makeBlobData(compactChunks(chunks), size);
}

function view(chunk, start, end) {
  return new Uint8Array(TypedArrayPrototypeGetBuffer(chunk), TypedArrayPrototypeGetByteOffset(chunk) + start, end - start);
}

// Bytes [start, end) of `data`, sharing its memory. 0 <= start <= end <= data.size.
function sliceBlobData(data, start, end) {
  if (start === 0 && end === data.size) return data;
  if (start >= end) return emptyBlobData;
  const chunks = [];
  let offset = 0;
  for (let i = 0; i < data.chunks.length && offset < end; i++) {
    const chunk = data.chunks[i];
    const length = TypedArrayPrototypeGetByteLength(chunk);
    const chunkStart = MathMax(start - offset, 0);
    const chunkEnd = MathMin(end - offset, length);
    if (chunkStart < chunkEnd) {
      SafeArrayPush(chunks, chunkStart === 0 && chunkEnd === length ? chunk : view(chunk, chunkStart, chunkEnd));
    }
    offset += length;
  }
  return makeBlobData(chunks, end - start);
}

// https://encoding.spec.whatwg.org/#utf-8-decode (the op keeps a BOM; UTF-8 decode removes one)
function utf8DecodeWithoutBOM(bytes) {
  const text = ops.utf8Decode(bytes);
  return text.length > 0 && StringPrototypeCharCodeAt(text, 0) === 0xfeff ? StringPrototypeSlice(text, 1) : text;
}

// --- Web IDL conversions ---

// BlobPart = (BufferSource or Blob or USVString): returns a Blob, an ArrayBuffer(View) or a string.
function convertBlobPart(value, prefix) {
  if (isObject(value)) {
    if (isBlob(value)) return value;
    if (isArrayBuffer(value)) return value;
    if (isArrayBufferView(value)) {
      if (isSharedArrayBuffer(viewBuffer(value))) {
        throw new TypeError(`${prefix}: a blob part's view must not be backed by a SharedArrayBuffer.`);
      }
      return value;
    }
  }
  return toUSVString(value, prefix, "blob part");
}

// sequence<BlobPart>; `undefined` is the empty sequence when the argument is optional (Blob's).
function convertBlobParts(value, prefix, context, optional) {
  if (value === undefined && optional) return [];
  if (!isObject(value)) {
    throw new TypeError(`${prefix}: ${context} is not iterable: it cannot be converted to a sequence.`);
  }
  const method = getIteratorMethod(value, prefix, context);
  if (method === undefined) {
    throw new TypeError(`${prefix}: ${context} is not iterable: it cannot be converted to a sequence.`);
  }
  return iterableToList(value, method, (part) => convertBlobPart(part, prefix), prefix, context);
}

const ENDING_TYPES = ["transparent", "native"];

// BlobPropertyBag (and FilePropertyBag when `withLastModified`), members in lexicographic order
// with the inherited dictionary's first.
function convertPropertyBag(options, prefix, withLastModified) {
  const dictionary = toDictionary(options, prefix, "options");
  const result = { __proto__: null, endings: "transparent", type: "", lastModified: undefined };
  if (dictionary === null) return result;
  const endings = dictionary.endings;
  if (endings !== undefined) result.endings = toEnum(endings, ENDING_TYPES, "EndingType", prefix);
  const type = dictionary.type;
  if (type !== undefined) result.type = toDOMString(type, prefix, "type");
  if (withLastModified) {
    const lastModified = dictionary.lastModified;
    if (lastModified !== undefined) result.lastModified = toLongLong(lastModified);
  }
  return result;
}

// https://webidl.spec.whatwg.org/#es-long-long (ToNumber, truncate, modulo 2^64 into signed range)
function toLongLong(value) {
  let x = +value;
  if (!NumberIsFinite(x)) return 0;
  x = x < 0 ? -MathFloor(-x) : MathFloor(x);
  if (x >= -9223372036854775808 && x < 9223372036854775808) return x + 0;
  x %= 18446744073709551616;
  if (x < 0) x += 18446744073709551616;
  return x >= 9223372036854775808 ? x - 18446744073709551616 : x;
}

// https://webidl.spec.whatwg.org/#es-long-long with [Clamp]: clamp, then round half to even.
function toClampedLongLong(value) {
  let x = +value;
  if (x !== x) return 0;
  x = MathMin(MathMax(x, -9223372036854775808), 9223372036854775807);
  const floor = MathFloor(x);
  const fraction = x - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0)) return floor + 1;
  return floor + 0;
}

// https://w3c.github.io/FileAPI/#constructorBlob step 3 (and slice's contentType): lowercase a
// type of printable ASCII, anything else becomes "".
function normalizeBlobType(type) {
  for (let i = 0; i < type.length; i++) {
    const c = StringPrototypeCharCodeAt(type, i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return StringPrototypeToLowerCase(type);
}

// https://w3c.github.io/FileAPI/#convert-line-endings-to-native (native is "\n" here)
function convertLineEndingsToNative(string) {
  let result = "";
  let last = 0;
  for (let i = 0; i < string.length; i++) {
    if (StringPrototypeCharCodeAt(string, i) !== 0x0d) continue;
    result += `${StringPrototypeSlice(string, last, i)}\n`;
    if (i + 1 < string.length && StringPrototypeCharCodeAt(string, i + 1) === 0x0a) i++;
    last = i + 1;
  }
  return last === 0 ? string : result + StringPrototypeSlice(string, last);
}

// https://w3c.github.io/FileAPI/#process-blob-parts
function processBlobParts(parts, endings) {
  const list = [];
  let pending = "";
  const flushText = () => {
    if (pending === "") return;
    SafeArrayPush(list, ops.utf8Encode(endings === "native" ? convertLineEndingsToNative(pending) : pending));
    pending = "";
  };
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === "string") {
      pending += part;
    } else {
      flushText();
      SafeArrayPush(list, isBlob(part) ? blobData(part) : copyBufferSource(part));
    }
  }
  flushText();
  return blobDataFromChunks(list);
}

// --- Blob ---

// Passed as `blobParts` by internal callers (and File) to skip the constructor steps.
const kInternal = { __proto__: null };

let isBlob;
let blobData;
let blobType;
let initBlob;

class Blob {
  #data = emptyBlobData;
  #type = "";

  constructor(blobParts = undefined, options = undefined) {
    if (blobParts === kInternal) return;
    const prefix = "Failed to construct 'Blob'";
    const parts = convertBlobParts(blobParts, prefix, "Argument 1", true);
    const bag = convertPropertyBag(options, prefix, false);
    this.#data = processBlobParts(parts, bag.endings);
    this.#type = normalizeBlobType(bag.type);
  }

  static {
    isBlob = (value) => isObject(value) && #data in value;
    blobData = (blob) => blob.#data;
    blobType = (blob) => blob.#type;
    initBlob = (blob, data, type) => {
      blob.#data = data;
      blob.#type = type;
    };
  }

  get size() {
    if (!isBlob(this)) throw illegalInvocation();
    return this.#data.size;
  }

  get type() {
    if (!isBlob(this)) throw illegalInvocation();
    return this.#type;
  }

  // https://w3c.github.io/FileAPI/#dfn-slice
  slice(start = undefined, end = undefined, contentType = undefined) {
    if (!isBlob(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'slice' on 'Blob'";
    const size = this.#data.size;
    let relativeStart = 0;
    if (start !== undefined) {
      const value = toClampedLongLong(start);
      relativeStart = value < 0 ? MathMax(size + value, 0) : MathMin(value, size);
    }
    let relativeEnd = size;
    if (end !== undefined) {
      const value = toClampedLongLong(end);
      relativeEnd = value < 0 ? MathMax(size + value, 0) : MathMin(value, size);
    }
    const type = contentType === undefined ? "" : normalizeBlobType(toDOMString(contentType, prefix, "contentType"));
    const blob = new Blob(kInternal);
    blob.#data = sliceBlobData(this.#data, relativeStart, MathMax(relativeEnd, relativeStart));
    blob.#type = type;
    return blob;
  }

  // https://w3c.github.io/FileAPI/#dom-blob-stream
  stream() {
    if (!isBlob(this)) throw illegalInvocation();
    return internals.streams.readableStreamFromChunks(this.#data.chunks, true);
  }

  async text() {
    if (!isBlob(this)) throw illegalInvocation();
    return utf8DecodeWithoutBOM(concatBlobData(this.#data));
  }

  async arrayBuffer() {
    if (!isBlob(this)) throw illegalInvocation();
    return TypedArrayPrototypeGetBuffer(concatBlobData(this.#data));
  }

  async bytes() {
    if (!isBlob(this)) throw illegalInvocation();
    return concatBlobData(this.#data);
  }
}

configureInterface(Blob, "Blob");

function createBlob(data, type) {
  const blob = new Blob(kInternal);
  initBlob(blob, data, type);
  return blob;
}

// --- File ---

let isFile;
let describeFile;
let createFile;
let getFileName;
let getFileLastModified;

class File extends Blob {
  #name = "";
  #lastModified = 0;

  constructor(fileBits, fileName, options = undefined) {
    const prefix = "Failed to construct 'File'";
    requiredArguments(arguments.length, 2, prefix);
    const parts = fileBits === kInternal ? null : convertBlobParts(fileBits, prefix, "Argument 1", false);
    const name = fileBits === kInternal ? "" : toUSVString(fileName, prefix, "Argument 2");
    const bag = fileBits === kInternal ? null : convertPropertyBag(options, prefix, true);
    super(kInternal);
    if (fileBits === kInternal) return;
    initBlob(this, processBlobParts(parts, bag.endings), normalizeBlobType(bag.type));
    this.#name = name;
    this.#lastModified = bag.lastModified === undefined ? DateNow() : bag.lastModified;
  }

  static {
    isFile = (value) => isObject(value) && #name in value;
    getFileName = (file) => file.#name;
    getFileLastModified = (file) => file.#lastModified;
    describeFile = (file) => internals.makeDisplayObject(
      File.prototype,
      ["size", "type", "name", "lastModified"],
      [blobData(file).size, blobType(file), file.#name, file.#lastModified],
    );
    createFile = (data, name, type, lastModified) => {
      const file = new File(kInternal, undefined);
      initBlob(file, data, type);
      file.#name = name;
      file.#lastModified = lastModified;
      return file;
    };
  }

  get name() {
    if (!isFile(this)) throw illegalInvocation();
    return this.#name;
  }

  get lastModified() {
    if (!isFile(this)) throw illegalInvocation();
    return this.#lastModified;
  }
}

configureInterface(File, "File");

installGlobal("Blob", Blob);
installGlobal("File", File);

internals.registerInspector(isBlob, (blob) => {
  if (isFile(blob)) return describeFile(blob);
  return internals.makeDisplayObject(Blob.prototype, ["size", "type"], [blobData(blob).size, blobType(blob)]);
});

internals.isBlob = isBlob;
internals.isFile = isFile;
internals.blobData = blobData;
internals.blobType = blobType;
internals.fileName = getFileName;
internals.fileLastModified = getFileLastModified;
internals.createBlob = createBlob;
internals.createFile = createFile;
internals.blobDataFromBytes = blobDataFromBytes;
internals.blobDataFromChunks = blobDataFromChunks;
internals.concatBlobData = concatBlobData;
internals.emptyBlobData = emptyBlobData;
internals.normalizeBlobType = normalizeBlobType;
internals.utf8DecodeWithoutBOM = utf8DecodeWithoutBOM;
