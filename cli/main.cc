// Entry point of `quiver`: parses the verb and global options with CLI11, resolves the config,
// runs the verb, and turns every failure into one `quiver: error: ...` line and an exit code.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <vector>

#include "cli_error.h"
#include "commands.h"
#include "config.h"

namespace quiver::cli {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string url;
  std::string token;
  bool json = false;
};

// Added to the root and to every verb, so they work before or after the verb and show in its help.
void addGlobalOptions(CLI::App& app, GlobalOptions& global) {
  app.add_option("--url", global.url, "quiverd control URL (env QUIVER_URL)")
      ->type_name("URL")
      ->group("Global options");
  app.add_option("--token", global.token, "Admin token (env QUIVER_TOKEN)")
      ->type_name("TOKEN")
      ->group("Global options");
  app.add_flag("--json", global.json, "Print machine-readable JSON instead of human output")
      ->group("Global options");
}

std::string rootFooter() {
  return std::string("URL and token: --url/--token, else QUIVER_URL/QUIVER_TOKEN, else\n") +
         "~/.config/quiver/config.json {\"url\": \"...\", \"token\": \"...\"}, else " +
         kDefaultUrl + ".\nExit codes: 0 success, 1 error (also HTTP >= 400 from invoke), 2 usage.";
}

// Usage errors: CLI11's message plus where to look, exit 2; --help itself exits 0.
int handleParseError(CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
  std::string command = "quiver";
  for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
  std::string message = error.what();
  std::vector<std::string> extra = app.remaining();
  if (command == "quiver" && !extra.empty()) {
    message = extra.front().starts_with('-')
                  ? "unknown option '" + extra.front() + "'"
                  : "unknown verb '" + extra.front() +
                        "' (expected deploy, list, info, invoke, rm, status, versions or rollback)";
  }
  std::cerr << "quiver: error: " << message << "\nRun '" << command << " --help' for usage.\n";
  return kExitUsage;
}

int run(int argc, char** argv) {
  CLI::App app{"quiver: deploy and manage JavaScript functions on a quiverd host", "quiver"};
  app.footer(rootFooter());
  app.require_subcommand(1);
  GlobalOptions global;
  std::vector<Command> commands = {addDeployCommand(app), addListCommand(app),
                                   addInfoCommand(app),   addInvokeCommand(app),
                                   addRmCommand(app),     addStatusCommand(app),
                                   addVersionsCommand(app), addRollbackCommand(app)};
  addGlobalOptions(app, global);
  for (const Command& command : commands) addGlobalOptions(*command.app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return handleParseError(app, error);
  }

  Config config = resolveConfig({global.url, global.token});
  HttpClient http;
  AdminApi admin(http, config);
  Session session{admin, http, global.json};
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run(session);
  }
  throw CliError("no verb given");  // unreachable: require_subcommand(1) enforces one
}

}  // namespace
}  // namespace quiver::cli

int main(int argc, char** argv) {
  try {
    return quiver::cli::run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "quiver: error: " << error.what() << '\n';
  } catch (...) {
    std::cerr << "quiver: error: unexpected failure\n";
  }
  return quiver::cli::kExitFailure;
}
