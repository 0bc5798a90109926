#include "isolates/runtime/crypto_openssl.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <iterator>
#include <memory>

namespace quiver::isolates::crypto {
namespace {

// Every OpenSSL object is owned by one of these.
template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

void freeBn(BIGNUM* bn) { BN_clear_free(bn); }

using Md = Owned<EVP_MD, EVP_MD_free>;
using MdCtx = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using Cipher = Owned<EVP_CIPHER, EVP_CIPHER_free>;
using CipherCtx = Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using Mac = Owned<EVP_MAC, EVP_MAC_free>;
using MacCtx = Owned<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using Kdf = Owned<EVP_KDF, EVP_KDF_free>;
using KdfCtx = Owned<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using Pkey = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtx = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using Bn = Owned<BIGNUM, freeBn>;
using Pkcs8 = Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using EcdsaSig = Owned<ECDSA_SIG, ECDSA_SIG_free>;
using ParamBld = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Owned<OSSL_PARAM, OSSL_PARAM_free>;

// OpenSSL keeps errors in a per-thread queue: each operation starts with an empty one and
// leaves it empty.
struct ErrorQueueGuard {
  ErrorQueueGuard() { ERR_clear_error(); }
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

Error fail(const char* name, std::string message) {
  unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    message += " (";
    message += reason;
    message += ")";
  }
  ERR_clear_error();
  return Error{name, std::move(message)};
}

Error operationError(std::string message) { return fail("OperationError", std::move(message)); }
Error dataError(std::string message) { return fail("DataError", std::move(message)); }

int len(size_t n) { return static_cast<int>(n); }
// OpenSSL wants a non-null pointer even for empty input.
const uint8_t* ptr(ByteView v) {
  static const uint8_t kEmpty = 0;
  return v.empty() ? &kEmpty : v.data();
}

Result<Md> fetchMd(std::string_view hash) {
  if (hash != "SHA-1" && hash != "SHA-256" && hash != "SHA-384" && hash != "SHA-512") {
    return Error{"NotSupportedError", "unsupported hash " + std::string(hash)};
  }
  Md md(EVP_MD_fetch(nullptr, std::string(hash).c_str(), nullptr));
  if (!md) return operationError("cannot load " + std::string(hash));
  return md;
}

// --- keys as DER ---

Result<Pkey> parseKey(ByteView der, KeyKind kind) {
  const unsigned char* p = ptr(der);
  const unsigned char* end = p + der.size();
  if (kind == KeyKind::kPublic) {
    Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!key) return dataError("not a valid SubjectPublicKeyInfo");
    if (p != end) return dataError("trailing bytes after the SubjectPublicKeyInfo");
    return key;
  }
  Pkcs8 info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!info) return dataError("not a valid PKCS #8 PrivateKeyInfo");
  if (p != end) return dataError("trailing bytes after the PKCS #8 PrivateKeyInfo");
  Pkey key(EVP_PKCS82PKEY(info.get()));
  if (!key) return dataError("the PKCS #8 PrivateKeyInfo holds no usable key");
  return key;
}

Result<Bytes> toSpki(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key, &out);
  if (n <= 0) return operationError("cannot encode the public key");
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

Result<Bytes> toPkcs8(EVP_PKEY* key) {
  Pkcs8 info(EVP_PKEY2PKCS8(key));
  if (!info) return operationError("cannot encode the private key");
  unsigned char* out = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out);
  if (n <= 0) return operationError("cannot encode the private key");
  Bytes der(out, out + n);
  OPENSSL_cleanse(out, static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

Result<KeyPair> toKeyPair(EVP_PKEY* key) {
  auto private_der = toPkcs8(key);
  if (!private_der) return private_der.error();
  auto public_der = toSpki(key);
  if (!public_der) return public_der.error();
  return KeyPair{std::move(*private_der), std::move(*public_der)};
}

std::string typeName(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_X25519:
      return "X25519";
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      return name ? name : "unknown";
    }
  }
}

std::string curveName(EVP_PKEY* key) {
  char name[64] = {0};
  size_t n = 0;
  if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &n)) {
    ERR_clear_error();
    return "";
  }
  std::string_view group(name, n);
  if (group == "prime256v1" || group == "P-256") return "P-256";
  if (group == "secp384r1" || group == "P-384") return "P-384";
  if (group == "secp521r1" || group == "P-521") return "P-521";
  return "";
}

