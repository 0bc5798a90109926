// Web Crypto (isolates/runtime/js/50_crypto.js and isolates/runtime/ops_crypto.cc).
//
// Known-answer vectors come from the documents named at each test (FIPS 180, RFC 4231, RFC 5869,
// RFC 6070, RFC 7914, NIST SP 800-38A, the GCM spec's test cases, RFC 3394, RFC 8032, RFC 7748).
// The fixed ECDSA and RSA signatures were made offline with the openssl CLI
// (`openssl dgst -sha256 -sign key.pem`, ECDSA's DER signature converted to r || s).
// In this harness off-thread operations run inline (see js_api_test.cc), through the same ops.

const subtle = crypto.subtle;
// ASCII only (TextEncoder/TextDecoder are not part of this runtime yet).
function enc(string) {
  const out = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i);
  return out;
}
function dec(buffer) {
  return String.fromCharCode(...new Uint8Array(buffer));
}

function hex(string) {
  const out = new Uint8Array(string.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(string.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(buffer) {
  const bytes = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
  return out;
}

const kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function base64(string) {
  const clean = string.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let j = 0;
  for (const c of clean) {
    bits = (bits << 6) | kB64.indexOf(c);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[j++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

function b64url(bytes) {
  let s = "";
  let bits = 0;
  let count = 0;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (const b of bytes) {
    bits = (bits << 8) | b;
    count += 8;
    while (count >= 6) {
      count -= 6;
      s += alphabet[(bits >> count) & 63];
    }
  }
  if (count > 0) s += alphabet[(bits << (6 - count)) & 63];
  return s;
}

async function rejectsWith(promise, name) {
  const error = await assertRejects(promise, DOMException);
  assertEquals(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
  return error;
}

// --- getRandomValues / randomUUID ---

test("getRandomValues fills integer arrays and returns the same object", () => {
  for (const Type of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
    const array = new Type(64);
    assert(crypto.getRandomValues(array) === array, Type.name);
    let nonzero = false;
    for (let i = 0; i < array.length; i++) nonzero ||= array[i] != 0;
    assert(nonzero, `${Type.name} stayed all zero`);
  }
  const bytes = new Uint8Array(16);
  const view = new Uint8Array(bytes.buffer, 4, 8);
  crypto.getRandomValues(view);
  assertEquals([...bytes.slice(0, 4), ...bytes.slice(12)], [0, 0, 0, 0, 0, 0, 0, 0], "only the view's bytes change");
  assertEquals(crypto.getRandomValues(new Uint8Array(0)).length, 0);
  assertEquals(crypto.getRandomValues(new Uint8Array(65536)).length, 65536);
});

test("getRandomValues errors: TypeMismatchError, QuotaExceededError, TypeError", () => {
  for (const array of [new Float32Array(4), new Float64Array(4), new DataView(new ArrayBuffer(4))]) {
    const error = assertThrows(() => crypto.getRandomValues(array), DOMException);
    assertEquals(error.name, "TypeMismatchError");
    assertEquals(error.code, 17);
  }
  const quota = assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException);
  assertEquals(quota.name, "QuotaExceededError");
  assertThrows(() => crypto.getRandomValues(new Uint32Array(16385)), DOMException, "65536");
  assertThrows(() => crypto.getRandomValues(new ArrayBuffer(4)), TypeError);
  assertThrows(() => crypto.getRandomValues([1, 2]), TypeError);
  assertThrows(() => crypto.getRandomValues(), TypeError);
  assertThrows(() => Crypto.prototype.getRandomValues.call({}, new Uint8Array(1)), TypeError);
});

test("randomUUID is a version 4 UUID", () => {
  const seen = new Set();
  for (let i = 0; i < 100; i++) {
    const uuid = crypto.randomUUID();
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), uuid);
    seen.add(uuid);
  }
  assertEquals(seen.size, 100);
});

test("interfaces: globals, brand checks, illegal constructors", () => {
  assert(crypto instanceof Crypto);
  assert(crypto.subtle instanceof SubtleCrypto);
  assert(crypto.subtle === crypto.subtle);
  assertEquals(Object.prototype.toString.call(crypto), "[object Crypto]");
  assertEquals(Object.prototype.toString.call(crypto.subtle), "[object SubtleCrypto]");
  assertThrows(() => new Crypto(), TypeError);
  assertThrows(() => new SubtleCrypto(), TypeError);
  assertThrows(() => new CryptoKey(), TypeError);
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  assertEquals(typeof descriptor.get, "function");
  assertEquals(descriptor.set, undefined);
  assertThrows(() => Object.getOwnPropertyDescriptor(Crypto.prototype, "subtle").get.call({}), TypeError);
});

// --- digest ---

test("digest: FIPS 180 examples", async () => {
  const abc = enc("abc");
  assertEquals(toHex(await subtle.digest("SHA-1", abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals(toHex(await subtle.digest("SHA-256", abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assertEquals(toHex(await subtle.digest({ name: "sha-384" }, abc)), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  assertEquals(toHex(await subtle.digest("SHA-512", abc.buffer)), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  assertEquals(toHex(await subtle.digest("SHA-256", enc("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assertEquals(toHex(await subtle.digest("SHA-256", new Uint8Array(0))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});

test("digest of one million 'a' (FIPS 180 long message)", async () => {
  const data = new Uint8Array(1000000).fill(0x61);
  assertEquals(toHex(await subtle.digest("SHA-1", data)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
});

test("digest of 2 MiB (off-thread path) equals the digest of the same data made in parts", async () => {
  const data = new Uint8Array(2 * 1024 * 1024).fill(0x61);
  const whole = toHex(await subtle.digest("SHA-256", data));
  const again = toHex(await subtle.digest("SHA-256", data.slice()));
  assertEquals(whole, again);
  assertEquals(whole.length, 64);
});

test("digest copies its input before returning", async () => {
  const data = enc("abc");
  const promise = subtle.digest("SHA-256", data);
  data[0] = 0;
  assertEquals(toHex(await promise), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("digest errors reject, never throw", async () => {
  await rejectsWith(subtle.digest("MD5", enc("x")), "NotSupportedError");
  await rejectsWith(subtle.digest({ name: "SHA-257" }, enc("x")), "NotSupportedError");
  await assertRejects(() => subtle.digest({}, enc("x")), TypeError);
  await assertRejects(() => subtle.digest("SHA-256", "text"), TypeError);
  await assertRejects(() => subtle.digest("SHA-256"), TypeError);
  await assertRejects(() => subtle.digest.call({}, "SHA-256", enc("x")), TypeError);
  await assertRejects(() => SubtleCrypto.prototype.sign.call(null), TypeError);
});

// --- HMAC ---

test("HMAC: RFC 4231 test cases 1, 2 and 6", async () => {
  const cases = [
    ["SHA-256", "0b".repeat(20), enc("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
    ["SHA-384", "0b".repeat(20), enc("Hi There"), "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"],
    ["SHA-512", "0b".repeat(20), enc("Hi There"), "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"],
    ["SHA-256", toHex(enc("Jefe")), enc("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"],
    ["SHA-256", "aa".repeat(131), enc("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"],
  ];
  for (const [hash, key, data, expected] of cases) {
    const k = await subtle.importKey("raw", hex(key), { name: "HMAC", hash }, false, ["sign", "verify"]);
    assertEquals(toHex(await subtle.sign("HMAC", k, data)), expected, hash);
    assertEquals(await subtle.verify("HMAC", k, hex(expected), data), true);
    const wrong = hex(expected);
    wrong[0] ^= 1;
    assertEquals(await subtle.verify("HMAC", k, wrong, data), false);
    assertEquals(await subtle.verify("HMAC", k, hex(expected).slice(0, 16), data), false, "truncated");
  }
});

test("HMAC generateKey, key properties and JWK round trip", async () => {
  const key = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["verify", "sign", "sign"]);
  assertEquals(key.type, "secret");
  assertEquals(key.extractable, true);
  assertEquals(key.usages, ["sign", "verify"]);
  assertEquals(key.algorithm, { name: "HMAC", length: 1024, hash: { name: "SHA-512" } });
  assert(key.algorithm === key.algorithm, "algorithm is cached");
  assert(key.usages === key.usages, "usages is cached");
  key.algorithm.name = "changed";
  assertEquals(key.algorithm.name, "changed");
  assert(key instanceof CryptoKey);
  assertEquals(Object.prototype.toString.call(key), "[object CryptoKey]");
  const raw = await subtle.exportKey("raw", key);
  assertEquals(raw.byteLength, 128);
  const jwk = await subtle.exportKey("jwk", key);
  assertEquals(jwk.kty, "oct");
  assertEquals(jwk.alg, "HS512");
  assertEquals(jwk.key_ops, ["sign", "verify"]);
  assertEquals(jwk.ext, true);
  assertEquals(jwk.k, b64url(new Uint8Array(raw)));
  const again = await subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-512" }, true, ["sign"]);
  assertEquals(toHex(await subtle.exportKey("raw", again)), toHex(raw));
  const sized = await subtle.generateKey({ name: "HMAC", hash: "SHA-1", length: 160 }, false, ["sign"]);
  assertEquals(sized.algorithm.length, 160);
});

test("HMAC import errors", async () => {
  const k = hex("0b".repeat(20));
  await rejectsWith(subtle.importKey("raw", k, { name: "HMAC", hash: "SHA-256" }, false, ["encrypt"]), "SyntaxError");
  await rejectsWith(subtle.importKey("raw", k, { name: "HMAC", hash: "SHA-256" }, false, []), "SyntaxError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("raw", k, { name: "HMAC", hash: "SHA-256", length: 200 }, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("spki", k, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "NotSupportedError");
  await assertRejects(() => subtle.importKey("raw", k, { name: "HMAC" }, false, ["sign"]), TypeError);
  await assertRejects(() => subtle.importKey("raw", k, { name: "HMAC", hash: "SHA-256" }, false, ["bogus"]), TypeError);
  await assertRejects(() => subtle.importKey("bogus", k, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), TypeError);
  await assertRejects(() => subtle.importKey("raw", { kty: "oct" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), TypeError);
  await assertRejects(() => subtle.importKey("jwk", k, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), TypeError);
  const jwk = { kty: "oct", k: b64url(k), alg: "HS256" };
  const alg = { name: "HMAC", hash: "SHA-256" };
  await rejectsWith(subtle.importKey("jwk", { ...jwk, kty: "RSA" }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, alg: "HS512" }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, k: "not*base64" }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, k: undefined }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, use: "enc" }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, key_ops: ["verify"] }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, key_ops: ["sign", "sign"] }, alg, false, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, ext: false }, alg, true, ["sign"]), "DataError");
  const ok = await subtle.importKey("jwk", { ...jwk, ext: false, key_ops: ["sign", "verify"] }, alg, false, ["sign"]);
  assertEquals(ok.usages, ["sign"]);
});

// --- usages, key types and extractable ---

test("keys are used only for their algorithm, usages and type", async () => {
  const hmacKey = await subtle.importKey("raw", hex("0b".repeat(20)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  await rejectsWith(subtle.verify("HMAC", hmacKey, new Uint8Array(32), enc("x")), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", hmacKey), "InvalidAccessError");
  await rejectsWith(subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, hmacKey, enc("x")), "InvalidAccessError");
  await assertRejects(() => subtle.sign("HMAC", { type: "secret" }, enc("x")), TypeError);
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  await rejectsWith(subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.publicKey, enc("x")), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("pkcs8", pair.privateKey), "InvalidAccessError");
  assertEquals(pair.publicKey.extractable, true, "public keys are always extractable");
  await rejectsWith(subtle.exportKey("pkcs8", pair.publicKey), "InvalidAccessError");
  await rejectsWith(subtle.exportKey("raw", pair.publicKey).then(() => subtle.exportKey("raw", pair.privateKey)), "InvalidAccessError");
});

test("generateKey usage errors are SyntaxError", async () => {
  await rejectsWith(subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "AES-GCM", length: 128 }, true, []), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "AES-KW", length: 128 }, true, ["encrypt"]), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "Ed25519" }, true, ["deriveBits"]), "SyntaxError");
  await rejectsWith(subtle.generateKey({ name: "ECDSA", namedCurve: "P-25519" }, true, ["sign"]), "NotSupportedError");
  await rejectsWith(subtle.generateKey({ name: "AES-CBC", length: 100 }, true, ["encrypt"]), "OperationError");
  await rejectsWith(subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 0 }, true, ["sign"]), "OperationError");
  await rejectsWith(subtle.generateKey({ name: "HKDF" }, false, ["deriveBits"]), "NotSupportedError");
  await assertRejects(() => subtle.generateKey({ name: "AES-CBC" }, true, ["encrypt"]), TypeError);
  await assertRejects(() => subtle.generateKey({ name: "AES-CBC", length: 70000 }, true, ["encrypt"]), TypeError);
});

// --- AES ---

const kSp800Key = "2b7e151628aed2a6abf7158809cf4f3c";
const kSp800Plain = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

test("AES-CBC: NIST SP 800-38A F.2.1 (plus PKCS#7 padding)", async () => {
  const key = await subtle.importKey("raw", hex(kSp800Key), "AES-CBC", true, ["encrypt", "decrypt"]);
  const iv = hex("000102030405060708090a0b0c0d0e0f");
  const out = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, key, hex(kSp800Plain)));
  assertEquals(out.length, 80);
  assertEquals(toHex(out.slice(0, 64)), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
  assertEquals(toHex(await subtle.decrypt({ name: "AES-CBC", iv }, key, out)), kSp800Plain);
  await rejectsWith(subtle.decrypt({ name: "AES-CBC", iv }, key, out.slice(0, 64)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(15) }, key, out), "OperationError");
  await assertRejects(() => subtle.encrypt({ name: "AES-CBC" }, key, out), TypeError);
  await assertRejects(() => subtle.encrypt({ name: "AES-CBC", iv: "x" }, key, out), TypeError);
});

test("AES-CTR: NIST SP 800-38A F.5.1 and counter wrap-around", async () => {
  const key = await subtle.importKey("raw", hex(kSp800Key), "AES-CTR", true, ["encrypt", "decrypt"]);
  const counter = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  const out = await subtle.encrypt({ name: "AES-CTR", counter, length: 64 }, key, hex(kSp800Plain));
  assertEquals(toHex(out), "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
  assertEquals(toHex(await subtle.decrypt({ name: "AES-CTR", counter, length: 64 }, key, out)), kSp800Plain);
  // With an 8-bit counter at 0xff, the second block uses counter 0x00 (the nonce part stays).
  const last = hex("000102030405060708090a0b0c0d0eff");
  const first = hex("000102030405060708090a0b0c0d0e00");
  const both = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: last, length: 8 }, key, new Uint8Array(32)));
  const a = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: last, length: 8 }, key, new Uint8Array(16)));
  const b = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: first, length: 8 }, key, new Uint8Array(16)));
  assertEquals(toHex(both), toHex(a) + toHex(b));
  await rejectsWith(subtle.encrypt({ name: "AES-CTR", counter: last, length: 1 }, key, new Uint8Array(48)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "AES-CTR", counter, length: 0 }, key, new Uint8Array(1)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "AES-CTR", counter, length: 129 }, key, new Uint8Array(1)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "AES-CTR", counter: new Uint8Array(8), length: 64 }, key, new Uint8Array(1)), "OperationError");
});

test("AES-GCM: test cases 3 and 4 of the GCM specification; tampering is OperationError", async () => {
  const key = await subtle.importKey("raw", hex("feffe9928665731c6d6a8f9467308308"), { name: "AES-GCM" }, true, ["encrypt", "decrypt"]);
  const iv = hex("cafebabefacedbaddecaf888");
  const plain = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
  const c3 = await subtle.encrypt({ name: "AES-GCM", iv }, key, hex(plain));
  assertEquals(toHex(c3), "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985" + "4d5c2af327cd64a62cf35abd2ba6fab4");
  const additionalData = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const c4 = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, hex(plain).slice(0, 60)));
  assertEquals(toHex(c4), "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47");
  assertEquals(toHex(await subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, c4)), plain.slice(0, 120));
  const tampered = c4.slice();
  tampered[c4.length - 1] ^= 1;
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, tampered), "OperationError");
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv }, key, c4), "OperationError");
  const short = await subtle.encrypt({ name: "AES-GCM", iv, tagLength: 96 }, key, hex(plain));
  assertEquals(new Uint8Array(short).length, 64 + 12);
  assertEquals(toHex(await subtle.decrypt({ name: "AES-GCM", iv, tagLength: 96 }, key, short)), plain);
  await rejectsWith(subtle.encrypt({ name: "AES-GCM", iv, tagLength: 100 }, key, hex(plain)), "OperationError");
  await rejectsWith(subtle.decrypt({ name: "AES-GCM", iv }, key, new Uint8Array(8)), "OperationError");
  await assertRejects(() => subtle.encrypt({ name: "AES-GCM", iv, tagLength: 300 }, key, hex(plain)), TypeError);
});

