// Ops of the compression area: the native half of CompressionStream and DecompressionStream
// (isolates/runtime/js/18_compression.js), one host::ZlibStream per JS stream.
//
//   ops.zlibCreate(format, decompress) -> handle
//       format: "gzip" | "deflate" | "deflate-raw" (else a TypeError); decompress: boolean.
//       A RangeError when the function's memory limit refuses zlib's state.
//   ops.zlibWrite(handle, bytes?) -> Uint8Array      feeds bytes (an ArrayBuffer or any view;
//       left out: only drains) and returns the next output, possibly empty, at most 64 KB
//   ops.zlibFinish(handle) -> Uint8Array            ends the input; call again while hasMore
//   ops.zlibHasMore(handle) -> boolean              more output is ready: call zlibWrite(handle)
//                                                   (or zlibFinish again) before new input
//   ops.zlibClose(handle)                           frees zlib's state now (idempotent)
// Data errors are TypeErrors with host::ZlibStream's messages ("The compressed data is corrupt:
// incorrect header check", "The compressed data ended before the end of the stream", …); a
// closed or foreign handle is a TypeError too.
//
// Ownership and memory: the handle is a zero-length ArrayBuffer whose backing store owns the
// codec (its deleter frees it), so the codec dies with the JS stream that holds the handle (on
// whichever thread V8 sweeps array buffers: the codec touches nothing but the allocator, which is
// thread-safe) or, at the latest, when the isolate is disposed, which frees every backing store.
// Zero bytes long, the buffer shows JS nothing of the codec. zlib's own state (about 256 KB per
// compressor, 40 KB per decompressor) is allocated through the isolate's ArrayBuffer allocator,
// so it counts against the function's memory limit like ArrayBuffers do; the JS closes a codec
// as soon as its stream ends, errors or is cancelled rather than wait for the garbage collector
// (which does not see that memory). Output arrays are allocated through the same allocator.
#include <v8.h>

#include <cstring>
#include <memory>
#include <string>

#include "host/zlib_stream.h"
#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

void throwTypeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
}

void throwRangeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::RangeError(v8str(isolate, message)));
}

// zlib's allocations, through the isolate's (counting) ArrayBuffer allocator.
class IsolateZlibAllocator final : public host::ZlibAllocator {
 public:
  explicit IsolateZlibAllocator(v8::ArrayBuffer::Allocator* allocator) : allocator_(allocator) {}
  void* allocate(size_t bytes) override { return allocator_->AllocateUninitialized(bytes); }
  void release(void* data, size_t bytes) override { allocator_->Free(data, bytes); }

 private:
  v8::ArrayBuffer::Allocator* allocator_;
};

// What a handle's backing store points at and owns. `stream` is null once closed.
struct Codec {
  static constexpr uint64_t kMagic = 0x7a6c6962636f6465;  // "zlibcode"
  explicit Codec(v8::ArrayBuffer::Allocator* allocator) : allocator(allocator) {}
  uint64_t magic = kMagic;
  IsolateZlibAllocator allocator;
  std::unique_ptr<host::ZlibStream> stream;
};

void deleteCodec(void* data, size_t, void*) { delete static_cast<Codec*>(data); }

// The codec a handle owns, or null. V8 keeps an empty buffer's own data pointer only in its
// backing store (ArrayBuffer::Data() of an empty buffer is not it), hence GetBackingStore().
Codec* codecOf(v8::Local<v8::Value> handle) {
  if (!handle->IsArrayBuffer()) return nullptr;
  auto buffer = handle.As<v8::ArrayBuffer>();
  if (buffer->ByteLength() != 0) return nullptr;
  auto* codec = static_cast<Codec*>(buffer->GetBackingStore()->Data());
  if (codec == nullptr || codec->magic != Codec::kMagic) return nullptr;
  return codec;
}

// The open codec behind a handle, or null with a TypeError thrown.
host::ZlibStream* streamOf(v8::Isolate* isolate, v8::Local<v8::Value> handle) {
  Codec* codec = codecOf(handle);
  if (codec == nullptr) {
    throwTypeError(isolate, "ops.zlib*: the handle is not one ops.zlibCreate returned");
    return nullptr;
  }
  if (!codec->stream) {
    throwTypeError(isolate, "The compression stream is closed");
    return nullptr;
  }
  return codec->stream.get();
}

