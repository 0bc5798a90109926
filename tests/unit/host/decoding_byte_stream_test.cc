// DecodingByteStream: a gzip/deflate body removed of its coding as it is read, in bounded pieces,
// with corrupt and truncated input as errors. Input made by ZlibStream (itself checked against
// the system gzip in zlib_stream_test.cc), delivered in chunks of every size.
#include "host/decoding_byte_stream.h"

#include <gtest/gtest.h>

#include <deque>

namespace quiver::host {
namespace {

// Chunks given up front, answered at once; records cancel().
class ChunkStream final : public ByteStream {
 public:
  explicit ChunkStream(std::deque<std::string> chunks) : chunks_(std::move(chunks)) {}
  void read(ReadCallback callback) override {
    if (chunks_.empty()) return callback(Event::kEnd, {});
    std::string chunk = std::move(chunks_.front());
    chunks_.pop_front();
    callback(Event::kData, std::move(chunk));
  }
  void cancel() override { cancelled = true; }
  bool cancelled = false;

 private:
  std::deque<std::string> chunks_;
};

std::string encode(ZlibFormat format, const std::string& input) {
  std::string error, out;
  auto z = ZlibStream::create(ZlibMode::kCompress, format, &error);
  EXPECT_TRUE(z->write(input, out, &error));
  while (z->hasMoreOutput()) z->write({}, out, &error);
  do {
    EXPECT_TRUE(z->finish(out, &error));
  } while (z->hasMoreOutput());
  return out;
}

std::deque<std::string> split(const std::string& bytes, size_t size) {
  std::deque<std::string> out;
  for (size_t i = 0; i < bytes.size(); i += size) out.push_back(bytes.substr(i, size));
  return out;
}

// Reads to the end: the bytes, or "error: <message>". Checks every chunk is non-empty.
std::string drain(ByteStream& stream, size_t* pieces = nullptr) {
  std::string out;
  for (;;) {
    bool done = false;
    std::string result;
    stream.read([&](ByteStream::Event event, std::string chunk) {
      if (event == ByteStream::Event::kData) {
        EXPECT_FALSE(chunk.empty());
        out += chunk;
        if (pieces) ++*pieces;
      } else {
        done = true;
        if (event == ByteStream::Event::kError) result = "error: " + chunk;
      }
    });
    if (done) return result.empty() ? out : result;
  }
}

TEST(DecodingByteStream, NamesTheCodingsItDecodes) {
  EXPECT_EQ(DecodingByteStream::codingOf("gzip"), ZlibFormat::kGzip);
  EXPECT_EQ(DecodingByteStream::codingOf(" X-GZIP "), ZlibFormat::kGzip);
  EXPECT_EQ(DecodingByteStream::codingOf("Deflate"), ZlibFormat::kDeflate);
  EXPECT_EQ(DecodingByteStream::codingOf("br"), std::nullopt);
  EXPECT_EQ(DecodingByteStream::codingOf("gzip, br"), std::nullopt);
  EXPECT_EQ(DecodingByteStream::codingOf("identity"), std::nullopt);
}

TEST(DecodingByteStream, DecodesGzipAndDeflateInChunksOfEverySize) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + "\n";
  for (ZlibFormat format : {ZlibFormat::kGzip, ZlibFormat::kDeflate}) {
    std::string encoded = encode(format, text);
    for (size_t size : {size_t{1}, size_t{7}, size_t{1000}, encoded.size()}) {
      std::string error;
      auto stream = DecodingByteStream::create(std::make_shared<ChunkStream>(split(encoded, size)),
                                               format, &error);
      ASSERT_TRUE(stream) << error;
      EXPECT_EQ(drain(*stream), text) << "chunks of " << size;
    }
  }
}

TEST(DecodingByteStream, ABombComesOutInBoundedPieces) {
  std::string zeros(64u << 20, '\0');
  std::string encoded = encode(ZlibFormat::kGzip, zeros);
  ASSERT_LT(encoded.size(), 1u << 20);
  std::string error;
  auto stream = DecodingByteStream::create(
      std::make_shared<ChunkStream>(std::deque<std::string>{encoded}), ZlibFormat::kGzip, &error);
  size_t pieces = 0;
  EXPECT_EQ(drain(*stream, &pieces).size(), zeros.size());
  EXPECT_GE(pieces, zeros.size() / ZlibStream::kDefaultMaxOutput);
}

TEST(DecodingByteStream, CorruptAndTruncatedInputAreErrors) {
  std::string encoded = encode(ZlibFormat::kGzip, std::string(10000, 'x'));
  std::string error;
  auto raw = std::make_shared<ChunkStream>(std::deque<std::string>{"not gzip at all"});
  auto corrupt = DecodingByteStream::create(raw, ZlibFormat::kGzip, &error);
  std::string result = drain(*corrupt);
  EXPECT_EQ(result.rfind("error: the response body is not valid gzip data: ", 0), 0u) << result;
  EXPECT_TRUE(raw->cancelled);
  auto truncated = DecodingByteStream::create(
      std::make_shared<ChunkStream>(std::deque<std::string>{encoded.substr(0, encoded.size() / 2)}),
      ZlibFormat::kGzip, &error);
  result = drain(*truncated);
  EXPECT_NE(result.find("ended before the end of the stream"), std::string::npos) << result;
}

TEST(DecodingByteStream, CancelReachesTheRawStream) {
  auto raw = std::make_shared<ChunkStream>(std::deque<std::string>{"x"});
  std::string error;
  auto stream = DecodingByteStream::create(raw, ZlibFormat::kGzip, &error);
  stream->cancel();
  EXPECT_TRUE(raw->cancelled);
}

}  // namespace
}  // namespace quiver::host
