// Logging. Two streams: the host's own messages (startup, errors) and function logs (console.*,
// uncaught errors, limit kills), each line tagged with the function, its version and the
// request id. LogSink is an interface so that later sinks (the bounded log table, `quiver logs
// -f`) plug in without the isolates layer knowing; StderrLogSink is what quiverd uses today.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

namespace quiver::host {

enum class LogLevel { kDebug, kInfo, kLog, kWarn, kError };

std::string_view logLevelName(LogLevel level);

struct FunctionLogRecord {
  std::string_view function;
  int64_t version = 0;
  std::string_view request_id;
  LogLevel level = LogLevel::kLog;
  std::string_view message;
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Called from any shard thread.
  virtual void write(const FunctionLogRecord& record) = 0;
};

class StderrLogSink final : public LogSink {
 public:
  void write(const FunctionLogRecord& record) override;

 private:
  std::mutex mutex_;
};

// The host's own diagnostic lines ("quiverd: ..."), thread-safe, to stderr.
void logHost(LogLevel level, std::string_view message);

}  // namespace quiver::host
