#include "host/decoding_byte_stream.h"

#include <cctype>
#include <utility>

namespace quiver::host {

std::optional<ZlibFormat> DecodingByteStream::codingOf(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "gzip" || lower == "x-gzip") return ZlibFormat::kGzip;
  if (lower == "deflate") return ZlibFormat::kDeflate;
  return std::nullopt;
}

std::shared_ptr<DecodingByteStream> DecodingByteStream::create(std::shared_ptr<ByteStream> raw,
                                                               ZlibFormat format,
                                                               std::string* error) {
  auto zlib = ZlibStream::create(ZlibMode::kDecompress, format, error);
  if (!zlib) return nullptr;
  return std::make_shared<DecodingByteStream>(std::move(raw), std::move(zlib),
                                              format == ZlibFormat::kGzip ? "gzip" : "deflate");
}

DecodingByteStream::DecodingByteStream(std::shared_ptr<ByteStream> raw,
                                       std::unique_ptr<ZlibStream> zlib, std::string name)
    : raw_(std::move(raw)), zlib_(std::move(zlib)), name_(std::move(name)) {}

void DecodingByteStream::read(ReadCallback callback) {
  if (done_) return callback(Event::kError, "the stream has ended");
  pending_ = std::move(callback);
  step();
}

void DecodingByteStream::cancel() {
  pending_ = nullptr;
  if (done_) return;
  done_ = true;
  raw_->cancel();
}

// Produces the next piece: from what zlib still holds, else from the next raw chunk.
void DecodingByteStream::step() {
  while (pending_ && !done_) {
    std::string out, error;
    if (zlib_->hasMoreOutput() || input_ended_) {
      bool ok = input_ended_ ? zlib_->finish(out, &error) : zlib_->write({}, out, &error);
      if (!ok) {
        return deliver(Event::kError,
                       "the response body is not valid " + name_ + " data: " + error);
      }
      if (!out.empty()) return deliver(Event::kData, std::move(out));
      if (input_ended_ && !zlib_->hasMoreOutput()) return deliver(Event::kEnd, {});
      continue;
    }
    // Ask the raw stream; its answer may come now (re-entrantly) or later.
    std::weak_ptr<DecodingByteStream> weak = weak_from_this();
    raw_->read([weak](Event event, std::string chunk) {
      if (auto self = weak.lock()) self->onRaw(event, std::move(chunk));
    });
    return;
  }
}

void DecodingByteStream::onRaw(Event event, std::string chunk) {
  if (done_ || !pending_) return;
  switch (event) {
    case Event::kError:
      return deliver(Event::kError, std::move(chunk));
    case Event::kEnd:
      input_ended_ = true;
      return step();
    case Event::kData: {
      std::string out, error;
      if (!zlib_->write(chunk, out, &error)) {
        return deliver(Event::kError,
                       "the response body is not valid " + name_ + " data: " + error);
      }
      if (!out.empty()) return deliver(Event::kData, std::move(out));
      return step();  // nothing yet (a header, a small piece): read on
    }
  }
}

void DecodingByteStream::deliver(Event event, std::string chunk) {
  auto callback = std::move(pending_);
  pending_ = nullptr;
  if (event != Event::kData) {
    done_ = true;
    if (event == Event::kError) raw_->cancel();
  }
  if (callback) callback(event, std::move(chunk));
}

}  // namespace quiver::host
