// Tests that the runtime keeps working when user code monkey-patches builtins after the runtime
// loaded (isolates/runtime/js/00_primordials.js and its users).
//
// Each test patches, runs runtime operations while the patches are active (the test code itself
// then uses only syntax, string concatenation and runtime APIs), restores everything in a
// `finally`, and only then asserts.

const realDefineProperty = Object.defineProperty;
const realGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const RealTypeError = TypeError;
const RealRangeError = RangeError;
const RealSyntaxError = SyntaxError;
const RealError = Error;
const RealPromise = Promise;
const RealUint8Array = Uint8Array;
const RealArrayBuffer = ArrayBuffer;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const ArrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]());
const IteratorPrototype = Object.getPrototypeOf(ArrayIteratorPrototype);
const SymbolIterator = Symbol.iterator;

// A sequence for Web IDL conversions that does not use Array.prototype[Symbol.iterator] (which
// some tests poison, and which Blob parts, like `new Headers([...])`, legitimately use).
function sequence(...values) {
  let index = 0;
  return {
    [SymbolIterator]() {
      return {
        next() {
          return index < values.length ? { value: values[index++], done: false } : { value: undefined, done: true };
        },
      };
    },
  };
}

const RealDOMException = DOMException;

// Bytes for the crypto workout, decoded before any patch is applied.
function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
const kAbc = hexBytes("616263");
const kHmacKey = hexBytes("0b".repeat(20));
const kHiThere = hexBytes("4869205468657265");
const kZero16 = new Uint8Array(16);
const kIv12 = new Uint8Array(12);
const kEcSpki = hexBytes("3059301306072a8648ce3d020106082a8648ce3d03010703420004ecf2edac80137e94c58371342" +
  "00af0b4a48590affe7f55af573e4476e43c7b201827b4811fb5f34e08aedd90cc945676fccdbe06d5e68cc7339ee5e44a984fae");
const kEcSignature = hexBytes("f753fa01425d5df6ac7d184bede1a0eae2339de06c8bf011d86f7495dabd2e6d099863b60d72b4c9" +
  "42624a27ff097aa221bc070e4e2457af488a0f0a1bde96c2");
const kFixedMessage = hexBytes("717569766572206669786564206d657373616765"); // "quiver fixed message"
const kEd25519Jwk = {
  kty: "OKP", crv: "Ed25519",
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
};

// A KeyUsage sequence that does not go through Array.prototype[Symbol.iterator] (which the
// iteration patches poison, and which Web IDL legitimately uses for user arrays).
function usages(...names) {
  return {
    [SymbolIterator]: function* () {
      for (let i = 0; i < names.length; i++) yield names[i];
    },
  };
}

function hexOf(buffer) {
  const bytes = new RealUint8Array(buffer);
  const digits = "0123456789abcdef";
  let out = "";
  for (let i = 0; bytes[i] !== undefined; i++) out += digits[bytes[i] >> 4] + digits[bytes[i] & 15];
  return out;
}

// Web Crypto under patches: deterministic results only.
async function cryptoWorkout() {
  const subtle = crypto.subtle;
  let out = "";
  out += hexOf(await subtle.digest("SHA-256", kAbc)) + ";";
  const hmac = await subtle.importKey("raw", kHmacKey, { name: "HMAC", hash: "SHA-256" }, true, usages("sign", "verify"));
  const mac = await subtle.sign("HMAC", hmac, kHiThere);
  out += hexOf(mac) + ";" + (await subtle.verify("HMAC", hmac, mac, kHiThere)) + ";";
  out += hmac.type + " " + hmac.algorithm.name + " " + hmac.algorithm.hash.name + " " + hmac.algorithm.length + " " + hmac.usages[0] + hmac.usages[1] + ";";
  const jwk = await subtle.exportKey("jwk", hmac);
  out += jwk.kty + " " + jwk.alg + " " + jwk.k + " " + jwk.key_ops[0] + " " + jwk.ext + ";";
  const aes = await subtle.importKey("raw", kZero16, "AES-GCM", false, usages("encrypt", "decrypt", "wrapKey", "unwrapKey"));
  const sealed = await subtle.encrypt({ name: "AES-GCM", iv: kIv12, additionalData: kAbc }, aes, kAbc);
  out += hexOf(sealed) + ";" + hexOf(await subtle.decrypt({ name: "AES-GCM", iv: kIv12, additionalData: kAbc }, aes, sealed)) + ";";
  const wrapped = await subtle.wrapKey("jwk", hmac, aes, { name: "AES-GCM", iv: kIv12 });
  const unwrapped = await subtle.unwrapKey("jwk", wrapped, aes, { name: "AES-GCM", iv: kIv12 }, { name: "HMAC", hash: "SHA-256" }, false, usages("sign"));
  out += hexOf(await subtle.sign("HMAC", unwrapped, kHiThere)) + ";";
  const ec = await subtle.importKey("spki", kEcSpki, { name: "ECDSA", namedCurve: "P-256" }, true, usages("verify"));
  out += (await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, ec, kEcSignature, kFixedMessage)) + " " + ec.algorithm.namedCurve + ";";
  const ecJwk = await subtle.exportKey("jwk", ec);
  out += ecJwk.kty + " " + ecJwk.crv + " " + ecJwk.x + ";";
  const ed = await subtle.importKey("jwk", kEd25519Jwk, "Ed25519", true, usages("sign"));
  out += hexOf(await subtle.sign("Ed25519", ed, new RealUint8Array(0))) + ";";
  const edJwk = await subtle.exportKey("jwk", ed);
  out += edJwk.d + ";";
  const ikm = await subtle.importKey("raw", kHmacKey, "HKDF", false, usages("deriveBits"));
  out += hexOf(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: kAbc, info: kAbc }, ikm, 128)) + ";";
  const password = await subtle.importKey("raw", kAbc, "PBKDF2", false, usages("deriveBits"));
  out += hexOf(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: kAbc, iterations: 20000 }, password, 128)) + ";";
  const pair = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, usages("deriveBits"));
  const secret = await subtle.deriveBits({ name: "ECDH", public: pair.publicKey }, pair.privateKey, 256);
  out += hexOf(secret).length + " " + pair.publicKey.usages.length + ";";
  try {
    await subtle.importKey("raw", kZero16, "AES-GCM", false, usages("sign"));
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealDOMException) + " " + error.name + ";";
  }
  try {
    await subtle.decrypt({ name: "AES-GCM", iv: kIv12 }, aes, sealed);
    out += "no error;";
  } catch (error) {
    out += error.name + ";";
  }
  const random = new RealUint8Array(8);
  out += (crypto.getRandomValues(random) === random) + " " + crypto.randomUUID()[14] + ";";
  return out;
}

