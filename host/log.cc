#include "host/log.h"

#include <cstdio>

#include "host/store.h"

namespace quiver::host {

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kLog:
      return "log";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "log";
}

void StderrLogSink::write(const FunctionLogRecord& r) {
  std::string ts = nowRfc3339();
  std::string_view level = logLevelName(r.level);
  std::lock_guard lock(mutex_);
  std::fprintf(stderr, "%s fn=%.*s@%lld req=%.*s %.*s: %.*s\n", ts.c_str(),
               static_cast<int>(r.function.size()), r.function.data(),
               static_cast<long long>(r.version), static_cast<int>(r.request_id.size()),
               r.request_id.data(), static_cast<int>(level.size()), level.data(),
               static_cast<int>(r.message.size()), r.message.data());
}

void logHost(LogLevel level, std::string_view message) {
  static std::mutex mutex;
  std::string ts = nowRfc3339();
  std::string_view name = logLevelName(level);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s quiverd %.*s: %.*s\n", ts.c_str(), static_cast<int>(name.size()),
               name.data(), static_cast<int>(message.size()), message.data());
}

}  // namespace quiver::host
