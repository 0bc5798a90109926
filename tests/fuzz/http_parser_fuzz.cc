// Fuzzes HttpRequestParser with input-derived split points and pauses; traps on broken invariants.
//
// Feeds each input in chunks whose sizes come from the input itself, pausing after some requests
// and resuming the way a connection does. Every run is also compared with parsing the same bytes
// in one piece without pauses: split points and pauses must not change which requests come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api-gateway/http_message.h"
#include "api-gateway/http_parser.h"
#include "host/config.h"

namespace {

using quiver::gateway::BodyDelivery;
using quiver::gateway::HttpRequest;
using quiver::gateway::HttpRequestParser;
using State = HttpRequestParser::State;

// Small limits, so that inputs of a few kilobytes reach both of them.
constexpr size_t kMaxHeadBytes = 512;
constexpr size_t kMaxBodyBytes = 256;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// xorshift64, seeded from the whole input: every mutation moves the split points too.
class Rng {
 public:
  explicit Rng(const uint8_t* data, size_t size) {
    state_ = 1469598103934665603ull;  // FNV-1a
    for (size_t i = 0; i < size; ++i) state_ = (state_ ^ data[i]) * 1099511628211ull;
    if (state_ == 0) state_ = 1;
  }
  uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<uint32_t>(state_ >> 32);
  }

 private:
  uint64_t state_;
};

// What the parser's accounting covers of a head: the target and every field name and value.
size_t countedHeadBytes(const HttpRequest& r) {
  size_t n = r.target.size();
  for (const auto& [name, value] : r.headers) n += name.size() + value.size();
  return n;
}

// tchar (RFC 9110 section 5.6.2), after the parser has lowercased names.
bool isLowercaseTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Checks the order and shape of the callbacks; pauses after a request when `rng` says so.
class CheckingSink : public HttpRequestParser::Sink {
 public:
  explicit CheckingSink(Rng* rng) : rng_(rng) {}
  void setParser(const HttpRequestParser* parser) { parser_ = parser; }