function poisoned(label) {
  return function () {
    throw new RealError(`patched builtin called: ${label}`);
  };
}

// Compression streams under patches: a gzip round trip piped through both streams, a known
// vector, and a corrupt input's error. Chunks are read with the readers' own methods.
const kHelloGzip = hexBytes("1f8b0800000000000003cb48cdc9c9070086a6103605000000"); // gzip -n of "hello"
const kAbcBuffer = kAbc.slice().buffer;
// python3: zlib.compress(bytes(204800), 9): 200 KB of zeros, inflated in several pieces.
const kZerosDeflate = hexBytes("78daedc1010d000000c2a0f74f6d0f07140000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004f06202d0001");
async function ignoreRejection(promise) {
  try {
    await promise;
  } catch {}
}
async function readText(readable) {
  const reader = readable.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const result = await reader.read();
    if (result.done) return text + decoder.decode();
    text += decoder.decode(result.value, { stream: true });
  }
}
async function compressionWorkout() {
  let out = "";
  const compressor = new CompressionStream("deflate");
  const writer = compressor.writable.getWriter();
  writer.write(kFixedMessage);
  writer.write(kAbcBuffer);
  writer.close();
  out += (await readText(compressor.readable.pipeThrough(new DecompressionStream("deflate")))) + ";";
  const decompressor = new DecompressionStream("gzip");
  const gzipWriter = decompressor.writable.getWriter();
  gzipWriter.write(kHelloGzip);
  gzipWriter.close();
  out += (await readText(decompressor.readable)) + ";";
  const inflater = new DecompressionStream("deflate");
  const inflaterWriter = inflater.writable.getWriter();
  inflaterWriter.write(kZerosDeflate);
  inflaterWriter.close();
  out += (await readText(inflater.readable)).length + ";";
  const corrupt = new DecompressionStream("gzip");
  const corruptWriter = corrupt.writable.getWriter();
  ignoreRejection(corruptWriter.write(kAbc));
  try {
    await readText(corrupt.readable);
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + " " + error.message + ";";
  }
  return out;
}

// Applies [object, key, descriptor] patches, runs body (sync or async), restores the original
// properties whatever happens, and returns body's result.
async function withPatches(patches, body) {
  const originals = [];
  for (let i = 0; i < patches.length; i++) {
    originals[i] = realGetOwnPropertyDescriptor(patches[i][0], patches[i][1]);
  }
  for (let i = 0; i < patches.length; i++) {
    realDefineProperty(patches[i][0], patches[i][1], { __proto__: null, configurable: true, ...patches[i][2] });
  }
  try {
    return await body();
  } finally {
    for (let i = patches.length - 1; i >= 0; i--) {
      const object = patches[i][0];
      const key = patches[i][1];
      if (originals[i] === undefined) delete object[key];
      else realDefineProperty(object, key, originals[i]);
    }
  }
}

// Patches every listed method of `object` with a thrower.
function poisonMethods(object, keys, label) {
  const patches = [];
  for (const key of keys) {
    patches.push([object, key, { value: poisoned(`${label}.${String(key)}`), writable: true }]);
  }
  return patches;
}

