// `quiver list`: one row per deployed function.
#include "commands.h"
#include "output.h"

#include <iostream>

namespace quiver::cli {
namespace {

std::vector<TableRow> functionRows(const Json& functions) {
  std::vector<TableRow> rows;
  for (const auto& fn : functions) {
    rows.push_back({fieldText(fn, "name"), fieldText(fn, "version"), fieldText(fn, "updated_at"),
                    fieldText(fn, "url")});
  }
  return rows;
}

int runList(const Session& session) {
  Json reply = session.admin.listFunctions();
  if (session.json) {
    printJson(reply);
    return 0;
  }
  Json functions = reply.value("functions", Json::array());
  if (!functions.is_array() || functions.empty()) {
    std::cout << "no functions deployed\n";
    return 0;
  }
  printTable({"NAME", "VERSION", "UPDATED", "URL"}, functionRows(functions));
  return 0;
}

}  // namespace

Command addListCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("list", "List deployed functions");
  return {app, runList};
}

}  // namespace quiver::cli
