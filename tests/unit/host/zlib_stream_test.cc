// ZlibStream against itself (every format, every split of the input), against hostile input
// (corrupt, truncated, trailing bytes, a bomb) and against the system's gzip binary.
#include "host/zlib_stream.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "tests/unit/host/temp_dir.h"

namespace quiver::host {
namespace {

constexpr ZlibFormat kFormats[] = {ZlibFormat::kGzip, ZlibFormat::kDeflate,
                                   ZlibFormat::kDeflateRaw};

std::unique_ptr<ZlibStream> make(ZlibMode mode, ZlibFormat format) {
  std::string error;
  auto stream = ZlibStream::create(mode, format, &error);
  EXPECT_NE(stream, nullptr) << error;
  return stream;
}

// Writes each chunk (draining), then finishes; checks the output bound on every call. Returns
// false with *error on the first failure.
bool run(ZlibStream& stream, const std::vector<std::string_view>& chunks, std::string& out,
         std::string* error) {
  auto step = [&](auto call) {
    size_t before = out.size();
    bool ok = call();
    EXPECT_LE(out.size() - before, stream.maxOutput());
    return ok;
  };
  for (std::string_view chunk : chunks) {
    if (!step([&] { return stream.write(chunk, out, error); })) return false;
    while (stream.hasMoreOutput()) {
      if (!step([&] { return stream.write({}, out, error); })) return false;
    }
  }
  do {
    if (!step([&] { return stream.finish(out, error); })) return false;
  } while (stream.hasMoreOutput());
  EXPECT_TRUE(stream.finished());
  return true;
}

std::string compress(ZlibFormat format, std::string_view input) {
  auto stream = make(ZlibMode::kCompress, format);
  std::string out, error;
  EXPECT_TRUE(run(*stream, {input}, out, &error)) << error;
  return out;
}

// The decompressed bytes, or "ERROR: <message>".
std::string decompress(ZlibFormat format, const std::vector<std::string_view>& chunks,
                       size_t max_output = ZlibStream::kDefaultMaxOutput) {
  auto stream = make(ZlibMode::kDecompress, format);
  stream->setMaxOutput(max_output);
  std::string out, error;
  if (!run(*stream, chunks, out, &error)) return "ERROR: " + error;
  return out;
}

std::string sample() {
  std::string s;
  for (int i = 0; i < 12; ++i) s += "the quick brown fox " + std::to_string(i * 7919) + " ";
  return s;
}

// Compressible but not trivially: words from a small vocabulary in a pseudo-random order, with
// some random bytes mixed in.
std::string largeInput(size_t size) {
  static const char* words[] = {"alpha ", "beta ", "gamma ", "delta\n", "epsilon ", "zeta "};
  std::string s;
  uint32_t x = 12345;
  while (s.size() < size) {
    x = x * 1103515245 + 12345;
    if ((x >> 16) % 7 == 0) {
      s.push_back(static_cast<char>(x >> 8));
    } else {
      s += words[(x >> 16) % 6];
    }
  }
  s.resize(size);
  return s;
}

TEST(ZlibStream, ParsesTheCompressionStandardsNames) {
  EXPECT_EQ(parseZlibFormat("gzip"), ZlibFormat::kGzip);
  EXPECT_EQ(parseZlibFormat("deflate"), ZlibFormat::kDeflate);
  EXPECT_EQ(parseZlibFormat("deflate-raw"), ZlibFormat::kDeflateRaw);
  EXPECT_EQ(parseZlibFormat("GZIP"), std::nullopt);
  EXPECT_EQ(parseZlibFormat("br"), std::nullopt);
}

TEST(ZlibStream, RoundTripsWithTheInputSplitAtEveryByte) {
  const std::string input = sample();
  for (ZlibFormat format : kFormats) {
    const std::string whole = compress(format, input);
    EXPECT_EQ(decompress(format, {whole}), input);
    for (size_t i = 0; i <= input.size(); ++i) {
      auto stream = make(ZlibMode::kCompress, format);
      std::string out, error;
      std::string_view view(input);
      ASSERT_TRUE(run(*stream, {view.substr(0, i), view.substr(i)}, out, &error)) << error;
      ASSERT_EQ(decompress(format, {out}), input) << "compress split at " << i;
    }
    for (size_t i = 0; i <= whole.size(); ++i) {
      std::string_view view(whole);
      ASSERT_EQ(decompress(format, {view.substr(0, i), view.substr(i)}), input)
          << "decompress split at " << i;
    }
  }
}

TEST(ZlibStream, RoundTripsOneByteAtATimeWithOneByteOfOutputPerCall) {
  const std::string input = sample();
  for (ZlibFormat format : kFormats) {
    auto compressor = make(ZlibMode::kCompress, format);
    compressor->setMaxOutput(1);
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < input.size(); ++i) bytes.push_back(std::string_view(input).substr(i, 1));
    std::string compressed, error;
    ASSERT_TRUE(run(*compressor, bytes, compressed, &error)) << error;
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i < compressed.size(); ++i)
      pieces.push_back(std::string_view(compressed).substr(i, 1));
    EXPECT_EQ(decompress(format, pieces, 1), input);
  }
}

