// The quiverd admin (control) API as the CLI sees it: one method per endpoint, each returning the
// parsed JSON reply or throwing CliError already worded for the user (unreachable, 401, ...).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client.h"
#include "config.h"
#include "output.h"

namespace quiver::cli {

class AdminApi {
 public:
  AdminApi(const HttpClient& client, Config config);

  Json putFunction(const std::string& name, const std::string& body,
                   const std::string& contentType) const;
  Json listFunctions() const;
  Json getFunction(const std::string& name) const;
  Json deleteFunction(const std::string& name) const;
  Json status() const;  // GET /v1/status
  Json versions(const std::string& name) const;
  // `to`: the version to make live; none: the one before the live one.
  Json rollback(const std::string& name, std::optional<int64_t> to) const;

 private:
  Json call(const std::string& method, const std::string& path, const std::string* body,
            const std::string& contentType) const;

  const HttpClient& client_;
  Config config_;
};

// "<message> (<code>, request <id>)" for the daemon's error shape, or "HTTP <status>: <body…>".
std::string describeHttpError(long status, const std::string& body);

}  // namespace quiver::cli
