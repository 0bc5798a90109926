#include "host/config_file.h"

#include <toml++/toml.h>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <variant>

namespace quiver::host {
namespace {

static_assert(std::is_same_v<size_t, uint64_t>, "size_t and uint64_t fields share one kind");

// Where a key's value goes, by kind.
using Target = std::variant<std::string*, uint64_t*, uint32_t*, int*, ListenAddress*,
                            std::vector<std::string>*>;

struct Key {
  const char* key;
  const char* flag;
  Target (*target)(HostConfig&);
  int64_t min = 0;  // integers only
  int64_t max = std::numeric_limits<int64_t>::max();
};

constexpr int64_t kU32 = std::numeric_limits<uint32_t>::max();

// One row per setting; the order is the example file's.
const Key kKeys[] = {
    {"host.data_dir", "--data-dir", [](HostConfig& c) -> Target { return &c.data_dir; }},
    {"host.shards", "--shards", [](HostConfig& c) -> Target { return &c.shards; }, 0, 256},
    {"host.drain_timeout_ms", "--drain-timeout-ms",
     [](HostConfig& c) -> Target { return &c.drain_timeout_ms; }},
    {"listeners.public", "--listen", [](HostConfig& c) -> Target { return &c.listen; }},
    {"listeners.control", "--control-listen",
     [](HostConfig& c) -> Target { return &c.control_listen; }},
    {"listeners.public_url", "--public-url", [](HostConfig& c) -> Target { return &c.public_url; }},
    {"http.header_timeout_ms", "--header-timeout-ms",
     [](HostConfig& c) -> Target { return &c.http.header_timeout_ms; }, 1},
    {"http.idle_timeout_ms", "--idle-timeout-ms",
     [](HostConfig& c) -> Target { return &c.http.idle_timeout_ms; }, 1},
    {"http.max_body_bytes", "--max-body-bytes",
     [](HostConfig& c) -> Target { return &c.http.max_body_bytes; }},
    {"limits.cpu_ms", "--cpu-ms", [](HostConfig& c) -> Target { return &c.limits.cpu_ms; }, 1,
     kU32},
    {"limits.memory_mb", "--memory-mb", [](HostConfig& c) -> Target { return &c.limits.memory_mb; },
     1, kU32},
    {"limits.timeout_s", "--timeout", [](HostConfig& c) -> Target { return &c.limits.timeout_s; },
     1, kU32},
    {"limits.max_concurrency", "--max-concurrency",
     [](HostConfig& c) -> Target { return &c.limits.max_concurrency; }, 1, kU32},
    {"limits.max.cpu_ms", "--limit-max-cpu-ms",
     [](HostConfig& c) -> Target { return &c.max_limits.cpu_ms; }, 1, kU32},
    {"limits.max.memory_mb", "--limit-max-memory-mb",
     [](HostConfig& c) -> Target { return &c.max_limits.memory_mb; }, 1, kU32},
    {"limits.max.timeout_s", "--limit-max-timeout",
     [](HostConfig& c) -> Target { return &c.max_limits.timeout_s; }, 1, kU32},
    {"limits.max.max_concurrency", "--limit-max-concurrency",
     [](HostConfig& c) -> Target { return &c.max_limits.max_concurrency; }, 1, kU32},
    {"functions.max_code_bytes", "--max-code-bytes",
     [](HostConfig& c) -> Target { return &c.max_code_bytes; }, 1},
    {"functions.max_queue", "--max-queue", [](HostConfig& c) -> Target { return &c.max_queue; }, 1},
    {"instances.idle_ms", "--instance-idle-ms",
     [](HostConfig& c) -> Target { return &c.instance_idle_ms; }, 1},
    {"instances.warm_memory_mb", "--warm-memory-mb",
     [](HostConfig& c) -> Target { return &c.warm_memory_mb; }},
    {"instances.isolate_pool", "--isolate-pool",
     [](HostConfig& c) -> Target { return &c.isolate_pool; }, 0, 1024},
    {"egress.allow", "--allow-egress",
     [](HostConfig& c) -> Target { return &c.outbound.allow_egress; }},
    {"egress.ca_file", "--fetch-ca-file",
     [](HostConfig& c) -> Target { return &c.outbound.ca_file; }},
};

const Key* findKey(std::string_view name) {
  for (const Key& key : kKeys) {
    if (name == key.key) return &key;
  }
  return nullptr;
}

bool isSection(std::string_view name) {
  std::string prefix = std::string(name) + ".";
  for (const Key& key : kKeys) {
    if (std::string_view(key.key).starts_with(prefix)) return true;
  }
  return false;
}

class Applier {
 public:
  Applier(const std::string& name, HostConfig& config) : name_(name), config_(config) {}