TEST(ZlibStream, RoundTripsLargeInputInChunks) {
  const std::string input = largeInput(size_t{3} << 20);
  for (ZlibFormat format : kFormats) {
    std::vector<std::string_view> chunks;
    for (size_t i = 0; i < input.size(); i += 100000)
      chunks.push_back(std::string_view(input).substr(i, 100000));
    auto compressor = make(ZlibMode::kCompress, format);
    std::string compressed, error;
    ASSERT_TRUE(run(*compressor, chunks, compressed, &error)) << error;
    EXPECT_LT(compressed.size(), input.size() / 2);
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i < compressed.size(); i += 7777)
      pieces.push_back(std::string_view(compressed).substr(i, 7777));
    EXPECT_EQ(decompress(format, pieces), input);
  }
}

// 32 MB of zeros is about 32 KB compressed: one write of it yields bounded pieces.
TEST(ZlibStream, InflatesABombPieceByPiece) {
  const std::string zeros(size_t{32} << 20, '\0');
  const std::string bomb = compress(ZlibFormat::kGzip, zeros);
  ASSERT_LT(bomb.size(), size_t{128} << 10);
  auto stream = make(ZlibMode::kDecompress, ZlibFormat::kGzip);
  std::string out, error;
  ASSERT_TRUE(stream->write(bomb, out, &error)) << error;
  EXPECT_EQ(out.size(), ZlibStream::kDefaultMaxOutput);
  EXPECT_TRUE(stream->hasMoreOutput());
  size_t total = out.size(), calls = 1;
  while (stream->hasMoreOutput()) {
    out.clear();
    ASSERT_TRUE(stream->write({}, out, &error)) << error;
    EXPECT_LE(out.size(), ZlibStream::kDefaultMaxOutput);
    EXPECT_EQ(out.find_first_not_of('\0'), std::string::npos);
    total += out.size();
    ++calls;
  }
  out.clear();
  ASSERT_TRUE(stream->finish(out, &error)) << error;
  EXPECT_TRUE(stream->finished());
  EXPECT_EQ(total, zeros.size());
  EXPECT_GE(calls, zeros.size() / ZlibStream::kDefaultMaxOutput);
}

TEST(ZlibStream, EmptyInputCompressesToAValidStream) {
  for (ZlibFormat format : kFormats) {
    const std::string empty = compress(format, "");
    EXPECT_FALSE(empty.empty());
    EXPECT_EQ(decompress(format, {empty}), "");
  }
  EXPECT_EQ(compress(ZlibFormat::kGzip, "").size(), 20u);  // header, empty block, CRC, length
  EXPECT_EQ(compress(ZlibFormat::kDeflate, "").size(), 8u);
}

TEST(ZlibStream, EmptyInputDoesNotDecompress) {
  for (ZlibFormat format : kFormats) {
    EXPECT_EQ(decompress(format, {}),
              "ERROR: The compressed data ended before the end of the stream");
  }
}

