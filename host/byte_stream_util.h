// Small helpers around host::ByteStream: a stream over bytes already in memory, and reading a
// whole stream into a string (bounded). Thread: the stream's.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "host/byte_stream.h"

namespace quiver::host {

// The bytes of one string as a stream: one kData chunk (none when empty), then kEnd. Answers
// synchronously; length() is the string's size.
class StringByteStream final : public ByteStream {
 public:
  explicit StringByteStream(std::string bytes) : bytes_(std::move(bytes)) {}
  void read(ReadCallback callback) override;
  void cancel() override { bytes_.clear(); }
  int64_t length() const override { return length_; }

 private:
  std::string bytes_;
  int64_t length_ = static_cast<int64_t>(bytes_.size());
  bool sent_ = false;
};

// Reads `stream` to its end. `done(true, bytes)` with everything, or `done(false, message)` when
// the stream errors or passes `limit` bytes (then it is cancelled; the message is "request body
// exceeds the <limit>-byte limit"). `done` runs exactly once, possibly before readWhole returns.
// A stream that answers synchronously is read in a loop, not by recursion.
using ReadWholeCallback = std::function<void(bool ok, std::string bytes_or_message)>;
void readWhole(std::shared_ptr<ByteStream> stream, size_t limit, ReadWholeCallback done);

// The message readWhole (and the gateway) give for a body past `limit`.
std::string bodyLimitMessage(size_t limit);

}  // namespace quiver::host