size_t curveBytes(std::string_view curve) {
  if (curve == "P-256") return 32;
  if (curve == "P-384") return 48;
  if (curve == "P-521") return 66;
  return 0;
}

PkeyCtx contextFor(EVP_PKEY* key) {
  return PkeyCtx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
}

Status checkEcKey(EVP_PKEY* key, KeyKind kind) {
  PkeyCtx ctx = contextFor(key);
  if (!ctx) return operationError("cannot check the key");
  int ok = kind == KeyKind::kPublic ? EVP_PKEY_public_check(ctx.get()) : EVP_PKEY_check(ctx.get());
  if (ok != 1) return dataError("the EC key is not valid");
  return okStatus();
}

Result<Bytes> bnParam(EVP_PKEY* key, const char* name, size_t pad = 0) {
  BIGNUM* raw = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &raw)) {
    return operationError(std::string("the key has no ") + name);
  }
  Bn bn(raw);
  size_t n = static_cast<size_t>(BN_num_bytes(bn.get()));
  if (pad < n) pad = n;
  Bytes out(pad);
  if (BN_bn2binpad(bn.get(), out.data(), len(pad)) < 0) return operationError("bad number");
  return out;
}

Result<Bytes> rawKey(EVP_PKEY* key, KeyKind kind) {
  size_t n = 0;
  int ok = kind == KeyKind::kPublic ? EVP_PKEY_get_raw_public_key(key, nullptr, &n)
                                    : EVP_PKEY_get_raw_private_key(key, nullptr, &n);
  if (!ok) return operationError("cannot read the raw key");
  Bytes out(n);
  ok = kind == KeyKind::kPublic ? EVP_PKEY_get_raw_public_key(key, out.data(), &n)
                                : EVP_PKEY_get_raw_private_key(key, out.data(), &n);
  if (!ok) return operationError("cannot read the raw key");
  out.resize(n);
  return out;
}

Result<Pkey> keyFromParams(const char* type, int selection, OSSL_PARAM_BLD* builder) {
  Params params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return operationError("cannot build the key");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return dataError("the key's parameters are not valid");
  }
  return Pkey(raw);
}

Result<Bytes> encode(EVP_PKEY* key, KeyKind kind) {
  return kind == KeyKind::kPublic ? toSpki(key) : toPkcs8(key);
}

Result<Bytes> rsaFromComponents(KeyKind kind, const std::vector<Bytes>& c) {
  size_t expected = kind == KeyKind::kPublic ? 2 : 8;
  if (c.size() != expected) return dataError("wrong number of RSA key parameters");
  static const char* const kNames[] = {
      OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,           OSSL_PKEY_PARAM_RSA_D,
      OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,     OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  ParamBld builder(OSSL_PARAM_BLD_new());
  std::vector<Bn> numbers;
  if (!builder) return operationError("cannot build the key");
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i].empty()) return dataError("an RSA key parameter is empty");
    numbers.emplace_back(BN_bin2bn(c[i].data(), len(c[i].size()), nullptr));
    if (!numbers.back() ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), kNames[i], numbers.back().get())) {
      return operationError("cannot build the key");
    }
  }
  if (BN_is_zero(numbers[0].get()) || !BN_is_odd(numbers[1].get()) || BN_is_one(numbers[1].get())) {
    return dataError("the RSA modulus or exponent is not valid");
  }
  auto key = keyFromParams("RSA", kind == KeyKind::kPublic ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                           builder.get());
  if (!key) return key.error();
  return encode(key->get(), kind);
}