TEST(ZlibStream, CorruptInputIsAnError) {
  EXPECT_EQ(decompress(ZlibFormat::kGzip, {"not gzip at all"}),
            "ERROR: The compressed data is corrupt: incorrect header check");
  EXPECT_EQ(decompress(ZlibFormat::kDeflate, {"\x78\x9c\xff\xff\xff"}),
            "ERROR: The compressed data is corrupt: invalid block type");
  // gzip data read as zlib data, and the reverse.
  const std::string input = sample();
  EXPECT_EQ(decompress(ZlibFormat::kDeflate, {compress(ZlibFormat::kGzip, input)}).substr(0, 35),
            "ERROR: The compressed data is corru");
  EXPECT_EQ(decompress(ZlibFormat::kGzip, {compress(ZlibFormat::kDeflate, input)}).substr(0, 35),
            "ERROR: The compressed data is corru");
  // A flipped bit in the payload breaks the checksum (or the data itself).
  for (ZlibFormat format : {ZlibFormat::kGzip, ZlibFormat::kDeflate}) {
    std::string damaged = compress(format, input);
    damaged[damaged.size() / 2] ^= 0x10;
    EXPECT_EQ(decompress(format, {damaged}).substr(0, 36), "ERROR: The compressed data is corrup");
  }
  std::string crc = compress(ZlibFormat::kGzip, input);
  crc[crc.size() - 6] ^= 1;  // inside the CRC-32 of the trailer
  EXPECT_EQ(decompress(ZlibFormat::kGzip, {crc}),
            "ERROR: The compressed data is corrupt: incorrect data check");
}

TEST(ZlibStream, AnErrorIsSticky) {
  auto stream = make(ZlibMode::kDecompress, ZlibFormat::kGzip);
  std::string out, error;
  EXPECT_FALSE(stream->write("garbage!", out, &error));
  std::string again;
  EXPECT_FALSE(stream->write(compress(ZlibFormat::kGzip, "x"), out, &again));
  EXPECT_EQ(again, error);
  again.clear();
  EXPECT_FALSE(stream->finish(out, &again));
  EXPECT_EQ(again, error);
  EXPECT_TRUE(out.empty());
}

TEST(ZlibStream, TruncatedInputFailsAtFinish) {
  const std::string input = sample();
  for (ZlibFormat format : kFormats) {
    const std::string whole = compress(format, input);
    for (size_t length = 0; length < whole.size(); ++length) {
      auto stream = make(ZlibMode::kDecompress, format);
      std::string out, error;
      ASSERT_TRUE(stream->write(std::string_view(whole).substr(0, length), out, &error)) << error;
      while (stream->hasMoreOutput()) ASSERT_TRUE(stream->write({}, out, &error));
      EXPECT_FALSE(stream->finish(out, &error)) << "truncated to " << length;
      EXPECT_EQ(error, "The compressed data ended before the end of the stream");
    }
  }
}

TEST(ZlibStream, TrailingBytesAreAnError) {
  const std::string input = sample();
  const char kTrailing[] =
      "ERROR: The compressed data has trailing bytes after the end of the stream";
  for (ZlibFormat format : kFormats) {
    const std::string whole = compress(format, input);
    EXPECT_EQ(decompress(format, {whole + "x"}), kTrailing);
    EXPECT_EQ(decompress(format, {whole, "x"}), kTrailing);
    EXPECT_EQ(decompress(format, {whole, "", std::string_view("\0", 1)}), kTrailing);
    // Output bounded to 1 byte: the end is only found after draining.
    EXPECT_EQ(decompress(format, {whole + "xyz"}, 1), kTrailing);
    EXPECT_EQ(decompress(format, {whole, ""}), input);  // empty chunks after the end are fine
  }
  // A second gzip member is trailing data too (the Compression Standard reads one member).
  const std::string member = compress(ZlibFormat::kGzip, "abc");
  EXPECT_EQ(decompress(ZlibFormat::kGzip, {member + member}), kTrailing);
}

