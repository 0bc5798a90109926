// libFuzzer target: the outbound client's response parser (host/net/http_response_parser.cc)
// on arbitrary upstream bytes, split in two reads, then the connection's end. Checks that a
// body announced by Content-Length is exactly that long when the response completes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "host/net/http_response_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  bool head_request = data[0] & 1;
  size_t split = data[1] % (size - 1);
  const char* bytes = reinterpret_cast<const char*>(data + 2);
  size_t length = size - 2;
  split = split > length ? length : split;
  quiver::host::net::HttpResponseParser parser(4096, head_request);
  std::string body;
  bool ok = parser.feed(bytes, split, &body) && parser.feed(bytes + split, length - split, &body);
  if (ok) ok = parser.finish();
  if (ok && parser.messageComplete() && parser.bodyLength() >= 0 &&
      body.size() != static_cast<size_t>(parser.bodyLength())) {
    std::abort();
  }
  if (parser.messageComplete() && !parser.headComplete()) std::abort();
  return 0;
}
