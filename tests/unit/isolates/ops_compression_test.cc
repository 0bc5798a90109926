// The zlib ops (isolates/runtime/ops_compression.cc) in a real isolate whose ArrayBuffer
// allocator we count: results, errors as TypeErrors, and where zlib's memory goes and when it
// comes back (explicit close, garbage collection, isolate disposal).
#include <gtest/gtest.h>

#include "host/zlib_stream.h"
#include "isolates/limits/counting_allocator.h"
#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"
#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

// An isolate with its own counting allocator and globalThis.ops holding every runtime op.
class OpsIsolate {
 public:
  explicit OpsIsolate(size_t limit = SIZE_MAX) : allocator_(limit, [this] { ++exceeded_; }) {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = &allocator_;
    isolate_ = v8::Isolate::New(params);
  }
  ~OpsIsolate() { dispose(); }

  void dispose() {
    if (!isolate_) return;
    context_.Reset();
    isolate_->Dispose();
    isolate_ = nullptr;
  }

  // Runs `source` in a fresh HandleScope; returns its result converted to a string, or
  // "THROWS <Class>: <message>".
  std::string run(const std::string& source) {
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handle_scope(isolate_);
    if (context_.IsEmpty()) makeContext();
    auto context = context_.Get(isolate_);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate_);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> result;
    if (!v8::Script::Compile(context, isolates::v8str(isolate_, source)).ToLocal(&script) ||
        !script->Run(context).ToLocal(&result)) {
      return "THROWS " + isolates::toUtf8(isolate_, try_catch.Exception());
    }
    return isolates::toUtf8(isolate_, result);
  }

  void collectGarbage() {
    v8::Isolate::Scope isolate_scope(isolate_);
    isolate_->LowMemoryNotification();
  }

  size_t used() const { return allocator_.used(); }
  int exceeded() const { return exceeded_; }

 private:
  void makeContext() {
    auto context = v8::Context::New(isolate_);
    v8::Context::Scope context_scope(context);
    auto ops = v8::Object::New(isolate_);
    for (const isolates::Op& op : isolates::runtimeOps()) {
      auto fn = v8::Function::New(context, op.callback).ToLocalChecked();
      ops->Set(context, isolates::v8str(isolate_, op.name), fn).Check();
    }
    context->Global()->Set(context, isolates::v8str(isolate_, "ops"), ops).Check();
    context_.Reset(isolate_, context);
  }

  isolates::CountingAllocator allocator_;
  int exceeded_ = 0;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
};

// JS helpers: drain all output of a write or finish into one array.
const char kHelpers[] = R"JS(
  function concat(parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function pump(h, chunks) {
    const parts = [];
    for (const c of chunks) {
      parts.push(ops.zlibWrite(h, c));
      while (ops.zlibHasMore(h)) parts.push(ops.zlibWrite(h));
    }
    do parts.push(ops.zlibFinish(h)); while (ops.zlibHasMore(h));
    return concat(parts);
  }
  function codec(format, decompress, chunks) {
    const h = ops.zlibCreate(format, decompress);
    try { return pump(h, chunks); } finally { ops.zlibClose(h); }
  }
  function bytes(s) { return Uint8Array.from(s, (c) => c.charCodeAt(0)); }
  function str(b) { return String.fromCharCode(...b); }
)JS";

TEST(CompressionOps, RoundTripsEveryFormat) {
  OpsIsolate js;
  js.run(kHelpers);
  for (const char* format : {"gzip", "deflate", "deflate-raw"}) {
    std::string f = format;
    EXPECT_EQ(js.run("str(codec('" + f + "', true, [codec('" + f +
                     "', false, [bytes('hello '), bytes('world')])]))"),
              "hello world")
        << format;
  }
  // A view into the middle of a larger buffer, an ArrayBuffer, and a DataView are all bytes.
  EXPECT_EQ(js.run("const z = codec('gzip', false, [new Uint8Array([0, 104, 105, 0]).subarray(1, "
                   "3), new ArrayBuffer(0), new DataView(bytes('!').buffer)]);"
                   "str(codec('gzip', true, [z]))"),
            "hi!");
}

TEST(CompressionOps, OutputComesInBoundedPieces) {
  OpsIsolate js;
  js.run(kHelpers);
  // 8 MB of zeros inflates from one small chunk in pieces of at most 64 KB.
  EXPECT_EQ(js.run(R"JS(
    const bomb = codec('deflate', false, [new Uint8Array(8 << 20)]);
    const h = ops.zlibCreate('deflate', true);
    let pieces = 0, total = 0, largest = 0;
    for (let out = ops.zlibWrite(h, bomb); ; out = ops.zlibWrite(h)) {
      pieces++; total += out.length; largest = Math.max(largest, out.length);
      if (!ops.zlibHasMore(h)) break;
    }
    total += ops.zlibFinish(h).length;
    `${bomb.length < 16384} ${total} ${largest} ${pieces >= 128}`
  )JS"),
            "true 8388608 65536 true");
}

