#include "host/zlib_stream.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>

namespace quiver::host {
namespace {

// zlib counts in 32-bit `uInt`s: larger inputs and output bounds are fed in pieces.
constexpr size_t kMaxPiece = size_t{1} << 30;
// Each allocation carries its size in front (zfree does not get it back), padded to keep
// zlib's structures aligned as malloc would.
constexpr size_t kHeader = alignof(std::max_align_t);

int windowBits(ZlibFormat format) {
  switch (format) {
    case ZlibFormat::kGzip:
      return 15 + 16;
    case ZlibFormat::kDeflate:
      return 15;
    case ZlibFormat::kDeflateRaw:
      return -15;
  }
  return 15;
}

const char kTruncated[] = "The compressed data ended before the end of the stream";
const char kTrailing[] = "The compressed data has trailing bytes after the end of the stream";
const char kNoMemory[] = "Not enough memory for the zlib stream";

std::atomic<size_t> g_live{0};

}  // namespace

struct ZlibStream::Zlib {
  z_stream z{};
};

std::optional<ZlibFormat> parseZlibFormat(std::string_view name) {
  if (name == "gzip") return ZlibFormat::kGzip;
  if (name == "deflate") return ZlibFormat::kDeflate;
  if (name == "deflate-raw") return ZlibFormat::kDeflateRaw;
  return std::nullopt;
}

ZlibStream::ZlibStream(ZlibMode mode, ZlibAllocator* allocator)
    : mode_(mode), allocator_(allocator), zlib_(std::make_unique<Zlib>()) {
  g_live.fetch_add(1, std::memory_order_relaxed);
}

size_t ZlibStream::liveCount() { return g_live.load(std::memory_order_relaxed); }

std::unique_ptr<ZlibStream> ZlibStream::create(ZlibMode mode, ZlibFormat format, std::string* error,
                                               ZlibAllocator* allocator) {
  std::unique_ptr<ZlibStream> stream(new ZlibStream(mode, allocator));
  z_stream& z = stream->zlib_->z;
  z.zalloc = &ZlibStream::zalloc;
  z.zfree = &ZlibStream::zfree;
  z.opaque = stream.get();
  int rc = mode == ZlibMode::kCompress ? deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                                      windowBits(format), 8, Z_DEFAULT_STRATEGY)
                                       : inflateInit2(&z, windowBits(format));
  if (rc != Z_OK) {
    if (error) *error = rc == Z_MEM_ERROR ? kNoMemory : "zlib could not start a stream";
    return nullptr;
  }
  stream->initialized_ = true;
  return stream;
}

ZlibStream::~ZlibStream() {
  g_live.fetch_sub(1, std::memory_order_relaxed);
  if (!initialized_) return;
  if (mode_ == ZlibMode::kCompress) {
    deflateEnd(&zlib_->z);
  } else {
    inflateEnd(&zlib_->z);
  }
}

void ZlibStream::setMaxOutput(size_t bytes) {
  max_output_ = std::clamp<size_t>(bytes, 1, kMaxPiece);
}

void* ZlibStream::zalloc(void* opaque, unsigned items, unsigned size) {
  auto* self = static_cast<ZlibStream*>(opaque);
  if (size != 0 && items > (std::numeric_limits<size_t>::max() - kHeader) / size) return nullptr;
  size_t bytes = size_t{items} * size + kHeader;
  void* block = self->allocator_ ? self->allocator_->allocate(bytes) : std::malloc(bytes);
  if (block == nullptr) return nullptr;
  *static_cast<size_t*>(block) = bytes;
  self->allocated_ += bytes;
  return static_cast<char*>(block) + kHeader;
}

void ZlibStream::zfree(void* opaque, void* address) {
  if (address == nullptr) return;
  auto* self = static_cast<ZlibStream*>(opaque);
  void* block = static_cast<char*>(address) - kHeader;
  size_t bytes = *static_cast<size_t*>(block);
  self->allocated_ -= bytes;
  if (self->allocator_) {
    self->allocator_->release(block, bytes);
  } else {
    std::free(block);
  }
}

bool ZlibStream::fail(std::string message, std::string* error) {
  if (error_.empty()) error_ = std::move(message);
  more_output_ = false;
  pending_.clear();
  pending_offset_ = 0;
  if (error) *error = error_;
  return false;
}

