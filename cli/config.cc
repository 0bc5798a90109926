// Resolution of URL and token from flags, QUIVER_URL / QUIVER_TOKEN and the optional config file.
#include "config.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_error.h"

namespace quiver::cli {
namespace {

std::string homeDirectory() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return home;
  const passwd* entry = getpwuid(getuid());
  return entry != nullptr && entry->pw_dir != nullptr ? entry->pw_dir : "";
}

std::string envValue(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError("cannot read config file " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string stringField(const nlohmann::json& doc, const char* key, const std::string& path) {
  if (!doc.contains(key) || doc[key].is_null()) return "";
  if (!doc[key].is_string()) {
    throw CliError("invalid config file " + path + ": \"" + key + "\" must be a string");
  }
  return doc[key].get<std::string>();
}

// The file is optional: a missing file yields an empty Config, a broken one is an error.
Config loadConfigFile() {
  std::string path = configFilePath();
  std::error_code ignored;
  if (path.empty() || !std::filesystem::exists(path, ignored)) return {};
  nlohmann::json doc = nlohmann::json::parse(readWholeFile(path), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw CliError("invalid config file " + path + ": expected a JSON object");
  }
  return {stringField(doc, "url", path), stringField(doc, "token", path)};
}

std::string firstNonEmpty(const std::string& a, const std::string& b, const std::string& c) {
  if (!a.empty()) return a;
  if (!b.empty()) return b;
  return c;
}

std::string normalizeUrl(std::string url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw CliError("invalid URL '" + url + "': expected http://HOST:PORT or https://HOST:PORT");
  }
  while (url.ends_with('/')) url.pop_back();
  return url;
}

}  // namespace

std::string configFilePath() {
  std::string home = homeDirectory();
  return home.empty() ? "" : home + "/.config/quiver/config.json";
}

Config resolveConfig(const ConfigFlags& flags) {
  std::string envUrl = envValue("QUIVER_URL");
  std::string envToken = envValue("QUIVER_TOKEN");
  // Only read the file when a flag or the environment leaves something open.
  bool needFile = firstNonEmpty(flags.url, envUrl, "").empty() ||
                  firstNonEmpty(flags.token, envToken, "").empty();
  Config file = needFile ? loadConfigFile() : Config{};
  std::string url = firstNonEmpty(flags.url, envUrl, file.url);
  return {normalizeUrl(url.empty() ? kDefaultUrl : url),
          firstNonEmpty(flags.token, envToken, file.token)};
}

}  // namespace quiver::cli