TEST(CompressionOps, ErrorsAreTypeErrors) {
  OpsIsolate js;
  js.run(kHelpers);
  EXPECT_EQ(js.run("ops.zlibCreate('br', false)"),
            "THROWS TypeError: Unsupported compression format: 'br'");
  EXPECT_EQ(js.run("codec('gzip', true, [bytes('not gzip')])"),
            "THROWS TypeError: The compressed data is corrupt: incorrect header check");
  EXPECT_EQ(js.run("codec('gzip', true, [codec('gzip', false, [bytes('abc')]).subarray(0, 10)])"),
            "THROWS TypeError: The compressed data ended before the end of the stream");
  EXPECT_EQ(js.run("const g = codec('gzip', false, [bytes('abc')]);"
                   "codec('gzip', true, [g, new Uint8Array([1])])"),
            "THROWS TypeError: The compressed data has trailing bytes after the end of the stream");
  EXPECT_EQ(js.run("ops.zlibWrite(ops.zlibCreate('gzip', false), 'text')"),
            "THROWS TypeError: ops.zlibWrite(handle, bytes): bytes must be a BufferSource");
  EXPECT_EQ(js.run("ops.zlibWrite(new ArrayBuffer(0), new Uint8Array(1))"),
            "THROWS TypeError: ops.zlib*: the handle is not one ops.zlibCreate returned");
  EXPECT_EQ(js.run("ops.zlibFinish({})"),
            "THROWS TypeError: ops.zlib*: the handle is not one ops.zlibCreate returned");
  EXPECT_EQ(js.run("const c = ops.zlibCreate('gzip', false); ops.zlibClose(c); ops.zlibClose(c);"
                   "ops.zlibFinish(c)"),
            "THROWS TypeError: The compression stream is closed");
}

// The JS half (18_compression.js) keeps, beside each handle, an ArrayBuffer of its footprint.
const char kCreate[] = R"JS(
  function create(format, decompress) {
    const handle = ops.zlibCreate(format, decompress);
    return [handle, new ArrayBuffer(ops.zlibFootprint(handle))];
  }
)JS";

TEST(CompressionOps, TheFootprintIsZlibsState) {
  OpsIsolate js;
  EXPECT_EQ(js.run("const c = ops.zlibCreate('gzip', false); ops.zlibFootprint(c) > 200 * 1024"),
            "true");  // deflate's window, hash chains and buffers
  EXPECT_EQ(js.run("const d = ops.zlibCreate('gzip', true); const n = ops.zlibFootprint(d);"
                   "n > 32 * 1024 && n < 64 * 1024"),
            "true");  // inflate's state and its window
  EXPECT_EQ(js.run("ops.zlibClose(c); ops.zlibFootprint(c) > 0"), "true");
}

// Codecs are freed by zlibClose, by the garbage collector, and by the isolate's disposal.
TEST(CompressionOps, CodecsAreFreedOnCloseCollectionAndDisposal) {
  const size_t before = host::ZlibStream::liveCount();
  OpsIsolate js;
  js.run(kCreate);
  js.run("globalThis.keep = [create('gzip', false)]");
  EXPECT_EQ(host::ZlibStream::liveCount(), before + 1);
  js.run("ops.zlibClose(keep.pop()[0])");
  EXPECT_EQ(host::ZlibStream::liveCount(), before);
  js.collectGarbage();  // the closed codec's ballast
  const size_t base = js.used();
  js.run("for (let i = 0; i < 20; i++) keep.push(create('deflate', i % 2 == 0))");
  EXPECT_EQ(host::ZlibStream::liveCount(), before + 20);
  EXPECT_GT(js.used(), base + (size_t{2} << 20));
  js.run("keep = null");
  js.collectGarbage();
  EXPECT_EQ(host::ZlibStream::liveCount(), before);
  EXPECT_EQ(js.used(), base);

  js.run("globalThis.kept = [create('gzip', false), create('gzip', true)]");
  EXPECT_EQ(host::ZlibStream::liveCount(), before + 2);
  js.dispose();
  EXPECT_EQ(host::ZlibStream::liveCount(), before);
  EXPECT_EQ(js.used(), 0u);
}

// 2000 compressors dropped without close are 500 MB of zlib state: under a 128 MB limit, the
// garbage collector must take them as it goes (it sees their ballast), not the limit the instance.
TEST(CompressionOps, DroppedCodecsAreCollectedBeforeTheyReachTheLimit) {
  const size_t before = host::ZlibStream::liveCount();
  OpsIsolate js(size_t{128} << 20);
  js.run(kCreate);
  EXPECT_EQ(js.run("let n = 0; for (let i = 0; i < 2000; i++) { create('gzip', false); n++; } n"),
            "2000");
  EXPECT_EQ(js.exceeded(), 0);
  EXPECT_LT(host::ZlibStream::liveCount(), before + 500);
}

}  // namespace
}  // namespace quiver::testing
