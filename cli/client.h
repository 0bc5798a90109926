// A deliberately small HTTP client over libcurl, so the rest of the CLI deals in plain
// request/response values and never in curl handles, callbacks or error codes.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace quiver::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  bool hasBody = false;  // send `body` even when it is empty
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds totalTimeout{60000};
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // in arrival order, names as sent by the server, values trimmed
  std::string body;
};

enum class TransportFailure {
  kUnreachable,  // could not resolve or connect: the host is not there
  kTimedOut,     // connected, but the whole exchange took longer than totalTimeout
  kOther,        // anything else curl reports (TLS, malformed response, ...)
};

struct TransportError {
  TransportFailure kind = TransportFailure::kOther;
  std::string reason;  // short, human: "Connection refused", "Timeout was reached"
};

using HttpResult = std::variant<HttpResponse, TransportError>;

// Owns libcurl's global state; create exactly one, for the life of the process.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult send(const HttpRequest& request) const;
};

}  // namespace quiver::cli
