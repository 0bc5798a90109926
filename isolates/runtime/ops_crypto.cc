// The crypto ops: the native half of runtime/js/50_crypto.js. Each op checks its arguments
// (they come from the runtime's JS, not from user code, so a bad one is a runtime bug and throws
// a TypeError), copies the bytes it needs, and runs the work from crypto_openssl.h:
//   - inline, returning the result, when the JS passes offThread = false;
//   - on libuv's thread pool through OpsHost::queueOffThread, returning a promise of the result,
//     when it passes true (the JS decides what is expensive; see the top of 50_crypto.js).
// Results: a Uint8Array, a boolean, or an array of them. A failure is returned, not thrown, as
// the string "<DOMException name>: <message>", which the JS turns into the DOMException of the
// function's own realm.
#include <openssl/rand.h>

#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "isolates/runtime/crypto_openssl.h"
#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

using crypto::Bytes;
using crypto::ByteView;

// What an operation produced, made into a JS value on the shard's thread.
using Item = std::variant<Bytes, bool, std::string, double>;
struct Output {
  std::vector<Item> items;
  bool list = false;  // an array of items, not one value
};
using Outcome = Result<Output>;
using Work = std::function<Outcome()>;

Outcome one(Result<Bytes> r) {
  if (!r) return r.error();
  return Output{{Item(std::move(*r))}};
}
Outcome one(Result<bool> r) {
  if (!r) return r.error();
  return Output{{Item(*r)}};
}

v8::Local<v8::Value> itemToJs(v8::Isolate* isolate, Item& item) {
  if (auto* bytes = std::get_if<Bytes>(&item)) {
    auto store = v8::ArrayBuffer::NewBackingStore(isolate, bytes->size());
    if (!bytes->empty()) memcpy(store->Data(), bytes->data(), bytes->size());
    return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0, bytes->size());
  }
  if (auto* b = std::get_if<bool>(&item)) return v8::Boolean::New(isolate, *b);
  if (auto* s = std::get_if<std::string>(&item)) return v8str(isolate, *s);
  return v8::Number::New(isolate, std::get<double>(item));
}

v8::Local<v8::Value> toJs(v8::Isolate* isolate, Outcome& outcome) {
  if (!outcome) return v8str(isolate, outcome.error().code + ": " + outcome.error().message);
  Output& out = *outcome;
  if (!out.list && out.items.size() == 1) return itemToJs(isolate, out.items[0]);
  std::vector<v8::Local<v8::Value>> values;
  for (Item& item : out.items) values.push_back(itemToJs(isolate, item));
  return v8::Array::New(isolate, values.data(), values.size());
}

// A crypto operation on the pool: run() computes, complete() hands the result (or the error
// string) to JS. Owns only plain bytes, as OffThreadTask requires.
class CryptoTask final : public OffThreadTask {
 public:
  explicit CryptoTask(Work work) : work_(std::move(work)) {}
  void run() override { outcome_.emplace(work_()); }
  v8::MaybeLocal<v8::Value> complete(v8::Isolate* isolate, v8::Local<v8::Context>) override {
    return toJs(isolate, *outcome_);
  }

 private:
  Work work_;
  std::optional<Outcome> outcome_;
};

void throwTypeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
}

// Reads the op's arguments; the first failure is remembered and thrown by the op.
class Args {
 public:
  Args(const v8::FunctionCallbackInfo<v8::Value>& info, const char* op) : info_(info), op_(op) {}

