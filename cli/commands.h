// The seam between argument parsing (main.cc) and the verbs: each verb registers its CLI11
// subcommand and returns a runner that main calls once parsing has succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "admin_api.h"
#include "client.h"

namespace quiver::cli {

// What a verb needs at run time, built after the global options are resolved.
struct Session {
  const AdminApi& admin;
  const HttpClient& http;
  bool json = false;
};

// Returns the process exit code; throws CliError for failures that need only a message.
using CommandRunner = std::function<int(const Session&)>;

struct Command {
  CLI::App* app = nullptr;
  CommandRunner run;
};

Command addDeployCommand(CLI::App& parent);
Command addListCommand(CLI::App& parent);
Command addInfoCommand(CLI::App& parent);
Command addInvokeCommand(CLI::App& parent);
Command addRmCommand(CLI::App& parent);
Command addStatusCommand(CLI::App& parent);
Command addVersionsCommand(CLI::App& parent);
Command addRollbackCommand(CLI::App& parent);

}  // namespace quiver::cli