bool ZlibStream::failed(std::string* error) const {
  if (error_.empty()) return false;
  if (error) *error = error_;
  return true;
}

// Runs zlib over `src` until the input is used up, the output bound is reached or the stream
// ends; appends what it produced to `out` and reports in `consumed` how much of `src` it took.
bool ZlibStream::process(std::string_view src, size_t& consumed, bool finish_input,
                         std::string& out, std::string* error) {
  z_stream& z = zlib_->z;
  const size_t start = out.size();
  out.resize(start + max_output_);
  z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  z.avail_out = static_cast<uInt>(max_output_);
  consumed = 0;
  z.avail_in = 0;
  bool ok = true;
  while (z.avail_out > 0 && !ended_) {
    if (z.avail_in == 0) {
      size_t piece = std::min(src.size() - consumed, kMaxPiece);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(src.data() + consumed));
      z.avail_in = static_cast<uInt>(piece);
    }
    const bool last_piece = consumed + z.avail_in == src.size();
    const Bytef* before = z.next_in;
    int rc;
    if (mode_ == ZlibMode::kCompress) {
      rc = deflate(&z, finish_input && last_piece ? Z_FINISH : Z_NO_FLUSH);
    } else {
      rc = inflate(&z, Z_NO_FLUSH);
    }
    consumed += static_cast<size_t>(z.next_in - before);
    if (rc == Z_STREAM_END) {
      ended_ = true;
      break;
    }
    if (rc == Z_BUF_ERROR) break;  // no progress possible: needs more input (or output room)
    if (rc == Z_NEED_DICT) {
      ok = fail("The compressed data is corrupt: it needs a preset dictionary", error);
      break;
    }
    if (rc == Z_DATA_ERROR) {
      ok = fail(std::string("The compressed data is corrupt: ") + (z.msg ? z.msg : "invalid data"),
                error);
      break;
    }
    if (rc != Z_OK) {
      ok = fail(rc == Z_MEM_ERROR ? kNoMemory : "zlib failed", error);
      break;
    }
    // All input taken; compressing without Z_FINISH or decompressing, nothing more to do now.
    if (z.avail_in == 0 && consumed == src.size() &&
        !(finish_input && mode_ == ZlibMode::kCompress))
      break;
  }
  out.resize(out.size() - z.avail_out);
  more_output_ = ok && z.avail_out == 0 && !ended_;
  z.next_in = nullptr;
  z.avail_in = 0;
  z.next_out = nullptr;
  z.avail_out = 0;
  return ok;
}

// Feeds pending input followed by `in`, keeping what was not consumed.
bool ZlibStream::feed(std::string_view in, bool finish_input, std::string& out,
                      std::string* error) {
  const bool from_pending = pending_offset_ < pending_.size();
  if (from_pending) pending_.append(in);
  std::string_view src = from_pending ? std::string_view(pending_).substr(pending_offset_) : in;
  size_t consumed = 0;
  if (!process(src, consumed, finish_input, out, error)) return false;
  if (mode_ == ZlibMode::kDecompress && ended_ && consumed < src.size()) {
    return fail(kTrailing, error);
  }
  if (from_pending) {
    pending_offset_ += consumed;
    if (pending_offset_ == pending_.size()) {
      pending_.clear();
      pending_offset_ = 0;
    } else if (pending_offset_ > pending_.size() / 2) {
      pending_.erase(0, pending_offset_);
      pending_offset_ = 0;
    }
  } else if (consumed < src.size()) {
    pending_.assign(src.substr(consumed));
    pending_offset_ = 0;
  }
  if (pending_offset_ < pending_.size()) more_output_ = true;
  return true;
}

bool ZlibStream::write(std::string_view in, std::string& out, std::string* error) {
  if (failed(error)) return false;
  if (finishing_) return fail("write() after finish()", error);
  if (mode_ == ZlibMode::kDecompress && ended_ && !in.empty()) return fail(kTrailing, error);
  return feed(in, false, out, error);
}

bool ZlibStream::finish(std::string& out, std::string* error) {
  if (failed(error)) return false;
  finishing_ = true;
  if (ended_ && !more_output_) return true;
  if (!feed({}, true, out, error)) return false;
  if (mode_ == ZlibMode::kDecompress && !ended_ && !more_output_) return fail(kTruncated, error);
  return true;
}

}  // namespace quiver::host
