// The admin API's bearer token: QUIVER_ADMIN_TOKEN if set, else <data-dir>/admin.token, created
// on first start with 32 random bytes (hex) and mode 0600.
#pragma once

#include <filesystem>
#include <string>

#include "host/result.h"

namespace quiver::host {

struct AdminToken {
  std::string value;
  std::filesystem::path created_file;  // non-empty only when this call created the file
};

Result<AdminToken> resolveAdminToken(const std::filesystem::path& data_dir);

// Constant-time comparison, so the token cannot be guessed byte by byte from response timing.
bool tokenEquals(std::string_view a, std::string_view b);

}  // namespace quiver::host