// The bytes as a new Uint8Array allocated through the isolate's allocator, or empty with a
// RangeError thrown when it refuses.
v8::MaybeLocal<v8::Uint8Array> toUint8Array(v8::Isolate* isolate, const std::string& bytes) {
  v8::ArrayBuffer::Allocator* allocator = isolate->GetArrayBufferAllocator();
  void* data = bytes.empty() ? nullptr : allocator->AllocateUninitialized(bytes.size());
  if (!bytes.empty() && data == nullptr) {
    throwRangeError(isolate, "Array buffer allocation failed");
    return {};
  }
  if (data) std::memcpy(data, bytes.data(), bytes.size());
  auto store = v8::ArrayBuffer::NewBackingStore(
      data, bytes.size(),
      [](void* p, size_t size, void* owner) {
        if (p) static_cast<v8::ArrayBuffer::Allocator*>(owner)->Free(p, size);
      },
      allocator);
  return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0, bytes.size());
}

void returnBytes(const v8::FunctionCallbackInfo<v8::Value>& args, const std::string& bytes) {
  v8::Local<v8::Uint8Array> array;
  if (toUint8Array(args.GetIsolate(), bytes).ToLocal(&array)) args.GetReturnValue().Set(array);
}

// ops.zlibCreate(format, decompress) -> handle
void opZlibCreate(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 2 || !args[0]->IsString()) {
    return throwTypeError(isolate, "ops.zlibCreate(format, decompress)");
  }
  std::string name = stringToUtf8(isolate, args[0].As<v8::String>());
  std::optional<host::ZlibFormat> format = host::parseZlibFormat(name);
  if (!format) return throwTypeError(isolate, "Unsupported compression format: '" + name + "'");
  host::ZlibMode mode = args[1]->IsTrue() ? host::ZlibMode::kDecompress : host::ZlibMode::kCompress;
  auto codec = std::make_unique<Codec>(isolate->GetArrayBufferAllocator());
  std::string error;
  codec->stream = host::ZlibStream::create(mode, *format, &error, &codec->allocator);
  if (!codec->stream) return throwRangeError(isolate, error);
  auto store = v8::ArrayBuffer::NewBackingStore(codec.get(), 0, deleteCodec, nullptr);
  codec.release();  // owned by the backing store from here on
  args.GetReturnValue().Set(v8::ArrayBuffer::New(isolate, std::move(store)));
}

// ops.zlibWrite(handle, bytes?) -> Uint8Array
void opZlibWrite(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  host::ZlibStream* stream = streamOf(isolate, args[0]);
  if (!stream) return;
  std::string_view in;
  v8::Local<v8::Value> chunk = args[1];
  if (chunk->IsArrayBufferView()) {
    auto view = chunk.As<v8::ArrayBufferView>();
    if (view->ByteLength() > 0) {
      in = {static_cast<const char*>(view->Buffer()->Data()) + view->ByteOffset(),
            view->ByteLength()};
    }
  } else if (chunk->IsArrayBuffer()) {
    auto buffer = chunk.As<v8::ArrayBuffer>();
    if (buffer->ByteLength() > 0) {
      in = {static_cast<const char*>(buffer->Data()), buffer->ByteLength()};
    }
  } else if (!chunk->IsUndefined()) {
    return throwTypeError(isolate, "ops.zlibWrite(handle, bytes): bytes must be a BufferSource");
  }
  std::string out, error;
  if (!stream->write(in, out, &error)) return throwTypeError(isolate, error);
  returnBytes(args, out);
}

// ops.zlibFinish(handle) -> Uint8Array
void opZlibFinish(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  host::ZlibStream* stream = streamOf(isolate, args[0]);
  if (!stream) return;
  std::string out, error;
  if (!stream->finish(out, &error)) return throwTypeError(isolate, error);
  returnBytes(args, out);
}

// ops.zlibHasMore(handle) -> boolean
void opZlibHasMore(const v8::FunctionCallbackInfo<v8::Value>& args) {
  host::ZlibStream* stream = streamOf(args.GetIsolate(), args[0]);
  if (stream) args.GetReturnValue().Set(stream->hasMoreOutput());
}

// ops.zlibClose(handle): frees zlib's state; the handle stays valid (closed) until collected.
void opZlibClose(const v8::FunctionCallbackInfo<v8::Value>& args) {
  if (Codec* codec = codecOf(args[0])) {
    codec->stream.reset();
    return;
  }
  throwTypeError(args.GetIsolate(), "ops.zlibClose: the handle is not one ops.zlibCreate returned");
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"zlibClose", opZlibClose},
    {"zlibCreate", opZlibCreate},
    {"zlibFinish", opZlibFinish},
    {"zlibHasMore", opZlibHasMore},
    {"zlibWrite", opZlibWrite},
};
// clang-format on

}  // namespace

std::span<const Op> compressionOps() { return kOps; }

}  // namespace quiver::isolates
