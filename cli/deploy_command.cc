// `quiver deploy FILE [--name NAME] [--env K=V]... [--cpu-ms N] [--memory-mb N] [--timeout S]
// [--max-concurrency N] [--allow-eval]`: uploads a JS module as a new function version.
#include <cctype>
#include <charconv>
#include <cstdint>
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

// Per-function limits as the admin API names them; 0 means "not given" (the host default).
struct LimitOptions {
  uint32_t cpu_ms = 0;
  uint32_t memory_mb = 0;
  uint32_t timeout_s = 0;
  uint32_t max_concurrency = 0;
};

struct DeployOptions {
  std::string file;
  std::string name;
  std::vector<std::string> env;
  LimitOptions limits;
  bool allow_eval = false;
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

// Only the limits that were given: the rest stay at the host's defaults.
Json limitsJson(const LimitOptions& limits) {
  Json out = Json::object();
  auto put = [&out](const char* key, uint32_t value) {
    if (value != 0) out[key] = value;
  };
  put("cpu_ms", limits.cpu_ms);
  put("memory_mb", limits.memory_mb);
  put("timeout_s", limits.timeout_s);
  put("max_concurrency", limits.max_concurrency);
  return out;
}

// The raw upload cannot carry settings, so any setting switches to the JSON form.
bool needsJsonUpload(const DeployOptions& options) {
  return !options.env.empty() || !limitsJson(options.limits).empty() || options.allow_eval;
}

// The JSON upload form; only used when it must be, since JSON needs valid UTF-8 source.
std::string jsonUpload(const std::string& source, const std::map<std::string, std::string>& env,
                       const DeployOptions& options) {
  Json doc = {{"code", source},
              {"env", env},
              {"limits", limitsJson(options.limits)},
              {"allow_eval", options.allow_eval}};
  try {
    return doc.dump();
  } catch (const nlohmann::json::type_error&) {
    throw CliError(options.file +
                   " or an --env value is not valid UTF-8; it cannot be sent with --env, a limit "
                   "or --allow-eval");
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
  Json reply =
      needsJsonUpload(options)
          ? session.admin.putFunction(name, jsonUpload(source, env, options), "application/json")
          : session.admin.putFunction(name, source, "application/javascript");
  if (session.json) {
    printJson(reply);
  } else {
    printDeployed(reply, name);
  }
  return 0;
}

// Limits must be positive integers that fit the daemon's 32-bit fields. Checked here, before
// any upload, so a typo is a usage error rather than a round trip.
CLI::Validator positiveInteger() {
  auto check = [](std::string& text) -> std::string {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    bool whole = end == text.data() + text.size();
    if (ec == std::errc::result_out_of_range || (whole && value > UINT32_MAX)) {
      return "'" + text + "' is too large (at most " + std::to_string(UINT32_MAX) + ")";
    }
    if (ec != std::errc() || !whole || value == 0) {
      return "must be a positive integer, got '" + text + "'";
    }
    return "";
  };
  return CLI::Validator(check, /*validator_desc=*/"");
}

void addLimitOptions(CLI::App& app, DeployOptions& options) {
  const std::string group = "Limits (default: the host's; the host refuses more than its maximum)";
  app.add_option("--cpu-ms", options.limits.cpu_ms, "CPU time per request, in milliseconds")
      ->type_name("N")
      ->check(positiveInteger())
      ->group(group);
  app.add_option("--memory-mb", options.limits.memory_mb, "Heap per isolate, in megabytes")
      ->type_name("N")
      ->check(positiveInteger())
      ->group(group);
  app.add_option("--timeout", options.limits.timeout_s, "Wall time per request, in seconds")
      ->type_name("S")
      ->check(positiveInteger())
      ->group(group);
  app.add_option("--max-concurrency", options.limits.max_concurrency,
                 "Requests in flight for the function")
      ->type_name("N")
      ->check(positiveInteger())
      ->group(group);
  app.add_flag("--allow-eval", options.allow_eval,
               "Allow eval() and new Function() from strings at request time")
      ->group(group);
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
  addLimitOptions(*app, *options);
  return {app, [options](const Session& session) { return runDeploy(*options, session); }};
}

}  // namespace quiver::cli
