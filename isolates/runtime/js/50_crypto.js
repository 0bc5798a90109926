// Web Crypto: the `crypto` global (Crypto), CryptoKey and SubtleCrypto.
// Spec: https://w3c.github.io/webcrypto/ (section numbers below refer to it), behaving as Deno and
// Cloudflare Workers do where the spec leaves room.
//
// Shape: this file follows the spec's algorithms (argument conversion, algorithm normalization,
// usages, extractable, JWK rules, error names); the cryptography itself is in native ops
// (isolates/runtime/ops_crypto.cc on OpenSSL 3) that take and return bytes. An op's failure comes
// back as the string "<DOMException name>: <message>" and is thrown here as a DOMException of
// this realm.
//
// Key material: a CryptoKey keeps its bytes in its private internal slot: the raw secret for
// AES/HMAC/HKDF/PBKDF2 keys, DER for the others (PKCS #8 for private keys, SubjectPublicKeyInfo
// for public keys). Every operation hands those bytes to an op, which parses them anew; no native
// object's lifetime depends on the garbage collector.
//
// Off-thread work: operations that are clearly expensive run on libuv's thread pool (through
// OpsHost::queueOffThread) and settle their promise back on the function's thread, so they do not
// block other requests on the same shard. Which ones (offThread() below): RSA key generation;
// PBKDF2 with more than 10,000 iterations; RSA private-key operations (sign, decrypt) with a
// modulus of 4096 bits or more; and any operation whose input is 1 MiB or more. The rest run
// inline, charged to the request's CPU time. Off-thread work is bounded per request (16
// outstanding, see ops.h), is not charged to the CPU limit (the wall limit still applies), and,
// like timers, is only possible while handling a request: at module top level such an operation
// rejects with a TypeError.
//
// Deviations from the spec:
// - Off-thread operations at module top level reject with a TypeError (see above).
// - RSA: modulusLength must be 512..16384 and publicExponent odd, > 1, at most 64 bits
//   (OperationError otherwise); JWK private keys must carry all of p, q, dp, dq, qi ("oth", for
//   multi-prime keys, is NotSupportedError; a key with only n, e and d is a DataError).
// - AES-CTR refuses (OperationError) data long enough to make the counter repeat, as Chromium
//   does; the spec leaves that case open.
// - AES-GCM refuses an empty iv (OperationError), as Chromium does.
// - An unsupported namedCurve is a NotSupportedError on every operation.
// - HKDF and PBKDF2 derive at most 16 MiB at once (OperationError above that).
// - Ed25519 JWK: an "alg" member, if present, must be "Ed25519" or "EdDSA" (the drafts differ);
//   exported Ed25519/X25519/EC JWKs carry no "alg".
// - A CryptoKey is not serializable (no structured clone in this runtime); console.log shows it
//   as a plain object.
//
// Exports on `internals`: isCryptoKey(value).

const {
  ArrayIsArray,
  JSONParse,
  JSONStringify,
  MathCeil,
  MathTrunc,
  NumberIsFinite,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectKeys,
  SafeArrayPush,
  StringPrototypeCharCodeAt,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  TypeError,
  Uint8Array,
  globalThis,
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
  iterableToList,
  requiredArguments,
  toDictionary,
  toDOMString,
  toEnum,
} = internals.webidl;
const { DOMException } = internals;

const kInternal = { __proto__: null };

// --- small helpers ---

function domError(name, message) {
  return new DOMException(message, name);
}

function byteLength(bytes) {
  return TypedArrayPrototypeGetLength(bytes);
}

function contains(list, value) {
  for (let i = 0; i < list.length; i++) {
    if (list[i] === value) return true;
  }
  return false;
}

// A new Uint8Array holding bytes [start, end) of `bytes`.
function sliceBytes(bytes, start, end) {
  const out = new Uint8Array(end - start);
  if (end > start) {
    TypedArrayPrototypeSet(out, new Uint8Array(TypedArrayPrototypeGetBuffer(bytes),
      TypedArrayPrototypeGetByteOffset(bytes) + start, end - start));
  }
  return out;
}

function concatBytes(a, b) {
  const out = new Uint8Array(byteLength(a) + byteLength(b));
  TypedArrayPrototypeSet(out, a, 0);
  TypedArrayPrototypeSet(out, b, byteLength(a));
  return out;
}

