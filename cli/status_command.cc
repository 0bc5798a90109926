// `quiver status`: the host at a glance (GET /v1/status): version, uptime, shards, functions,
// isolates, and the main counters.
#include <iostream>

#include "commands.h"
#include "output.h"

namespace quiver::cli {
namespace {

std::string uptimeText(const Json& reply) {
  if (!reply.contains("uptime_seconds") || !reply["uptime_seconds"].is_number_integer()) return "-";
  int64_t s = reply["uptime_seconds"].get<int64_t>();
  std::string out;
  if (s >= 86400) out += std::to_string(s / 86400) + "d ";
  if (s >= 3600) out += std::to_string(s / 3600 % 24) + "h ";
  if (s >= 60) out += std::to_string(s / 60 % 60) + "m ";
  return out + std::to_string(s % 60) + "s";
}

std::string megabytes(const Json& reply, const char* key) {
  if (!reply.contains(key) || !reply[key].is_number()) return "-";
  return std::to_string(static_cast<int64_t>(reply[key].get<double>() / 1048576 + 0.5)) + " MB";
}

std::string nested(const Json& reply, const char* object, const char* key) {
  return reply.contains(object) ? fieldText(reply[object], key) : "-";
}

int runStatus(const Session& session) {
  Json reply = session.admin.status();
  if (session.json) {
    printJson(reply);
    return 0;
  }
  bool draining = reply.value("draining", false);
  printFields({
      {"version", fieldText(reply, "version")},
      {"state", draining ? "draining" : "serving"},
      {"uptime", uptimeText(reply)},
      {"shards", fieldText(reply, "shards")},
      {"functions", fieldText(reply, "functions")},
      {"warm isolates", nested(reply, "isolates", "warm")},
      {"pooled isolates", nested(reply, "isolates", "pooled")},
      {"invocations", nested(reply, "invocations", "total") + " (2xx " +
                          nested(reply, "invocations", "2xx") + ", 4xx " +
                          nested(reply, "invocations", "4xx") + ", 5xx " +
                          nested(reply, "invocations", "5xx") + ")"},
      {"cold starts", fieldText(reply, "cold_starts")},
      {"limit kills", fieldText(reply, "limit_kills")},
      {"evictions", fieldText(reply, "evictions")},
      {"connections", fieldText(reply, "http_connections")},
      {"memory", megabytes(reply, "resident_memory_bytes")},
  });
  return 0;
}

}  // namespace

Command addStatusCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("status", "Show the host's state and main counters");
  return {app, runStatus};
}

}  // namespace quiver::cli
