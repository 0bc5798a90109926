#include "host/net/http_url.h"

#include <algorithm>

namespace quiver::host::net {
namespace {

Error bad(std::string_view url, std::string_view why) {
  return Error{"bad_url", "invalid URL '" + std::string(url) + "': " + std::string(why)};
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string HttpUrl::authority() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) name += ":" + std::to_string(port);
  return name;
}

std::string HttpUrl::origin() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + name + ":" + std::to_string(port);
}

Result<HttpUrl> parseHttpUrl(std::string_view url) {
  HttpUrl out;
  std::string_view rest;
  if (startsWithNoCase(url, "http://")) {
    rest = url.substr(7);
  } else if (startsWithNoCase(url, "https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return bad(url, "only http: and https: URLs can be fetched over the network");
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return bad(url, "spaces or control characters");
  }
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? "" : rest.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // credentials never go on the wire from here
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad(url, "unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(url, "junk after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad(url, "no host");
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  out.port = out.tls ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return bad(url, "bad port");
      port = port * 10 + (c - '0');
    }
    if (port == 0 || port > 65535) return bad(url, "bad port");
    out.port = port;
  }
  tail = tail.substr(0, tail.find('#'));
  out.target = tail.empty() || tail.front() != '/' ? "/" + std::string(tail) : std::string(tail);
  return out;
}

}  // namespace quiver::host::net
