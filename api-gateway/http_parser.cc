#include "api-gateway/http_parser.h"

#include <algorithm>

namespace quiver::gateway {

HttpRequestParser::HttpRequestParser(const host::HttpLimits& limits, Sink& sink)
    : limits_(limits), sink_(sink) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &HttpRequestParser::onMessageBegin;
  settings_.on_method = &HttpRequestParser::onMethod;
  settings_.on_chunk_extension_name = &HttpRequestParser::onChunkExtension;
  settings_.on_chunk_extension_value = &HttpRequestParser::onChunkExtension;
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
  chunk_begin_ = data;
  chunk_end_ = data + length;
  scan_from_ = nullptr;
  llhttp_errno_t err = llhttp_execute(&parser_, data, length);
  switch (err) {
    case HPE_OK:
      if (in_message_ && !in_body_) {
        // The head continues in the next chunk: check and count what arrived of it.
        if (scanHead() != ScanResult::kIncomplete || checkHead(chunk_end_) != 0) {
          if (state_ != State::kFailed) fail(400, "malformed HTTP request head");
          return 0;
        }
        head_base_ = headBytesUpTo(chunk_end_);
        head_start_ = nullptr;
      }
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

// Checks the raw bytes of a head as they stream by, for what llhttp 8.1.0 lets through: bare
// LF or CR line ends, obs-fold (a line break followed by whitespace) and a head ended by CRLF
// CR plus any byte (CVE-2023-30589). Each lets two parsers frame a request differently.
// Scans from where the last scan stopped to the end of the head (CRLF CRLF) or of the chunk.
HttpRequestParser::ScanResult HttpRequestParser::scanHead() {
  const char* p = scan_from_ ? scan_from_ : chunk_begin_;
  for (; p < chunk_end_; ++p) {
    char c = *p;
    const char* problem = nullptr;
    if (last_[2] == '\r' && c != '\n') problem = "a CR not followed by LF in the head";
    if (c == '\n' && last_[2] != '\r') problem = "a bare LF in the head";
    if (last_[2] == '\n' && (c == ' ' || c == '\t')) {
      problem = "folded header lines are not accepted";
    }
    if (problem) {
      fail(400, std::string("malformed HTTP request: ") + problem);
      return ScanResult::kBad;
    }
    bool done = c == '\n' && last_[0] == '\r' && last_[1] == '\n' && last_[2] == '\r';
    last_[0] = last_[1];
    last_[1] = last_[2];
    last_[2] = c;
    if (done) {
      scan_from_ = p + 1;
      return ScanResult::kComplete;
    }
  }
  scan_from_ = p;
  return ScanResult::kIncomplete;
}

void HttpRequestParser::resume() {
  if (state_ != State::kPaused) return;
  llhttp_resume(&parser_);
  // After CONNECT or an Upgrade no more HTTP follows on this connection.
  state_ = upgrade_ ? State::kUpgrade : State::kOk;
}

int HttpRequestParser::fail(int status, std::string message) {
  state_ = State::kFailed;
  error_status_ = status;
  error_message_ = std::move(message);
  return HPE_USER;
}

int HttpRequestParser::checkHead(const char* end) {
  if (headBytesUpTo(end) <= limits_.max_head_bytes) return 0;
  return fail(431, "request head exceeds the limit of " + std::to_string(limits_.max_head_bytes) +
                       " bytes");
}

int HttpRequestParser::addBodyOverhead(size_t n) {
  body_overhead_ += n;
  if (body_bytes_ + body_overhead_ <= limits_.max_body_bytes) return 0;
  return fail(413, "request body exceeds the limit of " + std::to_string(limits_.max_body_bytes) +
                       " bytes");
}

namespace {
// tchar (RFC 9110 section 5.6.2).
bool isTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}
}  // namespace

int HttpRequestParser::onMessageBegin(llhttp_t* p) {
  auto& s = self(p);
  s.current_ = HttpRequest{};
  s.field_.clear();
  s.value_.clear();
  s.head_base_ = 0;
  s.head_start_ = nullptr;
  s.body_bytes_ = 0;
  s.body_overhead_ = 0;
  s.stream_body_ = false;
  s.host_headers_ = 0;
  s.last_[0] = s.last_[1] = s.last_[2] = 0;
  s.in_message_ = true;
  s.in_body_ = false;
  s.sink_.onMessageBegin();
  return 0;
}

int HttpRequestParser::onMethod(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (!s.head_start_ && s.head_base_ == 0) {
    s.head_start_ = at;
    s.scan_from_ = at;
  }
  return s.checkHead(at + n);
}

int HttpRequestParser::onUrl(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (int rc = s.checkHead(at + n)) return rc;
  s.current_.target.append(at, n);
  return 0;
}

// After the head, header callbacks are trailer fields: they are bounded like body bytes and
// dropped, never merged into the headers the request was routed by.
int HttpRequestParser::onHeaderField(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (s.in_body_) return s.addBodyOverhead(n);
  if (int rc = s.checkHead(at + n)) return rc;
  s.field_.append(at, n);
  return 0;
}

int HttpRequestParser::onHeaderValue(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (s.in_body_) return s.addBodyOverhead(n);
  if (int rc = s.checkHead(at + n)) return rc;
  s.value_.append(at, n);
  return 0;
}

int HttpRequestParser::onChunkExtension(llhttp_t* p, const char*, size_t n) {
  return self(p).addBodyOverhead(n);
}

int HttpRequestParser::onHeaderValueComplete(llhttp_t* p) { return self(p).finishHeaderLine(); }

int HttpRequestParser::finishHeaderLine() {
  if (in_body_) return addBodyOverhead(4);  // a trailer line: at least ":" and CRLF
  auto& s = *this;
  if (s.field_.empty() || !std::all_of(s.field_.begin(), s.field_.end(), [](char c) {
        return isTokenChar(static_cast<unsigned char>(c));
      })) {
    return fail(400, "malformed HTTP request: invalid header name");
  }
  // Folded (obs-fold) or otherwise multi-line values are refused: two parsers must never
  // disagree on where a header, or the body, ends.
  if (s.value_.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return fail(400, "malformed HTTP request: invalid header value (line folding is not accepted)");
  }
  std::transform(s.field_.begin(), s.field_.end(), s.field_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // llhttp strips leading whitespace; trailing whitespace is not part of the value (RFC 9110).
  while (!s.value_.empty() && (s.value_.back() == ' ' || s.value_.back() == '\t')) {
    s.value_.pop_back();
  }
  if (s.field_ == "host") ++s.host_headers_;
  // Room for a typical head at once, instead of growing one header at a time.
  if (s.current_.headers.empty()) s.current_.headers.reserve(8);
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
  if (p->http_minor >= 1 && s.host_headers_ == 0) {
    return s.fail(400, "HTTP/1.1 request without a Host header");
  }
  if (s.host_headers_ > 1) return s.fail(400, "more than one Host header");
  // llhttp has consumed the head up to here: its bytes must end with CRLF CRLF, now.
  if (s.scanHead() != ScanResult::kComplete) {
    if (s.state_ != State::kFailed) s.fail(400, "malformed HTTP request: bad end of head");
    return HPE_USER;
  }
  // The whole head, its final CRLF CRLF included, however the network split it.
  if (int rc = s.checkHead(s.scan_from_)) return rc;
  s.in_body_ = true;
  s.current_.keep_alive = llhttp_should_keep_alive(p) != 0;
  s.current_.chunked = (p->flags & F_CHUNKED) != 0;
  if (p->flags & F_CONTENT_LENGTH)
    s.current_.content_length = static_cast<int64_t>(p->content_length);
  s.stream_body_ = s.sink_.onHeadersComplete(s.current_) == BodyDelivery::kStreamed;
  return 0;
}

int HttpRequestParser::onBody(llhttp_t* p, const char* at, size_t n) {
  auto& s = self(p);
  if (s.body_bytes_ + s.body_overhead_ + n > s.limits_.max_body_bytes) {
    return s.fail(413, "request body exceeds the limit of " +
                           std::to_string(s.limits_.max_body_bytes) + " bytes");
  }
  s.body_bytes_ += n;
  if (s.stream_body_) {
    s.sink_.onBodyData(at, n);
  } else {
    s.current_.body.append(at, n);
  }
  return 0;
}

int HttpRequestParser::onMessageComplete(llhttp_t* p) {
  auto& s = self(p);
  s.current_.keep_alive = llhttp_should_keep_alive(p) != 0;
  s.upgrade_ = p->upgrade != 0;
  s.in_message_ = false;
  s.in_body_ = false;
  bool more = s.sink_.onRequest(std::move(s.current_));
  s.current_ = HttpRequest{};
  return more ? 0 : HPE_PAUSED;
}

}  // namespace quiver::gateway
