#include "api-gateway/request_body.h"

#include <utility>

namespace quiver::gateway {

void RequestBody::read(ReadCallback callback) {
  if (cancelled_) return;  // no read follows a cancel(): nothing to answer
  read_started_ = true;
  if (discarded_) {
    return callback(Event::kError, "the response was sent before the request body was read");
  }
  pending_ = std::move(callback);
  deliver();
  if (waiting() && !complete() && feeder_) feeder_->onBodyWanted(*this);
}

void RequestBody::cancel() {
  cancelled_ = true;
  pending_ = nullptr;
  dropBuffer();
}

void RequestBody::append(const char* data, size_t length) {
  if (cancelled_ || discarded_) {
    discarded_bytes_ += length;
    return;
  }
  buffer_.append(data, length);
  if (feeder_) feeder_->onBodyBuffered(static_cast<int64_t>(length));
}

void RequestBody::end() { ended_ = true; }

void RequestBody::fail(std::string message) {
  if (complete()) return;
  failed_ = true;
  error_ = std::move(message);
}

void RequestBody::discard() {
  discarded_ = true;
  dropBuffer();
  if (pending_) {
    auto callback = std::move(pending_);
    pending_ = nullptr;
    callback(Event::kError, "the response was sent before the request body was read");
  }
}

void RequestBody::detach() {
  feeder_ = nullptr;
  fail("client disconnected");
  deliver();
}

void RequestBody::deliver() {
  if (!pending_) return;
  auto answer = [this](Event event, std::string chunk) {
    auto callback = std::move(pending_);
    pending_ = nullptr;
    callback(event, std::move(chunk));
  };
  if (!buffer_.empty()) {
    std::string chunk = std::move(buffer_);
    buffer_.clear();
    if (feeder_) feeder_->onBodyBuffered(-static_cast<int64_t>(chunk.size()));
    return answer(Event::kData, std::move(chunk));
  }
  if (failed_) return answer(Event::kError, error_);
  if (ended_) return answer(Event::kEnd, {});
}

void RequestBody::dropBuffer() {
  if (buffer_.empty()) return;
  if (feeder_) feeder_->onBodyBuffered(-static_cast<int64_t>(buffer_.size()));
  discarded_bytes_ += buffer_.size();
  buffer_.clear();
  buffer_.shrink_to_fit();
}

}  // namespace quiver::gateway