Result<Bytes> ecFromComponents(std::string_view curve, KeyKind kind, const std::vector<Bytes>& c) {
  size_t size = curveBytes(curve);
  if (size == 0) return Error{"NotSupportedError", "unsupported curve " + std::string(curve)};
  Bytes point;
  if (c.size() == 1 && kind == KeyKind::kPublic) {
    point = c[0];
  } else if (c.size() == (kind == KeyKind::kPublic ? 2u : 3u)) {
    if (c[0].size() != size || c[1].size() != size) {
      return dataError("the EC coordinates have the wrong length for " + std::string(curve));
    }
    point.push_back(0x04);
    point.insert(point.end(), c[0].begin(), c[0].end());
    point.insert(point.end(), c[1].begin(), c[1].end());
  } else {
    return dataError("wrong number of EC key parameters");
  }
  if (point.empty()) return dataError("the EC point is empty");
  ParamBld builder(OSSL_PARAM_BLD_new());
  std::string group(curve);
  Bn d;
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(),
                                       0) ||
      !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return operationError("cannot build the key");
  }
  if (kind == KeyKind::kPrivate) {
    if (c[2].size() != size) return dataError("the EC private key has the wrong length");
    d.reset(BN_bin2bn(c[2].data(), len(c[2].size()), nullptr));
    if (!d || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get())) {
      return operationError("cannot build the key");
    }
  }
  auto key = keyFromParams("EC", kind == KeyKind::kPublic ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                           builder.get());
  if (!key) return key.error();
  if (auto status = checkEcKey(key->get(), kind); !status) return status.error();
  return encode(key->get(), kind);
}

Result<Bytes> okpFromComponents(std::string_view type, KeyKind kind, const std::vector<Bytes>& c) {
  const char* name = type == "Ed25519" ? "ED25519" : "X25519";
  if (c.size() != (kind == KeyKind::kPublic ? 1u : 2u)) {
    return dataError("wrong number of key parameters");
  }
  for (const Bytes& b : c) {
    if (b.size() != 32) return dataError(std::string(type) + " keys are 32 bytes");
  }
  if (kind == KeyKind::kPublic) {
    Pkey key(EVP_PKEY_new_raw_public_key_ex(nullptr, name, nullptr, c[0].data(), c[0].size()));
    if (!key) return dataError("not a valid " + std::string(type) + " public key");
    return toSpki(key.get());
  }
  Pkey key(EVP_PKEY_new_raw_private_key_ex(nullptr, name, nullptr, c[1].data(), c[1].size()));
  if (!key) return dataError("not a valid " + std::string(type) + " private key");
  auto x = rawKey(key.get(), KeyKind::kPublic);
  if (!x) return x.error();
  if (*x != c[0]) return dataError("the public key does not match the private key");
  return toPkcs8(key.get());
}

// --- symmetric ciphers ---

std::string aesName(size_t key_bytes, const char* mode) {
  return "AES-" + std::to_string(key_bytes * 8) + "-" + mode;
}

Result<Cipher> fetchAes(ByteView key, const char* mode) {
  if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
    return operationError("AES keys are 128, 192 or 256 bits");
  }
  Cipher cipher(EVP_CIPHER_fetch(nullptr, aesName(key.size(), mode).c_str(), nullptr));
  if (!cipher) return operationError("cannot load " + aesName(key.size(), mode));
  return cipher;
}

// One pass of a cipher over `data`, appending to `out`. `setup` runs between the two inits
// (after the cipher is chosen, before key and IV are set).
template <typename Setup>
Status runCipher(EVP_CIPHER* cipher, Direction direction, ByteView key, ByteView iv, ByteView data,
                 Bytes& out, Setup&& setup, bool padding = false) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int enc = direction == Direction::kEncrypt ? 1 : 0;
  if (!ctx) return operationError("cannot create a cipher");
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex2(ctx.get(), cipher, nullptr, nullptr, enc, nullptr) != 1 ||
      !setup(ctx.get()) ||
      EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), iv.empty() ? nullptr : iv.data(), enc,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), padding ? 1 : 0) != 1) {
    return operationError("cannot set up the cipher");
  }
  size_t start = out.size();
  out.resize(start + data.size() + 2 * 16 + 8);
  int n = 0;
  if (!data.empty() &&
      EVP_CipherUpdate(ctx.get(), out.data() + start, &n, data.data(), len(data.size())) != 1) {
    return operationError(direction == Direction::kEncrypt ? "encryption failed"
                                                           : "decryption failed");
  }
  int tail = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + start + n, &tail) != 1) {
    return operationError(direction == Direction::kEncrypt ? "encryption failed"
                                                           : "decryption failed");
  }
  out.resize(start + static_cast<size_t>(n + tail));
  return okStatus();
}

const auto kNoSetup = [](EVP_CIPHER_CTX*) { return true; };

// --- signatures ---