  Bytes bytes(int i) {
    v8::Local<v8::Value> v = info_[i];
    if (v->IsArrayBufferView()) {
      auto view = v.As<v8::ArrayBufferView>();
      Bytes out(view->ByteLength());
      if (!out.empty()) view->CopyContents(out.data(), out.size());
      return out;
    }
    if (v->IsArrayBuffer()) {
      auto buffer = v.As<v8::ArrayBuffer>();
      const auto* data = static_cast<const uint8_t*>(buffer->Data());
      return Bytes(data, data + buffer->ByteLength());
    }
    if (!v->IsNullOrUndefined()) bad(i, "bytes");
    return {};
  }
  std::string string(int i) {
    if (!info_[i]->IsString()) {
      bad(i, "a string");
      return {};
    }
    return stringToUtf8(info_.GetIsolate(), info_[i].As<v8::String>());
  }
  // An integer in [0, max].
  double number(int i, double max) {
    if (!info_[i]->IsNumber()) {
      bad(i, "a number");
      return 0;
    }
    double n = info_[i].As<v8::Number>()->Value();
    if (!(n >= 0 && n <= max) || n != static_cast<double>(static_cast<uint64_t>(n))) {
      bad(i, "an integer in range");
      return 0;
    }
    return n;
  }
  uint32_t uint32(int i) { return static_cast<uint32_t>(number(i, 4294967295.0)); }
  bool boolean(int i) { return info_[i]->IsTrue(); }
  std::vector<Bytes> byteList(int i) {
    std::vector<Bytes> out;
    if (!info_[i]->IsArray()) {
      bad(i, "an array");
      return out;
    }
    auto array = info_[i].As<v8::Array>();
    auto context = info_.GetIsolate()->GetCurrentContext();
    for (uint32_t k = 0; k < array->Length(); ++k) {
      v8::Local<v8::Value> element;
      if (!array->Get(context, k).ToLocal(&element) || !element->IsArrayBufferView()) {
        bad(i, "an array of byte arrays");
        return out;
      }
      auto view = element.As<v8::ArrayBufferView>();
      Bytes b(view->ByteLength());
      if (!b.empty()) view->CopyContents(b.data(), b.size());
      out.push_back(std::move(b));
    }
    return out;
  }
  bool ok() const { return error_.empty(); }
  bool throwIfBad() {
    if (ok()) return false;
    throwTypeError(info_.GetIsolate(), error_);
    return true;
  }

 private:
  void bad(int i, const char* what) {
    if (error_.empty()) {
      error_ = std::string("ops.") + op_ + ": argument " + std::to_string(i) + " must be " + what;
    }
  }
  const v8::FunctionCallbackInfo<v8::Value>& info_;
  const char* op_;
  std::string error_;
};

// Runs `work` inline, or off the thread when argument `off_thread_arg` is true, and returns its
// result (or a promise of it).
void finish(const v8::FunctionCallbackInfo<v8::Value>& info, Args& args, int off_thread_arg,
            Work work) {
  if (args.throwIfBad()) return;
  v8::Isolate* isolate = info.GetIsolate();
  bool off_thread = off_thread_arg >= 0 && info[off_thread_arg]->IsTrue();
  if (!off_thread) {
    Outcome outcome = work();
    info.GetReturnValue().Set(toJs(isolate, outcome));
    return;
  }
  auto* host = static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot));
  auto promise = host->queueOffThread(std::make_unique<CryptoTask>(std::move(work)));
  if (!promise) return throwTypeError(isolate, promise.error().message);
  info.GetReturnValue().Set(*promise);
}

crypto::Direction direction(bool encrypt) {
  return encrypt ? crypto::Direction::kEncrypt : crypto::Direction::kDecrypt;
}

crypto::KeyKind keyKind(bool is_private) {
  return is_private ? crypto::KeyKind::kPrivate : crypto::KeyKind::kPublic;
}

std::optional<crypto::SignAlgorithm> signAlgorithm(const std::string& name) {
  if (name == "RSASSA-PKCS1-v1_5") return crypto::SignAlgorithm::kRsaPkcs1;
  if (name == "RSA-PSS") return crypto::SignAlgorithm::kRsaPss;
  if (name == "ECDSA") return crypto::SignAlgorithm::kEcdsa;
  if (name == "Ed25519") return crypto::SignAlgorithm::kEd25519;
  return std::nullopt;
}

// ops.cryptoRandomFill(view): fills an ArrayBufferView with random bytes (the JS checks type
// and size).
void opRandomFill(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsArrayBufferView()) {
    return throwTypeError(isolate, "ops.cryptoRandomFill(view) takes an ArrayBufferView");
  }
  auto view = info[0].As<v8::ArrayBufferView>();
  size_t length = view->ByteLength();
  if (length == 0) return;
  auto* data = static_cast<uint8_t*>(view->Buffer()->Data()) + view->ByteOffset();
  if (RAND_bytes(data, static_cast<int>(length)) != 1) {
    return throwTypeError(isolate, "the random number generator failed");
  }
}

// ops.cryptoDigest(hash, data, offThread)
void opDigest(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoDigest");
  auto hash = a.string(0);
  auto data = a.bytes(1);
  finish(info, a, 2, [=] { return one(crypto::digest(hash, data)); });
}

