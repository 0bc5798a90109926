// Shared by the isolates tests: V8 initialised once for the test binary, and a LogSink that
// keeps what functions log so tests can read it.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "host/log.h"
#include "isolates/platform.h"

namespace quiver::testing {

class V8Environment : public ::testing::Environment {
 public:
  void SetUp() override { isolates::initializeV8("isolates_test"); }
};

struct LoggedLine {
  std::string function;
  std::string request_id;
  host::LogLevel level;
  std::string message;
};

class CollectingLogSink final : public host::LogSink {
 public:
  void write(const host::FunctionLogRecord& r) override {
    std::lock_guard lock(mutex_);
    lines.push_back(
        {std::string(r.function), std::string(r.request_id), r.level, std::string(r.message)});
  }
  std::string all() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (auto& l : lines) out += l.message + "\n";
    return out;
  }
  std::vector<LoggedLine> lines;

 private:
  std::mutex mutex_;
};

}  // namespace quiver::testing
