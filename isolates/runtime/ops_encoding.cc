// Ops of the encoding area: UTF-8 encoding (TextEncoder, bodies), decoding for TextDecoder
// (isolates/runtime/js/11_encoding.js) through the spec decoders of text_codecs.h with V8's own
// UTF-8 decoder as the fast path, and base64 (atob/btoa, forgiving-base64; 12_base64.js).
//
// Every byte array an op returns is allocated through the isolate's ArrayBuffer allocator (which
// counts it against the function's memory limit): an allocation it refuses is a RangeError in JS,
// never V8's fatal out-of-memory abort that v8::ArrayBuffer::New would hit.
#include <v8.h>

#include <cstring>
#include <string>

#include "isolates/runtime/ops.h"
#include "isolates/runtime/text_codecs.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

void throwTypeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
}

void throwRangeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::RangeError(v8str(isolate, message)));
}

// A new Uint8Array of `length` bytes (uninitialized when `zeroed` is false), or empty with a
// RangeError thrown when the allocator refuses.
v8::MaybeLocal<v8::Uint8Array> newBytes(v8::Isolate* isolate, size_t length, bool zeroed = false) {
  v8::ArrayBuffer::Allocator* allocator = isolate->GetArrayBufferAllocator();
  void* data = length == 0 ? nullptr
               : zeroed    ? allocator->Allocate(length)
                           : allocator->AllocateUninitialized(length);
  if (length != 0 && data == nullptr) {
    throwRangeError(isolate, "Array buffer allocation failed");
    return {};
  }
  auto store = v8::ArrayBuffer::NewBackingStore(
      data, length,
      [](void* bytes, size_t size, void* owner) {
        if (bytes) static_cast<v8::ArrayBuffer::Allocator*>(owner)->Free(bytes, size);
      },
      allocator);
  auto buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Uint8Array::New(buffer, 0, length);
}

// The bytes an ArrayBufferView (any kind, shared or not) or ArrayBuffer looks at.
bool bytesOf(v8::Local<v8::Value> value, std::span<const uint8_t>& bytes) {
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    size_t length = view->ByteLength();
    if (length == 0) {
      bytes = {};
      return true;
    }
    auto* base = static_cast<const uint8_t*>(view->Buffer()->Data());
    bytes = {base + view->ByteOffset(), length};
    return true;
  }
  if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    bytes = {static_cast<const uint8_t*>(buffer->Data()), buffer->ByteLength()};
    return true;
  }
  return false;
}

// A string of UTF-16 code units, or empty with a RangeError thrown when it is too long.
v8::MaybeLocal<v8::String> newTwoByteString(v8::Isolate* isolate, const std::u16string& units) {
  if (units.size() > static_cast<size_t>(v8::String::kMaxLength)) {
    throwRangeError(isolate, "Invalid string length");
    return {};
  }
  v8::Local<v8::String> result;
  if (!v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t*>(units.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(units.size()))
           .ToLocal(&result)) {
    throwRangeError(isolate, "Invalid string length");
    return {};
  }
  return result;
}

v8::MaybeLocal<v8::String> newOneByteString(v8::Isolate* isolate, const uint8_t* data,
                                            size_t length) {
  v8::Local<v8::String> result;
  if (length > static_cast<size_t>(v8::String::kMaxLength) ||
      !v8::String::NewFromOneByte(isolate, length ? data : reinterpret_cast<const uint8_t*>(""),
                                  v8::NewStringType::kNormal, static_cast<int>(length))
           .ToLocal(&result)) {
    throwRangeError(isolate, "Invalid string length");
    return {};
  }
  return result;
}

// V8's UTF-8 decoder, which replaces each maximal invalid subpart with U+FFFD as the Encoding
// Standard's UTF-8 decoder does (checked against it by tests/js/encoding.test.js).
v8::MaybeLocal<v8::String> decodeUtf8Fast(v8::Isolate* isolate, std::span<const uint8_t> bytes) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    throwRangeError(isolate, "Invalid string length");
    return {};
  }
  v8::Local<v8::String> result;
  if (!v8::String::NewFromUtf8(isolate,
                               bytes.empty() ? "" : reinterpret_cast<const char*>(bytes.data()),
                               v8::NewStringType::kNormal, static_cast<int>(bytes.size()))
           .ToLocal(&result)) {
    throwRangeError(isolate, "Invalid string length");
    return {};
  }
  return result;
}

uint32_t* uint32Slot(v8::Local<v8::Value> value) {
  if (!value->IsUint32Array()) return nullptr;
  auto array = value.As<v8::Uint32Array>();
  if (array->Length() < 1) return nullptr;
  return reinterpret_cast<uint32_t*>(static_cast<uint8_t*>(array->Buffer()->Data()) +
                                     array->ByteOffset());
}

