// DecodingByteStream: the bytes of another ByteStream with an HTTP content coding (gzip,
// deflate) removed, inflated as they are read. fetch() responses are decoded through it when
// JS reads them; a response passed on unread keeps its encoded bytes (the undecoded stream).
//
// Output is produced in bounded pieces (ZlibStream::maxOutput): a small body that inflates to
// gigabytes is read one piece per read(), never whole. Corrupt or truncated input is a kError
// ("the response body is not valid gzip data: …").
//
// Thread: the underlying stream's. Owner: shared (create() returns a shared_ptr; callbacks
// hold it weakly).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "host/byte_stream.h"
#include "host/zlib_stream.h"

namespace quiver::host {

class DecodingByteStream final : public ByteStream,
                                 public std::enable_shared_from_this<DecodingByteStream> {
 public:
  // The coding named by a Content-Encoding value ("gzip", "x-gzip", "deflate"; case-insensitive,
  // surrounding whitespace ignored); nullopt for anything else (identity, br, a list).
  static std::optional<ZlibFormat> codingOf(std::string_view content_encoding);

  // Null (with `error` set) when zlib cannot start.
  static std::shared_ptr<DecodingByteStream> create(std::shared_ptr<ByteStream> raw,
                                                    ZlibFormat format, std::string* error);

  void read(ReadCallback callback) override;
  void cancel() override;

  DecodingByteStream(std::shared_ptr<ByteStream> raw, std::unique_ptr<ZlibStream> zlib,
                     std::string name);

 private:
  void step();
  void onRaw(Event event, std::string chunk);
  void deliver(Event event, std::string chunk);

  std::shared_ptr<ByteStream> raw_;
  std::unique_ptr<ZlibStream> zlib_;
  std::string name_;  // "gzip" or "deflate", for messages
  ReadCallback pending_;
  bool input_ended_ = false;
  bool done_ = false;
};

}  // namespace quiver::host
