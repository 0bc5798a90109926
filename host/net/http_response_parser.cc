#include "host/net/http_response_parser.h"

#include <algorithm>

namespace quiver::host::net {

HttpResponseParser::HttpResponseParser(size_t max_head_bytes, bool head_request)
    : max_head_bytes_(max_head_bytes), head_request_(head_request) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &HttpResponseParser::onMessageBegin;
  settings_.on_status = &HttpResponseParser::onStatus;
  settings_.on_header_field = &HttpResponseParser::onHeaderField;
  settings_.on_header_value = &HttpResponseParser::onHeaderValue;
  settings_.on_header_value_complete = &HttpResponseParser::onHeaderValueComplete;
  settings_.on_headers_complete = &HttpResponseParser::onHeadersComplete;
  settings_.on_body = &HttpResponseParser::onBody;
  settings_.on_message_complete = &HttpResponseParser::onMessageComplete;
  llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
  parser_.data = this;
}

bool HttpResponseParser::feed(const char* data, size_t length, std::string* body) {
  if (failed_) return false;
  if (message_complete_) {
    extra_bytes_ = extra_bytes_ || length > 0;
    return true;
  }
  body_ = body;
  llhttp_errno_t err = llhttp_execute(&parser_, data, length);
  body_ = nullptr;
  if (err == HPE_OK) return true;
  if (err == HPE_PAUSED && message_complete_) {
    extra_bytes_ = llhttp_get_error_pos(&parser_) < data + length;
    return true;
  }
  failed_ = true;
  if (error_.empty())
    error_ = std::string("invalid HTTP response: ") + llhttp_get_error_reason(&parser_);
  return false;
}

bool HttpResponseParser::finish() {
  if (failed_) return false;
  if (message_complete_) return true;
  llhttp_errno_t err = llhttp_finish(&parser_);  // completes a body delimited by the close
  if ((err == HPE_OK || err == HPE_PAUSED) && message_complete_) return true;
  failed_ = true;
  error_ = head_complete_ ? "the connection closed before the response body was complete"
                          : "the connection closed before a complete response head arrived";
  return false;
}

int HttpResponseParser::countHead(size_t n) {
  head_bytes_ += n;
  if (head_bytes_ <= max_head_bytes_) return 0;
  error_ = "the response head exceeds the limit of " + std::to_string(max_head_bytes_) + " bytes";
  return HPE_USER;
}

// Interim (1xx) responses come through here too; their heads are forgotten, but their bytes
// stay counted so that a stream of them cannot go on forever.
int HttpResponseParser::onMessageBegin(llhttp_t* p) {
  auto& s = self(p);
  s.head_ = ResponseHead{};
  s.field_.clear();
  s.value_.clear();
  return 0;
}

int HttpResponseParser::onStatus(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  s.head_.status_text.append(at, n);
  return s.countHead(n);
}

int HttpResponseParser::onHeaderField(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.head_complete_) s.field_.append(at, n);
  return s.countHead(n);  // trailers (after the head) count against the same bound
}

int HttpResponseParser::onHeaderValue(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.head_complete_) s.value_.append(at, n);
  return s.countHead(n);
}

int HttpResponseParser::onHeaderValueComplete(llhttp_t* p) {
  auto& s = self(p);
  if (int rc = s.countHead(4)) return rc;  // ": " and CRLF
  if (s.head_complete_) return 0;          // a trailer: dropped
  // llhttp unfolds obs-fold (RFC 9112 5.2); a CR, LF or NUL left in a value could not be a
  // Headers value in JS: refuse the response.
  if (s.field_.empty() ||
      s.value_.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    s.error_ = "invalid HTTP response: invalid header line";
    return HPE_USER;
  }
  std::transform(s.field_.begin(), s.field_.end(), s.field_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!s.value_.empty() && (s.value_.back() == ' ' || s.value_.back() == '\t')) {
    s.value_.pop_back();
  }
  s.head_.headers.emplace_back(std::move(s.field_), std::move(s.value_));
  s.field_.clear();
  s.value_.clear();
  return 0;
}

int HttpResponseParser::onHeadersComplete(llhttp_t* p) {
  auto& s = self(p);
  int status = p->status_code;
  if (status == 101) {
    s.error_ = "unexpected 101 Switching Protocols (no upgrade was asked for)";
    return HPE_USER;
  }
  // Interim: no body (llhttp 8.1 would read one a 1xx announces), the final response follows.
  if (status < 200) return 1;
  s.head_.status = status;
  s.head_complete_ = true;
  // 204 and 304 never have a body, whatever Content-Length says (llhttp 8.1 would read one).
  bool no_body = s.head_request_ || status == 204 || status == 304;
  if (no_body) {
    s.body_length_ = 0;
  } else if (!(p->flags & F_CHUNKED) && (p->flags & F_CONTENT_LENGTH)) {
    s.body_length_ = static_cast<int64_t>(p->content_length);
  }
  return no_body ? 1 : 0;  // 1: no body follows
}

int HttpResponseParser::onBody(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (s.body_ && s.head_complete_) s.body_->append(at, n);
  return 0;
}

int HttpResponseParser::onMessageComplete(llhttp_t* p) {
  auto& s = self(p);
  if (!s.head_complete_) return 0;  // the end of an interim response
  s.message_complete_ = true;
  s.keep_alive_ = llhttp_should_keep_alive(p) != 0;
  return HPE_PAUSED;  // whatever follows is not this response's
}

}  // namespace quiver::host::net
