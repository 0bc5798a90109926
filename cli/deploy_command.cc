// `quiver deploy FILE [--name NAME] [--env K=V]...`: uploads a JS module as a new function version.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "file_input.h"
#include "output.h"

namespace quiver::cli {
namespace {

struct DeployOptions {
  std::string file;
  std::string name;
  std::vector<std::string> env;
};

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "handlers/Hello.js" -> "hello".
std::string nameFromFile(const std::string& file) {
  std::string stem = lowercase(std::filesystem::path(file).stem().string());
  if (stem.empty() || stem.starts_with('.')) {
    throw CliError("cannot derive a function name from '" + file + "'; pass --name NAME");
  }
  return stem;
}

std::map<std::string, std::string> parseEnv(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> env;
  for (const auto& pair : pairs) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw CliError("invalid --env '" + pair + "': expected KEY=VALUE with a non-empty KEY");
    }
    if (!env.emplace(pair.substr(0, eq), pair.substr(eq + 1)).second) {
      throw CliError("invalid --env: key '" + pair.substr(0, eq) + "' given more than once");
    }
  }
  return env;
}

// The JSON upload form; only used when there are env vars, since JSON needs valid UTF-8 source.
std::string jsonUpload(const std::string& source, const std::map<std::string, std::string>& env,
                       const std::string& file) {
  nlohmann::json doc = {{"code", source}, {"env", env}};
  try {
    return doc.dump();
  } catch (const nlohmann::json::type_error&) {
    throw CliError(file + " or an --env value is not valid UTF-8; it cannot be sent with --env");
  }
}

void printDeployed(const Json& reply, const std::string& name) {
  std::string sha = fieldText(reply, "sha256");
  std::cout << "deployed " << (reply.contains("name") ? fieldText(reply, "name") : name)
            << " version " << fieldText(reply, "version") << " (sha256 " << shortHash(sha, 8)
            << "\u2026)\n"
            << fieldText(reply, "url") << '\n';
}

int runDeploy(const DeployOptions& options, const Session& session) {
  std::string name = options.name.empty() ? nameFromFile(options.file) : options.name;
  std::map<std::string, std::string> env = parseEnv(options.env);
  std::string source = readFileBytes(options.file);
  Json reply = env.empty() ? session.admin.putFunction(name, source, "application/javascript")
                           : session.admin.putFunction(name, jsonUpload(source, env, options.file),
                                                       "application/json");
  if (session.json) {
    printJson(reply);
  } else {
    printDeployed(reply, name);
  }
  return 0;
}

}  // namespace

Command addDeployCommand(CLI::App& parent) {
  auto options = std::make_shared<DeployOptions>();
  CLI::App* app = parent.add_subcommand("deploy", "Upload a JavaScript module as a function");
  app->add_option("FILE", options->file, "JavaScript module source to deploy")
      ->type_name("")
      ->required();
  app->add_option("--name", options->name,
                  "Function name (default: FILE's base name without extension, lowercased)")
      ->type_name("NAME");
  app->add_option("--env", options->env, "Environment variable for the function (repeatable)")
      ->type_name("K=V")
      ->allow_extra_args(false);
  return {app, [options](const Session& session) { return runDeploy(*options, session); }};
}

}  // namespace quiver::cli
