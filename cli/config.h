// Decides which quiverd the CLI talks to and with which token, so every verb applies the same
// precedence: command-line flag, then environment, then ~/.config/quiver/config.json, then default.
#pragma once

#include <string>

namespace quiver::cli {

inline constexpr const char* kDefaultUrl = "http://127.0.0.1:9090";

struct Config {
  std::string url;    // control listener base URL, no trailing slash
  std::string token;  // admin bearer token; empty when none is known
};

// Values given on the command line; empty means "not given".
struct ConfigFlags {
  std::string url;
  std::string token;
};

Config resolveConfig(const ConfigFlags& flags);

// Where the optional config file lives for this user ("" when no home directory is known).
std::string configFilePath();

}  // namespace quiver::cli
