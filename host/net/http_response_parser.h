// HttpResponseParser: one HTTP/1.1 response on llhttp, as the client reads it. Interim 1xx
// responses are skipped; a response to HEAD (and 204/304) has no body; bodies may be chunked,
// Content-Length or delimited by the connection's end (finish()). Body bytes are appended to
// the caller's buffer as they are parsed, so the caller decides how much to read ahead.
// The head is bounded (max_head_bytes); trailers are read and dropped.
//
// No I/O, no threads: the exchange feeds it what its connection reads.
#pragma once

#include <llhttp.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace quiver::host::net {

struct ResponseHead {
  int status = 0;
  std::string status_text;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase, in order
};

class HttpResponseParser {
 public:
  // `head_request`: the request was HEAD, so the response has no body whatever it says.
  HttpResponseParser(size_t max_head_bytes, bool head_request);
  HttpResponseParser(const HttpResponseParser&) = delete;
  HttpResponseParser& operator=(const HttpResponseParser&) = delete;

  // Parses bytes, appending body bytes to `*body`. False once the response is malformed or
  // too big (error() says why). Bytes after the end of the response are not parsed; they make
  // extraBytes() true (the connection cannot be reused).
  bool feed(const char* data, size_t length, std::string* body);
  // The connection ended. True if that completed the response (a body delimited by the close)
  // or it was complete already; false if it cut the response short.
  bool finish();

  bool headComplete() const { return head_complete_; }
  bool messageComplete() const { return message_complete_; }
  const ResponseHead& head() const { return head_; }
  // The body's length when the head announced it (Content-Length, no chunking), 0 when the
  // response has no body, else -1.
  int64_t bodyLength() const { return body_length_; }
  // After messageComplete(): the server allows another request on this connection.
  bool keepAlive() const { return keep_alive_; }
  bool extraBytes() const { return extra_bytes_; }
  const std::string& error() const { return error_; }

 private:
  static HttpResponseParser& self(llhttp_t* p) {
    return *static_cast<HttpResponseParser*>(p->data);
  }
  static int onMessageBegin(llhttp_t* p);
  static int onStatus(llhttp_t* p, const char* at, size_t n);
  static int onHeaderField(llhttp_t* p, const char* at, size_t n);
  static int onHeaderValue(llhttp_t* p, const char* at, size_t n);
  static int onHeaderValueComplete(llhttp_t* p);
  static int onHeadersComplete(llhttp_t* p);
  static int onBody(llhttp_t* p, const char* at, size_t n);
  static int onMessageComplete(llhttp_t* p);
  int countHead(size_t n);

  size_t max_head_bytes_;
  bool head_request_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  ResponseHead head_;
  std::string field_;
  std::string value_;
  size_t head_bytes_ = 0;
  std::string* body_ = nullptr;  // during feed()
  bool head_complete_ = false;
  bool message_complete_ = false;
  bool keep_alive_ = false;
  bool extra_bytes_ = false;
  bool failed_ = false;
  int64_t body_length_ = -1;
  std::string error_;
};

}  // namespace quiver::host::net