Result<Bytes> ecdsaDerToRaw(ByteView der, size_t size) {
  const unsigned char* p = der.data();
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, len(der.size())));
  if (!sig) return operationError("bad ECDSA signature from OpenSSL");
  Bytes out(2 * size);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), len(size)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + size, len(size)) < 0) {
    return operationError("bad ECDSA signature from OpenSSL");
  }
  return out;
}

// Empty when `raw` is not 2 × size bytes.
Bytes ecdsaRawToDer(ByteView raw, size_t size) {
  if (raw.size() != 2 * size) return {};
  EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), len(size), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + size, len(size), nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* out = nullptr;
  int n = i2d_ECDSA_SIG(sig.get(), &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

struct SignSetup {
  Pkey key;
  MdCtx ctx;
  size_t ecdsa_size = 0;
};

Result<SignSetup> setUpSignature(SignAlgorithm algorithm, std::string_view hash, ByteView der,
                                 KeyKind kind, uint32_t salt_length) {
  auto key = parseKey(der, kind);
  if (!key) return key.error();
  SignSetup setup{std::move(*key), MdCtx(EVP_MD_CTX_new())};
  int base = EVP_PKEY_get_base_id(setup.key.get());
  bool rsa = algorithm == SignAlgorithm::kRsaPkcs1 || algorithm == SignAlgorithm::kRsaPss;
  if ((rsa && base != EVP_PKEY_RSA) ||
      (algorithm == SignAlgorithm::kEcdsa && base != EVP_PKEY_EC) ||
      (algorithm == SignAlgorithm::kEd25519 && base != EVP_PKEY_ED25519)) {
    return Error{"InvalidAccessError", "the key does not belong to this algorithm"};
  }
  std::string md_name = algorithm == SignAlgorithm::kEd25519 ? "" : std::string(hash);
  if (!md_name.empty()) {
    if (auto md = fetchMd(hash); !md) return md.error();
  }
  EVP_PKEY_CTX* pctx = nullptr;
  int ok = kind == KeyKind::kPrivate
               ? EVP_DigestSignInit_ex(setup.ctx.get(), &pctx,
                                       md_name.empty() ? nullptr : md_name.c_str(), nullptr,
                                       nullptr, setup.key.get(), nullptr)
               : EVP_DigestVerifyInit_ex(setup.ctx.get(), &pctx,
                                         md_name.empty() ? nullptr : md_name.c_str(), nullptr,
                                         nullptr, setup.key.get(), nullptr);
  if (ok != 1) return operationError("cannot set up the signature");
  if (algorithm == SignAlgorithm::kRsaPkcs1 &&
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return operationError("cannot set up RSASSA-PKCS1-v1_5");
  }
  if (algorithm == SignAlgorithm::kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, static_cast<int>(salt_length)) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md_name.c_str(), nullptr) != 1)) {
    return operationError("cannot set up RSA-PSS");
  }
  if (algorithm == SignAlgorithm::kEcdsa) {
    setup.ecdsa_size = curveBytes(curveName(setup.key.get()));
    if (setup.ecdsa_size == 0) return Error{"NotSupportedError", "unsupported curve"};
  }
  return setup;
}

Result<Pkey> parseRsaKey(ByteView der, KeyKind kind) {
  auto key = parseKey(der, kind);
  if (!key) return key.error();
  if (EVP_PKEY_get_base_id(key->get()) != EVP_PKEY_RSA) {
    return Error{"InvalidAccessError", "not an RSA key"};
  }
  return key;
}

Result<Bytes> runKdf(const char* name, OSSL_PARAM* params, size_t bytes) {
  if (bytes == 0) return Bytes{};
  Kdf kdf(EVP_KDF_fetch(nullptr, name, nullptr));
  KdfCtx ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return operationError(std::string("cannot load ") + name);
  Bytes out(bytes);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return operationError(std::string(name) + " failed");
  }
  return out;
}

}  // namespace

Result<Bytes> digest(std::string_view hash, ByteView data) {
  ErrorQueueGuard guard;
  auto md = fetchMd(hash);
  if (!md) return md.error();
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md->get())));
  unsigned int n = 0;
  if (EVP_Digest(ptr(data), data.size(), out.data(), &n, md->get(), nullptr) != 1) {
    return operationError("digest failed");
  }
  out.resize(n);
  return out;
}

