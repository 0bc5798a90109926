// Helpers for the HTTP client tests: request bodies as ByteStreams, a response-body reader,
// and the outcome of one exchange.
#pragma once

#include <uv.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/byte_stream.h"
#include "host/net/http_client.h"

namespace quiver::testing {

// A request body from fixed chunks. `async`: each chunk arrives on a later loop turn (a 1 ms
// timer), as a JS stream's would.
class ChunkStream final : public host::ByteStream {
 public:
  ChunkStream(uv_loop_t* loop, std::vector<std::string> chunks, int64_t length, bool async)
      : loop_(loop), chunks_(chunks.begin(), chunks.end()), length_(length), async_(async) {}
  ~ChunkStream() override {
    if (timer_) {
      uv_close(reinterpret_cast<uv_handle_t*>(timer_),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    }
  }
  void read(ReadCallback callback) override {
    ++reads;
    if (!async_) return deliver(std::move(callback));
    pending_ = std::move(callback);
    if (!timer_) {
      timer_ = new uv_timer_t;
      uv_timer_init(loop_, timer_);
      timer_->data = this;
    }
    uv_timer_start(
        timer_,
        [](uv_timer_t* t) {
          auto* self = static_cast<ChunkStream*>(t->data);
          auto callback = std::move(self->pending_);
          self->pending_ = nullptr;
          if (callback) self->deliver(std::move(callback));
        },
        1, 0);
  }
  void cancel() override {
    cancelled = true;
    pending_ = nullptr;
  }
  int64_t length() const override { return length_; }

  int reads = 0;
  bool cancelled = false;

 private:
  void deliver(ReadCallback callback) {
    if (chunks_.empty()) return callback(Event::kEnd, "");
    std::string chunk = std::move(chunks_.front());
    chunks_.pop_front();
    callback(Event::kData, std::move(chunk));
  }

  uv_loop_t* loop_;
  std::deque<std::string> chunks_;
  int64_t length_;
  bool async_;
  uv_timer_t* timer_ = nullptr;
  ReadCallback pending_;
};

// What one exchange produced.
struct Outcome {
  std::optional<host::net::HttpClient::Response> response;
  std::optional<std::string> error;
  bool settled() const { return response || error; }
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : response->headers) {
      if (key == name) return value;
    }
    return "";
  }
};

// Reads a response body: everything (readAll) or one chunk at a time (readOne).
struct BodyReader {
  std::shared_ptr<host::ByteStream> body;
  std::string data;
  int chunks = 0;
  bool ended = false;
  std::optional<std::string> error;
  bool pending = false;
  bool keep_reading = false;

  void readOne() {
    pending = true;
    body->read([this](host::ByteStream::Event event, std::string chunk) {
      pending = false;
      if (event == host::ByteStream::Event::kData) {
        data += chunk;
        ++chunks;
        if (keep_reading) readOne();
      } else if (event == host::ByteStream::Event::kEnd) {
        ended = true;
      } else {
        error = chunk;
      }
    });
  }
  void readAll() {
    keep_reading = true;
    readOne();
  }
  bool done() const { return ended || error.has_value(); }
};

}  // namespace quiver::testing
