// The exchange state machine (see http_exchange.h). Long-ish because an HTTP exchange has many
// ways to end; every one of them goes through fail(), pump() or bodyCancel().
#include "host/net/http_exchange.h"

#include <algorithm>
#include <cstdio>

namespace quiver::host::net {
namespace {

// The response body as the consumer sees it. It keeps the exchange alive; dropping it without
// reading to the end cancels (the connection cannot be reused with a body half read).
class ResponseBody final : public ByteStream {
 public:
  ResponseBody(std::shared_ptr<HttpExchange> exchange, int64_t length)
      : exchange_(std::move(exchange)), length_(length) {}
  ~ResponseBody() override { exchange_->bodyCancel(); }
  void read(ReadCallback callback) override { exchange_->bodyRead(std::move(callback)); }
  void cancel() override { exchange_->bodyCancel(); }
  int64_t length() const override { return length_; }

 private:
  std::shared_ptr<HttpExchange> exchange_;
  int64_t length_;
};

bool isToken(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool isFieldValue(const std::string& s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == 0; });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Headers whose meaning is the connection's or the framing's: the client sets them itself.
bool ownedByClient(const std::string& lowercase_name) {
  return lowercase_name == "content-length" || lowercase_name == "transfer-encoding" ||
         lowercase_name == "connection" || lowercase_name == "keep-alive" ||
         lowercase_name == "upgrade" || lowercase_name == "te";
}

}  // namespace

HttpExchange::HttpExchange(std::shared_ptr<ClientCore> core, HttpClient::Request request,
                           HttpClient::ResponseCallback on_response,
                           HttpClient::ErrorCallback on_error)
    : core_(std::move(core)),
      request_(std::move(request)),
      on_response_(std::move(on_response)),
      on_error_(std::move(on_error)) {}

HttpExchange::~HttpExchange() {
  if (connection_) connection_->close();
  if (request_.body && !request_body_done_) request_.body->cancel();
}

void HttpExchange::begin() {
  if (phase_ == Phase::kDone) return;  // aborted before it began
  if (core_->closed) return shutdown("the HTTP client was closed");
  auto url = parseHttpUrl(request_.url);
  if (!url) return fail(url.error().message);
  url_ = *url;
  if (!isToken(request_.method)) return fail("invalid HTTP method '" + request_.method + "'");
  for (const auto& [name, value] : request_.headers) {
    if (!isToken(name)) return fail("invalid header name '" + name + "'");
    if (!isFieldValue(value)) return fail("invalid value for header '" + name + "'");
  }
  if (url_.tls) {
    std::string error;
    tls_ = core_->tlsContext(&error);
    if (!tls_) return fail(error);
  }
  if (auto pooled = core_->pool.take(url_.origin())) {
    reused_ = true;
    connection_ = std::move(pooled);
    return sendRequest();
  }
  resolve();
}

void HttpExchange::resolve() {
  phase_ = Phase::kResolving;
  auto self = shared_from_this();
  core_->dns.resolve(url_.host, [self](Result<std::vector<IpAddress>> result) {
    self->onResolved(std::move(result));
  });
}

void HttpExchange::onResolved(Result<std::vector<IpAddress>> result) {
  if (phase_ != Phase::kResolving) return;
  if (!result) return fail(result.error().message);
  std::vector<IpAddress> allowed;
  for (const auto& address : *result) {
    if (core_->options.policy.allows(address)) allowed.push_back(address);
  }
  if (allowed.empty()) {
    std::string address = result->front().toString();
    std::string named = address == url_.host ? address : address + " (" + url_.host + ")";
    return fail("egress to " + named + " is blocked by the host's egress policy");
  }
  phase_ = Phase::kConnecting;
  connection_ = Connection::create(core_->loop);
  Connection::Target target{url_.host, url_.port, std::move(allowed), tls_,
                            core_->options.connect_timeout_ms};
  auto self = shared_from_this();
  connection_->connect(std::move(target),
                       [self](const std::string& error) { self->onConnected(error); });
}

void HttpExchange::onConnected(const std::string& error) {
  if (phase_ != Phase::kConnecting) return;
  if (!error.empty()) {
    connection_.reset();  // it closed itself
    return fail(error);
  }
  sendRequest();
}

std::string HttpExchange::requestHead() const {
  bool has_host = std::any_of(request_.headers.begin(), request_.headers.end(),
                              [](const auto& header) { return lower(header.first) == "host"; });
  std::string head = request_.method + " " + url_.target + " HTTP/1.1\r\n";
  if (!has_host) head += "Host: " + url_.authority() + "\r\n";
  for (const auto& [name, value] : request_.headers) {
    if (!ownedByClient(lower(name))) head += name + ": " + value + "\r\n";
  }
  if (chunked_) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (declared_length_ >= 0) {
    head += "Content-Length: " + std::to_string(declared_length_) + "\r\n";
  }
  return head + "\r\n";
}

void HttpExchange::sendRequest() {
  phase_ = Phase::kSending;
  parser_ = std::make_unique<HttpResponseParser>(core_->options.max_head_bytes,
                                                 request_.method == "HEAD");
  received_any_ = false;
  if (request_.body) {
    declared_length_ = request_.body->length();
    chunked_ = declared_length_ < 0;
  } else if (request_.method == "POST" || request_.method == "PUT" || request_.method == "PATCH") {
    declared_length_ = 0;
  }
  remote_address_ = connection_->remoteAddress().toString();
  remote_port_ = connection_->port();
  connection_->setSink(this);
  // With a body, its stream is read to its end even when its length is known (and 0).
  writeBytes(requestHead(), !request_.body);
  if (phase_ != Phase::kSending) return;
  auto self = shared_from_this();
  connection_->readStart();  // an early answer (a 413 to a big upload) is read as it comes
}

void HttpExchange::writeBytes(std::string bytes, bool last) {
  auto self = shared_from_this();
  bool queued = connection_->write(
      std::move(bytes), [self, last](const std::string& error) { self->onWritten(error, last); });
  if (!queued) return fail("the connection to " + connection_->describe() + " was lost");
  writing_ = true;
  updateTimer();
}

void HttpExchange::onWritten(const std::string& error, bool last) {
  writing_ = false;
  if (phase_ == Phase::kDone || !connection_) return;
  if (!error.empty()) {
    if (head_delivered_) {
      // The server answered and stopped reading: the answer stands, the upload ends here.
      cancelRequestBody();
      return updateTimer();
    }
    return fail("cannot send the request to " + connection_->describe() + ": " + error);
  }
  if (last) return requestSent();
  pullRequestBody();
}

void HttpExchange::pullRequestBody() {
  updateTimer();  // no timer while the caller produces the body
  if (!request_.body || request_body_done_) return;
  auto self = shared_from_this();
  request_.body->read([self](ByteStream::Event event, std::string chunk) {
    self->onRequestChunk(event, std::move(chunk));
  });
}

void HttpExchange::onRequestChunk(ByteStream::Event event, std::string chunk) {
  if (phase_ == Phase::kDone || !connection_) return;
  if (event == ByteStream::Event::kError) {
    request_body_done_ = true;
    return fail("the request body failed: " + chunk);
  }
  if (event == ByteStream::Event::kEnd) {
    request_body_done_ = true;
    if (declared_length_ >= 0 && sent_length_ != declared_length_) {
      return fail("the request body ended after " + std::to_string(sent_length_) + " of its " +
                  std::to_string(declared_length_) + " bytes");
    }
    if (!chunked_) return requestSent();
    return writeBytes("0\r\n\r\n", true);
  }
  sent_length_ += static_cast<int64_t>(chunk.size());
  if (declared_length_ >= 0 && sent_length_ > declared_length_) {
    return fail("the request body is longer than its declared " + std::to_string(declared_length_) +
                " bytes");
  }
  if (chunked_) {
    char size[24];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    chunk = size + chunk + "\r\n";
  }
  writeBytes(std::move(chunk), false);
}

void HttpExchange::requestSent() {
  request_sent_ = true;
  updateTimer();
}

void HttpExchange::onConnectionData(const char* data, size_t length) {
  auto self = shared_from_this();
  received_any_ = true;
  if (!parser_->feed(data, length, &body_buf_)) {
    return fail(parser_->error() + " (" + connection_->describe() + ")");
  }
  if (parser_->headComplete() && !head_delivered_) {
    deliverHead();
    if (phase_ == Phase::kDone) return;
  }
  if (parser_->messageComplete() && !message_complete_) {
    message_complete_ = true;
    onMessageComplete();
  }
  if (timer_ == Timer::kBodyIdle) updateTimer(true);  // progress: the idle clock restarts
  pump();
}

void HttpExchange::onConnectionEnd(const std::string& error) {
  auto self = shared_from_this();
  std::string where = " (" + connection_->describe() + ")";
  if (!error.empty()) return fail(error + where);
  if (!parser_->finish()) {
    if (!received_any_ && !head_delivered_) {
      return fail("the server closed the connection without answering" + where);
    }
    return fail(parser_->error() + where);
  }
  // A body delimited by the connection's end: complete now, and the connection is spent.
  connection_->close();
  connection_.reset();
  if (!head_delivered_) deliverHead();
  if (phase_ == Phase::kDone) return;
  if (!message_complete_) {
    message_complete_ = true;
    onMessageComplete();
  }
  pump();
}

void HttpExchange::deliverHead() {
  auto self = shared_from_this();
  head_delivered_ = true;
  phase_ = Phase::kBody;
  updateTimer();
  const ResponseHead& head = parser_->head();
  HttpClient::Response response;
  response.status = head.status;
  response.status_text = head.status_text;
  response.headers = head.headers;
  response.body = std::make_shared<ResponseBody>(self, parser_->bodyLength());
  response.remote_address = remote_address_;
  response.remote_port = remote_port_;
  auto callback = std::move(on_response_);
  on_response_ = nullptr;
  on_error_ = nullptr;
  forgetStarting();
  if (callback) callback(std::move(response));
}

// The whole response is parsed (its body may still wait in body_buf_): the connection is free.
void HttpExchange::onMessageComplete() {
  if (!connection_) return;
  if (!request_sent_) {
    closeConnection();  // the server answered before the upload ended: stop it
    cancelRequestBody();
    return;
  }
  timer_ = Timer::kNone;
  connection_->stopTimer();
  auto connection = std::move(connection_);
  connection_.reset();
  connection->setSink(nullptr);
  connection->readStop();
  if (parser_->keepAlive() && !parser_->extraBytes() && connection->isOpen()) {
    core_->pool.put(url_.origin(), std::move(connection));
  } else {
    connection->close();
  }
}

// Moves the body along: hands buffered bytes, the end or the error to a pending read, or reads
// the socket for it. The socket is read only while a read is pending and nothing is buffered.
void HttpExchange::pump() {
  if (phase_ != Phase::kBody) return;
  if (!pending_read_) {
    if (connection_ && !message_complete_) connection_->readStop();
    return updateTimer();
  }
  ByteStream::Event event;
  std::string chunk;
  if (!body_buf_.empty()) {
    event = ByteStream::Event::kData;
    chunk = std::move(body_buf_);
    body_buf_.clear();
  } else if (body_error_) {
    event = ByteStream::Event::kError;
    chunk = *body_error_;
  } else if (message_complete_) {
    event = ByteStream::Event::kEnd;
  } else {
    if (!connection_) return fail("the connection was lost");
    connection_->readStart();  // may deliver buffered bytes, and pump, from inside
    return updateTimer();
  }
  if (event != ByteStream::Event::kData) {
    phase_ = Phase::kDone;
    closeConnection();
  } else if (connection_ && !message_complete_) {
    connection_->readStop();
  }
  auto callback = std::move(pending_read_);
  pending_read_ = nullptr;
  updateTimer();
  callback(event, std::move(chunk));
}

void HttpExchange::bodyRead(ByteStream::ReadCallback callback) {
  if (phase_ != Phase::kBody) {
    callback(ByteStream::Event::kError, body_error_.value_or("the response body is closed"));
    return;
  }
  auto self = shared_from_this();
  pending_read_ = std::move(callback);
  pump();
}

void HttpExchange::bodyCancel() {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  pending_read_ = nullptr;
  body_buf_.clear();
  closeConnection();
  cancelRequestBody();
}

void HttpExchange::abort() {
  if (phase_ == Phase::kDone) return;
  auto self = shared_from_this();
  if (!head_delivered_) {
    phase_ = Phase::kDone;
    on_response_ = nullptr;
    on_error_ = nullptr;
    closeConnection();
    cancelRequestBody();
    forgetStarting();
    return;
  }
  body_buf_.clear();
  body_error_ = "the request was aborted";
  closeConnection();
  cancelRequestBody();
  pump();
}

void HttpExchange::shutdown(const std::string& message) {
  retried_ = true;  // no retry on the way out
  fail(message);
}

bool HttpExchange::shouldRetry() const {
  return reused_ && !retried_ && !received_any_ && !head_delivered_ && !request_.body &&
         !core_->closed && phase_ == Phase::kSending;
}

void HttpExchange::fail(const std::string& message) {
  if (phase_ == Phase::kDone) return;
  auto self = shared_from_this();
  if (shouldRetry()) {
    // A pooled connection the server had closed before our request reached it: the request
    // has no body and nothing came back, so sending it again on a fresh connection is safe.
    retried_ = true;
    reused_ = false;
    writing_ = false;
    closeConnection();
    parser_.reset();
    return resolve();
  }
  closeConnection();
  cancelRequestBody();
  if (!head_delivered_) {
    phase_ = Phase::kDone;
    auto callback = std::move(on_error_);
    on_error_ = nullptr;
    on_response_ = nullptr;
    forgetStarting();
    if (callback) callback(message);
    return;
  }
  if (!body_error_) body_error_ = message;
  pump();
}

void HttpExchange::closeConnection() {
  timer_ = Timer::kNone;
  if (!connection_) return;
  auto connection = std::move(connection_);
  connection_.reset();
  connection->close();
}

void HttpExchange::cancelRequestBody() {
  if (!request_.body || request_body_done_) return;
  request_body_done_ = true;
  request_.body->cancel();
}

void HttpExchange::forgetStarting() {
  auto& starting = core_->starting;
  auto it = std::find_if(starting.begin(), starting.end(),
                         [this](const auto& p) { return p.get() == this; });
  if (it != starting.end()) starting.erase(it);
}

// The one timer (the connection's) follows what the exchange is waiting for; see http_client.h.
void HttpExchange::updateTimer(bool restart) {
  Timer want = Timer::kNone;
  if (!connection_ || phase_ == Phase::kDone) {
    want = Timer::kNone;
  } else if (!head_delivered_) {
    if (writing_) {
      want = Timer::kSend;
    } else if (request_sent_) {
      want = Timer::kResponse;
    }
  } else if (pending_read_ && body_buf_.empty() && !message_complete_ && !body_error_) {
    want = Timer::kBodyIdle;
  }
  if (want == timer_ && !restart) return;
  timer_ = want;
  if (!connection_) return;
  if (want == Timer::kNone) return connection_->stopTimer();
  const auto& options = core_->options;
  std::string where = connection_->describe();
  uint64_t ms = want == Timer::kResponse ? options.response_timeout_ms : options.idle_timeout_ms;
  std::string message = want == Timer::kSend ? "timed out sending the request to " + where
                        : want == Timer::kResponse
                            ? "timed out waiting for the response from " + where
                            : "timed out reading the response body from " + where;
  std::weak_ptr<HttpExchange> weak = weak_from_this();
  connection_->startTimer(ms, [weak, message] {
    if (auto self = weak.lock()) {
      self->timer_ = Timer::kNone;
      self->fail(message);
    }
  });
}

}  // namespace quiver::host::net