// --- UTF-8 ---

// ops.utf8Encode(string) -> Uint8Array. Lone surrogates become U+FFFD.
void opUtf8Encode(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) {
    return throwTypeError(isolate, "ops.utf8Encode(string) takes a string");
  }
  auto s = args[0].As<v8::String>();
  size_t length = static_cast<size_t>(s->Utf8Length(isolate));
  v8::Local<v8::Uint8Array> bytes;
  if (!newBytes(isolate, length).ToLocal(&bytes)) return;
  if (length > 0) {
    char* out = static_cast<char*>(bytes->Buffer()->Data());
    s->WriteUtf8(isolate, out, static_cast<int>(length), nullptr,
                 v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  }
  args.GetReturnValue().Set(bytes);
}

// ops.utf8EncodeInto(string, destination Uint8Array, result Uint32Array(2)): writes as many whole
// characters as fit; result[0] = UTF-16 code units read, result[1] = bytes written.
void opUtf8EncodeInto(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  uint32_t* result = args.Length() >= 3 ? uint32Slot(args[2]) : nullptr;
  if (!args[0]->IsString() || !args[1]->IsUint8Array() || result == nullptr ||
      args[2].As<v8::Uint32Array>()->Length() < 2) {
    return throwTypeError(isolate, "ops.utf8EncodeInto(string, Uint8Array, Uint32Array)");
  }
  auto s = args[0].As<v8::String>();
  auto destination = args[1].As<v8::Uint8Array>();
  size_t capacity = destination->ByteLength();
  if (capacity > static_cast<size_t>(INT32_MAX)) capacity = INT32_MAX;
  int read = 0;
  int written = 0;
  if (capacity > 0 && s->Length() > 0) {
    char* out = static_cast<char*>(destination->Buffer()->Data()) + destination->ByteOffset();
    written = s->WriteUtf8(isolate, out, static_cast<int>(capacity), &read,
                           v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  }
  result[0] = static_cast<uint32_t>(read);
  result[1] = static_cast<uint32_t>(written);
}

// ops.utf8Decode(bytes) -> string: https://encoding.spec.whatwg.org/#utf-8-decode-without-bom
// (a BOM is kept). The fast path: V8's decoder over the whole input.
void opUtf8Decode(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  std::span<const uint8_t> bytes;
  if (args.Length() < 1 || !bytesOf(args[0], bytes)) {
    return throwTypeError(isolate, "ops.utf8Decode(buffer) takes an ArrayBuffer or a view");
  }
  v8::Local<v8::String> text;
  if (decodeUtf8Fast(isolate, bytes).ToLocal(&text)) args.GetReturnValue().Set(text);
}

// ops.utf8DecodeStream(bytes, state, fatal, flush, stateOut Uint32Array(1)) -> string | null
// One chunk of a UTF-8 stream (a BOM is kept): the sequence pending from the previous chunk is
// finished by the spec decoder, the bulk goes through V8's decoder (validated first when fatal),
// and an incomplete sequence at the end stays pending unless `flush`. null: a fatal error.
void opUtf8DecodeStream(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  std::span<const uint8_t> bytes;
  uint32_t* state_out = args.Length() >= 5 ? uint32Slot(args[4]) : nullptr;
  if (!bytesOf(args[0], bytes) || !args[1]->IsUint32() || state_out == nullptr) {
    return throwTypeError(isolate, "ops.utf8DecodeStream(bytes, state, fatal, flush, stateOut)");
  }
  uint32_t state = args[1].As<v8::Uint32>()->Value();
  bool fatal = args[2]->IsTrue();
  bool flush = args[3]->IsTrue();
  std::u16string head;
  bool ok = true;
  size_t start = state == 0 ? 0 : text::utf8FinishSequence(bytes, state, fatal, head, ok);
  if (!ok) return args.GetReturnValue().SetNull();
  if (state != 0) {  // the input ended inside the pending sequence
    if (flush) {
      if (fatal) return args.GetReturnValue().SetNull();
      head.push_back(u'\uFFFD');
      state = 0;
    }
    *state_out = state;
    v8::Local<v8::String> text;
    if (newTwoByteString(isolate, head).ToLocal(&text)) args.GetReturnValue().Set(text);
    return;
  }
  std::span<const uint8_t> rest = bytes.subspan(start);
  size_t tail = flush ? 0 : text::utf8IncompleteTail(rest);
  std::span<const uint8_t> body = rest.first(rest.size() - tail);
  if (fatal && !text::utf8Valid(body)) return args.GetReturnValue().SetNull();
  v8::Local<v8::String> text;
  if (!decodeUtf8Fast(isolate, body).ToLocal(&text)) return;
  if (!head.empty()) {
    v8::Local<v8::String> prefix;
    if (!newTwoByteString(isolate, head).ToLocal(&prefix)) return;
    text = v8::String::Concat(isolate, prefix, text);
  }
  std::u16string unused;
  static const text::EncodingInfo* utf8 = text::findEncoding("utf-8");
  text::decode(*utf8, rest.last(tail), state, false, false, unused);
  *state_out = state;
  args.GetReturnValue().Set(text);
}

// ops.decode(encodingName, bytes, state, fatal, flush, stateOut Uint32Array(1)) -> string | null
// Any encoding of text_codecs.h by its spec decoder (a BOM is kept). null: a fatal error.
void opDecode(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  std::span<const uint8_t> bytes;
  uint32_t* state_out = args.Length() >= 6 ? uint32Slot(args[5]) : nullptr;
  if (!args[0]->IsString() || !bytesOf(args[1], bytes) || !args[2]->IsUint32() ||
      state_out == nullptr) {
    return throwTypeError(isolate, "ops.decode(encoding, bytes, state, fatal, flush, stateOut)");
  }
  const text::EncodingInfo* encoding =
      text::findEncoding(stringToUtf8(isolate, args[0].As<v8::String>()));
  if (encoding == nullptr) return throwRangeError(isolate, "unknown encoding");
  uint32_t state = args[2].As<v8::Uint32>()->Value();
  std::u16string out;
  out.reserve(bytes.size() + 2);
  if (!text::decode(*encoding, bytes, state, args[4]->IsTrue(), args[3]->IsTrue(), out)) {
    return args.GetReturnValue().SetNull();
  }
  *state_out = state;
  v8::Local<v8::String> text;
  if (newTwoByteString(isolate, out).ToLocal(&text)) args.GetReturnValue().Set(text);
}

// --- base64 (https://infra.spec.whatwg.org/#forgiving-base64) ---

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0-63 for the alphabet, 64 for ASCII whitespace, 255 for anything else.
constexpr std::array<uint8_t, 256> kBase64Values = [] {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = 255;
  for (int i = 0; i < 64; ++i)
    table[static_cast<uint8_t>(kBase64Alphabet[i])] = static_cast<uint8_t>(i);
  for (uint8_t c : {'\t', '\n', '\f', '\r', ' '}) table[c] = 64;
  return table;
}();

std::string base64Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.resize((bytes.size() + 2) / 3 * 4);
  char* p = out.data();
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(bytes[i]) << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    *p++ = kBase64Alphabet[n >> 18];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = kBase64Alphabet[(n >> 6) & 63];
    *p++ = kBase64Alphabet[n & 63];
  }
  if (size_t left = bytes.size() - i; left > 0) {
    uint32_t n = static_cast<uint32_t>(bytes[i]) << 16 | (left == 2 ? bytes[i + 1] << 8 : 0);
    *p++ = kBase64Alphabet[n >> 18];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = left == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    *p++ = '=';
  }
  return out;
}

