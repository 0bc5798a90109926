// The cryptography behind Web Crypto (runtime/js/50_crypto.js), on OpenSSL 3's EVP APIs. Plain
// C++ with no V8 in it, so that every function here may run on libuv's thread pool: each takes
// bytes and returns bytes, and keeps no state between calls.
//
// Keys travel as bytes: secret keys raw; asymmetric keys as DER, PKCS#8 for private keys and
// SubjectPublicKeyInfo for public keys (the JS CryptoKey keeps them in its internal slot). Every
// call parses the key it is given; nothing here outlives the call.
//
// Failures are Result errors whose code is the DOMException name the JS side throws
// ("OperationError", "DataError", "NotSupportedError") and whose message says what failed,
// with OpenSSL's own reason appended where it has one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/result.h"

namespace quiver::isolates::crypto {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// `hash` is a Web Crypto name: "SHA-1", "SHA-256", "SHA-384" or "SHA-512".
Result<Bytes> digest(std::string_view hash, ByteView data);
Result<Bytes> hmacSign(std::string_view hash, ByteView key, ByteView data);
// Constant-time comparison of the expected MAC with `signature`.
Result<bool> hmacVerify(std::string_view hash, ByteView key, ByteView signature, ByteView data);

enum class Direction { kEncrypt, kDecrypt };
Result<Bytes> aesCbc(Direction direction, ByteView key, ByteView iv, ByteView data);
// `counter` is the 16-byte counter block whose rightmost `length_bits` bits count blocks (and
// wrap to zero); the rest is a nonce that never changes. Refuses data that would reuse a counter.
Result<Bytes> aesCtr(ByteView key, ByteView counter, unsigned length_bits, ByteView data);
// Encrypt: ciphertext || tag (tag_bits / 8 bytes). Decrypt: takes that, checks the tag.
Result<Bytes> aesGcm(Direction direction, ByteView key, ByteView iv, ByteView additional_data,
                     unsigned tag_bits, ByteView data);
// RFC 3394 key wrap with the default IV.
Result<Bytes> aesKw(Direction direction, ByteView key, ByteView data);

Result<Bytes> rsaOaep(Direction direction, std::string_view hash, ByteView key_der, ByteView label,
                      ByteView data);

enum class SignAlgorithm { kRsaPkcs1, kRsaPss, kEcdsa, kEd25519 };
// ECDSA signatures are r || s, each left-padded to the curve's size (IEEE P1363, as Web Crypto
// wants), not DER. `hash` is ignored for Ed25519, `salt_length` used only for RSA-PSS.
Result<Bytes> sign(SignAlgorithm algorithm, std::string_view hash, ByteView private_der,
                   uint32_t salt_length, ByteView data);
// False for a signature that does not verify, including one of the wrong length or encoding.
Result<bool> verify(SignAlgorithm algorithm, std::string_view hash, ByteView public_der,
                    uint32_t salt_length, ByteView signature, ByteView data);

// ECDH (same curve) or X25519: the raw shared secret.
Result<Bytes> deriveShared(ByteView private_der, ByteView public_der);
Result<Bytes> hkdf(std::string_view hash, ByteView key, ByteView salt, ByteView info, size_t bytes);
Result<Bytes> pbkdf2(std::string_view hash, ByteView password, ByteView salt, uint32_t iterations,
                     size_t bytes);

struct KeyPair {
  Bytes private_pkcs8;
  Bytes public_spki;
};
// `public_exponent` big-endian, as Web Crypto's BigInteger.
Result<KeyPair> generateRsa(uint32_t modulus_bits, ByteView public_exponent);
// `type`: "EC" (with `curve` "P-256", "P-384" or "P-521"), "Ed25519" or "X25519".
Result<KeyPair> generateKeyPair(std::string_view type, std::string_view curve);

// What a DER key is. `type`: "RSA", "EC", "Ed25519", "X25519", or another OpenSSL name for keys
// Web Crypto does not support (the JS side turns that into a DataError). `curve` is set for EC
// keys ("P-256", "P-384", "P-521", or "" for other curves); RSA keys have modulus_bits and
// public_exponent. Parsing checks the whole input is one key and that EC points are valid.
struct KeyInfo {
  std::string type;
  std::string curve;
  uint32_t modulus_bits = 0;
  Bytes public_exponent;
};
enum class KeyKind { kPublic, kPrivate };
Result<KeyInfo> keyInfo(ByteView der, KeyKind kind);

// A key's parameters as JWK needs them (big-endian, fixed size where JWK says so):
//   RSA: n, e, and for private keys d, p, q, dp, dq, qi
//   EC:  x, y, and for private keys d
//   Ed25519 / X25519: x, and for private keys d
Result<std::vector<Bytes>> keyComponents(ByteView der, KeyKind kind);
// The reverse: the DER (SPKI or PKCS#8) of the key with those components, checked. EC public
// keys may also be given as one SEC1 point (compressed or not) instead of x and y; an
// Ed25519/X25519 private key may omit x.
Result<Bytes> keyFromComponents(std::string_view type, std::string_view curve, KeyKind kind,
                                const std::vector<Bytes>& components);

}  // namespace quiver::isolates::crypto
