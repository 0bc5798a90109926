// ZlibStream: one incremental zlib codec (compressor or decompressor) for the three formats of
// the Compression Standard (https://compression.spec.whatwg.org/#supported-formats) and HTTP's
// gzip/deflate content codings. No V8 here: the runtime's CompressionStream/DecompressionStream
// (isolates/runtime/ops_compression.cc) and the outbound HTTP client both drive it.
//
// Output is bounded per call: write() and finish() append at most maxOutput() bytes to `out`
// and keep whatever input they could not consume yet, so a small input that inflates to
// gigabytes (a decompression bomb) is produced piece by piece, each piece handed on (and counted
// by the caller) before the next is made. While hasMoreOutput() is true the caller drains:
//
//   stream->write(chunk, out, &error);                                  // then, while more:
//   while (stream->hasMoreOutput()) stream->write({}, out, &error);     // hand `out` on each time
//   do stream->finish(out, &error); while (stream->hasMoreOutput());    // at the end
//
// Decompression is strict, as the Compression Standard asks: corrupt data, bytes after the end
// of the compressed stream (a second gzip member included) and input that stops before the end
// (seen by finish()) are errors. An error is sticky: every later call fails with the same message.
//
// Memory: zlib's own state (about 256 KB compressing, 7 KB plus a 32 KB window decompressing)
// comes from the ZlibAllocator given to create(), so an embedder can count or cap it, else from
// malloc; allocatedBytes() says how much it is (the runtime mirrors it in an ArrayBuffer that V8
// and the function's memory limit see, isolates/runtime/ops_compression.cc).
//
// Thread: not thread-safe; a stream may be used, and destroyed, on any one thread at a time. The
// allocator must outlive the stream and be callable from the thread that destroys it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace quiver::host {

enum class ZlibFormat {
  kGzip,        // RFC 1952
  kDeflate,     // the zlib wrapper, RFC 1950 (what HTTP and the Compression Standard call deflate)
  kDeflateRaw,  // bare RFC 1951
};

enum class ZlibMode { kCompress, kDecompress };

// "gzip", "deflate", "deflate-raw" (the Compression Standard's names; case-sensitive).
std::optional<ZlibFormat> parseZlibFormat(std::string_view name);

// Where zlib's internal state is allocated. allocate() returns nullptr to refuse (create() then
// fails with an out-of-memory error); release() gets back exactly what allocate() gave.
class ZlibAllocator {
 public:
  virtual ~ZlibAllocator() = default;
  virtual void* allocate(size_t bytes) = 0;
  virtual void release(void* data, size_t bytes) = 0;
};

class ZlibStream {
 public:
  static constexpr size_t kDefaultMaxOutput = size_t{64} << 10;

  // A compressor (default level, 32 KB window) or decompressor for `format`. nullptr with
  // *error set when zlib cannot start (out of memory). `allocator` may be null (malloc).
  static std::unique_ptr<ZlibStream> create(ZlibMode mode, ZlibFormat format, std::string* error,
                                            ZlibAllocator* allocator = nullptr);
  ~ZlibStream();
  ZlibStream(const ZlibStream&) = delete;
  ZlibStream& operator=(const ZlibStream&) = delete;

  // Feeds `in` (may be empty: just drain) and appends up to maxOutput() bytes to `out`; input not
  // consumed yet is copied and kept for the next call. False with *error set on corrupt data,
  // on bytes past the end of a decompressed stream, and after finish().
  bool write(std::string_view in, std::string& out, std::string* error);

  // Ends the input: compressing, writes the stream's end; decompressing, checks that the end was
  // reached. Appends up to maxOutput() bytes to `out`; call again while hasMoreOutput(). False
  // with *error set when the compressed input stopped before its end. Again after the end: true,
  // nothing appended.
  bool finish(std::string& out, std::string* error);

  // The last write()/finish() stopped at the output bound: more output may be ready without new
  // input (the next call may still produce nothing).
  bool hasMoreOutput() const { return more_output_; }
  // finish() completed: the whole stream is out.
  bool finished() const { return finishing_ && ended_ && !more_output_; }

  size_t maxOutput() const { return max_output_; }
  void setMaxOutput(size_t bytes);  // at least 1; tests use tiny bounds
  // Bytes zlib holds through the allocator right now.
  size_t allocatedBytes() const { return allocated_; }
  // Streams alive in the process (any thread), for tests and leak checks.
  static size_t liveCount();

 private:
  struct Zlib;  // the z_stream, kept out of this header
  ZlibStream(ZlibMode mode, ZlibAllocator* allocator);
  bool process(std::string_view src, size_t& consumed, bool finish_input, std::string& out,
               std::string* error);
  bool feed(std::string_view in, bool finish_input, std::string& out, std::string* error);
  bool fail(std::string message, std::string* error);
  bool failed(std::string* error) const;
  static void* zalloc(void* opaque, unsigned items, unsigned size);
  static void zfree(void* opaque, void* address);

  const ZlibMode mode_;
  ZlibAllocator* const allocator_;
  std::unique_ptr<Zlib> zlib_;
  bool initialized_ = false;
  std::string pending_;  // input not consumed yet, from pending_offset_ on
  size_t pending_offset_ = 0;
  size_t max_output_ = kDefaultMaxOutput;
  size_t allocated_ = 0;
  bool more_output_ = false;
  bool finishing_ = false;
  bool ended_ = false;  // zlib reached the end of the stream
  std::string error_;   // sticky
};

}  // namespace quiver::host
