// The one exception type the CLI throws on purpose: main() catches it and prints its message as a
// single `quiver: error: ...` line, so every failure path reads the same to the user.
#pragma once

#include <stdexcept>
#include <string>

namespace quiver::cli {

class CliError : public std::runtime_error {
 public:
  explicit CliError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace quiver::cli