Result<Bytes> hmacSign(std::string_view hash, ByteView key, ByteView data) {
  ErrorQueueGuard guard;
  if (auto md = fetchMd(hash); !md) return md.error();
  Mac mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  MacCtx ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  if (!ctx) return operationError("cannot load HMAC");
  std::string digest_name(hash);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
      OSSL_PARAM_construct_end()};
  Bytes out(EVP_MAX_MD_SIZE);
  size_t n = 0;
  if (EVP_MAC_init(ctx.get(), ptr(key), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), ptr(data), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) != 1) {
    return operationError("HMAC failed");
  }
  out.resize(n);
  return out;
}

Result<bool> hmacVerify(std::string_view hash, ByteView key, ByteView signature, ByteView data) {
  auto expected = hmacSign(hash, key, data);
  if (!expected) return expected.error();
  return signature.size() == expected->size() &&
         CRYPTO_memcmp(ptr(signature), expected->data(), expected->size()) == 0;
}

Result<Bytes> aesCbc(Direction direction, ByteView key, ByteView iv, ByteView data) {
  ErrorQueueGuard guard;
  if (iv.size() != 16) return operationError("AES-CBC needs a 16-byte iv");
  auto cipher = fetchAes(key, "CBC");
  if (!cipher) return cipher.error();
  Bytes out;
  auto status = runCipher(cipher->get(), direction, key, iv, data, out, kNoSetup, true);
  if (!status) {
    return operationError(direction == Direction::kEncrypt
                              ? "AES-CBC encryption failed"
                              : "AES-CBC decryption failed (wrong key, iv or padding)");
  }
  return out;
}

Result<Bytes> aesCtr(ByteView key, ByteView counter, unsigned length_bits, ByteView data) {
  ErrorQueueGuard guard;
  if (counter.size() != 16) return operationError("AES-CTR needs a 16-byte counter");
  if (length_bits == 0 || length_bits > 128) {
    return operationError("the AES-CTR counter length must be between 1 and 128 bits");
  }
  auto cipher = fetchAes(key, "CTR");
  if (!cipher) return cipher.error();
  // The counter is the low `length_bits` of the block; OpenSSL increments all 128 bits, so the
  // data is split where the counter part wraps to zero, and the second part restarts at zero.
  __extension__ typedef unsigned __int128 U128;
  U128 block = 0;
  for (uint8_t b : counter) block = (block << 8) | b;
  U128 blocks = (static_cast<U128>(data.size()) + 15) / 16;
  U128 first_blocks = blocks;
  if (length_bits < 128) {
    U128 modulus = static_cast<U128>(1) << length_bits;
    U128 low = block & (modulus - 1);
    if (blocks > modulus) return operationError("the AES-CTR counter would repeat");
    if (blocks > modulus - low) first_blocks = modulus - low;
  }
  size_t first = static_cast<size_t>(std::min<U128>(first_blocks * 16, data.size()));
  Bytes out;
  out.reserve(data.size());
  if (!runCipher(cipher->get(), Direction::kEncrypt, key, counter, data.subspan(0, first), out,
                 kNoSetup)) {
    return operationError("AES-CTR failed");
  }
  if (first < data.size()) {
    U128 mask = (static_cast<U128>(1) << length_bits) - 1;
    U128 restart = block & ~mask;
    uint8_t next[16];
    for (int i = 15; i >= 0; --i, restart >>= 8) next[i] = static_cast<uint8_t>(restart);
    if (!runCipher(cipher->get(), Direction::kEncrypt, key, ByteView(next, 16), data.subspan(first),
                   out, kNoSetup)) {
      return operationError("AES-CTR failed");
    }
  }
  return out;
}

