// Reading user-supplied files and stdin byte-for-byte, with the CLI's standard error wording
// ("cannot read FILE: <strerror>") for anything that goes wrong.
#pragma once

#include <string>

namespace quiver::cli {

// Returns the whole file; throws CliError("cannot read PATH: <strerror>") on failure.
std::string readFileBytes(const std::string& path);

// Returns everything on standard input until end of file.
std::string readStdinBytes();

}  // namespace quiver::cli