// ops.cryptoHmacSign(hash, key, data, offThread)
void opHmacSign(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoHmacSign");
  auto hash = a.string(0);
  auto key = a.bytes(1);
  auto data = a.bytes(2);
  finish(info, a, 3, [=] { return one(crypto::hmacSign(hash, key, data)); });
}

// ops.cryptoHmacVerify(hash, key, signature, data, offThread) -> boolean
void opHmacVerify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoHmacVerify");
  auto hash = a.string(0);
  auto key = a.bytes(1);
  auto signature = a.bytes(2);
  auto data = a.bytes(3);
  finish(info, a, 4, [=] { return one(crypto::hmacVerify(hash, key, signature, data)); });
}

// ops.cryptoAesCbc(encrypt, key, iv, data, offThread)
void opAesCbc(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoAesCbc");
  bool encrypt = a.boolean(0);
  auto key = a.bytes(1);
  auto iv = a.bytes(2);
  auto data = a.bytes(3);
  finish(info, a, 4, [=] { return one(crypto::aesCbc(direction(encrypt), key, iv, data)); });
}

// ops.cryptoAesCtr(key, counter, lengthBits, data, offThread): encryption and decryption alike.
void opAesCtr(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoAesCtr");
  auto key = a.bytes(0);
  auto counter = a.bytes(1);
  unsigned length = a.uint32(2);
  auto data = a.bytes(3);
  finish(info, a, 4, [=] { return one(crypto::aesCtr(key, counter, length, data)); });
}

// ops.cryptoAesGcm(encrypt, key, iv, additionalData, tagBits, data, offThread)
void opAesGcm(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoAesGcm");
  bool encrypt = a.boolean(0);
  auto key = a.bytes(1);
  auto iv = a.bytes(2);
  auto aad = a.bytes(3);
  unsigned tag_bits = a.uint32(4);
  auto data = a.bytes(5);
  finish(info, a, 6,
         [=] { return one(crypto::aesGcm(direction(encrypt), key, iv, aad, tag_bits, data)); });
}

// ops.cryptoAesKw(wrap, key, data, offThread)
void opAesKw(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoAesKw");
  bool wrap = a.boolean(0);
  auto key = a.bytes(1);
  auto data = a.bytes(2);
  finish(info, a, 3, [=] { return one(crypto::aesKw(direction(wrap), key, data)); });
}

// ops.cryptoRsaOaep(encrypt, hash, keyDer, label, data, offThread)
void opRsaOaep(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoRsaOaep");
  bool encrypt = a.boolean(0);
  auto hash = a.string(1);
  auto key = a.bytes(2);
  auto label = a.bytes(3);
  auto data = a.bytes(4);
  finish(info, a, 5,
         [=] { return one(crypto::rsaOaep(direction(encrypt), hash, key, label, data)); });
}

// ops.cryptoSign(algorithm, hash, privateDer, saltLength, data, offThread)
void opSign(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoSign");
  auto algorithm = signAlgorithm(a.string(0));
  auto hash = a.string(1);
  auto key = a.bytes(2);
  uint32_t salt = a.uint32(3);
  auto data = a.bytes(4);
  if (!algorithm) return throwTypeError(info.GetIsolate(), "ops.cryptoSign: unknown algorithm");
  finish(info, a, 5, [=] { return one(crypto::sign(*algorithm, hash, key, salt, data)); });
}

// ops.cryptoVerify(algorithm, hash, publicDer, saltLength, signature, data, offThread)
void opVerify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoVerify");
  auto algorithm = signAlgorithm(a.string(0));
  auto hash = a.string(1);
  auto key = a.bytes(2);
  uint32_t salt = a.uint32(3);
  auto signature = a.bytes(4);
  auto data = a.bytes(5);
  if (!algorithm) return throwTypeError(info.GetIsolate(), "ops.cryptoVerify: unknown algorithm");
  finish(info, a, 6,
         [=] { return one(crypto::verify(*algorithm, hash, key, salt, signature, data)); });
}

// ops.cryptoDeriveShared(privateDer, publicDer, offThread): ECDH and X25519.
void opDeriveShared(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoDeriveShared");
  auto mine = a.bytes(0);
  auto theirs = a.bytes(1);
  finish(info, a, 2, [=] { return one(crypto::deriveShared(mine, theirs)); });
}