// Inputs for the encoding and clone parts of the workout, made with the real builtins (building
// typed arrays, Maps and Dates needs builtins the tests patch).
const mapGet = Function.prototype.call.bind(Map.prototype.get);
const fixtures = (() => {
  const bytesOf = (list) => new Uint8Array(list);
  const map = new Map();
  const seven = new Uint8Array(1);
  seven[0] = 7;
  map.set("k", seven);
  const cloneSource = { list: [1, "two", new Date(0)], map };
  cloneSource.self = cloneSource;
  return {
    target: new Uint8Array(5),
    latin: bytesOf([0x80, 0x41]),
    utf8Head: bytesOf([0xef, 0xbb, 0xbf, 0xe2, 0x82]),
    utf8Tail: bytesOf([0xac]),
    sjis: bytesOf([0x82, 0xa0, 0x82]),
    utf16be: bytesOf([0xd8, 0x3d, 0xde, 0x00]),
    cloneSource,
  };
})();

// A representative workout of the runtime; returns a summary string built with `+` only.
async function exercise() {
  let out = "";
  const headers = new Headers({ "X-B": " 2 ", a: "1" });
  headers.append("A", "3");
  headers.append("Set-Cookie", "c=1");
  headers.append("set-cookie", "d=2");
  headers.set("x-b", "22");
  headers.delete("nope");
  out += headers.get("a") + ";" + headers.has("X-B") + ";" + headers.getSetCookie().length + ";";
  const iterator = headers.entries();
  const first = iterator.next();
  out += first.value[0] + "=" + first.value[1] + ";";
  let visited = 0;
  headers.forEach(() => {
    visited++;
  });
  out += visited + ";";
  const copy = new Headers(headers);
  out += copy.get("x-b") + ";";
  try {
    headers.append("bad name", "x");
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + ";";
  }

  const request = new Request("https://Example.com/a/../b?q", {
    method: "post", body: "body", headers: { "X-R": "1" }, redirect: "manual",
  });
  out += request.method + " " + request.url + " " + request.redirect + " " + request.headers.get("content-type") + ";";
  const forwarded = new Request(request, { headers: { "x-f": "1" } });
  out += request.bodyUsed + ";" + (await forwarded.text()) + ";" + forwarded.bodyUsed + ";";
  try {
    await forwarded.text();
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + ";";
  }

  const buffer = new RealArrayBuffer(6);
  const bytes = new RealUint8Array(buffer);
  bytes[0] = 0xef;
  bytes[1] = 0xbb;
  bytes[2] = 0xbf;
  bytes[3] = 0x7b;
  bytes[4] = 0x7d;
  bytes[5] = 0x21;
  const response = new Response(new RealUint8Array(buffer, 0, 5), { status: 201, statusText: "Created", headers: { "x-s": "1" } });
  out += response.status + " " + response.ok + " " + response.statusText + " " + response.headers.get("x-s") + ";";
  const parsed = await response.json();
  out += (typeof parsed) + ";";
  const json = Response.json({ k: "v" }, { status: 202 });
  out += json.headers.get("content-type") + " " + (await json.text()) + ";";
  const redirect = Response.redirect("https://example.com/next", 307);
  out += redirect.headers.get("location") + ";";
  try {
    redirect.headers.set("x", "1");
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + ";";
  }
  try {
    new Response(null, { status: 99 });
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealRangeError) + ";";
  }
  out += Response.error().type + ";";
  const arrayBuffer = await new Response("abc").arrayBuffer();
  out += (arrayBuffer instanceof RealArrayBuffer) + ";";
  const readBytes = await new Response(new RealUint8Array(buffer, 3, 2)).bytes();
  out += (readBytes instanceof RealUint8Array) + ":" + readBytes[0] + "," + readBytes[1] + ";";
  try {
    await new Response("{").json();
    out += "resolved;";
  } catch (error) {
    out += (error instanceof RealSyntaxError) + ";";
  }

  const url = new URL("../c/d?x=1&y=a+b#frag", "https://User:pw@Example.COM:8443/a/b");
  out += url.href + ";" + url.origin + ";" + url.host + ";" + url.pathname + ";" + url.username + ";";
  url.pathname = "/p q";
  url.hash = "";
  url.port = "443";
  url.searchParams.append("z", "\u00e9 \u20ac");
  url.searchParams.sort();
  out += url.href + ";" + url.searchParams.get("y") + ";" + url.searchParams.getAll("x").length + ";" + url.searchParams.size + ";";
  const params = new URLSearchParams({ b: "2", a: "1", c: "x" });
  params.set("c", "3");
  params.delete("b");
  params.append("\u00e9", "&=");
  const paramsIterator = params.entries();
  for (let entry = paramsIterator.next(); !entry.done; entry = paramsIterator.next()) {
    out += entry.value[0] + "=" + entry.value[1] + ",";
  }
  params.forEach((value, key) => {
    out += key + ":" + value + ",";
  });
  out += params.toString() + ";" + new URLSearchParams("?q=%C3%A9+1&q=2").getAll("q").length + ";";
  out += URL.canParse("nope") + ";" + URL.parse("x", "http://h/").href + ";";
  out += new URL("https://M\u00fcnchen.DE/").hostname + ";" + new URL("http://[0::1]:80/").host + ";";
  out += new URL("http://0x7f.1/").hostname + ";" + new URL("file:///C:/a/../b").href + ";";
  try {
    new URL("not a url");
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + " " + error.message + ";";
  }
  const pattern = new URLPattern({ pathname: "/books/:id(\\d+)/*" });
  const match = pattern.exec("https://example.com/books/42/x/y?q#h");
  out += match.pathname.groups.id + "," + match.pathname.groups["0"] + "," + match.search.input + ";";
  out += pattern.test("https://e/books/x/") + ";" + pattern.pathname + ";" + pattern.hasRegExpGroups + ";";
  const hostPattern = new URLPattern("https://{:sub.}?example.com/:rest*", { ignoreCase: true });
  const hostMatch = hostPattern.exec("HTTPS://API.Example.com/A/B");
  out += hostMatch.hostname.groups.sub + "," + hostMatch.pathname.groups.rest + "," + hostMatch.inputs.length + ";";
  out += new URLPattern("/x/:y", "https://base.example").test({ pathname: "/x/1", baseURL: "https://base.example" }) + ";";
  try {
    new URLPattern({ pathname: "/:a/:a" });
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + ";";
  }

  // Encoding, base64 and structured clone (inputs built before any patch: see fixtures below).
  const encoder = new TextEncoder();
  const encoded = encoder.encode("h\u00e9\u{1F600}");
  out += encoded[1] + ":" + encoded[6] + ":" + encoded[7] + ";";
  const into = encoder.encodeInto("a\u{1F600}b", fixtures.target);
  out += into.read + "," + into.written + ";";
  const decoder = new TextDecoder(" Latin1 ");
  out += decoder.encoding + ":" + decoder.decode(fixtures.latin) + ";";
  const streaming = new TextDecoder("utf-8", { fatal: true });
  out += streaming.decode(fixtures.utf8Head, { stream: true }) + streaming.decode(fixtures.utf8Tail) + ";";
  out += new TextDecoder("shift_jis").decode(fixtures.sjis) + ";";
  out += new TextDecoder("utf-16be").decode(fixtures.utf16be) + ";";
  try {
    new TextDecoder("nope");
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealRangeError) + ";";
  }
  out += btoa("hi\u00ff") + ";" + atob(" aGk= ") + ";";
  try {
    atob("*");
    out += "no error;";
  } catch (error) {
    out += error.name + ";";
  }
  const cloned = structuredClone({ source: fixtures.cloneSource, error: new DOMException("m", "AbortError") });
  out += (cloned.source.self === cloned.source) + ":" + cloned.source.list[1] + ":" +
    mapGet(cloned.source.map, "k")[0] + ":" + cloned.error.name + ";";
  try {
    structuredClone(function f() {});
    out += "no error;";
  } catch (error) {
    out += error.name + ";";
  }

  // Blob, File, FormData, multipart bodies, MIME types, clone() and the other RequestInit members.
  const blob = new Blob(sequence("ab", new RealUint8Array(sequence(0x63)), new Blob(sequence("de"))), { type: "Text/Plain", endings: "native" });
  out += blob.size + " " + blob.type + " " + (await blob.slice(1, -1, "X/Y").text()) + " " + blob.slice(-2).size + ";";
  const blobBytes = await blob.bytes();
  out += blobBytes[0] + ":" + blobBytes[2] + " " + new RealUint8Array(await blob.arrayBuffer())[4] + ";";
  const file = new File(sequence("f\r\n"), "n.txt", { type: "text/plain", lastModified: 7, endings: "native" });
  out += file.name + " " + file.lastModified + " " + file.size + " " + (file instanceof Blob) + ";";
  const form = new FormData();
  form.append("s", "v\nw");
  form.append("b", blob);
  form.append("f", file, "renamed \"q\".txt");
  form.append("s", "dropped");
  form.set("s", "v2");
  out += form.has("b") + " " + form.get("b").name + " " + form.getAll("f").length + " " + form.getAll("s").length + ";";
  for (const entry of form) out += entry[0] + "=" + (typeof entry[1] === "string" ? entry[1] : entry[1].name) + ",";
  form.forEach((value, name) => {
    out += name;
  });
  const formRequest = new Request("https://example.com/form", { method: "POST", body: form, mode: "same-origin", referrer: "" });
  const formClone = formRequest.clone();
  const parsedForm = await formClone.formData();
  out += parsedForm.get("s") + " " + parsedForm.get("f").name + " " + parsedForm.get("f").type + " " + (await parsedForm.get("b").text()) + ";";
  out += ((await formRequest.blob()).size > 0) + " " + formRequest.mode + " [" + formRequest.referrer + "];";
  const blobResponse = new Response(blob);
  const blobClone = blobResponse.clone();
  out += (await blobClone.text()) + " " + (await blobResponse.blob()).type + ";";
  const mime = await new Response(null, { headers: { "content-type": "TEXT/HTML; Charset=\"x\", */*" } }).blob();
  out += mime.type + ";";
  const controller = new AbortController();
  const signalled = new Request("https://example.com/", { signal: controller.signal, cache: "no-store" });
  controller.abort();
  out += signalled.signal.aborted + " " + signalled.cache + " " + signalled.clone().signal.aborted + ";";
  try {
    await new Response("--b\r\nX: y\r\n\r\n--b--", { headers: { "content-type": "multipart/form-data; boundary=b" } }).formData();
    out += "no error;";
  } catch (error) {
    out += (error instanceof RealTypeError) + ";";
  }

  const logs = captureLogs(() => {
    console.log("%s=%d %j", "n", 42, { j: 1 });
    console.log({ a: 1, nested: { list: [1, "two"] } }, new Headers({ h: "1" }));
    console.log(new URL("https://u@h:81/p?a=1&a=2#f"), new URLSearchParams("k=v"), new URLPattern({ hostname: "*.example" }));
    console.warn("w");
    console.count("c");
    console.countReset("c");
    console.table({ r: { c: 1 } });
    console.log(new TextDecoder("utf-16"), new TextEncoder());
    console.group("g");
    console.error("e");
    console.groupEnd();
    console.log(blob, file);
    const shown = new FormData();
    shown.append("s", "1");
    shown.append("s", "2");
    shown.append("f", file, "x");
    console.log(shown);
  });
  for (let i = 0; i < logs.length; i++) out += logs[i][0] + ":" + logs[i][1] + "\n";
  out += await cryptoWorkout();
  out += await compressionWorkout();
  return out;
}