test("AES keys: generate, import lengths, JWK round trip", async () => {
  for (const name of ["AES-CBC", "AES-CTR", "AES-GCM", "AES-KW"]) {
    for (const length of [128, 192, 256]) {
      const usages = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt"];
      const key = await subtle.generateKey({ name, length }, true, usages);
      assertEquals(key.algorithm, { name, length });
      const jwk = await subtle.exportKey("jwk", key);
      assertEquals(jwk.alg, `A${length}${name.slice(4)}`);
      assertEquals(jwk.kty, "oct");
      const back = await subtle.importKey("jwk", jwk, name, true, usages);
      assertEquals(toHex(await subtle.exportKey("raw", back)), toHex(await subtle.exportKey("raw", key)));
      await rejectsWith(subtle.importKey("jwk", { ...jwk, alg: "A128XYZ" }, name, true, usages), "DataError");
    }
  }
  await rejectsWith(subtle.importKey("raw", new Uint8Array(15), "AES-GCM", true, ["encrypt"]), "DataError");
  await rejectsWith(subtle.importKey("pkcs8", new Uint8Array(16), "AES-GCM", true, ["encrypt"]), "NotSupportedError");
  const key = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["encrypt"]);
  await rejectsWith(subtle.exportKey("spki", key), "NotSupportedError");
});