function bytesEqual(a, b) {
  if (byteLength(a) !== byteLength(b)) return false;
  for (let i = 0; i < byteLength(a); i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

// An ArrayBuffer with a copy of `bytes` (ops return fresh Uint8Arrays over whole buffers).
function toArrayBuffer(bytes) {
  return TypedArrayPrototypeGetBuffer(
    TypedArrayPrototypeGetByteOffset(bytes) === 0 ? bytes : sliceBytes(bytes, 0, byteLength(bytes)));
}

// Waits for an op's result (a value, or a promise of one from an off-thread op) and throws its
// failure as a DOMException.
async function runOp(result) {
  const value = await result;
  if (typeof value === "string") {
    const colon = StringPrototypeIndexOf(value, ": ");
    throw domError(StringPrototypeSlice(value, 0, colon), StringPrototypeSlice(value, colon + 2));
  }
  return value;
}

// --- what runs off the function's thread (see the top of this file) ---

const kOffThreadBytes = 1024 * 1024;
const kOffThreadPbkdf2Iterations = 10000;
const kOffThreadRsaBits = 4096;

function offThread(bytes) {
  return byteLength(bytes) >= kOffThreadBytes;
}

// --- Web IDL conversions used here ---

// https://webidl.spec.whatwg.org/#es-integer-types with [EnforceRange]
function toEnforcedInteger(value, max, prefix, context) {
  const x = +value; // ToNumber: a TypeError for symbols and BigInts
  if (!NumberIsFinite(x)) throw new TypeError(`${prefix}: ${context} is not a finite number.`);
  const integer = MathTrunc(x) + 0;
  if (integer < 0 || integer > max) {
    throw new TypeError(`${prefix}: ${context} is outside the accepted range (0 to ${max}).`);
  }
  return integer;
}

// https://webidl.spec.whatwg.org/#es-unsigned-long (no [EnforceRange]: modulo 2^32)
function toUnsignedLong(value) {
  const x = +value;
  if (!NumberIsFinite(x)) return 0;
  const integer = MathTrunc(x) % 4294967296;
  return integer < 0 ? integer + 4294967296 : integer + 0;
}

function toBufferSource(value, prefix, context) {
  if (isArrayBuffer(value) || isArrayBufferView(value)) return copyBufferSource(value);
  throw new TypeError(`${prefix}: ${context} is not of type '(ArrayBuffer or ArrayBufferView)'.`);
}

function toCryptoKey(value, prefix, context) {
  if (!isCryptoKey(value)) throw new TypeError(`${prefix}: ${context} is not of type 'CryptoKey'.`);
  return value;
}

// BigInteger: a Uint8Array (the exact type, not another view).
function toBigInteger(value, prefix, context) {
  if (TypedArrayPrototypeGetSymbolToStringTag(value) !== "Uint8Array") {
    throw new TypeError(`${prefix}: ${context} is not of type 'Uint8Array'.`);
  }
  return copyBufferSource(value);
}

const kUsages = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];
const kFormats = ["raw", "spki", "pkcs8", "jwk"];

function toUsages(value, prefix) {
  if (!isObject(value)) throw new TypeError(`${prefix}: keyUsages cannot be converted to a sequence.`);
  const method = getIteratorMethod(value, prefix, "keyUsages");
  if (method === undefined) throw new TypeError(`${prefix}: keyUsages cannot be converted to a sequence.`);
  return iterableToList(value, method, (usage) => toEnum(usage, kUsages, "KeyUsage", prefix), prefix, "keyUsages");
}

// --- usages (section 13: recognized key usage values, usage intersection) ---

// The usages in `list` that are also in `allowed`, each once, in the spec's order.
function intersectUsages(list, allowed) {
  const result = [];
  for (let i = 0; i < kUsages.length; i++) {
    if (contains(list, kUsages[i]) && contains(allowed, kUsages[i])) SafeArrayPush(result, kUsages[i]);
  }
  return result;
}

function normalizeUsages(list) {
  return intersectUsages(list, kUsages);
}

function checkUsages(usages, allowed) {
  for (let i = 0; i < usages.length; i++) {
    if (!contains(allowed, usages[i])) {
      throw domError("SyntaxError", `Unsupported key usage '${usages[i]}' for this key.`);
    }
  }
}

// --- base64url (RFC 4648 section 5, no padding) ---

const kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function base64UrlEncode(bytes) {
  let out = "";
  const n = byteLength(bytes);
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kBase64Url[v >> 18] + kBase64Url[(v >> 12) & 63] + kBase64Url[(v >> 6) & 63] + kBase64Url[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out += kBase64Url[v >> 18] + kBase64Url[(v >> 12) & 63];
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += kBase64Url[v >> 18] + kBase64Url[(v >> 12) & 63] + kBase64Url[(v >> 6) & 63];
  }
  return out;
}

function base64UrlValue(code) {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  if (code === 45) return 62;
  if (code === 95) return 63;
  return -1;
}

function base64UrlDecode(string, member) {
  let length = string.length;
  while (length > 0 && StringPrototypeCharCodeAt(string, length - 1) === 61) length--; // "="
  if (length % 4 === 1) throw domError("DataError", `The JWK member '${member}' is not valid base64url.`);
  const out = new Uint8Array((length * 3) >> 2);
  let bits = 0;
  let count = 0;
  let j = 0;
  for (let i = 0; i < length; i++) {
    const v = base64UrlValue(StringPrototypeCharCodeAt(string, i));
    if (v < 0) throw domError("DataError", `The JWK member '${member}' is not valid base64url.`);
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[j++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

// --- algorithm normalization (section 18.4) ---

// Member converters for the algorithm dictionaries, by IDL type.
const convert = {
  __proto__: null,
  hash: (value, prefix) => normalizeAlgorithm(value, "digest", prefix),
  bufferSource: toBufferSource,
  bigInteger: toBigInteger,
  cryptoKey: toCryptoKey,
  domString: (value, prefix, context) => toDOMString(value, prefix, context),
  octet: (value, prefix, context) => toEnforcedInteger(value, 255, prefix, context),
  unsignedShort: (value, prefix, context) => toEnforcedInteger(value, 65535, prefix, context),
  unsignedLong: (value, prefix, context) => toEnforcedInteger(value, 4294967295, prefix, context),
};

// Dictionaries: [member, IDL type, required], inherited members first, each level in
// lexicographic order (https://webidl.spec.whatwg.org/#es-dictionary).
const kDictionaries = {
  __proto__: null,
  Algorithm: [],
  AesCbcParams: [["iv", "bufferSource", true]],
  AesCtrParams: [["counter", "bufferSource", true], ["length", "octet", true]],
  AesGcmParams: [["additionalData", "bufferSource", false], ["iv", "bufferSource", true], ["tagLength", "octet", false]],
  AesKeyGenParams: [["length", "unsignedShort", true]],
  AesDerivedKeyParams: [["length", "unsignedShort", true]],
  EcKeyGenParams: [["namedCurve", "domString", true]],
  EcKeyImportParams: [["namedCurve", "domString", true]],
  EcdsaParams: [["hash", "hash", true]],
  EcdhKeyDeriveParams: [["public", "cryptoKey", true]],
  HkdfParams: [["hash", "hash", true], ["info", "bufferSource", true], ["salt", "bufferSource", true]],
  HmacImportParams: [["hash", "hash", true], ["length", "unsignedLong", false]],
  HmacKeyGenParams: [["hash", "hash", true], ["length", "unsignedLong", false]],
  Pbkdf2Params: [["hash", "hash", true], ["iterations", "unsignedLong", true], ["salt", "bufferSource", true]],
  RsaHashedImportParams: [["hash", "hash", true]],
  RsaHashedKeyGenParams: [["modulusLength", "unsignedLong", true], ["publicExponent", "bigInteger", true], ["hash", "hash", true]],
  RsaOaepParams: [["label", "bufferSource", false]],
  RsaPssParams: [["saltLength", "unsignedLong", true]],
};

const kRsa = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const kAes = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"];

// Registered algorithms per operation: name -> dictionary type (section 18.4.1 and each
// algorithm's registration).
function registrations(entries) {
  const table = { __proto__: null };
  for (let i = 0; i < entries.length; i++) table[entries[i][0]] = entries[i][1];
  return table;
}
const kSupported = {
  __proto__: null,
  digest: registrations([["SHA-1", "Algorithm"], ["SHA-256", "Algorithm"], ["SHA-384", "Algorithm"], ["SHA-512", "Algorithm"]]),
  generateKey: registrations([
    ["RSASSA-PKCS1-v1_5", "RsaHashedKeyGenParams"], ["RSA-PSS", "RsaHashedKeyGenParams"],
    ["RSA-OAEP", "RsaHashedKeyGenParams"], ["ECDSA", "EcKeyGenParams"], ["ECDH", "EcKeyGenParams"],
    ["AES-CTR", "AesKeyGenParams"], ["AES-CBC", "AesKeyGenParams"], ["AES-GCM", "AesKeyGenParams"],
    ["AES-KW", "AesKeyGenParams"], ["HMAC", "HmacKeyGenParams"], ["Ed25519", "Algorithm"],
    ["X25519", "Algorithm"],
  ]),
  importKey: registrations([
    ["RSASSA-PKCS1-v1_5", "RsaHashedImportParams"], ["RSA-PSS", "RsaHashedImportParams"],
    ["RSA-OAEP", "RsaHashedImportParams"], ["ECDSA", "EcKeyImportParams"], ["ECDH", "EcKeyImportParams"],
    ["AES-CTR", "Algorithm"], ["AES-CBC", "Algorithm"], ["AES-GCM", "Algorithm"], ["AES-KW", "Algorithm"],
    ["HMAC", "HmacImportParams"], ["HKDF", "Algorithm"], ["PBKDF2", "Algorithm"], ["Ed25519", "Algorithm"],
    ["X25519", "Algorithm"],
  ]),
  sign: registrations([
    ["RSASSA-PKCS1-v1_5", "Algorithm"], ["RSA-PSS", "RsaPssParams"], ["ECDSA", "EcdsaParams"],
    ["HMAC", "Algorithm"], ["Ed25519", "Algorithm"],
  ]),
  verify: registrations([
    ["RSASSA-PKCS1-v1_5", "Algorithm"], ["RSA-PSS", "RsaPssParams"], ["ECDSA", "EcdsaParams"],
    ["HMAC", "Algorithm"], ["Ed25519", "Algorithm"],
  ]),
  encrypt: registrations([
    ["RSA-OAEP", "RsaOaepParams"], ["AES-CTR", "AesCtrParams"], ["AES-CBC", "AesCbcParams"],
    ["AES-GCM", "AesGcmParams"],
  ]),
  decrypt: registrations([
    ["RSA-OAEP", "RsaOaepParams"], ["AES-CTR", "AesCtrParams"], ["AES-CBC", "AesCbcParams"],
    ["AES-GCM", "AesGcmParams"],
  ]),
  deriveBits: registrations([
    ["ECDH", "EcdhKeyDeriveParams"], ["X25519", "EcdhKeyDeriveParams"], ["HKDF", "HkdfParams"],
    ["PBKDF2", "Pbkdf2Params"],
  ]),
  getKeyLength: registrations([
    ["AES-CTR", "AesDerivedKeyParams"], ["AES-CBC", "AesDerivedKeyParams"], ["AES-GCM", "AesDerivedKeyParams"],
    ["AES-KW", "AesDerivedKeyParams"], ["HMAC", "HmacImportParams"], ["HKDF", "Algorithm"],
    ["PBKDF2", "Algorithm"],
  ]),
  wrapKey: registrations([["AES-KW", "Algorithm"]]),
  unwrapKey: registrations([["AES-KW", "Algorithm"]]),
};

const kLower = "abcdefghijklmnopqrstuvwxyz";

// https://infra.spec.whatwg.org/#ascii-lowercase
function asciiLower(string) {
  let out = "";
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    out += c >= 65 && c <= 90 ? kLower[c - 65] : string[i];
  }
  return out;
}

// Returns the registered spelling of `name` for `op`, or undefined.
function registeredName(op, name) {
  const table = kSupported[op];
  const wanted = asciiLower(name);
  for (const registered in table) {
    if (asciiLower(registered) === wanted) return registered;
  }
  return undefined;
}

// https://w3c.github.io/webcrypto/#algorithm-normalization-normalize-an-algorithm
// With `orUndefined`, an unregistered name gives undefined instead of a NotSupportedError.
function normalizeAlgorithm(algorithm, op, prefix, orUndefined = false) {
  if (!isObject(algorithm)) {
    // (object or DOMString): anything that is not an object is converted to a DOMString.
    const name = toDOMString(algorithm, prefix, "algorithm");
    return normalizeAlgorithm({ __proto__: null, name }, op, prefix, orUndefined);
  }
  const rawName = algorithm.name;
  if (rawName === undefined) throw new TypeError(`${prefix}: the algorithm has no 'name' member.`);
  const nameString = toDOMString(rawName, prefix, "algorithm.name");
  const name = registeredName(op, nameString);
  if (name === undefined) {
    if (orUndefined) return undefined;
    throw domError("NotSupportedError", `Unrecognized or unsupported algorithm for ${op}: '${nameString}'.`);
  }
  const members = kDictionaries[kSupported[op][name]];
  const normalized = { __proto__: null, name };
  for (let i = 0; i < members.length; i++) {
    const member = members[i][0];
    const value = algorithm[member];
    if (value === undefined) {
      if (members[i][2]) {
        throw new TypeError(`${prefix}: the ${name} algorithm's '${member}' member is required.`);
      }
      continue;
    }
    normalized[member] = convert[members[i][1]](value, prefix, `algorithm.${member}`);
  }
  return normalized;
}

// --- CryptoKey (section 14) ---

let isCryptoKey;
let keySlots;

class CryptoKey {
  #slots;

  constructor(key = undefined, slots = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = slots;
  }

  get type() {
    return slotsOf(this).type;
  }

  get extractable() {
    return slotsOf(this).extractable;
  }

  get algorithm() {
    const slots = slotsOf(this);
    if (slots.algorithmCached === undefined) slots.algorithmCached = exposeAlgorithm(slots.algorithm);
    return slots.algorithmCached;
  }

  get usages() {
    const slots = slotsOf(this);
    if (slots.usagesCached === undefined) {
      const list = [];
      for (let i = 0; i < slots.usages.length; i++) SafeArrayPush(list, slots.usages[i]);
      slots.usagesCached = list;
    }
    return slots.usagesCached;
  }

  static {
    isCryptoKey = (value) => isObject(value) && #slots in value;
    keySlots = (key) => key.#slots;
  }
}

function slotsOf(key) {
  if (!isCryptoKey(key)) throw illegalInvocation();
  return keySlots(key);
}

configureInterface(CryptoKey, "CryptoKey");

// `algorithm`: the internal KeyAlgorithm (null prototype; hash as a name string). `material`: a
// Uint8Array, raw secret or DER.
function createKey(type, extractable, algorithm, usages, material) {
  return new CryptoKey(kInternal, {
    __proto__: null,
    type,
    extractable,
    algorithm,
    usages: normalizeUsages(usages),
    material,
    algorithmCached: undefined,
    usagesCached: undefined,
  });
}

// Defines a data property as object literals and IDL dictionaries do: setters that user code put
// on Object.prototype never run.
function defineField(object, key, value) {
  ObjectDefineProperty(object, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
}

// The ECMAScript object for a KeyAlgorithm dictionary (an ordinary object, as IDL makes).
function exposeAlgorithm(algorithm) {
  const result = { name: algorithm.name };
  if (algorithm.modulusLength !== undefined) {
    defineField(result, "modulusLength", algorithm.modulusLength);
    defineField(result, "publicExponent", sliceBytes(algorithm.publicExponent, 0, byteLength(algorithm.publicExponent)));
  }
  if (algorithm.namedCurve !== undefined) defineField(result, "namedCurve", algorithm.namedCurve);
  if (algorithm.length !== undefined) defineField(result, "length", algorithm.length);
  if (algorithm.hash !== undefined) defineField(result, "hash", { name: algorithm.hash });
  return result;
}

function keyAlgorithm(fields) {
  return ObjectFreeze({ __proto__: null, ...fields });
}

// --- JWK (section 16, RFC 7517/7518) ---

const kJwkStrings = ["alg", "crv", "d", "dp", "dq", "e", "k", "kty", "n", "p", "q", "qi", "use", "x", "y"];

// https://w3c.github.io/webcrypto/#JsonWebKey-dictionary: members in lexicographic order.
// `fromJson`: the value is our own JSONParse result (unwrapKey), whose arrays are read by index
// rather than through the patchable Array.prototype[Symbol.iterator].
function toJsonWebKey(value, prefix, fromJson = false) {
  const dict = toDictionary(value, prefix, "keyData");
  const jwk = { __proto__: null };
  if (dict === null) return jwk;
  const names = ["alg", "crv", "d", "dp", "dq", "e", "ext", "k", "key_ops", "kty", "n", "oth", "p", "q", "qi", "use", "x", "y"];
  for (let i = 0; i < names.length; i++) {
    const member = names[i];
    const v = dict[member];
    if (v === undefined) continue;
    if (member === "ext") {
      jwk.ext = !!v;
    } else if (member === "key_ops") {
      if (!isObject(v)) throw new TypeError(`${prefix}: key_ops cannot be converted to a sequence.`);
      if (fromJson && ArrayIsArray(v)) {
        const list = [];
        for (let k = 0; k < v.length; k++) SafeArrayPush(list, toDOMString(v[k], prefix, "key_ops"));
        jwk.key_ops = list;
        continue;
      }
      const method = getIteratorMethod(v, prefix, "key_ops");
      if (method === undefined) throw new TypeError(`${prefix}: key_ops cannot be converted to a sequence.`);
      jwk.key_ops = iterableToList(v, method, (op) => toDOMString(op, prefix, "key_ops"), prefix, "key_ops");
    } else if (member === "oth") {
      jwk.oth = true; // multi-prime keys are refused; their contents do not matter
    } else {
      jwk[member] = toDOMString(v, prefix, member);
    }
  }
  return jwk;
}

// Checks shared by every JWK import: kty, use, key_ops and ext (section 16 and each algorithm).
function checkJwk(jwk, kty, use, usages, extractable) {
  if (jwk.kty !== kty) throw domError("DataError", `The JWK 'kty' member must be '${kty}'.`);
  if (use !== undefined && usages.length > 0 && jwk.use !== undefined && jwk.use !== use) {
    throw domError("DataError", `The JWK 'use' member must be '${use}'.`);
  }
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    for (let i = 0; i < ops.length; i++) {
      for (let j = i + 1; j < ops.length; j++) {
        if (ops[i] === ops[j]) throw domError("DataError", "The JWK 'key_ops' member has duplicates.");
      }
    }
    for (let i = 0; i < usages.length; i++) {
      if (!contains(ops, usages[i])) {
        throw domError("DataError", `The JWK 'key_ops' member does not allow '${usages[i]}'.`);
      }
    }
  }
  if (jwk.ext === false && extractable) {
    throw domError("DataError", "The JWK is not extractable ('ext' is false) but extractable was requested.");
  }
}

function jwkBytes(jwk, member) {
  const value = jwk[member];
  if (value === undefined) throw domError("DataError", `The JWK has no '${member}' member.`);
  return base64UrlDecode(value, member);
}

function exportJwk(key, fields) {
  const slots = keySlots(key);
  const keyOps = [];
  for (let i = 0; i < slots.usages.length; i++) SafeArrayPush(keyOps, slots.usages[i]);
  defineField(fields, "key_ops", keyOps);
  defineField(fields, "ext", slots.extractable);
  return fields;
}

// JSON text of an exported JWK (strings, booleans and arrays of strings only), without the
// patchable toJSON lookups of JSON.stringify on objects.
function serializeJwk(jwk) {
  let out = "{";
  let first = true;
  const keys = ObjectKeys(jwk);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const value = jwk[key];
    let text;
    if (typeof value === "string" || typeof value === "boolean") {
      text = JSONStringify(value);
    } else {
      text = "[";
      for (let i = 0; i < value.length; i++) text += (i > 0 ? "," : "") + JSONStringify(value[i]);
      text += "]";
    }
    out += (first ? "" : ",") + JSONStringify(key) + ":" + text;
    first = false;
  }
  return out + "}";
}

// --- HMAC (section 29) ---

function hashBlockBits(hash) {
  return hash === "SHA-384" || hash === "SHA-512" ? 1024 : 512;
}

const kHmacJwkAlg = { __proto__: null, "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };

const hmac = {
  async generateKey(algorithm, extractable, usages) {
    checkUsages(usages, ["sign", "verify"]);
    let length = hashBlockBits(algorithm.hash.name);
    if (algorithm.length !== undefined) {
      if (algorithm.length === 0) throw domError("OperationError", "HMAC key length must not be zero.");
      length = algorithm.length;
    }
    const material = new Uint8Array(MathCeil(length / 8));
    ops.cryptoRandomFill(material);
    return createKey("secret", extractable, keyAlgorithm({ name: "HMAC", length, hash: algorithm.hash.name }), usages, material);
  },

  async importKey(format, keyData, algorithm, extractable, usages) {
    checkUsages(usages, ["sign", "verify"]);
    const hash = algorithm.hash.name;
    let data;
    if (format === "raw") {
      data = keyData;
    } else if (format === "jwk") {
      checkJwk(keyData, "oct", "sig", usages, extractable);
      data = jwkBytes(keyData, "k");
      if (keyData.alg !== undefined && keyData.alg !== kHmacJwkAlg[hash]) {
        throw domError("DataError", `The JWK 'alg' member must be '${kHmacJwkAlg[hash]}' for ${hash}.`);
      }
    } else {
      throw domError("NotSupportedError", `HMAC keys cannot be imported as '${format}'.`);
    }
    let length = byteLength(data) * 8;
    if (length === 0) throw domError("DataError", "HMAC keys must not be empty.");
    if (algorithm.length !== undefined) {
      if (algorithm.length > length || algorithm.length <= length - 8) {
        throw domError("DataError", "The HMAC length does not match the key data.");
      }
      length = algorithm.length;
    }
    return createKey("secret", extractable, keyAlgorithm({ name: "HMAC", length, hash }), usages, data);
  },

  exportKey(format, key) {
    const slots = keySlots(key);
    if (format === "raw") return toArrayBuffer(slots.material);
    if (format === "jwk") {
      return exportJwk(key, { kty: "oct", k: base64UrlEncode(slots.material), alg: kHmacJwkAlg[slots.algorithm.hash] });
    }
    throw domError("NotSupportedError", `HMAC keys cannot be exported as '${format}'.`);
  },

  async sign(algorithm, key, data) {
    const slots = keySlots(key);
    return toArrayBuffer(await runOp(ops.cryptoHmacSign(slots.algorithm.hash, slots.material, data, offThread(data))));
  },

  async verify(algorithm, key, signature, data) {
    const slots = keySlots(key);
    return await runOp(ops.cryptoHmacVerify(slots.algorithm.hash, slots.material, signature, data, offThread(data)));
  },

  getKeyLength(algorithm) {
    if (algorithm.length === undefined) return hashBlockBits(algorithm.hash.name);
    if (algorithm.length === 0) throw new TypeError("HMAC key length must not be zero.");
    return algorithm.length;
  },
};

// --- AES-CTR, AES-CBC, AES-GCM, AES-KW (sections 26-28, 30) ---

function aesUsages(name) {
  return name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
}

function checkAesLength(length) {
  if (length !== 128 && length !== 192 && length !== 256) {
    throw domError("OperationError", "AES key length must be 128, 192 or 256 bits.");
  }
}

function aesJwkAlg(name, bits) {
  return `A${bits}${StringPrototypeSlice(name, 4)}`; // "A128CBC", "A256GCM", "A192KW", …
}

function makeAes(name) {
  return {
    async generateKey(algorithm, extractable, usages) {
      checkUsages(usages, aesUsages(name));
      checkAesLength(algorithm.length);
      const material = new Uint8Array(algorithm.length / 8);
      ops.cryptoRandomFill(material);
      return createKey("secret", extractable, keyAlgorithm({ name, length: algorithm.length }), usages, material);
    },

    async importKey(format, keyData, algorithm, extractable, usages) {
      checkUsages(usages, aesUsages(name));
      let data;
      if (format === "raw") {
        data = keyData;
      } else if (format === "jwk") {
        checkJwk(keyData, "oct", "enc", usages, extractable);
        data = jwkBytes(keyData, "k");
      } else {
        throw domError("NotSupportedError", `${name} keys cannot be imported as '${format}'.`);
      }
      const bits = byteLength(data) * 8;
      if (bits !== 128 && bits !== 192 && bits !== 256) {
        throw domError("DataError", "AES keys must be 128, 192 or 256 bits long.");
      }
      if (format === "jwk" && keyData.alg !== undefined && keyData.alg !== aesJwkAlg(name, bits)) {
        throw domError("DataError", `The JWK 'alg' member must be '${aesJwkAlg(name, bits)}'.`);
      }
      return createKey("secret", extractable, keyAlgorithm({ name, length: bits }), usages, data);
    },

    exportKey(format, key) {
      const slots = keySlots(key);
      if (format === "raw") return toArrayBuffer(slots.material);
      if (format === "jwk") {
        return exportJwk(key, { kty: "oct", k: base64UrlEncode(slots.material), alg: aesJwkAlg(name, slots.algorithm.length) });
      }
      throw domError("NotSupportedError", `${name} keys cannot be exported as '${format}'.`);
    },

    getKeyLength(algorithm) {
      checkAesLength(algorithm.length);
      return algorithm.length;
    },
  };
}

const aesCbc = makeAes("AES-CBC");
aesCbc.encrypt = (algorithm, key, data) => aesCbcRun(true, algorithm, key, data);
aesCbc.decrypt = (algorithm, key, data) => aesCbcRun(false, algorithm, key, data);
async function aesCbcRun(encrypt, algorithm, key, data) {
  if (byteLength(algorithm.iv) !== 16) throw domError("OperationError", "The AES-CBC iv must be 16 bytes.");
  return toArrayBuffer(await runOp(ops.cryptoAesCbc(encrypt, keySlots(key).material, algorithm.iv, data, offThread(data))));
}

const aesCtr = makeAes("AES-CTR");
aesCtr.encrypt = aesCtr.decrypt = async (algorithm, key, data) => {
  if (byteLength(algorithm.counter) !== 16) throw domError("OperationError", "The AES-CTR counter must be 16 bytes.");
  if (algorithm.length === 0 || algorithm.length > 128) {
    throw domError("OperationError", "The AES-CTR length must be between 1 and 128.");
  }
  return toArrayBuffer(await runOp(ops.cryptoAesCtr(keySlots(key).material, algorithm.counter, algorithm.length, data, offThread(data))));
};

const aesGcm = makeAes("AES-GCM");
aesGcm.encrypt = (algorithm, key, data) => aesGcmRun(true, algorithm, key, data);
aesGcm.decrypt = (algorithm, key, data) => aesGcmRun(false, algorithm, key, data);
async function aesGcmRun(encrypt, algorithm, key, data) {
  const tagLength = algorithm.tagLength === undefined ? 128 : algorithm.tagLength;
  if (!contains([32, 64, 96, 104, 112, 120, 128], tagLength)) {
    throw domError("OperationError", "The AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128.");
  }
  if (!encrypt && byteLength(data) < tagLength / 8) {
    throw domError("OperationError", "The AES-GCM ciphertext is shorter than its tag.");
  }
  const additional = algorithm.additionalData === undefined ? new Uint8Array(0) : algorithm.additionalData;
  return toArrayBuffer(await runOp(ops.cryptoAesGcm(encrypt, keySlots(key).material, algorithm.iv, additional, tagLength, data, offThread(data))));
}

const aesKw = makeAes("AES-KW");
aesKw.wrapKey = async (algorithm, key, data) =>
  toArrayBuffer(await runOp(ops.cryptoAesKw(true, keySlots(key).material, data, false)));
aesKw.unwrapKey = async (algorithm, key, data) =>
  toArrayBuffer(await runOp(ops.cryptoAesKw(false, keySlots(key).material, data, false)));

// --- asymmetric keys: shared import and export ---

// Reads a DER key through the op; checks it is of `type` (and `curve`).
async function derKeyInfo(der, isPrivate, type, curve) {
  const info = await runOp(ops.cryptoKeyInfo(der, isPrivate));
  if (info[0] !== type) {
    throw domError("DataError", `The key is a ${info[0]} key, not a ${type} key.`);
  }
  if (curve !== undefined && info[1] !== curve) {
    throw domError("DataError", `The key's curve is not ${curve}.`);
  }
  return info;
}

function checkFormatType(format, key) {
  const type = keySlots(key).type;
  if (format === "spki" && type !== "public") throw domError("InvalidAccessError", "Only public keys can be exported as 'spki'.");
  if (format === "pkcs8" && type !== "private") throw domError("InvalidAccessError", "Only private keys can be exported as 'pkcs8'.");
  if (format === "raw" && type !== "public") throw domError("InvalidAccessError", "Only public keys can be exported as 'raw'.");
}

function requireKeyType(key, type, operation) {
  if (keySlots(key).type !== type) {
    throw domError("InvalidAccessError", `${operation} needs a ${type} key.`);
  }
}

// --- RSA: RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP (sections 20-22) ---

const kRsaJwkAlg = {
  __proto__: null,
  "RSASSA-PKCS1-v1_5": { __proto__: null, "SHA-1": "RS1", "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" },
  "RSA-PSS": { __proto__: null, "SHA-1": "PS1", "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512" },
  "RSA-OAEP": { __proto__: null, "SHA-1": "RSA-OAEP", "SHA-256": "RSA-OAEP-256", "SHA-384": "RSA-OAEP-384", "SHA-512": "RSA-OAEP-512" },
};

function makeRsa(name) {
  const signing = name !== "RSA-OAEP";
  const publicUsages = signing ? ["verify"] : ["encrypt", "wrapKey"];
  const privateUsages = signing ? ["sign"] : ["decrypt", "unwrapKey"];
  const allUsages = signing ? ["sign", "verify"] : ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

  function rsaAlgorithm(bits, exponent, hash) {
    return keyAlgorithm({ name, modulusLength: bits, publicExponent: exponent, hash });
  }

  return {
    async generateKey(algorithm, extractable, usages) {
      checkUsages(usages, allUsages);
      const pair = await runOp(ops.cryptoGenerateKeyPair("RSA", "", algorithm.modulusLength, algorithm.publicExponent, true));
      const keyAlg = rsaAlgorithm(algorithm.modulusLength, algorithm.publicExponent, algorithm.hash.name);
      return {
        publicKey: createKey("public", true, keyAlg, intersectUsages(usages, publicUsages), pair[1]),
        privateKey: createKey("private", extractable, keyAlg, intersectUsages(usages, privateUsages), pair[0]),
      };
    },

    async importKey(format, keyData, algorithm, extractable, usages) {
      const hash = algorithm.hash.name;
      let der;
      let isPrivate;
      if (format === "spki" || format === "pkcs8") {
        isPrivate = format === "pkcs8";
        checkUsages(usages, isPrivate ? privateUsages : publicUsages);
        der = keyData;
      } else if (format === "jwk") {
        isPrivate = keyData.d !== undefined;
        checkUsages(usages, isPrivate ? privateUsages : publicUsages);
        checkJwk(keyData, "RSA", signing ? "sig" : "enc", usages, extractable);
        if (keyData.alg !== undefined && keyData.alg !== kRsaJwkAlg[name][hash]) {
          throw domError("DataError", `The JWK 'alg' member must be '${kRsaJwkAlg[name][hash]}' for ${name} with ${hash}.`);
        }
        if (keyData.oth !== undefined) throw domError("NotSupportedError", "Multi-prime RSA keys ('oth') are not supported.");
        const names = isPrivate ? ["n", "e", "d", "p", "q", "dp", "dq", "qi"] : ["n", "e"];
        const parts = [];
        for (let i = 0; i < names.length; i++) SafeArrayPush(parts, jwkBytes(keyData, names[i]));
        der = await runOp(ops.cryptoKeyFromComponents("RSA", "", isPrivate, parts));
      } else {
        throw domError("NotSupportedError", `${name} keys cannot be imported as '${format}'.`);
      }
      const info = await derKeyInfo(der, isPrivate, "RSA");
      return createKey(isPrivate ? "private" : "public", extractable, rsaAlgorithm(info[2], info[3], hash), usages, der);
    },

    async exportKey(format, key) {
      const slots = keySlots(key);
      if (format === "spki" || format === "pkcs8") {
        checkFormatType(format, key);
        return toArrayBuffer(slots.material);
      }
      if (format !== "jwk") throw domError("NotSupportedError", `${name} keys cannot be exported as '${format}'.`);
      const isPrivate = slots.type === "private";
      const parts = await runOp(ops.cryptoKeyComponents(slots.material, isPrivate));
      const jwk = { kty: "RSA", alg: kRsaJwkAlg[name][slots.algorithm.hash], n: base64UrlEncode(parts[0]), e: base64UrlEncode(parts[1]) };
      if (isPrivate) {
        const names = ["d", "p", "q", "dp", "dq", "qi"];
        for (let i = 0; i < names.length; i++) defineField(jwk, names[i], base64UrlEncode(parts[i + 2]));
      }
      return exportJwk(key, jwk);
    },

    async sign(algorithm, key, data) {
      requireKeyType(key, "private", "Signing");
      const slots = keySlots(key);
      const salt = name === "RSA-PSS" ? algorithm.saltLength : 0;
      const heavy = offThread(data) || slots.algorithm.modulusLength >= kOffThreadRsaBits;
      return toArrayBuffer(await runOp(ops.cryptoSign(name, slots.algorithm.hash, slots.material, salt, data, heavy)));
    },

    async verify(algorithm, key, signature, data) {
      requireKeyType(key, "public", "Verifying");
      const slots = keySlots(key);
      const salt = name === "RSA-PSS" ? algorithm.saltLength : 0;
      return await runOp(ops.cryptoVerify(name, slots.algorithm.hash, slots.material, salt, signature, data, offThread(data)));
    },

    async encrypt(algorithm, key, data) {
      requireKeyType(key, "public", "Encrypting");
      const slots = keySlots(key);
      const label = algorithm.label === undefined ? new Uint8Array(0) : algorithm.label;
      return toArrayBuffer(await runOp(ops.cryptoRsaOaep(true, slots.algorithm.hash, slots.material, label, data, false)));
    },

    async decrypt(algorithm, key, data) {
      requireKeyType(key, "private", "Decrypting");
      const slots = keySlots(key);
      const label = algorithm.label === undefined ? new Uint8Array(0) : algorithm.label;
      const heavy = slots.algorithm.modulusLength >= kOffThreadRsaBits;
      return toArrayBuffer(await runOp(ops.cryptoRsaOaep(false, slots.algorithm.hash, slots.material, label, data, heavy)));
    },
  };
}

// --- EC: ECDSA, ECDH (sections 23-24); Ed25519, X25519 (sections 25-26 of the secure curves) ---

const kCurves = ["P-256", "P-384", "P-521"];
const kEcdsaJwkAlg = { __proto__: null, "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" };

function checkCurve(curve) {
  if (!contains(kCurves, curve)) throw domError("NotSupportedError", `Unsupported namedCurve '${curve}'.`);
}

// Truncates a shared secret to `length` bits (null: all of it), as ECDH and X25519 do.
function truncateSecret(secret, length) {
  if (length === null) return toArrayBuffer(secret);
  if (length > byteLength(secret) * 8) {
    throw domError("OperationError", "The requested length is longer than the shared secret.");
  }
  const out = sliceBytes(secret, 0, MathCeil(length / 8));
  if (length % 8 !== 0) out[byteLength(out) - 1] &= (0xff << (8 - (length % 8))) & 0xff;
  return TypedArrayPrototypeGetBuffer(out);
}

// ECDSA, ECDH, Ed25519 and X25519 share key generation, import and export. `name`: the
// algorithm; `type`: the ops' key type ("EC", "Ed25519", "X25519"); `use`: the JWK "use" value.
function makeCurveAlgorithm(name, type, publicUsages, privateUsages, use) {
  const isEc = type === "EC";
  const allUsages = [];
  for (let i = 0; i < publicUsages.length; i++) SafeArrayPush(allUsages, publicUsages[i]);
  for (let i = 0; i < privateUsages.length; i++) SafeArrayPush(allUsages, privateUsages[i]);

  function algorithmFor(curve) {
    return isEc ? keyAlgorithm({ name, namedCurve: curve }) : keyAlgorithm({ name });
  }

  return {
    async generateKey(algorithm, extractable, usages) {
      checkUsages(usages, allUsages);
      const curve = isEc ? algorithm.namedCurve : "";
      if (isEc) checkCurve(curve);
      const pair = await runOp(ops.cryptoGenerateKeyPair(type, curve, 0, null, false));
      return {
        publicKey: createKey("public", true, algorithmFor(curve), intersectUsages(usages, publicUsages), pair[1]),
        privateKey: createKey("private", extractable, algorithmFor(curve), intersectUsages(usages, privateUsages), pair[0]),
      };
    },

    async importKey(format, keyData, algorithm, extractable, usages) {
      const curve = isEc ? algorithm.namedCurve : undefined;
      if (isEc) checkCurve(curve);
      let der;
      let isPrivate = false;
      if (format === "spki" || format === "pkcs8") {
        isPrivate = format === "pkcs8";
        checkUsages(usages, isPrivate ? privateUsages : publicUsages);
        der = keyData;
        await derKeyInfo(der, isPrivate, type, curve);
      } else if (format === "raw") {
        checkUsages(usages, publicUsages);
        der = await runOp(ops.cryptoKeyFromComponents(type, isEc ? curve : "", false, [keyData]));
      } else if (format === "jwk") {
        isPrivate = keyData.d !== undefined;
        checkUsages(usages, isPrivate ? privateUsages : publicUsages);
        checkJwk(keyData, isEc ? "EC" : "OKP", use, usages, extractable);
        const crv = isEc ? curve : type;
        if (keyData.crv !== crv) throw domError("DataError", `The JWK 'crv' member must be '${crv}'.`);
        if (keyData.alg !== undefined) {
          if (name === "ECDSA" && keyData.alg !== kEcdsaJwkAlg[curve]) {
            throw domError("DataError", `The JWK 'alg' member must be '${kEcdsaJwkAlg[curve]}'.`);
          }
          if (name === "Ed25519" && keyData.alg !== "Ed25519" && keyData.alg !== "EdDSA") {
            throw domError("DataError", "The JWK 'alg' member must be 'Ed25519' or 'EdDSA'.");
          }
        }
        const parts = [jwkBytes(keyData, "x")];
        if (isEc) SafeArrayPush(parts, jwkBytes(keyData, "y"));
        if (isPrivate) SafeArrayPush(parts, jwkBytes(keyData, "d"));
        der = await runOp(ops.cryptoKeyFromComponents(type, isEc ? curve : "", isPrivate, parts));
      } else {
        throw domError("NotSupportedError", `${name} keys cannot be imported as '${format}'.`);
      }
      return createKey(isPrivate ? "private" : "public", extractable, algorithmFor(curve), usages, der);
    },

    async exportKey(format, key) {
      const slots = keySlots(key);
      if (format === "spki" || format === "pkcs8") {
        checkFormatType(format, key);
        return toArrayBuffer(slots.material);
      }
      if (format !== "raw" && format !== "jwk") {
        throw domError("NotSupportedError", `${name} keys cannot be exported as '${format}'.`);
      }
      checkFormatType(format, key);
      const isPrivate = slots.type === "private";
      const parts = await runOp(ops.cryptoKeyComponents(slots.material, isPrivate));
      if (format === "raw") {
        if (!isEc) return toArrayBuffer(parts[0]);
        const point = new Uint8Array(1);
        point[0] = 4; // uncompressed
        return TypedArrayPrototypeGetBuffer(concatBytes(concatBytes(point, parts[0]), parts[1]));
      }
      const jwk = isEc
        ? { kty: "EC", crv: slots.algorithm.namedCurve, x: base64UrlEncode(parts[0]), y: base64UrlEncode(parts[1]) }
        : { kty: "OKP", crv: type, x: base64UrlEncode(parts[0]) };
      if (isPrivate) defineField(jwk, "d", base64UrlEncode(parts[isEc ? 2 : 1]));
      return exportJwk(key, jwk);
    },
  };
}

const ecdsa = makeCurveAlgorithm("ECDSA", "EC", ["verify"], ["sign"], "sig");
ecdsa.sign = async (algorithm, key, data) => {
  requireKeyType(key, "private", "Signing");
  const slots = keySlots(key);
  return toArrayBuffer(await runOp(ops.cryptoSign("ECDSA", algorithm.hash.name, slots.material, 0, data, offThread(data))));
};
ecdsa.verify = async (algorithm, key, signature, data) => {
  requireKeyType(key, "public", "Verifying");
  return await runOp(ops.cryptoVerify("ECDSA", algorithm.hash.name, keySlots(key).material, 0, signature, data, offThread(data)));
};

const ed25519 = makeCurveAlgorithm("Ed25519", "Ed25519", ["verify"], ["sign"], "sig");
ed25519.sign = async (algorithm, key, data) => {
  requireKeyType(key, "private", "Signing");
  return toArrayBuffer(await runOp(ops.cryptoSign("Ed25519", "", keySlots(key).material, 0, data, offThread(data))));
};
ed25519.verify = async (algorithm, key, signature, data) => {
  requireKeyType(key, "public", "Verifying");
  return await runOp(ops.cryptoVerify("Ed25519", "", keySlots(key).material, 0, signature, data, offThread(data)));
};

// ECDH and X25519 deriveBits (sections 23.4 and the secure curves' X25519).
async function deriveShared(name, algorithm, key, length) {
  requireKeyType(key, "private", "Key agreement");
  const peer = algorithm.public;
  const peerSlots = keySlots(peer);
  const slots = keySlots(key);
  if (peerSlots.type !== "public") throw domError("InvalidAccessError", "The 'public' member must be a public key.");
  if (peerSlots.algorithm.name !== slots.algorithm.name) {
    throw domError("InvalidAccessError", `The 'public' key is not a ${name} key.`);
  }
  if (slots.algorithm.namedCurve !== peerSlots.algorithm.namedCurve) {
    throw domError("InvalidAccessError", "The 'public' key is on another curve.");
  }
  const secret = await runOp(ops.cryptoDeriveShared(slots.material, peerSlots.material, false));
  if (name === "X25519") {
    let zero = true;
    for (let i = 0; i < byteLength(secret); i++) zero = zero && secret[i] === 0;
    if (zero) throw domError("OperationError", "The X25519 shared secret is all zeros (a small-order public key).");
  }
  return truncateSecret(secret, length);
}

const ecdh = makeCurveAlgorithm("ECDH", "EC", [], ["deriveKey", "deriveBits"], "enc");
ecdh.deriveBits = (algorithm, key, length) => deriveShared("ECDH", algorithm, key, length);
const x25519 = makeCurveAlgorithm("X25519", "X25519", [], ["deriveKey", "deriveBits"], "enc");
x25519.deriveBits = (algorithm, key, length) => deriveShared("X25519", algorithm, key, length);

// --- HKDF and PBKDF2 (sections 31-32) ---

function makeKdf(name) {
  return {
    async importKey(format, keyData, algorithm, extractable, usages) {
      if (format !== "raw") throw domError("NotSupportedError", `${name} keys can only be imported as 'raw'.`);
      checkUsages(usages, ["deriveKey", "deriveBits"]);
      if (extractable) throw domError("SyntaxError", `${name} keys cannot be extractable.`);
      return createKey("secret", false, keyAlgorithm({ name }), usages, keyData);
    },
    getKeyLength() {
      return null;
    },
  };
}

// Derived bits are made outside the JS heap (not counted against the memory limit): at most
// kMaxDerivedBytes at once.
const kMaxDerivedBytes = 16 * 1024 * 1024;

function checkKdfLength(length) {
  if (length === null || length % 8 !== 0) {
    throw domError("OperationError", "The length must be a multiple of 8 bits.");
  }
  if (length / 8 > kMaxDerivedBytes) {
    throw domError("OperationError", `At most ${kMaxDerivedBytes} bytes can be derived at once.`);
  }
}

const hkdf = makeKdf("HKDF");
hkdf.deriveBits = async (algorithm, key, length) => {
  checkKdfLength(length);
  return toArrayBuffer(await runOp(ops.cryptoHkdf(algorithm.hash.name, keySlots(key).material, algorithm.salt, algorithm.info, length / 8, false)));
};

const pbkdf2 = makeKdf("PBKDF2");
pbkdf2.deriveBits = async (algorithm, key, length) => {
  checkKdfLength(length);
  if (algorithm.iterations === 0) throw domError("OperationError", "PBKDF2 needs at least one iteration.");
  const heavy = algorithm.iterations > kOffThreadPbkdf2Iterations;
  return toArrayBuffer(await runOp(ops.cryptoPbkdf2(algorithm.hash.name, keySlots(key).material, algorithm.salt, algorithm.iterations, length / 8, heavy)));
};

// --- digest ---

const sha = {
  async digest(algorithm, data) {
    return toArrayBuffer(await runOp(ops.cryptoDigest(algorithm.name, data, offThread(data))));
  },
};

const kAlgorithms = {
  __proto__: null,
  "SHA-1": sha,
  "SHA-256": sha,
  "SHA-384": sha,
  "SHA-512": sha,
  HMAC: hmac,
  "AES-CBC": aesCbc,
  "AES-CTR": aesCtr,
  "AES-GCM": aesGcm,
  "AES-KW": aesKw,
  "RSASSA-PKCS1-v1_5": makeRsa("RSASSA-PKCS1-v1_5"),
  "RSA-PSS": makeRsa("RSA-PSS"),
  "RSA-OAEP": makeRsa("RSA-OAEP"),
  ECDSA: ecdsa,
  ECDH: ecdh,
  Ed25519: ed25519,
  X25519: x25519,
  HKDF: hkdf,
  PBKDF2: pbkdf2,
};

// --- SubtleCrypto (section 18) ---

let isSubtleCrypto;

function checkKeyFor(key, algorithm, usage) {
  const slots = keySlots(key);
  if (slots.algorithm.name !== algorithm.name) {
    throw domError("InvalidAccessError", `The key is a ${slots.algorithm.name} key, not a ${algorithm.name} key.`);
  }
  if (!contains(slots.usages, usage)) {
    throw domError("InvalidAccessError", `The key's usages do not include '${usage}'.`);
  }
}

function checkNewKeyUsages(result) {
  const key = isCryptoKey(result) ? result : result.privateKey;
  const slots = keySlots(key);
  if ((slots.type === "secret" || slots.type === "private") && slots.usages.length === 0) {
    throw domError("SyntaxError", "A secret or private key needs at least one usage.");
  }
}

function toKeyData(format, keyData, prefix) {
  if (isArrayBuffer(keyData) || isArrayBufferView(keyData)) {
    if (format === "jwk") throw new TypeError(`${prefix}: a 'jwk' key must be a JsonWebKey dictionary.`);
    return copyBufferSource(keyData);
  }
  const jwk = toJsonWebKey(keyData, prefix);
  if (format !== "jwk") throw new TypeError(`${prefix}: a '${format}' key must be an ArrayBuffer or a view.`);
  return jwk;
}

function exportKeyInternal(format, key) {
  const slots = keySlots(key);
  const algorithm = kAlgorithms[slots.algorithm.name];
  if (algorithm.exportKey === undefined) {
    throw domError("NotSupportedError", `${slots.algorithm.name} keys cannot be exported.`);
  }
  if (!slots.extractable) throw domError("InvalidAccessError", "The key is not extractable.");
  return algorithm.exportKey(format, key);
}

async function importKeyInternal(format, keyData, normalized, extractable, usages) {
  const result = await kAlgorithms[normalized.name].importKey(format, keyData, normalized, extractable, usages);
  checkNewKeyUsages(result);
  return result;
}

// For wrapKey/unwrapKey: the "wrapKey"/"unwrapKey" registration, else the encrypt/decrypt one.
function normalizeWrapAlgorithm(algorithm, op, fallback, prefix) {
  const normalized = normalizeAlgorithm(algorithm, op, prefix, true);
  if (normalized !== undefined) return { __proto__: null, op, algorithm: normalized };
  return { __proto__: null, op: fallback, algorithm: normalizeAlgorithm(algorithm, fallback, prefix) };
}

function decodeJwkBytes(bytes, prefix) {
  let json;
  try {
    json = JSONParse(ops.utf8Decode(bytes));
  } catch {
    throw domError("DataError", "The unwrapped key is not valid JSON.");
  }
  const jwk = toJsonWebKey(json, prefix, true);
  if (jwk.kty === undefined) throw domError("DataError", "The unwrapped JWK has no 'kty' member.");
  return jwk;
}

class SubtleCrypto {
  #brand = true;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
  }

  static {
    isSubtleCrypto = (value) => isObject(value) && #brand in value;
  }

  async encrypt(algorithm, key, data) {
    return await cipher(this, arguments.length, "encrypt", algorithm, key, data);
  }

  async decrypt(algorithm, key, data) {
    return await cipher(this, arguments.length, "decrypt", algorithm, key, data);
  }

  async sign(algorithm, key, data) {
    const prefix = "Failed to execute 'sign' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 3, prefix);
    toCryptoKey(key, prefix, "Argument 2");
    const bytes = toBufferSource(data, prefix, "Argument 3");
    const normalized = normalizeAlgorithm(algorithm, "sign", prefix);
    checkKeyFor(key, normalized, "sign");
    return await kAlgorithms[normalized.name].sign(normalized, key, bytes);
  }

  async verify(algorithm, key, signature, data) {
    const prefix = "Failed to execute 'verify' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 4, prefix);
    toCryptoKey(key, prefix, "Argument 2");
    const signatureBytes = toBufferSource(signature, prefix, "Argument 3");
    const bytes = toBufferSource(data, prefix, "Argument 4");
    const normalized = normalizeAlgorithm(algorithm, "verify", prefix);
    checkKeyFor(key, normalized, "verify");
    return await kAlgorithms[normalized.name].verify(normalized, key, signatureBytes, bytes);
  }

  async digest(algorithm, data) {
    const prefix = "Failed to execute 'digest' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 2, prefix);
    const bytes = toBufferSource(data, prefix, "Argument 2");
    const normalized = normalizeAlgorithm(algorithm, "digest", prefix);
    return await sha.digest(normalized, bytes);
  }

  async generateKey(algorithm, extractable, keyUsages) {
    const prefix = "Failed to execute 'generateKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 3, prefix);
    const usages = toUsages(keyUsages, prefix);
    const normalized = normalizeAlgorithm(algorithm, "generateKey", prefix);
    const result = await kAlgorithms[normalized.name].generateKey(normalized, !!extractable, usages);
    checkNewKeyUsages(result);
    return result;
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    const prefix = "Failed to execute 'deriveKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 5, prefix);
    toCryptoKey(baseKey, prefix, "Argument 2");
    const usages = toUsages(keyUsages, prefix);
    const normalized = normalizeAlgorithm(algorithm, "deriveBits", prefix);
    const importAlgorithm = normalizeAlgorithm(derivedKeyType, "importKey", prefix);
    const lengthAlgorithm = normalizeAlgorithm(derivedKeyType, "getKeyLength", prefix);
    checkKeyFor(baseKey, normalized, "deriveKey");
    const length = kAlgorithms[lengthAlgorithm.name].getKeyLength(lengthAlgorithm);
    const secret = await kAlgorithms[normalized.name].deriveBits(normalized, baseKey, length);
    return await importKeyInternal("raw", new Uint8Array(secret), importAlgorithm, !!extractable, usages);
  }

  async deriveBits(algorithm, baseKey, length = null) {
    const prefix = "Failed to execute 'deriveBits' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 2, prefix);
    toCryptoKey(baseKey, prefix, "Argument 2");
    const bits = length === null ? null : toUnsignedLong(length);
    const normalized = normalizeAlgorithm(algorithm, "deriveBits", prefix);
    checkKeyFor(baseKey, normalized, "deriveBits");
    return await kAlgorithms[normalized.name].deriveBits(normalized, baseKey, bits);
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    const prefix = "Failed to execute 'importKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 5, prefix);
    const keyFormat = toEnum(format, kFormats, "KeyFormat", prefix);
    const data = toKeyData(keyFormat, keyData, prefix);
    const usages = toUsages(keyUsages, prefix);
    const normalized = normalizeAlgorithm(algorithm, "importKey", prefix);
    return await importKeyInternal(keyFormat, data, normalized, !!extractable, usages);
  }

  async exportKey(format, key) {
    const prefix = "Failed to execute 'exportKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 2, prefix);
    const keyFormat = toEnum(format, kFormats, "KeyFormat", prefix);
    toCryptoKey(key, prefix, "Argument 2");
    return await exportKeyInternal(keyFormat, key);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    const prefix = "Failed to execute 'wrapKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 4, prefix);
    const keyFormat = toEnum(format, kFormats, "KeyFormat", prefix);
    toCryptoKey(key, prefix, "Argument 2");
    toCryptoKey(wrappingKey, prefix, "Argument 3");
    const { op, algorithm } = normalizeWrapAlgorithm(wrapAlgorithm, "wrapKey", "encrypt", prefix);
    checkKeyFor(wrappingKey, algorithm, "wrapKey");
    const exported = await exportKeyInternal(keyFormat, key);
    const bytes = keyFormat === "jwk" ? ops.utf8Encode(serializeJwk(exported)) : new Uint8Array(exported);
    return await kAlgorithms[algorithm.name][op](algorithm, wrappingKey, bytes);
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    const prefix = "Failed to execute 'unwrapKey' on 'SubtleCrypto'";
    if (!isSubtleCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 7, prefix);
    const keyFormat = toEnum(format, kFormats, "KeyFormat", prefix);
    const wrapped = toBufferSource(wrappedKey, prefix, "Argument 2");
    toCryptoKey(unwrappingKey, prefix, "Argument 3");
    const usages = toUsages(keyUsages, prefix);
    const { op, algorithm } = normalizeWrapAlgorithm(unwrapAlgorithm, "unwrapKey", "decrypt", prefix);
    const importAlgorithm = normalizeAlgorithm(unwrappedKeyAlgorithm, "importKey", prefix);
    checkKeyFor(unwrappingKey, algorithm, "unwrapKey");
    const bytes = new Uint8Array(await kAlgorithms[algorithm.name][op](algorithm, unwrappingKey, wrapped));
    const keyData = keyFormat === "jwk" ? decodeJwkBytes(bytes, prefix) : bytes;
    return await importKeyInternal(keyFormat, keyData, importAlgorithm, !!extractable, usages);
  }
}

async function cipher(subtle, count, op, algorithm, key, data) {
  const prefix = `Failed to execute '${op}' on 'SubtleCrypto'`;
  if (!isSubtleCrypto(subtle)) throw illegalInvocation();
  requiredArguments(count, 3, prefix);
  toCryptoKey(key, prefix, "Argument 2");
  const bytes = toBufferSource(data, prefix, "Argument 3");
  const normalized = normalizeAlgorithm(algorithm, op, prefix);
  checkKeyFor(key, normalized, op);
  return await kAlgorithms[normalized.name][op](normalized, key, bytes);
}

configureInterface(SubtleCrypto, "SubtleCrypto");

// --- Crypto (section 10) ---

const kIntegerArrays = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "BigInt64Array", "BigUint64Array",
];
const kMaxRandomBytes = 65536;
const kHex = "0123456789abcdef";

let isCrypto;
const subtle = new SubtleCrypto(kInternal);

class Crypto {
  #brand = true;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
  }

  static {
    isCrypto = (value) => isObject(value) && #brand in value;
  }

  get subtle() {
    if (!isCrypto(this)) throw illegalInvocation();
    return subtle;
  }

  getRandomValues(array) {
    const prefix = "Failed to execute 'getRandomValues' on 'Crypto'";
    if (!isCrypto(this)) throw illegalInvocation();
    requiredArguments(arguments.length, 1, prefix);
    if (!isArrayBufferView(array)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`);
    }
    if (!contains(kIntegerArrays, TypedArrayPrototypeGetSymbolToStringTag(array))) {
      throw domError("TypeMismatchError", `${prefix}: the array is not an integer-typed array.`);
    }
    if (TypedArrayPrototypeGetByteLength(array) > kMaxRandomBytes) {
      throw domError("QuotaExceededError", `${prefix}: the array is larger than ${kMaxRandomBytes} bytes.`);
    }
    ops.cryptoRandomFill(array);
    return array;
  }

  randomUUID() {
    if (!isCrypto(this)) throw illegalInvocation();
    const bytes = new Uint8Array(16);
    ops.cryptoRandomFill(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
    let out = "";
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out += "-";
      out += kHex[bytes[i] >> 4] + kHex[bytes[i] & 15];
    }
    return out;
  }
}

configureInterface(Crypto, "Crypto");

const crypto = new Crypto(kInternal);

installGlobal("Crypto", Crypto);
installGlobal("CryptoKey", CryptoKey);
installGlobal("SubtleCrypto", SubtleCrypto);
// WindowOrWorkerGlobalScope: `readonly attribute Crypto crypto` (a getter, no setter).
ObjectDefineProperty(globalThis, "crypto", {
  __proto__: null,
  get: { crypto() { return crypto; } }.crypto,
  set: undefined,
  enumerable: true,
  configurable: true,
});

internals.isCryptoKey = isCryptoKey;
