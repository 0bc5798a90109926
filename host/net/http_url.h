// HttpUrl: the parts of an http: or https: URL the client needs to connect and to write the
// request line. The URL is expected to be WHATWG-serialized already (the JS layer parsed it), so
// this only splits it and refuses what cannot go on the wire (spaces, control characters).
#pragma once

#include <string>
#include <string_view>

#include "host/result.h"

namespace quiver::host::net {

struct HttpUrl {
  bool tls = false;
  std::string host;    // lowercase; an IPv6 literal without its brackets
  int port = 0;        // the default port of the scheme when the URL has none
  std::string target;  // path and query ("/" at least); the fragment is dropped

  // "example.com", "example.com:8080", "[::1]:8080": the Host header's value.
  std::string authority() const;
  // "https://example.com:443": connections to the same one are interchangeable.
  std::string origin() const;
};

Result<HttpUrl> parseHttpUrl(std::string_view url);

}  // namespace quiver::host::net
