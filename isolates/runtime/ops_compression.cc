// Ops of the compression area: the native half of CompressionStream and DecompressionStream
// (isolates/runtime/js/18_compression.js), one host::ZlibStream per JS stream.
//
//   ops.zlibCreate(format, decompress) -> handle
//       format: "gzip" | "deflate" | "deflate-raw" (else a TypeError); decompress: boolean.
//   ops.zlibFootprint(handle) -> number             bytes of native memory the codec holds
//   ops.zlibWrite(handle, bytes?) -> Uint8Array      feeds bytes (an ArrayBuffer or any view;
//       left out: only drains) and returns the next output, possibly empty, at most 64 KB
//   ops.zlibFinish(handle) -> Uint8Array            ends the input; call again while hasMore
//   ops.zlibHasMore(handle) -> boolean              more output is ready: call zlibWrite(handle)
//                                                   (or zlibFinish again) before new input
//   ops.zlibClose(handle)                           frees zlib's state now (idempotent)
// Data errors are TypeErrors with host::ZlibStream's messages ("The compressed data is corrupt:
// incorrect header check", "The compressed data ended before the end of the stream", …); a
// closed or foreign handle is a TypeError too. Each call produces at most 64 KB, so the CPU limit
// can interrupt the JS loop that drains a large chunk between calls.
//
// Ownership: the handle is a zero-length ArrayBuffer whose backing store owns the codec (its
// deleter frees it) and whose first embedder field points at it (how the ops find it again; JS
// cannot set embedder fields, so no other ArrayBuffer passes for a handle). The codec therefore
// dies with the JS stream that holds the handle, on whichever thread V8 sweeps array buffers (it
// touches nothing shared), or at the latest when the isolate is disposed, which frees every
// backing store (weak callbacks would not run then). Zero bytes long, it shows JS nothing.
//
// Memory: zlib's state (about 256 KB per compressor, 40 KB per decompressor) lives outside the V8
// heap and outside the counting allocator. The JS stands for it with an ArrayBuffer of
// zlibFootprint() bytes that lives as long as the codec (see 18_compression.js): V8's own
// ArrayBuffer machinery then counts it against the function's memory limit and, unlike memory it
// cannot see, collects streams dropped without close before they pile up to the limit (V8
// collects young garbage when young array buffers hold much external memory). Output arrays are
// allocated through the counting allocator.
#include <v8.h>

#include <cstring>
#include <memory>
#include <optional>
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

// What a handle's backing store owns. `stream` is null once closed.
struct Codec {
  std::unique_ptr<host::ZlibStream> stream;
  size_t footprint = 0;
};

void deleteCodec(void* codec, size_t, void*) { delete static_cast<Codec*>(codec); }

// The codec a handle owns, or null.
Codec* codecOf(v8::Local<v8::Value> handle) {
  if (!handle->IsArrayBuffer()) return nullptr;
  auto buffer = handle.As<v8::ArrayBuffer>();
  if (buffer->InternalFieldCount() < 1) return nullptr;
  return static_cast<Codec*>(buffer->GetAlignedPointerFromInternalField(0));
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
  auto codec = std::make_unique<Codec>();
  std::string error;
  codec->stream = host::ZlibStream::create(mode, *format, &error);
  if (!codec->stream) return throwRangeError(isolate, error);
  // What zlib allocated, plus the window inflate allocates on first use.
  codec->footprint = codec->stream->allocatedBytes() +
                     (mode == host::ZlibMode::kDecompress ? size_t{32} << 10 : 0);
  auto store = v8::ArrayBuffer::NewBackingStore(codec.get(), 0, deleteCodec, nullptr);
  Codec* owned = codec.release();  // owned by the backing store from here on
  auto handle = v8::ArrayBuffer::New(isolate, std::move(store));
  handle->SetAlignedPointerInInternalField(0, owned);
  args.GetReturnValue().Set(handle);
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

// ops.zlibFootprint(handle) -> number
void opZlibFootprint(const v8::FunctionCallbackInfo<v8::Value>& args) {
  Codec* codec = codecOf(args[0]);
  if (!codec) {
    return throwTypeError(args.GetIsolate(),
                          "ops.zlibFootprint: the handle is not one ops.zlibCreate returned");
  }
  args.GetReturnValue().Set(static_cast<double>(codec->footprint));
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
    {"zlibFootprint", opZlibFootprint},
    {"zlibHasMore", opZlibHasMore},
    {"zlibWrite", opZlibWrite},
};
// clang-format on

}  // namespace

std::span<const Op> compressionOps() { return kOps; }

}  // namespace quiver::isolates
