// quiverd's config file (`quiverd --config /etc/quiver/quiver.toml`): TOML, one section per area,
// every key the twin of a flag. The keys, their types and their flags are one table (kKeys in
// config_file.cc); quiverd/quiver.toml is the commented example with every key at its default
// (tests/unit/host/config_file_test.cc keeps the two in step). Flags override the file: quiverd
// applies the file first, then its command line.
//
// Errors name the file, the line and the key: "quiver.toml:7: unknown key 'limits.cpu'",
// "quiver.toml:3: limits.cpu_ms must be an integer from 1 to 4294967295", or the TOML parser's
// own "quiver.toml:4:12: …". Nothing of a bad file is applied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/config.h"
#include "host/result.h"

namespace quiver::host {

// Applies the file at `path` onto `config` (keys absent from the file keep their values).
// Error code "bad_config".
Status applyConfigFile(const std::string& path, HostConfig& config);

// The same, from text (`name` is what errors call it).
Status applyConfigText(std::string_view text, const std::string& name, HostConfig& config);

// "HOST:PORT" or "[V6]:PORT" (port 0: any free port). Error code "bad_address".
Result<ListenAddress> parseListenAddress(const std::string& text);

// Every key the file takes ("limits.cpu_ms") and the flag that overrides it ("--cpu-ms").
struct ConfigKeyInfo {
  std::string key;
  std::string flag;
};
std::vector<ConfigKeyInfo> configFileKeys();

}  // namespace quiver::host