// https://infra.spec.whatwg.org/#forgiving-base64-decode over code units of any width: false is
// failure. `out` receives the bytes.
template <class Char>
bool forgivingBase64Decode(const Char* data, size_t length, std::string& out) {
  // 1. Remove ASCII whitespace (kept as sextet values; '=' as 65).
  std::string sextets;
  sextets.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    uint32_t c = static_cast<uint32_t>(data[i]);
    if (c > 0xff) return false;
    if (c == '=') {
      sextets.push_back(65);
      continue;
    }
    uint8_t v = kBase64Values[c];
    if (v == 255) return false;
    if (v != 64) sextets.push_back(static_cast<char>(v));
  }
  // 2. Strip one or two trailing '=' when the length is a multiple of 4.
  size_t n = sextets.size();
  if (n % 4 == 0 && n > 0 && sextets[n - 1] == 65) {
    --n;
    if (sextets[n - 1] == 65) --n;
  }
  // 3-4. A length of 4k+1, or any '=' left, fails.
  if (n % 4 == 1) return false;
  for (size_t i = 0; i < n; ++i) {
    if (sextets[i] == 65) return false;
  }
  out.resize(n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1));
  char* p = out.data();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t v = static_cast<uint32_t>(sextets[i]) << 18 | sextets[i + 1] << 12 |
                 sextets[i + 2] << 6 | sextets[i + 3];
    *p++ = static_cast<char>(v >> 16);
    *p++ = static_cast<char>(v >> 8);
    *p++ = static_cast<char>(v);
  }
  if (n - i == 2) {
    *p++ = static_cast<char>((sextets[i] << 2) | (sextets[i + 1] >> 4));
  } else if (n - i == 3) {
    uint32_t v = static_cast<uint32_t>(sextets[i]) << 12 | sextets[i + 1] << 6 | sextets[i + 2];
    *p++ = static_cast<char>(v >> 10);
    *p++ = static_cast<char>(v >> 2);
  }
  return true;
}