TEST(ZlibStream, WriteAfterFinishIsAnError) {
  auto stream = make(ZlibMode::kCompress, ZlibFormat::kGzip);
  std::string out, error;
  ASSERT_TRUE(stream->finish(out, &error));
  EXPECT_TRUE(stream->finished());
  EXPECT_TRUE(stream->finish(out, &error));  // again: nothing more
  EXPECT_EQ(out.size(), 20u);
  EXPECT_FALSE(stream->write("x", out, &error));
  EXPECT_EQ(error, "write() after finish()");
}

class CountingAllocator final : public ZlibAllocator {
 public:
  explicit CountingAllocator(size_t limit) : limit_(limit) {}
  void* allocate(size_t bytes) override {
    if (used_ + bytes > limit_) return nullptr;
    used_ += bytes;
    return std::malloc(bytes);
  }
  void release(void* data, size_t bytes) override {
    used_ -= bytes;
    std::free(data);
  }
  size_t used() const { return used_; }

 private:
  size_t limit_;
  size_t used_ = 0;
};

TEST(ZlibStream, AllocatesThroughTheGivenAllocator) {
  CountingAllocator allocator(size_t{1} << 30);
  std::string error;
  {
    auto compressor =
        ZlibStream::create(ZlibMode::kCompress, ZlibFormat::kGzip, &error, &allocator);
    ASSERT_NE(compressor, nullptr);
    EXPECT_GT(allocator.used(), size_t{200} << 10);  // deflate's window, hash chains, buffers
    EXPECT_EQ(allocator.used(), compressor->allocatedBytes());
    auto decompressor =
        ZlibStream::create(ZlibMode::kDecompress, ZlibFormat::kGzip, &error, &allocator);
    std::string compressed, out;
    ASSERT_TRUE(run(*compressor, {sample()}, compressed, &error));
    ASSERT_TRUE(run(*decompressor, {compressed}, out, &error));
    EXPECT_EQ(out, sample());
  }
  EXPECT_EQ(allocator.used(), 0u);
}

TEST(ZlibStream, RefusedMemoryFailsCreation) {
  CountingAllocator allocator(64 << 10);
  std::string error;
  EXPECT_EQ(ZlibStream::create(ZlibMode::kCompress, ZlibFormat::kGzip, &error, &allocator),
            nullptr);
  EXPECT_EQ(error, "Not enough memory for the zlib stream");
  EXPECT_EQ(allocator.used(), 0u);
}

// --- against the system's gzip ---

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::filesystem::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Runs `command` through the shell, returning its exit status.
int shell(const std::string& command) { return std::system(command.c_str()); }

TEST(ZlibStream, SystemGzipDecompressesWhatWeCompress) {
  testing::TempDir dir;
  const std::string input = largeInput(size_t{1} << 20);
  writeFile(dir / "data.gz", compress(ZlibFormat::kGzip, input));
  ASSERT_EQ(
      shell("gzip -dc '" + (dir / "data.gz").string() + "' > '" + (dir / "data").string() + "'"),
      0);
  EXPECT_EQ(readFile(dir / "data"), input);
  // `gzip -t` checks the trailer (CRC and length) too.
  EXPECT_EQ(shell("gzip -t '" + (dir / "data.gz").string() + "'"), 0);
}

TEST(ZlibStream, WeDecompressWhatSystemGzipCompresses) {
  testing::TempDir dir;
  const std::string input = largeInput(size_t{1} << 20) + sample();
  writeFile(dir / "data", input);
  for (const char* level : {"-1", "-6", "-9"}) {
    ASSERT_EQ(shell(std::string("gzip ") + level + " -c '" + (dir / "data").string() + "' > '" +
                    (dir / "data.gz").string() + "'"),
              0);
    const std::string gz = readFile(dir / "data.gz");
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i < gz.size(); i += 4096)
      pieces.push_back(std::string_view(gz).substr(i, 4096));
    EXPECT_EQ(decompress(ZlibFormat::kGzip, pieces), input) << "gzip " << level;
  }
  // gzip with the file name in the header (FNAME), as `gzip file` writes it.
  ASSERT_EQ(shell("gzip -kf '" + (dir / "data").string() + "'"), 0);
  EXPECT_EQ(decompress(ZlibFormat::kGzip, {readFile(dir / "data.gz")}), input);
}

}  // namespace
}  // namespace quiver::host
