// RequestBody: one request's body as a host::ByteStream, fed by its Connection from the socket
// while the handler (the function) reads it. Backpressure: the connection stops reading its
// socket while too much body sits unread here (RequestBodyFeeder::onBodyBuffered), and reads
// again once read() takes it.
//
// Owner: shared by the connection (while it parses or answers the request) and the consumer;
// it may outlive the connection (detach()), then it answers with what it has, or kError.
// Thread: the shard's. Consumer callbacks never run from inside the parser: the connection
// calls deliver() once it is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "host/byte_stream.h"

namespace quiver::gateway {

class RequestBody;

// What a RequestBody tells its connection. Implemented by Connection.
class RequestBodyFeeder {
 public:
  virtual ~RequestBodyFeeder() = default;
  // The bytes buffered and not yet read changed by `delta`.
  virtual void onBodyBuffered(int64_t delta) = 0;
  // A read() waits for bytes that have not arrived (send 100 Continue, read the socket, time it).
  virtual void onBodyWanted(RequestBody& body) = 0;
};

class RequestBody final : public host::ByteStream {
 public:
  RequestBody(RequestBodyFeeder* feeder, int64_t length) : feeder_(feeder), length_(length) {}

  // host::ByteStream
  void read(ReadCallback callback) override;
  void cancel() override;
  int64_t length() const override { return length_; }

  // The connection's side.
  void append(const char* data, size_t length);  // buffered, or dropped once discarded
  void end();                                    // every byte has arrived
  void fail(std::string message);                // no more bytes will: reads end in kError
  // The response went out: buffered bytes are dropped, later bytes too (counted in
  // discarded()), reads get kError.
  void discard();
  // The connection is gone. A body that had arrived whole can still be read; else kError.
  void detach();
  // Answers a waiting read() if there is anything to answer with.
  void deliver();

  bool waiting() const { return static_cast<bool>(pending_) && buffer_.empty(); }
  bool complete() const { return ended_ || failed_; }
  bool discarding() const { return discarded_; }
  bool cancelled() const { return cancelled_; }
  bool readStarted() const { return read_started_; }
  size_t discardedBytes() const { return discarded_bytes_; }

 private:
  void dropBuffer();

  RequestBodyFeeder* feeder_;  // null once detached
  int64_t length_;
  std::string buffer_;
  ReadCallback pending_;
  std::string error_;
  size_t discarded_bytes_ = 0;
  bool ended_ = false;
  bool failed_ = false;
  bool cancelled_ = false;
  bool discarded_ = false;
  bool read_started_ = false;
};

}  // namespace quiver::gateway