test("AES-KW: RFC 3394 sections 4.1 and 4.6 through wrapKey/unwrapKey", async () => {
  const kek128 = await subtle.importKey("raw", hex("000102030405060708090a0b0c0d0e0f"), "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const data128 = await subtle.importKey("raw", hex("00112233445566778899aabbccddeeff"), "AES-GCM", true, ["encrypt"]);
  const wrapped = await subtle.wrapKey("raw", data128, kek128, "AES-KW");
  assertEquals(toHex(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
  const unwrapped = await subtle.unwrapKey("raw", wrapped, kek128, "AES-KW", "AES-GCM", true, ["encrypt", "decrypt"]);
  assertEquals(toHex(await subtle.exportKey("raw", unwrapped)), "00112233445566778899aabbccddeeff");
  assertEquals(unwrapped.usages, ["encrypt", "decrypt"]);

  const kek256 = await subtle.importKey("raw", hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), "AES-KW", false, ["wrapKey"]);
  const data256 = await subtle.importKey("raw", hex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f"), "AES-CBC", true, ["encrypt"]);
  assertEquals(toHex(await subtle.wrapKey("raw", data256, kek256, { name: "AES-KW" })), "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");

  const corrupt = new Uint8Array(wrapped);
  corrupt[3] ^= 0xff;
  await rejectsWith(subtle.unwrapKey("raw", corrupt, kek128, "AES-KW", "AES-GCM", true, ["encrypt"]), "OperationError");
  await rejectsWith(subtle.unwrapKey("raw", new Uint8Array(20), kek128, "AES-KW", "AES-GCM", true, ["encrypt"]), "OperationError");
});

test("wrapKey refuses non-extractable keys and unwrapKey checks usages", async () => {
  const kek = await subtle.generateKey({ name: "AES-KW", length: 128 }, false, ["wrapKey"]);
  const secret = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]);
  await rejectsWith(subtle.wrapKey("raw", secret, kek, "AES-KW"), "InvalidAccessError");
  await rejectsWith(subtle.unwrapKey("raw", new Uint8Array(24), kek, "AES-KW", "AES-GCM", true, ["encrypt"]), "InvalidAccessError");
  await rejectsWith(subtle.wrapKey("raw", secret, kek, "AES-XYZ"), "NotSupportedError");
});

test("wrapKey/unwrapKey with AES-GCM and the jwk format", async () => {
  const wrapping = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
  const key = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await subtle.wrapKey("jwk", key, wrapping, { name: "AES-GCM", iv });
  const json = dec(await subtle.decrypt({ name: "AES-GCM", iv }, wrapping, wrapped).catch(() => new ArrayBuffer(0)));
  assertEquals(json, "", "wrapKey usage does not grant decrypt");
  const back = await subtle.unwrapKey("jwk", wrapped, wrapping, { name: "AES-GCM", iv }, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  assertEquals(back.extractable, false);
  const signature = await subtle.sign("HMAC", key, enc("payload"));
  assertEquals(await subtle.verify("HMAC", back, signature, enc("payload")), true);
  const garbage = await subtle.encrypt({ name: "AES-GCM", iv }, await subtle.importKey("raw", new Uint8Array(32), "AES-GCM", false, ["encrypt"]), enc("not json"));
  const zeroKey = await subtle.importKey("raw", new Uint8Array(32), "AES-GCM", false, ["unwrapKey"]);
  await rejectsWith(subtle.unwrapKey("jwk", garbage, zeroKey, { name: "AES-GCM", iv }, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]), "DataError");
});

// --- HKDF and PBKDF2 ---

test("HKDF: RFC 5869 test cases 1 and 3; deriveKey", async () => {
  const ikm = await subtle.importKey("raw", hex("0b".repeat(22)), "HKDF", false, ["deriveBits", "deriveKey"]);
  const okm1 = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9") }, ikm, 42 * 8);
  assertEquals(toHex(okm1), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  const okm3 = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 42 * 8);
  assertEquals(toHex(okm3), "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  const params = { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) };
  const aes = await subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  assertEquals(toHex(await subtle.exportKey("raw", aes)), toHex(okm3).slice(0, 64));
  const mac = await subtle.deriveKey(params, ikm, { name: "HMAC", hash: "SHA-1" }, true, ["sign"]);
  assertEquals(mac.algorithm.length, 512);
  await rejectsWith(subtle.deriveBits(params, ikm, 41), "OperationError");
  await rejectsWith(subtle.deriveBits(params, ikm), "OperationError");
  await rejectsWith(subtle.deriveBits(params, ikm, 255 * 32 * 8 + 8), "OperationError");
  await rejectsWith(subtle.importKey("raw", hex("0b"), "HKDF", true, ["deriveBits"]), "SyntaxError");
  await rejectsWith(subtle.importKey("raw", hex("0b"), "HKDF", false, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.exportKey("raw", ikm), "NotSupportedError");
  await rejectsWith(subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 100 }, true, ["encrypt"]), "OperationError");
  await rejectsWith(subtle.deriveKey(params, ikm, { name: "HMAC", hash: "SHA-1" }, true, []), "SyntaxError");
  const bitsOnly = await subtle.importKey("raw", hex("0b"), "HKDF", false, ["deriveBits"]);
  await rejectsWith(subtle.deriveKey(params, bitsOnly, { name: "AES-GCM", length: 128 }, true, ["encrypt"]), "InvalidAccessError");
});

test("PBKDF2: RFC 6070 (SHA-1) and RFC 7914 / common SHA-256 vectors", async () => {
  const run = async (password, salt, iterations, bytes, hash = "SHA-256") => {
    const key = await subtle.importKey("raw", enc(password), { name: "PBKDF2" }, false, ["deriveBits"]);
    return toHex(await subtle.deriveBits({ name: "PBKDF2", hash, salt: enc(salt), iterations }, key, bytes * 8));
  };
  assertEquals(await run("password", "salt", 1, 20, "SHA-1"), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  assertEquals(await run("password", "salt", 1, 32), "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  assertEquals(await run("password", "salt", 4096, 32), "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  assertEquals(await run("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40), "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
  assertEquals(await run("passwd", "salt", 1, 64), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  // RFC 7914 section 11, 80,000 iterations: above the off-thread threshold.
  assertEquals(await run("Password", "NaCl", 80000, 64), "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
  const key = await subtle.importKey("raw", enc("p"), "PBKDF2", false, ["deriveBits"]);
  await rejectsWith(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: enc("s"), iterations: 0 }, key, 256), "OperationError");
  await rejectsWith(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: enc("s"), iterations: 1 }, key, 7), "OperationError");
  await rejectsWith(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: enc("s"), iterations: 1 }, key, 4294967288), "OperationError");
  await rejectsWith(subtle.deriveBits({ name: "PBKDF2", hash: "MD5", salt: enc("s"), iterations: 1 }, key, 256), "NotSupportedError");
  await assertRejects(() => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", iterations: 1 }, key, 256), TypeError);
  await rejectsWith(subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: enc("s"), info: enc("") }, key, 256), "InvalidAccessError");
});

