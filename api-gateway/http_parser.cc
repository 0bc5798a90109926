#include "api-gateway/http_parser.h"

#include <algorithm>

namespace quiver::gateway {

HttpRequestParser::HttpRequestParser(const host::HttpLimits& limits, Sink& sink)
    : limits_(limits), sink_(sink) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &HttpRequestParser::onMessageBegin;
  settings_.on_url = &HttpRequestParser::onUrl;
  settings_.on_header_field = &HttpRequestParser::onHeaderField;
  settings_.on_header_value = &HttpRequestParser::onHeaderValue;
  settings_.on_header_value_complete = &HttpRequestParser::onHeaderValueComplete;
  settings_.on_headers_complete = &HttpRequestParser::onHeadersComplete;
  settings_.on_body = &HttpRequestParser::onBody;
  settings_.on_message_complete = &HttpRequestParser::onMessageComplete;
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
}

size_t HttpRequestParser::feed(const char* data, size_t length) {
  if (state_ != State::kOk || length == 0) return 0;
  llhttp_errno_t err = llhttp_execute(&parser_, data, length);
  switch (err) {
    case HPE_OK:
      return length;
    case HPE_PAUSED:
      state_ = State::kPaused;
      return static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    case HPE_PAUSED_UPGRADE:
      state_ = State::kUpgrade;
      return static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    default:
      if (state_ != State::kFailed) {
        fail(400, std::string("malformed HTTP request: ") + llhttp_get_error_reason(&parser_));
      }
      state_ = State::kFailed;
      return 0;
  }
}

void HttpRequestParser::resume() {
  if (state_ != State::kPaused) return;
  llhttp_resume(&parser_);
  state_ = State::kOk;
}

int HttpRequestParser::fail(int status, std::string message) {
  state_ = State::kFailed;
  error_status_ = status;
  error_message_ = std::move(message);
  return HPE_USER;
}

bool HttpRequestParser::addHeadBytes(size_t n) {
  head_bytes_ += n;
  return head_bytes_ <= limits_.max_head_bytes;
}

int HttpRequestParser::onMessageBegin(llhttp_t* p) {
  auto& s = self(p);
  s.current_ = HttpRequest{};
  s.field_.clear();
  s.value_.clear();
  s.head_bytes_ = 0;
  s.in_message_ = true;
  s.in_body_ = false;
  s.sink_.onMessageBegin();
  return 0;
}

int HttpRequestParser::onUrl(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.addHeadBytes(n)) return s.fail(431, "request head exceeds the size limit");
  s.current_.target.append(at, n);
  return 0;
}

int HttpRequestParser::onHeaderField(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.addHeadBytes(n)) return s.fail(431, "request head exceeds the size limit");
  s.field_.append(at, n);
  return 0;
}

int HttpRequestParser::onHeaderValue(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.addHeadBytes(n)) return s.fail(431, "request head exceeds the size limit");
  s.value_.append(at, n);
  return 0;
}

int HttpRequestParser::onHeaderValueComplete(llhttp_t* p) {
  auto& s = self(p);
  std::transform(s.field_.begin(), s.field_.end(), s.field_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // llhttp strips leading whitespace; trailing whitespace is not part of the value (RFC 9110).
  while (!s.value_.empty() && (s.value_.back() == ' ' || s.value_.back() == '\t')) {
    s.value_.pop_back();
  }
  s.current_.headers.emplace_back(std::move(s.field_), std::move(s.value_));
  s.field_.clear();
  s.value_.clear();
  return 0;
}

int HttpRequestParser::onHeadersComplete(llhttp_t* p) {
  auto& s = self(p);
  s.current_.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  s.current_.version_major = p->http_major;
  s.current_.version_minor = p->http_minor;
  if (p->http_major != 1) return s.fail(505, "only HTTP/1.x is supported");
  if ((p->flags & F_CONTENT_LENGTH) && p->content_length > s.limits_.max_body_bytes) {
    return s.fail(413, "request body of " + std::to_string(p->content_length) +
                           " bytes exceeds the limit of " +
                           std::to_string(s.limits_.max_body_bytes));
  }
  if (p->http_minor >= 1 && !s.current_.header("host")) {
    return s.fail(400, "HTTP/1.1 request without a Host header");
  }
  s.in_body_ = true;
  s.sink_.onHeadersComplete(s.current_);
  return 0;
}

int HttpRequestParser::onBody(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (s.current_.body.size() + n > s.limits_.max_body_bytes) {
    return s.fail(413, "request body exceeds the limit of " +
                           std::to_string(s.limits_.max_body_bytes) + " bytes");
  }
  s.current_.body.append(at, n);
  return 0;
}

int HttpRequestParser::onMessageComplete(llhttp_t* p) {
  auto& s = self(p);
  s.current_.keep_alive = llhttp_should_keep_alive(p) != 0;
  s.in_message_ = false;
  s.in_body_ = false;
  bool more = s.sink_.onRequest(std::move(s.current_));
  s.current_ = HttpRequest{};
  return more ? 0 : HPE_PAUSED;
}

}  // namespace quiver::gateway