let baseline;

test("baseline: the workout without patches", async () => {
  baseline = await exercise();
  assert(baseline.startsWith("1, 3;true;2;a=1, 3;4;22;true;POST https://example.com/b?q manual text/plain;charset=UTF-8;"), baseline);
  assert(baseline.includes("log:n=42 {\"j\":1}\n"), baseline);
  assert(baseline.includes("error:  e\n"), baseline);
  // The crypto part: RFC 4231 case 1, the openssl-made ECDSA signature, RFC 8032 test 1.
  assert(baseline.includes(";b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7;true;"), baseline);
  assert(baseline.includes("secret HMAC SHA-256 160 signverify;oct HS256 CwsLCwsLCwsLCwsLCwsLCwsLCws sign true;"), baseline);
  assert(baseline.includes(";true P-256;EC P-256 "), baseline);
  assert(baseline.includes(";e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b;"), baseline);
  assert(baseline.includes(";64 0;true SyntaxError;OperationError;true 4;"), baseline);
  assert(baseline.includes(";https://User:pw@example.com:8443/c/d?x=1&y=a+b#frag;https://example.com:8443;"), baseline);
  assert(baseline.includes(";xn--mnchen-3ya.de;[::1];127.0.0.1;file:///C:/b;true Invalid URL: not a url;"), baseline);
  assert(baseline.includes(";42,x/y,q;false;/books/:id(\\d+)/*;true;api,A/B,1;true;true;"), baseline);
  assert(baseline.includes("searchParams: URLSearchParams { 'a' => '1', 'a' => '2' },"), baseline);
  assert(baseline.includes(";195:128:undefined;3,5;windows-1252:\u20acA;\u20ac;\u3042\ufffd;\u{1F600};true;aGn/;hi;InvalidCharacterError;true:two:7:AbortError;DataCloneError;"), baseline);
  assert(baseline.includes("TextDecoder { encoding: 'utf-16le', fatal: false, ignoreBOM: false } TextEncoder { encoding: 'utf-8' }"), baseline);
  assert(baseline.endsWith(";quiver fixed messageabc;hello;204800;true The compressed data is corrupt: incorrect header check;"), baseline);
});

