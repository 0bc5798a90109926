// POSIX read loops (rather than iostreams) so failures carry a real errno for the message.
#include "file_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli_error.h"

namespace quiver::cli {
namespace {

// Reads fd to end of file; returns errno on failure, 0 on success.
int readAll(int fd, std::string& out) {
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

[[noreturn]] void failRead(const std::string& what, int error) {
  throw CliError("cannot read " + what + ": " + std::strerror(error));
}

}  // namespace

std::string readFileBytes(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) failRead(path, errno);
  std::string contents;
  int error = readAll(fd, contents);
  ::close(fd);
  if (error != 0) failRead(path, error);
  return contents;
}

std::string readStdinBytes() {
  std::string contents;
  int error = readAll(STDIN_FILENO, contents);
  if (error != 0) failRead("standard input", error);
  return contents;
}

}  // namespace quiver::cli