// ops.cryptoHkdf(hash, key, salt, info, bytes, offThread)
void opHkdf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoHkdf");
  auto hash = a.string(0);
  auto key = a.bytes(1);
  auto salt = a.bytes(2);
  auto extra = a.bytes(3);
  auto bytes = static_cast<size_t>(a.number(4, 1 << 24));
  finish(info, a, 5, [=] { return one(crypto::hkdf(hash, key, salt, extra, bytes)); });
}

// ops.cryptoPbkdf2(hash, password, salt, iterations, bytes, offThread)
void opPbkdf2(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoPbkdf2");
  auto hash = a.string(0);
  auto password = a.bytes(1);
  auto salt = a.bytes(2);
  uint32_t iterations = a.uint32(3);
  auto bytes = static_cast<size_t>(a.number(4, 1 << 24));
  finish(info, a, 5, [=] { return one(crypto::pbkdf2(hash, password, salt, iterations, bytes)); });
}

Outcome pairOutcome(Result<crypto::KeyPair> pair) {
  if (!pair) return pair.error();
  return Output{{Item(std::move(pair->private_pkcs8)), Item(std::move(pair->public_spki))}, true};
}

// ops.cryptoGenerateKeyPair(type, curve, modulusBits, publicExponent, offThread)
//   -> [privatePkcs8, publicSpki]; type "RSA", "EC", "Ed25519" or "X25519".
void opGenerateKeyPair(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoGenerateKeyPair");
  auto type = a.string(0);
  auto curve = a.string(1);
  uint32_t bits = a.uint32(2);
  auto exponent = a.bytes(3);
  finish(info, a, 4, [=] {
    return pairOutcome(type == "RSA" ? crypto::generateRsa(bits, exponent)
                                     : crypto::generateKeyPair(type, curve));
  });
}

// ops.cryptoKeyInfo(der, isPrivate) -> [type, curve, modulusBits, publicExponent]
void opKeyInfo(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoKeyInfo");
  auto der = a.bytes(0);
  bool is_private = a.boolean(1);
  finish(info, a, -1, [=]() -> Outcome {
    auto key = crypto::keyInfo(der, keyKind(is_private));
    if (!key) return key.error();
    return Output{{Item(key->type), Item(key->curve), Item(static_cast<double>(key->modulus_bits)),
                   Item(key->public_exponent)},
                  true};
  });
}

// ops.cryptoKeyComponents(der, isPrivate) -> [Uint8Array, …] (see crypto::keyComponents)
void opKeyComponents(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoKeyComponents");
  auto der = a.bytes(0);
  bool is_private = a.boolean(1);
  finish(info, a, -1, [=]() -> Outcome {
    auto parts = crypto::keyComponents(der, keyKind(is_private));
    if (!parts) return parts.error();
    Output out{{}, true};
    for (Bytes& part : *parts) out.items.emplace_back(std::move(part));
    return out;
  });
}

// ops.cryptoKeyFromComponents(type, curve, isPrivate, [Uint8Array, …]) -> DER
void opKeyFromComponents(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Args a(info, "cryptoKeyFromComponents");
  auto type = a.string(0);
  auto curve = a.string(1);
  bool is_private = a.boolean(2);
  auto parts = a.byteList(3);
  finish(info, a, -1,
         [=] { return one(crypto::keyFromComponents(type, curve, keyKind(is_private), parts)); });
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"cryptoAesCbc", opAesCbc},
    {"cryptoAesCtr", opAesCtr},
    {"cryptoAesGcm", opAesGcm},
    {"cryptoAesKw", opAesKw},
    {"cryptoDeriveShared", opDeriveShared},
    {"cryptoDigest", opDigest},
    {"cryptoGenerateKeyPair", opGenerateKeyPair},
    {"cryptoHkdf", opHkdf},
    {"cryptoHmacSign", opHmacSign},
    {"cryptoHmacVerify", opHmacVerify},
    {"cryptoKeyComponents", opKeyComponents},
    {"cryptoKeyFromComponents", opKeyFromComponents},
    {"cryptoKeyInfo", opKeyInfo},
    {"cryptoPbkdf2", opPbkdf2},
    {"cryptoRandomFill", opRandomFill},
    {"cryptoRsaOaep", opRsaOaep},
    {"cryptoSign", opSign},
    {"cryptoVerify", opVerify},
};
// clang-format on

}  // namespace

std::span<const Op> cryptoOps() { return kOps; }

}  // namespace quiver::isolates