async function assertSameAsBaseline(patches) {
  if (baseline === undefined) baseline = await exercise();
  const result = await withPatches(patches, exercise);
  assertEquals(result, baseline);
}

test("Array.prototype methods and iteration patched", async () => {
  const keys = [
    "push", "pop", "shift", "unshift", "splice", "slice", "map", "filter", "forEach", "concat", "join",
    "sort", "indexOf", "includes", "reduce", "some", "every", "find", "fill", "reverse", "keys",
    "values", "entries", Symbol.iterator,
  ];
  await assertSameAsBaseline([
    ...poisonMethods(Array.prototype, keys, "Array.prototype"),
    ...poisonMethods(ArrayIteratorPrototype, ["next"], "ArrayIterator"),
    [Array, Symbol.species, { get: poisoned("Array[Symbol.species]") }],
    [Array, "isArray", { value: poisoned("Array.isArray"), writable: true }],
    [Array, "from", { value: poisoned("Array.from"), writable: true }],
  ]);
});

test("Array.prototype.push replaced by a recording function", async () => {
  let calls = 0;
  const push = Array.prototype.push;
  await assertSameAsBaseline([[Array.prototype, "push", {
    value() {
      calls++;
      return push.apply(this, arguments);
    },
    writable: true,
  }]]);
  assertEquals(calls, 0, "the runtime never calls the patched push");
});