bool forgivingBase64Decode(v8::Isolate* isolate, v8::Local<v8::String> s, std::string& out) {
  size_t length = static_cast<size_t>(s->Length());
  if (s->IsOneByte()) {
    std::string chars(length, '\0');
    s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(chars.data()), 0, -1,
                    v8::String::NO_NULL_TERMINATION);
    return forgivingBase64Decode(reinterpret_cast<const uint8_t*>(chars.data()), length, out);
  }
  std::u16string chars(length, u'\0');
  s->Write(isolate, reinterpret_cast<uint16_t*>(chars.data()), 0, -1,
           v8::String::NO_NULL_TERMINATION);
  return forgivingBase64Decode(chars.data(), length, out);
}

// The Latin-1 bytes of a string, or false if it has a code unit above U+00FF.
bool latin1Bytes(v8::Isolate* isolate, v8::Local<v8::String> s, std::string& out) {
  if (!s->IsOneByte() && !s->ContainsOnlyOneByte()) return false;
  out.assign(static_cast<size_t>(s->Length()), '\0');
  s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, -1,
                  v8::String::NO_NULL_TERMINATION);
  return true;
}

// ops.base64Encode(bytes) -> string
void opBase64Encode(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  std::span<const uint8_t> bytes;
  if (args.Length() < 1 || !bytesOf(args[0], bytes)) {
    return throwTypeError(isolate, "ops.base64Encode(bytes) takes an ArrayBuffer or a view");
  }
  if (bytes.size() / 3 * 4 > static_cast<size_t>(v8::String::kMaxLength)) {
    return throwRangeError(isolate, "Invalid string length");
  }
  std::string encoded = base64Encode(bytes);
  v8::Local<v8::String> text;
  if (newOneByteString(isolate, reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size())
          .ToLocal(&text)) {
    args.GetReturnValue().Set(text);
  }
}

// ops.base64Decode(string) -> Uint8Array | null (null: not forgiving-base64)
void opBase64Decode(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) {
    return throwTypeError(isolate, "ops.base64Decode(string) takes a string");
  }
  std::string decoded;
  if (!forgivingBase64Decode(isolate, args[0].As<v8::String>(), decoded)) {
    return args.GetReturnValue().SetNull();
  }
  v8::Local<v8::Uint8Array> bytes;
  if (!newBytes(isolate, decoded.size()).ToLocal(&bytes)) return;
  if (!decoded.empty()) std::memcpy(bytes->Buffer()->Data(), decoded.data(), decoded.size());
  args.GetReturnValue().Set(bytes);
}

// ops.atob(string) -> string | null: the decoded bytes as a Latin-1 string.
void opAtob(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) {
    return throwTypeError(isolate, "ops.atob(string) takes a string");
  }
  std::string decoded;
  if (!forgivingBase64Decode(isolate, args[0].As<v8::String>(), decoded)) {
    return args.GetReturnValue().SetNull();
  }
  v8::Local<v8::String> text;
  if (newOneByteString(isolate, reinterpret_cast<const uint8_t*>(decoded.data()), decoded.size())
          .ToLocal(&text)) {
    args.GetReturnValue().Set(text);
  }
}

// ops.btoa(string) -> string | null (null: a code unit above U+00FF)
void opBtoa(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) {
    return throwTypeError(isolate, "ops.btoa(string) takes a string");
  }
  std::string bytes;
  if (!latin1Bytes(isolate, args[0].As<v8::String>(), bytes)) {
    return args.GetReturnValue().SetNull();
  }
  if (bytes.size() / 3 * 4 > static_cast<size_t>(v8::String::kMaxLength)) {
    return throwRangeError(isolate, "Invalid string length");
  }
  std::string encoded =
      base64Encode({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  v8::Local<v8::String> text;
  if (newOneByteString(isolate, reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size())
          .ToLocal(&text)) {
    args.GetReturnValue().Set(text);
  }
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"atob", opAtob},
    {"base64Decode", opBase64Decode},
    {"base64Encode", opBase64Encode},
    {"btoa", opBtoa},
    {"decode", opDecode},
    {"utf8Decode", opUtf8Decode},
    {"utf8DecodeStream", opUtf8DecodeStream},
    {"utf8Encode", opUtf8Encode},
    {"utf8EncodeInto", opUtf8EncodeInto},
};
// clang-format on

}  // namespace

std::span<const Op> encodingOps() { return kOps; }

}  // namespace quiver::isolates
