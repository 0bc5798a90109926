#include "host/admin_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace quiver::host {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::string> randomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return Error{"token_error", "cannot get random bytes"};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

Result<AdminToken> resolveAdminToken(const std::filesystem::path& data_dir) {
  if (const char* env = std::getenv("QUIVER_ADMIN_TOKEN"); env && *env) {
    return AdminToken{env, {}};
  }
  auto file = data_dir / "admin.token";
  if (std::ifstream in(file); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string token = trim(ss.str());
    if (token.empty()) return Error{"token_error", file.string() + " is empty"};
    return AdminToken{token, {}};
  }
  auto token = randomHex(32);
  if (!token) return token.error();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error{"token_error", "cannot create " + file.string() + ": " + strerror(errno)};
  std::string line = *token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  if (!ok) return Error{"token_error", "cannot write " + file.string()};
  return AdminToken{*token, file};
}

bool tokenEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace quiver::host