Result<Bytes> aesGcm(Direction direction, ByteView key, ByteView iv, ByteView additional_data,
                     unsigned tag_bits, ByteView data) {
  ErrorQueueGuard guard;
  static constexpr unsigned kTagBits[] = {32, 64, 96, 104, 112, 120, 128};
  if (std::find(std::begin(kTagBits), std::end(kTagBits), tag_bits) == std::end(kTagBits)) {
    return operationError("AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128");
  }
  if (iv.empty()) return operationError("AES-GCM needs a non-empty iv");
  auto cipher = fetchAes(key, "GCM");
  if (!cipher) return cipher.error();
  size_t tag_bytes = tag_bits / 8;
  ByteView body = data;
  Bytes tag;
  if (direction == Direction::kDecrypt) {
    if (data.size() < tag_bytes) return operationError("the AES-GCM ciphertext is too short");
    body = data.subspan(0, data.size() - tag_bytes);
    tag.assign(data.end() - static_cast<std::ptrdiff_t>(tag_bytes), data.end());
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int enc = direction == Direction::kEncrypt ? 1 : 0;
  int n = 0;
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher->get(), nullptr, nullptr, enc, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, len(iv.size()), nullptr) != 1 ||
      EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), iv.data(), enc, nullptr) != 1 ||
      (!additional_data.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &n, additional_data.data(),
                                                    len(additional_data.size())) != 1)) {
    return operationError("cannot set up AES-GCM");
  }
  Bytes out(body.size() + tag_bytes + 16);
  int written = 0;
  if (!body.empty() &&
      EVP_CipherUpdate(ctx.get(), out.data(), &written, body.data(), len(body.size())) != 1) {
    return operationError("AES-GCM failed");
  }
  if (direction == Direction::kDecrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, len(tag_bytes), tag.data()) != 1) {
    return operationError("cannot set the AES-GCM tag");
  }
  int tail = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + written, &tail) != 1) {
    if (direction == Direction::kDecrypt) {
      ERR_clear_error();
      return Error{"OperationError", "AES-GCM decryption failed: the tag does not match"};
    }
    return operationError("AES-GCM failed");
  }
  size_t size = static_cast<size_t>(written + tail);
  if (direction == Direction::kEncrypt) {
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, len(tag_bytes), out.data() + size) !=
        1) {
      return operationError("cannot read the AES-GCM tag");
    }
    size += tag_bytes;
  }
  out.resize(size);
  return out;
}

Result<Bytes> aesKw(Direction direction, ByteView key, ByteView data) {
  ErrorQueueGuard guard;
  if (data.size() % 8 != 0 || data.size() < (direction == Direction::kEncrypt ? 16u : 24u)) {
    return operationError(direction == Direction::kEncrypt
                              ? "AES-KW wraps a multiple of 8 bytes, at least 16"
                              : "AES-KW unwraps a multiple of 8 bytes, at least 24");
  }
  auto cipher = fetchAes(key, "WRAP");
  if (!cipher) return cipher.error();
  Bytes out;
  if (!runCipher(cipher->get(), direction, key, {}, data, out, kNoSetup)) {
    return operationError(direction == Direction::kEncrypt
                              ? "AES-KW wrapping failed"
                              : "AES-KW unwrapping failed (wrong key or corrupted data)");
  }
  return out;
}

Result<Bytes> rsaOaep(Direction direction, std::string_view hash, ByteView key_der, ByteView label,
                      ByteView data) {
  ErrorQueueGuard guard;
  if (auto md = fetchMd(hash); !md) return md.error();
  auto key =
      parseRsaKey(key_der, direction == Direction::kEncrypt ? KeyKind::kPublic : KeyKind::kPrivate);
  if (!key) return key.error();
  PkeyCtx ctx = contextFor(key->get());
  std::string md_name(hash);
  int init = !ctx                               ? 0
             : direction == Direction::kEncrypt ? EVP_PKEY_encrypt_init(ctx.get())
                                                : EVP_PKEY_decrypt_init(ctx.get());
  if (init != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx.get(), md_name.c_str(), nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx.get(), md_name.c_str(), nullptr) != 1) {
    return operationError("cannot set up RSA-OAEP");
  }
  if (!label.empty()) {
    // OpenSSL takes ownership of the label's copy.
    void* copy = OPENSSL_memdup(label.data(), label.size());
    if (!copy || EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, len(label.size())) != 1) {
      OPENSSL_free(copy);
      return operationError("cannot set the RSA-OAEP label");
    }
  }
  size_t n = 0;
  auto run = [&](uint8_t* out) {
    return direction == Direction::kEncrypt
               ? EVP_PKEY_encrypt(ctx.get(), out, &n, ptr(data), data.size())
               : EVP_PKEY_decrypt(ctx.get(), out, &n, ptr(data), data.size());
  };
  if (run(nullptr) != 1) return operationError("RSA-OAEP failed");
  Bytes out(n);
  if (run(out.data()) != 1) {
    return operationError(direction == Direction::kEncrypt
                              ? "RSA-OAEP encryption failed (is the data too long for the key?)"
                              : "RSA-OAEP decryption failed");
  }
  out.resize(n);
  return out;
}

