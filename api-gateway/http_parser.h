// HttpRequestParser: HTTP/1.1 request parsing on llhttp with the host's limits applied
// (head size -> 431, body size -> 413, malformed -> 400). It owns no socket: the connection
// feeds it bytes, and the fuzz target does too.
//
// Bodies: per request the sink chooses, once the head is complete, to get the body whole in
// onRequest or streamed, piece by piece, through onBodyData. The body limit holds either way.
//
// Pipelining: the sink may ask to pause after a complete request (onRequest returns false);
// feed() then returns how many bytes it consumed and the caller keeps the rest for resume().
#pragma once

#include <llhttp.h>

#include <string>

#include "api-gateway/http_message.h"
#include "host/config.h"

namespace quiver::gateway {

class HttpRequestParser {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void onMessageBegin() {}
    // The head is complete (body not yet read): `request.body` is empty, `keep_alive` and
    // `content_length` are set. With kStreamed the sink may move the head out of `request`.
    virtual BodyDelivery onHeadersComplete(HttpRequest& request) { return BodyDelivery::kWhole; }
    // kStreamed only: the next bytes of the body (decoded from chunked), never empty.
    virtual void onBodyData(const char* data, size_t length) {}
    // A whole request (with kStreamed: the body has ended; the request holds what the sink
    // left of the head). Return false to pause parsing after it.
    virtual bool onRequest(HttpRequest&& request) = 0;
  };

  enum class State { kOk, kPaused, kUpgrade, kFailed };

  HttpRequestParser(const host::HttpLimits& limits, Sink& sink);
  HttpRequestParser(const HttpRequestParser&) = delete;
  HttpRequestParser& operator=(const HttpRequestParser&) = delete;

  // Parses up to `length` bytes; returns how many were consumed (all of them unless the state
  // afterwards is kPaused, kUpgrade or kFailed).
  size_t feed(const char* data, size_t length);
  void resume();

  State state() const { return state_; }
  // Only meaningful when state() == kFailed: 400, 413, 431 or 505, and why.
  int errorStatus() const { return error_status_; }
  const std::string& errorMessage() const { return error_message_; }
  // True between the first byte of a request and its end.
  bool inMessage() const { return in_message_; }
  bool inBody() const { return in_body_; }

 private:
  static HttpRequestParser& self(llhttp_t* p) { return *static_cast<HttpRequestParser*>(p->data); }
  static int onMessageBegin(llhttp_t* p);
  static int onMethod(llhttp_t* p, const char* at, size_t n);
  static int onUrl(llhttp_t* p, const char* at, size_t n);
  static int onHeaderField(llhttp_t* p, const char* at, size_t n);
  static int onHeaderValue(llhttp_t* p, const char* at, size_t n);
  static int onHeaderValueComplete(llhttp_t* p);
  static int onHeadersComplete(llhttp_t* p);
  static int onBody(llhttp_t* p, const char* at, size_t n);
  static int onChunkExtension(llhttp_t* p, const char* at, size_t n);
  static int onMessageComplete(llhttp_t* p);

  int fail(int status, std::string message);
  // Bytes of the current head up to `end` (a pointer into the chunk being parsed): every byte
  // counts, whitespace and line ends included, so padding cannot dodge the limit.
  size_t headBytesUpTo(const char* end) const {
    return head_base_ + static_cast<size_t>(end - (head_start_ ? head_start_ : chunk_begin_));
  }
  int checkHead(const char* end);
  // Chunk extensions and trailers: bytes of the request that are not body, bounded with it.
  int addBodyOverhead(size_t n);
  int finishHeaderLine();
  enum class ScanResult { kIncomplete, kComplete, kBad };
  ScanResult scanHead();

  const host::HttpLimits& limits_;
  Sink& sink_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  HttpRequest current_;
  std::string field_;
  std::string value_;
  const char* chunk_begin_ = nullptr;  // the buffer feed() is parsing
  const char* head_start_ = nullptr;   // where the current head began, if in this chunk
  size_t head_base_ = 0;               // head bytes in earlier chunks
  size_t body_bytes_ = 0;              // of the current request, whole or streamed
  size_t body_overhead_ = 0;
  bool stream_body_ = false;
  const char* scan_from_ = nullptr;  // head bytes before it (in this chunk) were scanned
  char last_[3] = {0, 0, 0};         // the last head bytes scanned
  const char* chunk_end_ = nullptr;
  bool upgrade_ = false;
  int host_headers_ = 0;
  bool in_message_ = false;
  bool in_body_ = false;
  State state_ = State::kOk;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace quiver::gateway
