// ByteStream: a body that arrives over time, pulled one chunk at a time. The one shape every
// layer uses for bytes in motion: the gateway (request bodies read from a socket, response bodies
// written to one), the isolates (JS ReadableStreams bridged in both directions) and the outbound
// HTTP client (request bodies sent upstream, response bodies read from upstream).
//
// Backpressure is the pull itself: a producer produces (reads its socket, runs its JS) only while
// a read() is outstanding, so a slow consumer slows the producer and nothing buffers a whole body.
//
// Thread: a stream belongs to one loop thread (a shard's); read(), cancel() and the callbacks
// all run on it. Owner: whoever holds the last shared_ptr; a producer that outlives its source
// (a closed socket, a dead isolate) answers the pending read with kError.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace quiver::host {

class ByteStream {
 public:
  enum class Event { kData, kEnd, kError };
  // kData: `chunk` holds the next bytes (never empty). kEnd: no more bytes; `chunk` is empty.
  // kError: the stream failed; `chunk` is a message for a human ("client disconnected", …).
  using ReadCallback = std::function<void(Event event, std::string chunk)>;

  virtual ~ByteStream() = default;

  // Asks for the next chunk. `callback` runs exactly once, now (re-entrantly) or later on the
  // stream's thread, unless cancel() is called first, in which case it never runs. At most one
  // read is outstanding at a time; after kEnd or kError no read follows.
  virtual void read(ReadCallback callback) = 0;

  // The consumer gives up: no read follows, a pending callback is dropped, and the producer
  // stops and releases what it holds (closes the upstream, cancels the JS stream, …).
  virtual void cancel() = 0;

  // The whole length when it is known up front (a Content-Length), else -1.
  virtual int64_t length() const { return -1; }
};

}  // namespace quiver::host