test("String.prototype methods patched", async () => {
  const keys = [
    "toLowerCase", "toUpperCase", "trim", "trimStart", "trimEnd", "slice", "substring", "substr",
    "indexOf", "lastIndexOf", "charCodeAt", "codePointAt", "charAt", "split", "replace", "replaceAll",
    "includes", "startsWith", "endsWith", "padStart", "padEnd", "repeat", "concat", "toString",
    "valueOf", "normalize", "at", "match", "search", Symbol.iterator,
  ];
  await assertSameAsBaseline(poisonMethods(String.prototype, keys, "String.prototype"));
});

test("JSON.parse and JSON.stringify patched", async () => {
  await assertSameAsBaseline(poisonMethods(JSON, ["parse", "stringify"], "JSON"));
});

test("Promise.prototype and Promise statics patched", async () => {
  await assertSameAsBaseline([
    ...poisonMethods(Promise.prototype, ["then", "catch", "finally"], "Promise.prototype"),
    ...poisonMethods(Promise, ["resolve", "reject", "all", "race"], "Promise"),
    [Promise, Symbol.species, { get: poisoned("Promise[Symbol.species]") }],
  ]);
});

test("body methods return real promises even with then patched", async () => {
  let promise;
  await withPatches(poisonMethods(Promise.prototype, ["then"], "Promise.prototype"), () => {
    promise = new Response("x").text();
  });
  assert(promise instanceof RealPromise);
  assertEquals(await promise, "x");
});

test("setters on Object.prototype for indices and member names", async () => {
  const names = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "headers", "body", "method",
    "status", "statusText", "url", "redirect", "type", "value", "done", "get", "set", "enumerable",
    "read", "written", "encoding", "fatal", "ignoreBOM", "stream", "transfer", "describe", "revive",
    "writable", "configurable", "length", "name", "message", "list", "source", "used", "chunks",
    "size", "type", "parameters", "subtype", "data", "boundary", "position", "filename",
    "contentType", "lastModified", "shared", "nonEmpty", "signal", "mode", "essence", "reason",
    "protocol", "username", "password", "hostname", "host", "port", "pathname", "search", "hash", "href",
    "scheme", "path", "query", "fragment", "special", "opaquePath", "input", "inputs", "groups", "index",
    "modifier", "prefix", "suffix", "delimiter", "ignoreCase", "names", "patternString", "lastIndex",
    "baseURL", "next",
  ];
  await assertSameAsBaseline(names.map((name) => [Object.prototype, name, { set: poisoned(`Object.prototype.${name} setter`) }]));
});

test("arrays built under Object.prototype index setters still have their elements", async () => {
  let cookies;
  let pair;
  await withPatches([
    [Object.prototype, "0", { set: poisoned("0 setter") }],
    [Object.prototype, "1", { set: poisoned("1 setter") }],
  ], () => {
    const headers = new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
    cookies = headers.getSetCookie();
    pair = headers.entries().next().value;
  });
  assertEquals(cookies, ["a=1", "b=2"]);
  assertEquals(Object.getOwnPropertyNames(cookies), ["0", "1", "length"]);
  assertEquals(pair, ["set-cookie", "a=1"]);
});

test("getters on Object.prototype for descriptor fields", async () => {
  await assertSameAsBaseline([
    [Object.prototype, "get", { get: poisoned("Object.prototype.get getter") }],
    [Object.prototype, "set", { get: poisoned("Object.prototype.set getter") }],
    [Object.prototype, "value", { get: poisoned("Object.prototype.value getter") }],
    [Object.prototype, "writable", { get: poisoned("Object.prototype.writable getter") }],
  ]);
});

