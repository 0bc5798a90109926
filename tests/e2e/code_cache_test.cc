// V8 code caches through a real quiverd and its real SQLite file: the deploy stores one, the
// first run replaces it with a richer one, a restarted daemon cold-starts from it
// (quiver_code_cache_total{result="hit"}), and a corrupt stored cache (what a libnode upgrade
// looks like) is rejected, the function still serves, and the cache is replaced.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>
#include <string>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

// Enough functions that the after-first-run cache is clearly larger than the deploy-time one.
constexpr const char* kCode = R"js(
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function render(n) { return `fib(${n}) = ${fib(n)}`; }
export default {
  fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n") ?? 10);
    return new Response(render(n));
  },
};)js";

// The stored code cache of `function`'s live version, straight from the SQLite file (another
// connection: WAL lets it read while quiverd runs). Empty when NULL.
std::string storedCache(const std::string& data_dir, const std::string& function) {
  std::string out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((data_dir + "/quiver.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    const char* sql =
        "SELECT v.code_cache FROM versions v JOIN functions f ON v.function = f.name AND "
        "v.version = f.live_version WHERE f.name = ?";
    if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(q, 1, function.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_blob(q, 0)) {
        out.assign(static_cast<const char*>(sqlite3_column_blob(q, 0)),
                   static_cast<size_t>(sqlite3_column_bytes(q, 0)));
      }
    }
    sqlite3_finalize(q);
  }
  if (!db) ADD_FAILURE() << "cannot open the store";
  sqlite3_close(db);
  return out;
}

void overwriteCache(const std::string& data_dir, const std::string& function,
                    const std::string& bytes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((data_dir + "/quiver.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr),
            SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE versions SET code_cache = ? WHERE function = ?", -1, &q,
                               nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(q, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 2, function.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(q), SQLITE_DONE);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

// The value of one series of /metrics (0 when absent).
double metric(const Quiverd& d, const std::string& series) {
  std::istringstream text(httpRequest(d.controlPort(), "GET", "/metrics").body);
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

double cacheCount(const Quiverd& d, const char* result) {
  return metric(d, std::string("quiver_code_cache_total{result=\"") + result + "\"}");
}

void deploy(const Quiverd& d, const std::string& name) {
  ASSERT_EQ(httpRequest(d.controlPort(), "PUT", "/v1/functions/" + name, kCode,
                        {{"authorization", "Bearer " + d.token()}})
                .status,
            201);
}

Quiverd::Options on(const std::string& dir) {
  return Quiverd::Options{.data_dir = dir, .shards = 1};
}

TEST(CodeCacheE2eTest, ARestartedDaemonColdStartsFromTheStoredCache) {
  std::string dir = makeTempDir();
  std::string deployed;
  {
    Quiverd first(on(dir));
    deploy(first, "cached");
    deployed = storedCache(dir, "cached");
    ASSERT_FALSE(deployed.empty()) << "the deploy stored no code cache";
    EXPECT_EQ(httpRequest(first.publicPort(), "GET", "/fn/cached?n=10").body, "fib(10) = 55");
    EXPECT_EQ(cacheCount(first, "hit"), 1);
    ASSERT_EQ(first.terminate(), 0);  // finishes the store's queued writes
  }
  // The first run's cache replaced the deploy-time one.
  std::string refreshed = storedCache(dir, "cached");
  EXPECT_GT(refreshed.size(), deployed.size());

  Quiverd second(on(dir));
  EXPECT_EQ(httpRequest(second.publicPort(), "GET", "/fn/cached?n=12").body, "fib(12) = 144");
  EXPECT_EQ(cacheCount(second, "hit"), 1);
  EXPECT_EQ(cacheCount(second, "miss"), 0);
  EXPECT_EQ(cacheCount(second, "rejected"), 0);
  // Nothing richer to offer: the row keeps the same cache.
  ASSERT_EQ(second.terminate(), 0);
  EXPECT_EQ(storedCache(dir, "cached"), refreshed);
  removeTree(dir);
}

TEST(CodeCacheE2eTest, ACorruptStoredCacheIsRejectedTheFunctionServesAndTheCacheIsReplaced) {
  std::string dir = makeTempDir();
  std::string corrupt;
  {
    Quiverd first(on(dir));
    deploy(first, "corrupt");
    ASSERT_EQ(first.terminate(), 0);
  }
  // V8's header (version and flag hashes) no longer matches: as after a libnode upgrade.
  corrupt = storedCache(dir, "corrupt");
  ASSERT_GE(corrupt.size(), 16u);
  for (size_t i = 4; i < 12; ++i) corrupt[i] = static_cast<char>(~corrupt[i]);
  overwriteCache(dir, "corrupt", corrupt);
  {
    Quiverd second(on(dir));
    auto reply = httpRequest(second.publicPort(), "GET", "/fn/corrupt?n=7");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "fib(7) = 13");
    EXPECT_EQ(cacheCount(second, "rejected"), 1);
    EXPECT_EQ(cacheCount(second, "hit"), 0);
    EXPECT_TRUE(second.waitForLog("rejected by V8", std::chrono::seconds(10))) << second.logs();
    ASSERT_EQ(second.terminate(), 0);
  }
  std::string replaced = storedCache(dir, "corrupt");
  EXPECT_FALSE(replaced.empty());
  EXPECT_NE(replaced, corrupt);

  Quiverd third(on(dir));
  EXPECT_EQ(httpRequest(third.publicPort(), "GET", "/fn/corrupt?n=8").body, "fib(8) = 21");
  EXPECT_EQ(cacheCount(third, "hit"), 1);
  EXPECT_EQ(cacheCount(third, "rejected"), 0);
  third.terminate();
  removeTree(dir);
}

}  // namespace
}  // namespace quiver::testing