// --- Ed25519 and X25519 ---

test("Ed25519: RFC 8032 test vectors 1 and 2 (JWK, raw, spki, pkcs8)", async () => {
  const vectors = [
    ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "", "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"],
    ["4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72", "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"],
  ];
  for (const [secret, pub, message, signature] of vectors) {
    const jwk = { kty: "OKP", crv: "Ed25519", d: b64url(hex(secret)), x: b64url(hex(pub)) };
    const privateKey = await subtle.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
    const publicKey = await subtle.importKey("raw", hex(pub), { name: "Ed25519" }, true, ["verify"]);
    assertEquals(toHex(await subtle.sign("Ed25519", privateKey, hex(message))), signature);
    assertEquals(await subtle.verify("Ed25519", publicKey, hex(signature), hex(message)), true);
    assertEquals(await subtle.verify("Ed25519", publicKey, hex(signature), enc("other")), false);
    assertEquals(await subtle.verify("Ed25519", publicKey, hex(signature).slice(1), hex(message)), false);
    assertEquals(toHex(await subtle.exportKey("raw", publicKey)), pub);
    const exported = await subtle.exportKey("jwk", privateKey);
    assertEquals([exported.kty, exported.crv, exported.d, exported.x], ["OKP", "Ed25519", jwk.d, jwk.x]);
    assertEquals(exported.key_ops, ["sign"]);
    const pkcs8 = await subtle.exportKey("pkcs8", privateKey);
    const again = await subtle.importKey("pkcs8", pkcs8, "Ed25519", false, ["sign"]);
    assertEquals(toHex(await subtle.sign("Ed25519", again, hex(message))), signature);
    const spki = await subtle.exportKey("spki", publicKey);
    assertEquals(toHex(spki), "302a300506032b6570032100" + pub);
  }
  assertEquals(toHex(await subtle.exportKey("pkcs8", await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64url(hex(vectors[0][0])), x: b64url(hex(vectors[0][1])) }, "Ed25519", true, ["sign"]))),
    "302e020100300506032b657004220420" + vectors[0][0]);
});