Result<Bytes> sign(SignAlgorithm algorithm, std::string_view hash, ByteView private_der,
                   uint32_t salt_length, ByteView data) {
  ErrorQueueGuard guard;
  auto setup = setUpSignature(algorithm, hash, private_der, KeyKind::kPrivate, salt_length);
  if (!setup) return setup.error();
  size_t n = 0;
  if (EVP_DigestSign(setup->ctx.get(), nullptr, &n, ptr(data), data.size()) != 1) {
    return operationError("signing failed");
  }
  Bytes out(n);
  if (EVP_DigestSign(setup->ctx.get(), out.data(), &n, ptr(data), data.size()) != 1) {
    return operationError(algorithm == SignAlgorithm::kRsaPss
                              ? "signing failed (is the salt too long for the key?)"
                              : "signing failed");
  }
  out.resize(n);
  if (algorithm == SignAlgorithm::kEcdsa) return ecdsaDerToRaw(out, setup->ecdsa_size);
  return out;
}

Result<bool> verify(SignAlgorithm algorithm, std::string_view hash, ByteView public_der,
                    uint32_t salt_length, ByteView signature, ByteView data) {
  ErrorQueueGuard guard;
  auto setup = setUpSignature(algorithm, hash, public_der, KeyKind::kPublic, salt_length);
  if (!setup) return setup.error();
  Bytes der;
  ByteView checked = signature;
  if (algorithm == SignAlgorithm::kEcdsa) {
    der = ecdsaRawToDer(signature, setup->ecdsa_size);
    if (der.empty()) return false;
    checked = der;
  }
  return EVP_DigestVerify(setup->ctx.get(), ptr(checked), checked.size(), ptr(data), data.size()) ==
         1;
}

Result<Bytes> deriveShared(ByteView private_der, ByteView public_der) {
  ErrorQueueGuard guard;
  auto mine = parseKey(private_der, KeyKind::kPrivate);
  if (!mine) return mine.error();
  auto theirs = parseKey(public_der, KeyKind::kPublic);
  if (!theirs) return theirs.error();
  PkeyCtx ctx = contextFor(mine->get());
  size_t n = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), theirs->get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &n) != 1) {
    return operationError("key agreement failed (do the keys use the same curve?)");
  }
  Bytes out(n);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &n) != 1) {
    return operationError("key agreement failed");
  }
  out.resize(n);
  return out;
}

Result<Bytes> hkdf(std::string_view hash, ByteView key, ByteView salt, ByteView info,
                   size_t bytes) {
  ErrorQueueGuard guard;
  if (auto md = fetchMd(hash); !md) return md.error();
  std::string md_name(hash);
  // OpenSSL wants a key: HKDF with an empty one is HMAC with an all-zero one, the same value.
  static const uint8_t kZero = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md_name.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                        const_cast<uint8_t*>(key.empty() ? &kZero : key.data()),
                                        key.empty() ? 1 : key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(ptr(salt)),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(ptr(info)),
                                        info.size()),
      OSSL_PARAM_construct_end()};
  return runKdf("HKDF", params, bytes);
}

Result<Bytes> pbkdf2(std::string_view hash, ByteView password, ByteView salt, uint32_t iterations,
                     size_t bytes) {
  ErrorQueueGuard guard;
  if (auto md = fetchMd(hash); !md) return md.error();
  if (iterations == 0) return operationError("PBKDF2 needs at least one iteration");
  std::string md_name(hash);
  uint64_t iter = iterations;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md_name.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<uint8_t*>(ptr(password)), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(ptr(salt)),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter), OSSL_PARAM_construct_end()};
  return runKdf("PBKDF2", params, bytes);
}

