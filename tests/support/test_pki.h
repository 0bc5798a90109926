// A throwaway PKI for tests of TLS: a CA and server certificates signed by it, made with the
// openssl CLI into a directory the caller owns. Used by the HTTP client's unit tests and by the
// end-to-end fetch() tests.
#pragma once

#include <string>

namespace quiver::testing {

struct TestPki {
  std::string dir;
  std::string ca_pem;                         // what a client must trust
  std::string localhost_cert, localhost_key;  // SAN DNS:localhost, IP:127.0.0.1
  std::string other_cert, other_key;          // SAN DNS:other.test
};

// Runs the openssl CLI into `dir`. Empty ca_pem when that failed.
TestPki makeTestPki(const std::string& dir);

}  // namespace quiver::testing
