// libcurl plumbing for HttpClient: turns one HttpRequest into one HttpResult, classifying
// transport failures so callers can tell "nothing is listening" from "it answered too slowly".
#include "client.h"

#include <curl/curl.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <string_view>

namespace quiver::cli {
namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

size_t onBody(char* data, size_t size, size_t count, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size * count);
  return size * count;
}

// Called once per header line. A new status line starts a new header block (after a redirect
// or an interim 1xx response), so only the final response's headers are kept.
size_t onHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* headers = static_cast<HeaderList*>(userdata);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(std::string(trim(line.substr(0, colon))),
                          std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

bool hasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return true;
  }
  return false;
}

Slist buildHeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  auto append = [&list](const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown != nullptr) list = grown;
  };
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's spelling for a header that is present but empty.
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  append("Expect:");  // no 100-continue round trip for large bodies
  if (request.hasBody && !hasHeader(request.headers, "Content-Type")) {
    append("Content-Type:");  // drop curl's default application/x-www-form-urlencoded
  }
  return Slist(list);
}

void applyMethodAndBody(CURL* curl, const HttpRequest& request) {
  if (request.hasBody) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.hasBody) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

TransportError classify(CURL* curl, CURLcode code, const HttpRequest& request) {
  long osErrno = 0;
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &osErrno);
  curl_off_t connectTime = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connectTime);
  std::string reason = osErrno != 0 ? std::strerror(static_cast<int>(osErrno))
                                    : std::string(curl_easy_strerror(code));
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return {TransportFailure::kUnreachable, reason};
    case CURLE_OPERATION_TIMEDOUT:
      if (connectTime == 0) return {TransportFailure::kUnreachable, "connection timed out"};
      return {TransportFailure::kTimedOut, "no complete answer within " +
                                               std::to_string(request.totalTimeout.count() / 1000) +
                                               " s"};
    default:
      return {TransportFailure::kOther, reason};
  }
}

}  // namespace

HttpClient::HttpClient() { curl_global_init(CURL_GLOBAL_DEFAULT); }

HttpClient::~HttpClient() { curl_global_cleanup(); }

HttpResult HttpClient::send(const HttpRequest& request) const {
  EasyHandle curl(curl_easy_init());
  if (!curl) return TransportError{TransportFailure::kOther, "cannot initialise libcurl"};
  HttpResponse response;
  Slist headerList = buildHeaderList(request);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "quiver-cli");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connectTimeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.totalTimeout.count()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headerList.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  applyMethodAndBody(c, request);

  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) return classify(c, code, request);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace quiver::cli