Result<KeyPair> generateRsa(uint32_t modulus_bits, ByteView public_exponent) {
  ErrorQueueGuard guard;
  if (modulus_bits < 512 || modulus_bits > 16384) {
    return operationError("RSA modulusLength must be between 512 and 16384 bits");
  }
  Bn exponent(BN_bin2bn(ptr(public_exponent), len(public_exponent.size()), nullptr));
  if (!exponent || !BN_is_odd(exponent.get()) || BN_is_one(exponent.get()) ||
      BN_num_bits(exponent.get()) > 64) {
    return operationError("the RSA publicExponent must be odd, above 1 and at most 64 bits");
  }
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(modulus_bits)) != 1 ||
      EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), exponent.get()) != 1) {
    return operationError("cannot set up RSA key generation");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return operationError("RSA key generation failed");
  Pkey key(raw);
  return toKeyPair(key.get());
}

Result<KeyPair> generateKeyPair(std::string_view type, std::string_view curve) {
  ErrorQueueGuard guard;
  EVP_PKEY* raw = nullptr;
  if (type == "EC") {
    if (curveBytes(curve) == 0) {
      return Error{"NotSupportedError", "unsupported curve " + std::string(curve)};
    }
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(curve).c_str());
  } else if (type == "Ed25519") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  } else if (type == "X25519") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  } else {
    return Error{"NotSupportedError", "unsupported key type " + std::string(type)};
  }
  if (!raw) return operationError("key generation failed");
  Pkey key(raw);
  return toKeyPair(key.get());
}

Result<KeyInfo> keyInfo(ByteView der, KeyKind kind) {
  ErrorQueueGuard guard;
  auto key = parseKey(der, kind);
  if (!key) return key.error();
  KeyInfo info;
  info.type = typeName(key->get());
  if (info.type == "EC") {
    info.curve = curveName(key->get());
    if (!info.curve.empty()) {
      if (auto status = checkEcKey(key->get(), kind); !status) return status.error();
    }
  } else if (info.type == "RSA") {
    info.modulus_bits = static_cast<uint32_t>(EVP_PKEY_get_bits(key->get()));
    auto e = bnParam(key->get(), OSSL_PKEY_PARAM_RSA_E);
    if (!e) return e.error();
    info.public_exponent = std::move(*e);
  }
  return info;
}

Result<std::vector<Bytes>> keyComponents(ByteView der, KeyKind kind) {
  ErrorQueueGuard guard;
  auto parsed = parseKey(der, kind);
  if (!parsed) return parsed.error();
  EVP_PKEY* key = parsed->get();
  std::vector<Bytes> out;
  auto add = [&](Result<Bytes> part) {
    if (!part) return false;
    out.push_back(std::move(*part));
    return true;
  };
  std::string type = typeName(key);
  bool ok = true;
  if (type == "RSA") {
    ok = add(bnParam(key, OSSL_PKEY_PARAM_RSA_N)) && add(bnParam(key, OSSL_PKEY_PARAM_RSA_E));
    if (ok && kind == KeyKind::kPrivate) {
      for (const char* name : {OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
                               OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
                               OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1}) {
        ok = ok && add(bnParam(key, name));
      }
    }
  } else if (type == "EC") {
    size_t size = curveBytes(curveName(key));
    if (size == 0) return Error{"NotSupportedError", "unsupported curve"};
    ok = add(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, size)) &&
         add(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, size)) &&
         (kind == KeyKind::kPublic || add(bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY, size)));
  } else if (type == "Ed25519" || type == "X25519") {
    ok = add(rawKey(key, KeyKind::kPublic)) &&
         (kind == KeyKind::kPublic || add(rawKey(key, KeyKind::kPrivate)));
  } else {
    return Error{"NotSupportedError", "unsupported key type " + type};
  }
  if (!ok) return operationError("cannot read the key's parameters");
  return out;
}

Result<Bytes> keyFromComponents(std::string_view type, std::string_view curve, KeyKind kind,
                                const std::vector<Bytes>& components) {
  ErrorQueueGuard guard;
  if (type == "RSA") return rsaFromComponents(kind, components);
  if (type == "EC") return ecFromComponents(curve, kind, components);
  if (type == "Ed25519" || type == "X25519") return okpFromComponents(type, kind, components);
  return Error{"NotSupportedError", "unsupported key type " + std::string(type)};
}

}  // namespace quiver::isolates::crypto
