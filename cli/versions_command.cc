// `quiver versions NAME`: every version of a function, the live one marked; `quiver rollback
// NAME [--to N]`: make an older (or any) version live again, at once.
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "output.h"

namespace quiver::cli {
namespace {

struct VersionsOptions {
  std::string name;
};

struct RollbackOptions {
  std::string name;
  int64_t to = 0;  // 0: the version before the live one
};

int runVersions(const Session& session, const VersionsOptions& options) {
  Json reply = session.admin.versions(options.name);
  if (session.json) {
    printJson(reply);
    return 0;
  }
  std::vector<TableRow> rows;
  for (const auto& v : reply.value("versions", Json::array())) {
    rows.push_back({fieldText(v, "version") + (v.value("live", false) ? " (live)" : ""),
                    fieldText(v, "created_at"), fieldText(v, "deployed_by"), fieldText(v, "size"),
                    fieldText(v, "sha256")});
  }
  printTable({"VERSION", "CREATED", "BY", "BYTES", "SHA256"}, rows);
  return 0;
}

int runRollback(const Session& session, const RollbackOptions& options) {
  Json reply = session.admin.rollback(
      options.name, options.to > 0 ? std::optional<int64_t>(options.to) : std::nullopt);
  if (session.json) {
    printJson(reply);
    return 0;
  }
  std::cout << fieldText(reply, "name") << " is at version " << fieldText(reply, "version")
            << " (was " << fieldText(reply, "previous_version") << ")\n";
  return 0;
}

}  // namespace

Command addVersionsCommand(CLI::App& parent) {
  auto options = std::make_shared<VersionsOptions>();
  CLI::App* app = parent.add_subcommand("versions", "List a function's versions");
  app->add_option("name", options->name, "Function name")->required();
  return {app, [options](const Session& s) { return runVersions(s, *options); }};
}

Command addRollbackCommand(CLI::App& parent) {
  auto options = std::make_shared<RollbackOptions>();
  CLI::App* app = parent.add_subcommand(
      "rollback", "Make an earlier version live again (requests in flight finish on theirs)");
  app->add_option("name", options->name, "Function name")->required();
  app->add_option("--to", options->to, "The version to make live (default: the previous one)")
      ->check(CLI::PositiveNumber);
  return {app, [options](const Session& s) { return runRollback(s, *options); }};
}

}  // namespace quiver::cli
