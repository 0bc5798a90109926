// `quiver info NAME`: a function's current state (including its effective limits) and its
// version history.
#include <iostream>
#include <memory>

#include "commands.h"
#include "output.h"

namespace quiver::cli {
namespace {

std::string joinEnvKeys(const Json& reply) {
  if (!reply.contains("env_keys") || !reply["env_keys"].is_array() || reply["env_keys"].empty()) {
    return "(none)";
  }
  std::string joined;
  for (const auto& key : reply["env_keys"]) {
    if (!joined.empty()) joined += ", ";
    joined += key.is_string() ? key.get<std::string>() : key.dump();
  }
  return joined;
}

// One effective limit with its unit ("1000 ms"), or "-" from a daemon that does not report it.
std::string limitText(const Json& reply, const char* key, const char* unit) {
  if (!reply.contains("limits")) return "-";
  std::string value = fieldText(reply["limits"], key);
  return value == "-" || *unit == '\0' ? value : value + " " + unit;
}

std::string evalText(const Json& reply) {
  if (!reply.contains("allow_eval") || !reply["allow_eval"].is_boolean()) return "-";
  return reply["allow_eval"].get<bool>() ? "allowed" : "refused";
}

void printSummary(const Json& reply) {
  printFields({{"name", fieldText(reply, "name")},
               {"version", fieldText(reply, "version")},
               {"sha256", fieldText(reply, "sha256")},
               {"url", fieldText(reply, "url")},
               {"created", fieldText(reply, "created_at")},
               {"updated", fieldText(reply, "updated_at")},
               {"env keys", joinEnvKeys(reply)},
               {"cpu", limitText(reply, "cpu_ms", "ms")},
               {"memory", limitText(reply, "memory_mb", "MB")},
               {"timeout", limitText(reply, "timeout_s", "s")},
               {"max concurrency", limitText(reply, "max_concurrency", "")},
               {"eval", evalText(reply)}});
}

void printVersions(const Json& reply) {
  if (!reply.contains("versions") || !reply["versions"].is_array()) return;
  std::vector<TableRow> rows;
  for (const auto& v : reply["versions"]) {
    rows.push_back({fieldText(v, "version"), shortHash(fieldText(v, "sha256"), 12),
                    fieldText(v, "created_at"), fieldText(v, "size")});
  }
  std::cout << '\n';
  printTable({"VERSION", "SHA256", "CREATED", "SIZE"}, rows);
}

int runInfo(const std::string& name, const Session& session) {
  Json reply = session.admin.getFunction(name);
  if (session.json) {
    printJson(reply);
    return 0;
  }
  printSummary(reply);
  printVersions(reply);
  return 0;
}

}  // namespace

Command addInfoCommand(CLI::App& parent) {
  auto name = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand("info", "Show a function's details and versions");
  app->add_option("NAME", *name, "Function name")->type_name("")->required();
  return {app, [name](const Session& session) { return runInfo(*name, session); }};
}

}  // namespace quiver::cli