  void onMessageBegin() override {
    check(!in_message_);
    check(!failed());
    in_message_ = true;
    head_seen_ = false;
  }
  // Half the requests (by target length, so every way of splitting the input agrees) take
  // their body streamed; onRequest puts the pieces back together for the comparisons.
  BodyDelivery onHeadersComplete(HttpRequest& r) override {
    check(in_message_ && !head_seen_);
    check(!failed());
    head_seen_ = true;
    check(r.body.empty());
    check(!r.method.empty());
    check(countedHeadBytes(r) <= kMaxHeadBytes);
    check(r.headers.size() <= kMaxHeadBytes);
    check(r.version_major == 1);  // anything else is a 505 or a 400
    if (r.version_minor >= 1) check(r.header("host") != nullptr);
    size_t hosts = 0;
    for (const auto& [name, value] : r.headers) {
      check(!name.empty());
      for (char c : name) check(isLowercaseTokenChar(static_cast<unsigned char>(c)));
      check(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
      check(value.empty() || (value.back() != ' ' && value.back() != '\t'));
      if (name == "host") ++hosts;
    }
    check(hosts <= 1);
    head_headers_ = r.headers;
    streamed_ = r.target.size() % 2 == 1;
    streamed_body_.clear();
    return streamed_ ? BodyDelivery::kStreamed : BodyDelivery::kWhole;
  }
  void onBodyData(const char* data, size_t length) override {
    check(in_message_ && head_seen_ && streamed_ && length > 0);
    streamed_body_.append(data, length);
    check(streamed_body_.size() <= kMaxBodyBytes);
  }
  bool onRequest(HttpRequest&& r) override {
    check(in_message_ && head_seen_);
    check(!failed());
    check(parser_ == nullptr || !parser_->inMessage());
    if (streamed_) {
      check(r.body.empty());
      r.body = std::move(streamed_body_);
    }
    check(r.body.size() <= kMaxBodyBytes);
    check(countedHeadBytes(r) <= kMaxHeadBytes);
    check(r.headers == head_headers_);  // trailers never join the headers routed on
    in_message_ = false;
    requests.push_back(std::move(r));
    last_paused = rng_ != nullptr && rng_->next() % 3 == 0;
    return !last_paused;
  }

  std::vector<HttpRequest> requests;
  bool last_paused = false;
  bool streamed_ = false;
  std::string streamed_body_;

 private:
  bool failed() const { return parser_ != nullptr && parser_->state() == State::kFailed; }

  Rng* rng_;
  const HttpRequestParser* parser_ = nullptr;
  bool in_message_ = false;
  bool head_seen_ = false;
  quiver::gateway::HeaderList head_headers_;
};

struct Outcome {
  std::vector<HttpRequest> requests;
  State state = State::kOk;
  int status = 0;
};

void checkFailure(const HttpRequestParser& parser) {
  int status = parser.errorStatus();
  check(status == 400 || status == 413 || status == 431 || status == 505);
  check(!parser.errorMessage().empty());
  // The connection answers with the host's error shape; it must not throw on any message.
  auto response =
      quiver::gateway::errorResponse(status, "bad_request", parser.errorMessage(), "fuzz");
  check(response.status == status && !response.body.empty());
  check(!quiver::gateway::reasonPhrase(status).empty());
}

// Parses `data` the way Connection does: chunk by chunk, resuming after each pause with the
// bytes the parser left unconsumed.
Outcome parseInChunks(const uint8_t* data, size_t size, Rng* rng,
                      const quiver::host::HttpLimits& limits) {
  CheckingSink sink(rng);
  HttpRequestParser parser(limits, sink);
  sink.setParser(&parser);
  const char* bytes = reinterpret_cast<const char*>(data);
  size_t at = 0;
  while (at < size && parser.state() != State::kFailed && parser.state() != State::kUpgrade) {
    size_t n = size - at;
    if (rng != nullptr) {
      uint32_t r = rng->next();
      size_t cap = (r & 3) == 0 ? 1 : (r & 3) == 1 ? 8 : (r & 3) == 2 ? 128 : n;
      n = std::min(n, 1 + (r >> 2) % cap);
    }
    size_t before = sink.requests.size();
    size_t consumed = parser.feed(bytes + at, n);
    check(consumed <= n);
    switch (parser.state()) {
      case State::kOk:
        check(consumed == n);
        break;
      case State::kPaused:
        check(rng != nullptr && sink.last_paused && sink.requests.size() > before);
        check(parser.feed(bytes + at + consumed, n - consumed) == 0);
        check(parser.state() == State::kPaused);
        parser.resume();
        check(parser.state() == State::kOk || parser.state() == State::kUpgrade);
        break;
      case State::kUpgrade:
        check(!sink.requests.empty());
        break;
      case State::kFailed:
        checkFailure(parser);
        check(parser.feed(bytes, size) == 0 && parser.state() == State::kFailed);
        break;
    }
    at += consumed;
  }
  return {std::move(sink.requests), parser.state(), parser.errorStatus()};
}

bool sameRequest(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.target == b.target && a.version_major == b.version_major &&
         a.version_minor == b.version_minor && a.headers == b.headers && a.body == b.body &&
         a.keep_alive == b.keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  quiver::host::HttpLimits limits;
  limits.max_head_bytes = kMaxHeadBytes;
  limits.max_body_bytes = kMaxBodyBytes;

  Rng rng(data, size);
  Outcome split = parseInChunks(data, size, &rng, limits);
  Outcome whole = parseInChunks(data, size, nullptr, limits);

  check(split.state == whole.state);
  check(split.requests.size() == whole.requests.size());
  for (size_t i = 0; i < split.requests.size(); ++i) {
    check(sameRequest(split.requests[i], whole.requests[i]));
  }
  // Both runs refuse the same request, though not always with the same status: where the input
  // is cut decides which of two faults in one head is noticed first (a field past the head
  // limit, 431, or a bad byte after it, 400; a bare LF or an HTTP/0.9 request line, 400 or 505).
  return 0;
}
