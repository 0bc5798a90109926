#include "host/byte_stream_util.h"

namespace quiver::host {

void StringByteStream::read(ReadCallback callback) {
  if (sent_ || bytes_.empty()) {
    sent_ = true;
    return callback(Event::kEnd, {});
  }
  sent_ = true;
  callback(Event::kData, std::move(bytes_));
}

std::string bodyLimitMessage(size_t limit) {
  return "request body exceeds the " + std::to_string(limit) + "-byte limit";
}

namespace {

// One whole read in progress; owns itself through the callbacks it hands to the stream.
struct WholeReader : std::enable_shared_from_this<WholeReader> {
  std::shared_ptr<ByteStream> stream;
  size_t limit;
  ReadWholeCallback done;
  std::string bytes;
  bool in_loop = false;  // inside pump(): a synchronous answer only sets `ready`
  bool ready = false;    // the last read answered and pump() should read again
  bool finished = false;

  void finish(bool ok, std::string result) {
    finished = true;
    auto callback = std::move(done);
    stream.reset();
    callback(ok, std::move(result));
  }

  void onChunk(ByteStream::Event event, std::string chunk) {
    if (event == ByteStream::Event::kError) return finish(false, std::move(chunk));
    if (event == ByteStream::Event::kEnd) return finish(true, std::move(bytes));
    if (bytes.size() + chunk.size() > limit) {
      stream->cancel();
      return finish(false, bodyLimitMessage(limit));
    }
    bytes.append(chunk);
    if (in_loop) {
      ready = true;
    } else {
      pump();
    }
  }

  void pump() {
    in_loop = true;
    auto self = shared_from_this();
    do {
      ready = false;
      stream->read([self](ByteStream::Event event, std::string chunk) {
        self->onChunk(event, std::move(chunk));
      });
    } while (ready && !finished);
    in_loop = false;
  }
};

}  // namespace

void readWhole(std::shared_ptr<ByteStream> stream, size_t limit, ReadWholeCallback done) {
  auto reader = std::make_shared<WholeReader>();
  reader->stream = std::move(stream);
  reader->limit = limit;
  reader->done = std::move(done);
  reader->pump();
}

}  // namespace quiver::host
