// CompressionStream and DecompressionStream in a function served by a real quiverd: the bytes a
// function compresses are checked here with zlib itself (and the reverse), corrupt input is an
// error the function can catch, and zlib's memory counts against the function's limit while
// streams a function drops without closing do not add up to a memory kill (the garbage collector
// sees that memory).
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using json = nlohmann::json;

// POST body -> the body through a CompressionStream or DecompressionStream (?op=…&format=…).
constexpr const char* kCodecFunction = R"js(
export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const Stream = params.get("op") === "compress" ? CompressionStream : DecompressionStream;
    const stream = new Stream(params.get("format"));
    const writer = stream.writable.getWriter();
    const input = new Uint8Array(await request.arrayBuffer());
    // In pieces of 1000 bytes, to go through more than one transform.
    for (let i = 0; i < input.length; i += 1000) writer.write(input.subarray(i, i + 1000));
    writer.close().catch(() => {});
    const chunks = [];
    const reader = stream.readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch (error) {
      return new Response(error.constructor.name + ": " + error.message, { status: 422 });
    }
    return new Response(new Blob(chunks));
  },
};)js";

// zlib's own one-shot codecs, outside the runtime. window_bits: 31 gzip, 15 zlib, -15 raw.
std::string zlibCompress(const std::string& input, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, input.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The decompressed bytes, or "zlib error" when zlib does not accept the whole input as one stream.
std::string zlibDecompress(const std::string& input, int window_bits) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, window_bits), Z_OK);
  std::string out;
  char buffer[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? out : "zlib error";
}

std::string sample() {
  std::string s;
  for (int i = 0; i < 3000; ++i) s += "line " + std::to_string(i * 31 % 977) + " of the sample\n";
  return s;
}

class CompressionE2eTest : public ::testing::Test {
 protected:
  CompressionE2eTest() : daemon_(Quiverd::Options{.shards = 1}) {}

  void deploy(const std::string& name, const std::string& code, int memory_mb = 128) {
    json body = {{"code", code}, {"limits", {{"memory_mb", memory_mb}}}};
    auto reply = httpRequest(
        daemon_.controlPort(), "PUT", "/v1/functions/" + name, body.dump(),
        {{"authorization", "Bearer " + daemon_.token()}, {"content-type", "application/json"}});
    ASSERT_TRUE(reply.status == 201 || reply.status == 200) << name << ": " << reply.body;
  }

  HttpReply codec(const std::string& op, const std::string& format, const std::string& body) {
    return httpRequest(daemon_.publicPort(), "POST", "/fn/codec?op=" + op + "&format=" + format,
                       body);
  }

  Quiverd daemon_;
};

TEST_F(CompressionE2eTest, WhatAFunctionCompressesZlibDecompresses) {
  deploy("codec", kCodecFunction);
  const std::string input = sample();
  for (auto [format, bits] : {std::pair{"gzip", 31}, {"deflate", 15}, {"deflate-raw", -15}}) {
    auto reply = codec("compress", format, input);
    ASSERT_EQ(reply.status, 200) << format << ": " << reply.body << daemon_.logs();
    EXPECT_LT(reply.body.size(), input.size() / 4) << format;
    EXPECT_EQ(zlibDecompress(reply.body, bits), input) << format;
  }
}

TEST_F(CompressionE2eTest, WhatZlibCompressesAFunctionDecompresses) {
  deploy("codec", kCodecFunction);
  const std::string input = sample();
  for (auto [format, bits] : {std::pair{"gzip", 31}, {"deflate", 15}, {"deflate-raw", -15}}) {
    auto reply = codec("decompress", format, zlibCompress(input, bits));
    ASSERT_EQ(reply.status, 200) << format << ": " << reply.body.substr(0, 200) << daemon_.logs();
    EXPECT_EQ(reply.body, input) << format;
  }
}

TEST_F(CompressionE2eTest, CorruptOrTruncatedInputIsATypeErrorTheFunctionCatches) {
  deploy("codec", kCodecFunction);
  auto corrupt = codec("decompress", "gzip", "this is not gzip");
  EXPECT_EQ(corrupt.status, 422);
  EXPECT_EQ(corrupt.body, "TypeError: The compressed data is corrupt: incorrect header check");
  std::string whole = zlibCompress(sample(), 31);
  auto truncated = codec("decompress", "gzip", whole.substr(0, whole.size() - 3));
  EXPECT_EQ(truncated.status, 422);
  EXPECT_EQ(truncated.body, "TypeError: The compressed data ended before the end of the stream");
  auto trailing = codec("decompress", "gzip", whole + "x");
  EXPECT_EQ(trailing.status, 422);
  EXPECT_EQ(trailing.body,
            "TypeError: The compressed data has trailing bytes after the end of the stream");
}

// Each request starts 1000 compressors, has each compress a chunk and drops it without closing
// it: 250 MB of zlib state per request, under the default 128 MB limit. The garbage collector must
// take them as it goes, as it does ArrayBuffers.
TEST_F(CompressionE2eTest, AbandonedStreamsAreCollectedNotAMemoryKill) {
  deploy("abandon", R"js(
export default {
  async fetch() {
    const chunk = new Uint8Array(1000).fill(7);
    let started = 0;
    for (let i = 0; i < 1000; i++) {
      const stream = new CompressionStream("gzip");
      stream.readable.getReader().read();  // lets the transform run; never answered
      await stream.writable.getWriter().write(chunk);
      started++;
    }
    return new Response(String(started));
  },
};)js");
  for (int i = 0; i < 3; ++i) {
    auto reply = httpRequest(daemon_.publicPort(), "GET", "/fn/abandon");
    ASSERT_EQ(reply.status, 200) << reply.body << daemon_.logs();
    EXPECT_EQ(reply.body, "1000");
  }
}

// The same streams kept alive: their zlib state counts against the memory limit.
TEST_F(CompressionE2eTest, KeptStreamsCountAgainstTheMemoryLimit) {
  deploy("hoard", R"js(
const kept = [];
export default {
  async fetch() {
    const chunk = new Uint8Array(1000).fill(7);
    for (let i = 0; i < 1000; i++) {
      const stream = new CompressionStream("gzip");
      stream.readable.getReader().read();
      await stream.writable.getWriter().write(chunk);
      kept.push(stream);
    }
    return new Response(String(kept.length));
  },
};)js");
  auto reply = httpRequest(daemon_.publicPort(), "GET", "/fn/hoard");
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_NE(reply.body.find("memory_limit_exceeded"), std::string::npos) << reply.body;
  // The host keeps serving other functions.
  deploy("hello", "export default { fetch() { return new Response('hello'); } };");
  auto hello = httpRequest(daemon_.publicPort(), "GET", "/fn/hello");
  EXPECT_EQ(hello.status, 200) << hello.body;
}

}  // namespace
}  // namespace quiver::testing
