// `quiver rm NAME`: deletes a function and all its versions.
#include <iostream>
#include <memory>

#include "commands.h"
#include "output.h"

namespace quiver::cli {
namespace {

int runRm(const std::string& name, const Session& session) {
  Json reply = session.admin.deleteFunction(name);
  if (session.json) {
    printJson(reply);
  } else {
    std::cout << "removed " << name << '\n';
  }
  return 0;
}

}  // namespace

Command addRmCommand(CLI::App& parent) {
  auto name = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand("rm", "Remove a function and all its versions");
  app->add_option("NAME", *name, "Function name")->type_name("")->required();
  return {app, [name](const Session& session) { return runRm(*name, session); }};
}

}  // namespace quiver::cli