test("Object and Reflect statics patched", async () => {
  await assertSameAsBaseline([
    ...poisonMethods(Object, [
      "defineProperty", "defineProperties", "getOwnPropertyDescriptor", "getOwnPropertyNames", "keys",
      "values", "entries", "getPrototypeOf", "setPrototypeOf", "create", "freeze", "assign", "is",
      "getOwnPropertySymbols", "fromEntries",
    ], "Object"),
    ...poisonMethods(Reflect, ["apply", "construct", "defineProperty", "get", "set", "ownKeys", "getOwnPropertyDescriptor", "has"], "Reflect"),
    ...poisonMethods(Object.prototype, ["hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "toLocaleString"], "Object.prototype"),
  ]);
});

test("Function.prototype call, apply and bind patched", async () => {
  await assertSameAsBaseline(poisonMethods(Function.prototype, ["call", "apply", "bind", "toString"], "Function.prototype"));
});

test("Map, Set and WeakMap methods patched", async () => {
  await assertSameAsBaseline([
    ...poisonMethods(Map.prototype, ["get", "set", "has", "delete", "forEach", "entries", "keys", "values", Symbol.iterator], "Map.prototype"),
    ...poisonMethods(Set.prototype, ["add", "has", "delete", "forEach", "values", Symbol.iterator], "Set.prototype"),
    ...poisonMethods(WeakMap.prototype, ["get", "set", "has"], "WeakMap.prototype"),
  ]);
});

test("typed array and ArrayBuffer members patched", async () => {
  const accessor = (label) => ({ get: poisoned(label) });
  await assertSameAsBaseline([
    ...poisonMethods(TypedArrayPrototype, ["set", "subarray", "slice", "fill", "map", "join", Symbol.iterator], "TypedArray.prototype"),
    [TypedArrayPrototype, "length", accessor("TypedArray.prototype.length")],
    [TypedArrayPrototype, "byteLength", accessor("TypedArray.prototype.byteLength")],
    [TypedArrayPrototype, "byteOffset", accessor("TypedArray.prototype.byteOffset")],
    [TypedArrayPrototype, "buffer", accessor("TypedArray.prototype.buffer")],
    [TypedArrayPrototype, Symbol.toStringTag, accessor("TypedArray.prototype[Symbol.toStringTag]")],
    ...poisonMethods(ArrayBuffer.prototype, ["slice"], "ArrayBuffer.prototype"),
    [ArrayBuffer.prototype, "byteLength", accessor("ArrayBuffer.prototype.byteLength")],
    ...poisonMethods(ArrayBuffer, ["isView"], "ArrayBuffer"),
  ]);
});

test("typed array species, constructor and Map/Date members patched", async () => {
  await assertSameAsBaseline([
    [RealUint8Array, Symbol.species, { get: poisoned("Uint8Array[Symbol.species]") }],
    [RealArrayBuffer, Symbol.species, { get: poisoned("ArrayBuffer[Symbol.species]") }],
    [RealUint8Array.prototype, "constructor", { get: poisoned("Uint8Array.prototype.constructor") }],
    [TypedArrayPrototype, "indexOf", { value: poisoned("TypedArray.prototype.indexOf"), writable: true }],
    ...poisonMethods(Map.prototype, ["forEach", "has", "get", "set"], "Map.prototype"),
    ...poisonMethods(String, ["fromCharCode"], "String"),
    ...poisonMethods(Math, ["random"], "Math"),
  ]);
});

test("Blob, File and FormData prototypes replaced by user code do not affect bodies", async () => {
  let summary = "";
  await withPatches([
    ...poisonMethods(Blob.prototype, ["text", "arrayBuffer", "bytes", "slice"], "Blob.prototype"),
    [Blob.prototype, "size", { get: poisoned("Blob.prototype.size") }],
    [Blob.prototype, "type", { get: poisoned("Blob.prototype.type") }],
    [File.prototype, "name", { get: poisoned("File.prototype.name") }],
    ...poisonMethods(FormData.prototype, ["append", "get", "entries", "forEach", Symbol.iterator], "FormData.prototype"),
  ], async () => {
    const form = new FormData();
    FormData.prototype.set.call(form, "f", new File(sequence("x"), "x.txt", { type: "text/plain" }));
    const request = new Request("https://example.com/", { method: "POST", body: form });
    const parsed = await request.formData();
    const response = new Response(new Blob(sequence("blob body"), { type: "a/b" }));
    summary += FormData.prototype.has.call(parsed, "f") + " " + response.headers.get("content-type") + " " + (await response.text());
  });
  assertEquals(summary, "true a/b blob body");
});

test("RegExp, Number, Symbol and Error members patched", async () => {
  await assertSameAsBaseline([
    ...poisonMethods(RegExp.prototype, ["exec", "test", "toString", Symbol.replace, Symbol.split, Symbol.match], "RegExp.prototype"),
    ...poisonMethods(Number.prototype, ["toString", "toFixed", "valueOf"], "Number.prototype"),
    ...poisonMethods(Number, ["isNaN", "parseInt", "parseFloat", "isInteger"], "Number"),
    ...poisonMethods(Symbol.prototype, ["toString", "valueOf"], "Symbol.prototype"),
    ...poisonMethods(Error.prototype, ["toString"], "Error.prototype"),
    ...poisonMethods(Error, ["captureStackTrace"], "Error"),
    ...poisonMethods(Math, ["min", "max", "floor", "round", "sqrt", "abs"], "Math"),
    ...poisonMethods(Date, ["now"], "Date"),
    ...poisonMethods(Date.prototype, ["getTime", "toISOString", "toString"], "Date.prototype"),
  ]);
});

test("URL and URLPattern with RegExp, String and URL members patched", async () => {
  const accessor = (label) => ({ get: poisoned(label) });
  let summary = "";
  await withPatches([
    ...poisonMethods(RegExp.prototype, ["exec", "test", Symbol.match, Symbol.matchAll, Symbol.replace, Symbol.search, Symbol.split], "RegExp.prototype"),
    [RegExp.prototype, "flags", accessor("RegExp.prototype.flags")],
    [RegExp.prototype, "global", accessor("RegExp.prototype.global")],
    [RegExp.prototype, "unicode", accessor("RegExp.prototype.unicode")],
    [RegExp.prototype, "sticky", accessor("RegExp.prototype.sticky")],
    [RegExp.prototype, "source", accessor("RegExp.prototype.source")],
    [RegExp, Symbol.species, accessor("RegExp[Symbol.species]")],
    ...poisonMethods(String.prototype, ["toLowerCase", "slice", "indexOf", "charCodeAt", "replace", "split", "normalize"], "String.prototype"),
    ...poisonMethods(URL.prototype, ["toString", "toJSON"], "URL.prototype"),
    [URL.prototype, "href", accessor("URL.prototype.href")],
    ...poisonMethods(URLSearchParams.prototype, ["append", "toString", "get"], "URLSearchParams.prototype"),
    [globalThis, "URL", { value: undefined, writable: true }],
    [globalThis, "URLSearchParams", { value: undefined, writable: true }],
  ], () => {
    const pattern = new URLPattern({ pathname: "/:kind(a|b)/:id", hostname: "*.EXAMPLE.com" });
    const match = pattern.exec("https://x.Example.com/b/7");
    summary += match.pathname.groups.kind + match.pathname.groups.id + match.hostname.groups["0"] + pattern.hostname;
    summary += " " + pattern.test({ pathname: "/c/1", hostname: "x.example.com" });
    summary += " " + new Request("https://\u00e9.example/a?b=1").url;
    summary += " " + Response.redirect("http://h/x?y").headers.get("location");
  });
  assertEquals(summary, "b7x*.example.com false https://xn--9ca.example/a?b=1 http://h/x?y");
});

test("global constructors replaced", async () => {
  const names = [
    "Object", "Array", "String", "Number", "Boolean", "Symbol", "Promise", "Map", "Set", "WeakMap",
    "RegExp", "Date", "TypeError", "RangeError", "SyntaxError", "ArrayBuffer", "Uint8Array",
    "DataView", "JSON", "Math", "Reflect", "parseInt", "parseFloat", "Function",
  ];
  await assertSameAsBaseline(names.map((name) => [globalThis, name, { value: poisoned(`global ${name}`), writable: true }]));
});

test("errors thrown by the runtime are the original TypeError even if the global is replaced", async () => {
  let error;
  await withPatches([[globalThis, "TypeError", { value: function FakeTypeError() {}, writable: true }]], () => {
    try {
      new Headers().append("bad name", "x");
    } catch (e) {
      error = e;
    }
  });
  assert(error instanceof RealTypeError);
  assertEquals(Object.getPrototypeOf(error), RealTypeError.prototype);
});

test("Headers.prototype methods replaced by user code do not affect Request/Response", async () => {
  let summary = "";
  await withPatches(
    poisonMethods(Headers.prototype, ["append", "set", "get", "has", "delete", "entries", "forEach", "getSetCookie", Symbol.iterator], "Headers.prototype"),
    async () => {
      const request = new Request("https://example.com/", { method: "POST", body: "x", headers: { a: "1" } });
      const response = new Response("y", { headers: [["b", "2"]] });
      const copy = new Request(request);
      summary += request.method + " " + (await copy.text()) + " " + response.status + " " + (await response.text());
      const logs = captureLogs(() => console.log(response.headers));
      summary += " " + logs[0][1];
    },
  );
  assertEquals(summary, "POST x 200 y Headers { b: '2', 'content-type': 'text/plain;charset=UTF-8' }");
});

test("deleting the globals does not break the runtime", async () => {
  let summary = "";
  await withPatches([
    [globalThis, "Headers", { value: undefined, writable: true }],
    [globalThis, "Request", { value: undefined, writable: true }],
  ], async () => {
    const response = new Response("z", { headers: { a: "1" } });
    summary += (response.headers.constructor === undefined) + " " + response.headers.get("a");
    summary += " " + Response.redirect("https://example.com/").headers.get("location");
  });
  assertEquals(summary, "false 1 https://example.com/");
});

test("Symbol.iterator patches only affect the user iterables they belong to", async () => {
  // WebIDL sequence conversion legitimately uses the iterator protocol of user values: a patched
  // Array.prototype[Symbol.iterator] is seen by `new Headers([[…]])`, while records are not.
  let fromRecord;
  let sequenceError;
  await withPatches(poisonMethods(Array.prototype, [Symbol.iterator], "Array.prototype"), () => {
    fromRecord = new Headers({ a: "1" }).get("a");
    try {
      new Headers([["a", "1"]]);
    } catch (error) {
      sequenceError = error;
    }
  });
  assertEquals(fromRecord, "1");
  assert(sequenceError instanceof RealError && sequenceError.message.includes("patched builtin called"));
});

test("console still formats after a user replaces Object.prototype.toString", async () => {
  let text;
  await withPatches(poisonMethods(Object.prototype, ["toString"], "Object.prototype"), () => {
    const args = (function () {
      return arguments;
    })(1, 2);
    text = captureLogs(() => console.log(args, [1], { a: 1 }))[0][1];
  });
  assertEquals(text, "[Arguments] { '0': 1, '1': 2 } [ 1 ] { a: 1 }");
});

test("the workout still matches after all patches were restored", async () => {
  assertEquals(await exercise(), baseline);
});