  Status table(const toml::table& table, const std::string& prefix) {
    for (const auto& [k, node] : table) {
      std::string path =
          prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (const Key* key = findKey(path)) {
        if (auto status = value(*key, node); !status) return status;
      } else if (node.is_table() && isSection(path)) {
        if (auto status = this->table(*node.as_table(), path); !status) return status;
      } else {
        return fail(node, "unknown " + std::string(node.is_table() ? "section" : "key") + " '" +
                              path + "'");
      }
    }
    return okStatus();
  }

 private:
  Status fail(const toml::node& node, const std::string& message) {
    return Error{"bad_config",
                 name_ + ":" + std::to_string(node.source().begin.line) + ": " + message};
  }

  Status value(const Key& key, const toml::node& node) {
    Target target = key.target(config_);
    std::string what = key.key;
    auto integer = [&]() -> std::optional<int64_t> {
      auto v = node.value<int64_t>();
      if (!node.is_integer() || !v || *v < key.min || *v > key.max) return std::nullopt;
      return *v;
    };
    auto range = [&] {
      return "an integer from " + std::to_string(key.min) + " to " + std::to_string(key.max);
    };
    if (auto* s = std::get_if<std::string*>(&target)) {
      if (!node.is_string()) return fail(node, what + " must be a string");
      **s = *node.value<std::string>();
    } else if (auto* u64 = std::get_if<uint64_t*>(&target)) {
      auto v = integer();
      if (!v) return fail(node, what + " must be " + range());
      **u64 = static_cast<uint64_t>(*v);
    } else if (auto* u32 = std::get_if<uint32_t*>(&target)) {
      auto v = integer();
      if (!v) return fail(node, what + " must be " + range());
      **u32 = static_cast<uint32_t>(*v);
    } else if (auto* i = std::get_if<int*>(&target)) {
      auto v = integer();
      if (!v) return fail(node, what + " must be " + range());
      **i = static_cast<int>(*v);
    } else if (auto* address = std::get_if<ListenAddress*>(&target)) {
      if (!node.is_string()) return fail(node, what + " must be a string \"HOST:PORT\"");
      auto parsed = parseListenAddress(*node.value<std::string>());
      if (!parsed) return fail(node, what + ": " + parsed.error().message);
      **address = *parsed;
    } else if (auto* list = std::get_if<std::vector<std::string>*>(&target)) {
      const toml::array* array = node.as_array();
      if (!array) return fail(node, what + " must be an array of strings");
      std::vector<std::string> values;
      for (const auto& item : *array) {
        if (!item.is_string()) return fail(item, what + " must be an array of strings");
        values.push_back(*item.value<std::string>());
      }
      **list = std::move(values);
    }
    return okStatus();
  }

  const std::string& name_;
  HostConfig& config_;
};

}  // namespace

Result<ListenAddress> parseListenAddress(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return Error{"bad_address", "expected HOST:PORT, got '" + text + "'"};
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Error{"bad_address", "bad port in '" + text + "'"};
  }
  address.port = std::stoi(port);
  return address;
}

Status applyConfigText(std::string_view text, const std::string& name, HostConfig& config) {
  toml::table table;
  try {  // toml++ reports syntax errors by exception; none leaves this function
    table = toml::parse(text, name);
  } catch (const toml::parse_error& error) {
    return Error{"bad_config", name + ":" + std::to_string(error.source().begin.line) + ":" +
                                   std::to_string(error.source().begin.column) + ": " +
                                   std::string(error.description())};
  }
  HostConfig updated = config;  // nothing of a bad file is applied
  Applier applier(name, updated);
  if (auto status = applier.table(table, ""); !status) return status;
  config = std::move(updated);
  return okStatus();
}

Status applyConfigFile(const std::string& path, HostConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"bad_config", "cannot read the config file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return applyConfigText(text.str(), path, config);
}

std::vector<ConfigKeyInfo> configFileKeys() {
  std::vector<ConfigKeyInfo> out;
  for (const Key& key : kKeys) out.push_back({key.key, key.flag});
  return out;
}

}  // namespace quiver::host