test("Ed25519 errors: mismatched JWK, wrong curve, wrong sizes", async () => {
  const d = b64url(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  const x = b64url(hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"));
  await rejectsWith(subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d, x }, "Ed25519", true, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { kty: "OKP", crv: "X25519", x }, "Ed25519", true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x, alg: "ES256" }, "Ed25519", true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(31), "Ed25519", true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(32), "Ed25519", true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.importKey("spki", new Uint8Array(10), "Ed25519", true, ["verify"]), "DataError");
  const ecdsaSpki = base64(kEcSpki);
  await rejectsWith(subtle.importKey("spki", ecdsaSpki, "Ed25519", true, ["verify"]), "DataError");
  const pair = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  assertEquals(pair.privateKey.usages, ["sign"]);
  assertEquals(pair.publicKey.usages, ["verify"]);
  assertEquals(pair.publicKey.algorithm, { name: "Ed25519" });
  const signature = await subtle.sign({ name: "Ed25519" }, pair.privateKey, enc("m"));
  assertEquals(await subtle.verify("Ed25519", pair.publicKey, signature, enc("m")), true);
});

test("X25519: RFC 7748 section 6.1", async () => {
  const alice = await subtle.importKey("jwk", {
    kty: "OKP", crv: "X25519",
    d: b64url(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")),
    x: b64url(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")),
  }, "X25519", false, ["deriveBits", "deriveKey"]);
  const bob = await subtle.importKey("raw", hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), "X25519", true, []);
  const shared = await subtle.deriveBits({ name: "X25519", public: bob }, alice, 256);
  assertEquals(toHex(shared), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  assertEquals(toHex(await subtle.deriveBits({ name: "X25519", public: bob }, alice, null)), toHex(shared));
  assertEquals(toHex(await subtle.deriveBits({ name: "X25519", public: bob }, alice, 12)), "4a50");
  await rejectsWith(subtle.deriveBits({ name: "X25519", public: bob }, alice, 264), "OperationError");
  const zeroPoint = await subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
  await rejectsWith(subtle.deriveBits({ name: "X25519", public: zeroPoint }, alice, 256), "OperationError");
  await rejectsWith(subtle.deriveBits({ name: "X25519", public: alice }, alice, 256), "InvalidAccessError");
  await rejectsWith(subtle.importKey("raw", new Uint8Array(32), "X25519", true, ["deriveBits"]), "SyntaxError");
  const key = await subtle.deriveKey({ name: "X25519", public: bob }, alice, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  assertEquals(toHex(await subtle.exportKey("raw", key)), toHex(shared).slice(0, 32));
  await assertRejects(() => subtle.deriveBits({ name: "X25519" }, alice, 256), TypeError);
  await assertRejects(() => subtle.deriveBits({ name: "X25519", public: {} }, alice, 256), TypeError);
});

// --- ECDSA and ECDH ---

const kEcSpki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7PLtrIATfpTFg3E0IArwtKSFkK/+f1WvVz5EduQ8eyAYJ7SBH7XzTgiu3ZDMlFZ2/M2+BtXmjMcznuXkSphPrg==";
const kEcSignature = "f753fa01425d5df6ac7d184bede1a0eae2339de06c8bf011d86f7495dabd2e6d099863b60d72b4c942624a27ff097aa221bc070e4e2457af488a0f0a1bde96c2";
const kFixedMessage = "quiver fixed message";

test("ECDSA P-256: verifies a signature made with the openssl CLI", async () => {
  const key = await subtle.importKey("spki", base64(kEcSpki), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assertEquals(key.algorithm, { name: "ECDSA", namedCurve: "P-256" });
  const params = { name: "ECDSA", hash: "SHA-256" };
  assertEquals(await subtle.verify(params, key, hex(kEcSignature), enc(kFixedMessage)), true);
  assertEquals(await subtle.verify(params, key, hex(kEcSignature), enc(kFixedMessage + ".")), false);
  assertEquals(await subtle.verify({ name: "ECDSA", hash: "SHA-384" }, key, hex(kEcSignature), enc(kFixedMessage)), false);
  assertEquals(await subtle.verify(params, key, hex(kEcSignature).slice(1), enc(kFixedMessage)), false);
  const raw = new Uint8Array(await subtle.exportKey("raw", key));
  assertEquals(raw.length, 65);
  assertEquals(raw[0], 4);
  const jwk = await subtle.exportKey("jwk", key);
  assertEquals([jwk.kty, jwk.crv, jwk.d], ["EC", "P-256", undefined]);
  const fromRaw = await subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const fromJwk = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assertEquals(await subtle.verify(params, fromRaw, hex(kEcSignature), enc(kFixedMessage)), true);
  assertEquals(await subtle.verify(params, fromJwk, hex(kEcSignature), enc(kFixedMessage)), true);
  assertEquals(toHex(await subtle.exportKey("spki", fromJwk)), toHex(base64(kEcSpki)));
});

test("ECDSA: sign/verify round trips on every curve, all export formats", async () => {
  for (const [namedCurve, size, alg] of [["P-256", 32, "ES256"], ["P-384", 48, "ES384"], ["P-521", 66, "ES512"]]) {
    const pair = await subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
    const params = { name: "ECDSA", hash: "SHA-384" };
    const signature = await subtle.sign(params, pair.privateKey, enc("hello"));
    assertEquals(signature.byteLength, 2 * size, namedCurve);
    assertEquals(await subtle.verify(params, pair.publicKey, signature, enc("hello")), true);
    assertEquals(await subtle.verify(params, pair.publicKey, signature, enc("hellO")), false);
    const jwk = await subtle.exportKey("jwk", pair.privateKey);
    assertEquals(b64url(new Uint8Array(0)), "");
    assertEquals([jwk.kty, jwk.crv, jwk.ext], ["EC", namedCurve, true]);
    assertEquals(jwk.d.length, Math.ceil((size * 4) / 3));
    const privateFromJwk = await subtle.importKey("jwk", { ...jwk, alg }, { name: "ECDSA", namedCurve }, false, ["sign"]);
    const privateFromPkcs8 = await subtle.importKey("pkcs8", await subtle.exportKey("pkcs8", pair.privateKey), { name: "ECDSA", namedCurve }, false, ["sign"]);
    for (const k of [privateFromJwk, privateFromPkcs8]) {
      assertEquals(await subtle.verify(params, pair.publicKey, await subtle.sign(params, k, enc("x")), enc("x")), true);
    }
    await rejectsWith(subtle.importKey("jwk", { ...jwk, alg: "ES999" }, { name: "ECDSA", namedCurve }, false, ["sign"]), "DataError");
  }
});

test("ECDSA/ECDH import errors", async () => {
  const spki = base64(kEcSpki);
  await rejectsWith(subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.importKey("spki", spki.slice(0, 60), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  const trailing = new Uint8Array(spki.length + 1);
  trailing.set(spki);
  await rejectsWith(subtle.importKey("spki", trailing, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  const raw = new Uint8Array(await subtle.exportKey("raw", await subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"])));
  raw[64] ^= 1; // no longer on the curve
  await rejectsWith(subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("raw", spki, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-999" }, true, ["verify"]), "NotSupportedError");
  await rejectsWith(subtle.importKey("spki", base64(kRsaSpki), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("spki", spki, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]), "SyntaxError");
  await rejectsWith(subtle.importKey("jwk", { kty: "EC", crv: "P-384", x: "AA", y: "AA" }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: "AA", y: "AA" }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: "AA" }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  const other = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const otherJwk = await subtle.exportKey("jwk", other.privateKey);
  const mine = await subtle.exportKey("jwk", (await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"])).privateKey);
  await rejectsWith(subtle.importKey("jwk", { ...mine, d: otherJwk.d }, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "DataError");
});

test("ECDH: both sides derive the same secret; deriveBits/deriveKey rules", async () => {
  for (const [namedCurve, bits] of [["P-256", 256], ["P-384", 384], ["P-521", 528]]) {
    const a = await subtle.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits", "deriveKey"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits"]);
    assertEquals(a.publicKey.usages, []);
    const ab = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, null);
    const ba = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, null);
    assertEquals(ab.byteLength * 8, bits);
    assertEquals(toHex(ab), toHex(ba));
    assertEquals(toHex(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 128)), toHex(ab).slice(0, 32));
    await rejectsWith(subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, bits + 8), "OperationError");
    const jwk = await subtle.exportKey("jwk", b.publicKey);
    const imported = await subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve }, true, []);
    assertEquals(toHex(await subtle.deriveBits({ name: "ECDH", public: imported }, a.privateKey, null)), toHex(ab));
  }
  const p256 = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveKey"]);
  const p384 = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveBits"]);
  await rejectsWith(subtle.deriveBits({ name: "ECDH", public: p384.publicKey }, p384.privateKey, 8).then(() =>
    subtle.deriveBits({ name: "ECDH", public: p256.publicKey }, p384.privateKey, 8)), "InvalidAccessError");
  await rejectsWith(subtle.deriveBits({ name: "ECDH", public: p256.publicKey }, p256.privateKey, 8), "InvalidAccessError");
  const ecdsa = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  await rejectsWith(subtle.deriveKey({ name: "ECDH", public: ecdsa.publicKey }, p256.privateKey, { name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]), "InvalidAccessError");
  const derived = await subtle.deriveKey({ name: "ECDH", public: p256.publicKey }, p256.privateKey, { name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]);
  assertEquals(derived.algorithm, { name: "HMAC", length: 256, hash: { name: "SHA-256" } });
});

// --- RSA ---

const kRsaSpki = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4y/NWy3LLymndJKnOA64UsR5R/g54lC2Y65QaAvdMxsglAg/Ade3Um3xg7O2ypkOnS46Bc0kzKD3YzXmXSZh5sosIzRm9lTTyqQDG8RB4HTd1KCNfMGRin1rh7ZvVyf/YwrC8kpGyoTsgZDJPa0CLgRx3LAjGt3yHdV3DjdlI0g0B8a+V2hJlXEho0lAZ4eJNT9I3ZBDmfd8em5df1drIYzERw34J6QBFjEuQ8nMjPh6E1wEBb/k9+CFwfjr7038KacP8f3ag1wtWydrEqm1hxMAaJ5/aRDzda/+qNqvQItfHHFvltW68rSIncNdQpSrn0hIVvf3xhUdWHh1SbwU5wIDAQAB";
const kRsaPkcs8 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDjL81bLcsvKad0kqc4DrhSxHlH+DniULZjrlBoC90zGyCUCD8B17dSbfGDs7bKmQ6dLjoFzSTMoPdjNeZdJmHmyiwjNGb2VNPKpAMbxEHgdN3UoI18wZGKfWuHtm9XJ/9jCsLySkbKhOyBkMk9rQIuBHHcsCMa3fId1XcON2UjSDQHxr5XaEmVcSGjSUBnh4k1P0jdkEOZ93x6bl1/V2shjMRHDfgnpAEWMS5DycyM+HoTXAQFv+T34IXB+OvvTfwppw/x/dqDXC1bJ2sSqbWHEwBonn9pEPN1r/6o2q9Ai18ccW+W1brytIidw11ClKufSEhW9/fGFR1YeHVJvBTnAgMBAAECggEAB1VeMCDIy8Nw89reCfmzqnxMG+4f1DXdxVb1on4rjEBGa3Des80GTmNdJe6xqlWJerpoxhIqq25QvgOZ5YzdISmKhjJlVnNDiOmFbiqGI9wx4vCx0IKhE5Lb2zwg2PPiEwzgYRjTsyraRY5qaJLCnMCo+kI3R+E9NQhUeQGBwsM80HCGdqCMSKYlJpTeSmeNDT5p+b898AqLRkiYlizEhZNbkHdsYVMOeuIDHb5C/T593sGGlbD3houRy+5kvw5u6Ku0oe9ibKPa0osNchQc/nrEMLxQmgweC+JHhYx2+v3wH/WyBhSlL4UOiAuotqlAB58l372wqe/ZoWeskFw3zQKBgQD84/i1N/of7ESc2x41rGq1ycNO+v9onIjHrXuWTpHfRee3ydHtViu6VL3qKDCfTPWMkvjmLo8QJ7RcRHxopFR1J+UjhxYN+EUdC8nVvsyz3zu1VpGnj/8VADyhOwg6eUpsn51dUYqNVrrRTMxBOsxYObVuN4/zQYKMC6zP1XlzJQKBgQDl+uweZwHePy0l4aOGQC8amXkLl/8TGuamqb/ojpLCFxN0dZy/wtXIEFnLELjaibW1YfciDLtsf+4pq+6Ld5sz+veOMWxDX6x1AQaTzJCzKxtm9qPyH8ZJMNuwOMKZobCBeaSyhGF4+sI54BlTDUr+w8J4etKj72yP0SUy2h4wGwKBgQDKko66EyHwCmGXyEn1sqwz/G/Px21qTeGfGY9jAoME98k6xpa7aAhVFOagOBtir9IODfkE4YzF4xgtxMpnRCNHSXLaN65p+FLchoHiDxmIiCwbAUJhmA47s1ndyRy5Qklko6L5ioTS3QN+/uaq5b+keG2l4SoVMIezSPLf9N95ZQKBgHWcE6IclWT9s+36bTDbo/sbXz6hlW1ExY2Xo6+fMcgWGvnkp6udTMyKKBFj1NTVtdozZjnAfxymc7pV1aD3IqS7hFvwRGhUBhKz2pQ8+gbWVaYbHY5V14ZYeRCuhj4g5O3hsmskreA7hJYqV2kUlDSjEdGhJhV1/HOzxi0yRFvfAoGASILqiPL4SFqo7ODHeJ0+UNEH2HlNawA7aL4nEy0h+QAJxp1bTw1fYCv6hlpBwsjqHuoTwa76JoujUvXnUZ2W+5wseMzbJlQHvMrLdM4Ayc3aQVOY+m1MmiCo+H+imFiTYdaPUaI8TlsPIIqZwddBmmXuGqZVoZZ/KLY/UQFIGN0=";
const kRsaSignature = "DU8WwWoogI9RXgiXrKfn04F7Dp5/wtqyk6tMfH+FeYW9iZC7+DjJHCIsOoZvQywcPJfCEhB/XT/Hq9gqQVMbsw8k9bu0+It8Y+4QNe2dh6MepKpRNWkX+ph+cbT1HthmWsl6kK3TwP0vPNuguP/d+ZezTGjHYlxWAefpcEGqFbld3qorbqJn9lFJGC4vBoYlVRHiAbEWmK7NJm59NfVhxcGxlnQn13VAhjeigXkH1uvUfXaLh/yclwx2WOBFopX6nbmhYZX0u87H1ARRGsrkrQ5jYDYaIYq1TYwdq2ovGByuey1Hu7pcEHQ2vMdi4ZiOlhuNLID80FaaYArglDgmoQ==";
const kRsaPssSignature = "RlCiR6tQglgZS3yeMbUiCm7NcbhwCIh+zlt9MPGDlTfA58ZZ91n6as9i4dcxyLmfZSUfNapbSqLzslfBm1UqVGErCPKBlxLrPGDn5G3ZTzavWFUcILtqHK4EWYx+so+RIC+YkhsXtkd4Om+LlDSF0Rs+hA0SzOyRG802/bw9p5a3AmeIpP9LmlZUMQq95wHAj3F42jEETvDgRGphBWdvi/K4OhA/yAmBgjqGl9KvF8vk3P15caCVhvgDRrAIw0q2WuA7ZHyJykURadRoRPmO4PAx0J5rPmor4rv/UF8F9QZD0209pAk+U36HZTXTZx9yEFKlyCloIP0YEdSbqsPcuQ==";

test("RSASSA-PKCS1-v1_5: the openssl CLI's signature verifies and is reproduced exactly", async () => {
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const publicKey = await subtle.importKey("spki", base64(kRsaSpki), alg, true, ["verify"]);
  assertEquals(publicKey.algorithm.modulusLength, 2048);
  assertEquals(publicKey.algorithm.publicExponent, new Uint8Array([1, 0, 1]));
  assertEquals(publicKey.algorithm.hash, { name: "SHA-256" });
  assertEquals(await subtle.verify("RSASSA-PKCS1-v1_5", publicKey, base64(kRsaSignature), enc(kFixedMessage)), true);
  assertEquals(await subtle.verify("RSASSA-PKCS1-v1_5", publicKey, base64(kRsaSignature), enc("tampered")), false);
  const privateKey = await subtle.importKey("pkcs8", base64(kRsaPkcs8), alg, true, ["sign"]);
  assertEquals(toHex(await subtle.sign("RSASSA-PKCS1-v1_5", privateKey, enc(kFixedMessage))), toHex(base64(kRsaSignature)));
  const jwk = await subtle.exportKey("jwk", privateKey);
  assertEquals([jwk.kty, jwk.alg, jwk.e], ["RSA", "RS256", "AQAB"]);
  for (const member of ["n", "d", "p", "q", "dp", "dq", "qi"]) assertEquals(typeof jwk[member], "string", member);
  const fromJwk = await subtle.importKey("jwk", jwk, alg, true, ["sign"]);
  assertEquals(toHex(await subtle.exportKey("pkcs8", fromJwk)), toHex(base64(kRsaPkcs8)));
  const publicJwk = await subtle.exportKey("jwk", publicKey);
  assertEquals([publicJwk.n, publicJwk.e, publicJwk.d], [jwk.n, "AQAB", undefined]);
  assertEquals(toHex(await subtle.exportKey("spki", await subtle.importKey("jwk", publicJwk, alg, true, ["verify"]))), toHex(base64(kRsaSpki)));
});

test("RSA-PSS: the openssl CLI's signature verifies; round trips", async () => {
  const alg = { name: "RSA-PSS", hash: "SHA-256" };
  const publicKey = await subtle.importKey("spki", base64(kRsaSpki), alg, false, ["verify"]);
  assertEquals(await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, publicKey, base64(kRsaPssSignature), enc(kFixedMessage)), true);
  assertEquals(await subtle.verify({ name: "RSA-PSS", saltLength: 20 }, publicKey, base64(kRsaPssSignature), enc(kFixedMessage)), false);
  const privateKey = await subtle.importKey("pkcs8", base64(kRsaPkcs8), alg, false, ["sign"]);
  const s1 = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, privateKey, enc("m"));
  const s2 = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, privateKey, enc("m"));
  assert(toHex(s1) !== toHex(s2), "PSS signatures are randomized");
  assertEquals(await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, publicKey, s1, enc("m")), true);
  await rejectsWith(subtle.sign({ name: "RSA-PSS", saltLength: 1000 }, privateKey, enc("m")), "OperationError");
  await assertRejects(() => subtle.sign({ name: "RSA-PSS" }, privateKey, enc("m")), TypeError);
  const jwk = await subtle.exportKey("jwk", publicKey).catch((e) => e);
  assertEquals(jwk.name, "InvalidAccessError", "public keys imported as non-extractable stay so");
});

test("RSA-OAEP: generateKey, encrypt/decrypt with label, JWK alg names", async () => {
  const pair = await subtle.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
  assertEquals(pair.publicKey.usages, ["encrypt", "wrapKey"]);
  assertEquals(pair.privateKey.usages, ["decrypt", "unwrapKey"]);
  assertEquals(pair.privateKey.algorithm.modulusLength, 1024);
  const label = enc("label");
  const ciphertext = await subtle.encrypt({ name: "RSA-OAEP", label }, pair.publicKey, enc("secret"));
  assertEquals(ciphertext.byteLength, 128);
  assertEquals(dec(await subtle.decrypt({ name: "RSA-OAEP", label }, pair.privateKey, ciphertext)), "secret");
  await rejectsWith(subtle.decrypt({ name: "RSA-OAEP" }, pair.privateKey, ciphertext), "OperationError");
  await rejectsWith(subtle.decrypt({ name: "RSA-OAEP", label }, pair.privateKey, new Uint8Array(128)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "RSA-OAEP" }, pair.publicKey, new Uint8Array(100)), "OperationError");
  await rejectsWith(subtle.encrypt({ name: "RSA-OAEP" }, pair.privateKey, enc("x")), "InvalidAccessError");
  assertEquals((await subtle.exportKey("jwk", pair.publicKey)).alg, "RSA-OAEP-256");
  const sha1 = await subtle.importKey("jwk", await subtle.exportKey("jwk", pair.publicKey), { name: "RSA-OAEP", hash: "SHA-256" }, true, ["encrypt"]);
  assertEquals(sha1.algorithm.hash.name, "SHA-256");
  const jwk = await subtle.exportKey("jwk", pair.privateKey);
  await rejectsWith(subtle.importKey("jwk", jwk, { name: "RSA-OAEP", hash: "SHA-1" }, true, ["decrypt"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, alg: undefined, dp: undefined }, { name: "RSA-OAEP", hash: "SHA-1" }, true, ["decrypt"]), "DataError");
  await rejectsWith(subtle.importKey("jwk", { ...jwk, oth: [] }, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["decrypt"]), "NotSupportedError");
  await rejectsWith(subtle.importKey("jwk", jwk, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["encrypt"]), "SyntaxError");
  // wrapKey falls back to encrypt for RSA-OAEP.
  const aes = await subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  const wrapped = await subtle.wrapKey("raw", aes, pair.publicKey, { name: "RSA-OAEP" });
  const unwrapped = await subtle.unwrapKey("raw", wrapped, pair.privateKey, { name: "RSA-OAEP" }, "AES-GCM", true, ["encrypt"]);
  assertEquals(toHex(await subtle.exportKey("raw", unwrapped)), toHex(await subtle.exportKey("raw", aes)));
});

test("RSA generateKey errors and RSASSA round trip", async () => {
  const params = (modulusLength, publicExponent) => ({ name: "RSASSA-PKCS1-v1_5", modulusLength, publicExponent, hash: "SHA-1" });
  await rejectsWith(subtle.generateKey(params(1024, new Uint8Array([1, 0, 0])), true, ["sign"]), "OperationError");
  await rejectsWith(subtle.generateKey(params(256, new Uint8Array([1, 0, 1])), true, ["sign"]), "OperationError");
  await rejectsWith(subtle.generateKey(params(1024, new Uint8Array([1, 0, 1])), true, ["encrypt"]), "SyntaxError");
  await assertRejects(() => subtle.generateKey(params(1024, [1, 0, 1]), true, ["sign"]), TypeError);
  await assertRejects(() => subtle.generateKey(params(1024, new Uint16Array([1])), true, ["sign"]), TypeError);
  const pair = await subtle.generateKey(params(1024, new Uint8Array([3])), false, ["sign", "verify"]);
  assertEquals(pair.privateKey.algorithm.publicExponent, new Uint8Array([3]));
  assertEquals(pair.privateKey.extractable, false);
  const signature = await subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, enc("data"));
  assertEquals(await subtle.verify("RSASSA-PKCS1-v1_5", pair.publicKey, signature, enc("data")), true);
  await rejectsWith(subtle.importKey("spki", base64(kRsaSpki), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]), "SyntaxError");
  await rejectsWith(subtle.importKey("pkcs8", base64(kRsaSpki), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]), "DataError");
  await rejectsWith(subtle.importKey("raw", base64(kRsaSpki), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]), "NotSupportedError");
  await rejectsWith(subtle.importKey("spki", base64(kEcSpki), { name: "RSA-PSS", hash: "SHA-256" }, true, ["verify"]), "DataError");
});

test("every method returns a promise, rejections are this realm's DOMException", async () => {
  for (const method of ["encrypt", "decrypt", "sign", "verify", "digest", "generateKey", "deriveKey", "deriveBits", "importKey", "exportKey", "wrapKey", "unwrapKey"]) {
    const result = subtle[method]();
    assert(result instanceof Promise, method);
    await assertRejects(result, TypeError);
  }
  const error = await assertRejects(subtle.digest("nope", new Uint8Array(0)), DOMException);
  assertEquals(Object.getPrototypeOf(error), DOMException.prototype);
  assertEquals(error.code, 9);
});
