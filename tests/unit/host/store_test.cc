// Store on real SQLite files: versions, list, remove, reopen, WAL mode, kill -9 durability,
// code caches (stored at deploy, replaced through the writer thread).
#include "host/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/host/temp_dir.h"

namespace quiver::host {
namespace {

using quiver::testing::TempDir;

// sha256 test vectors from FIPS 180-2.
constexpr const char* kSha256Abc =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kSha256Empty =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::unique_ptr<Store> openStore(const std::filesystem::path& file) {
  auto store = Store::open(file);
  if (!store.ok()) {
    ADD_FAILURE() << "Store::open: " << store.error().code << ": " << store.error().message;
    return nullptr;
  }
  return std::move(store.value());
}

FunctionConfig envConfig(std::map<std::string, std::string> env) {
  FunctionConfig config;
  config.env = std::move(env);
  return config;
}

// Runs one query that yields a single text or integer cell, through a connection of its own.
std::string queryOne(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "sqlite3_open_v2: " << (db ? sqlite3_errmsg(db) : "no handle");
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    auto* text = sqlite3_column_text(stmt, 0);
    if (text) out = reinterpret_cast<const char*>(text);
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = openStore(file());
    ASSERT_NE(store_, nullptr);
  }
  std::filesystem::path file() const { return dir_ / "quiver.db"; }
  DeployOutcome deploy(const std::string& name, const std::string& code,
                       const FunctionConfig& config = {}) {
    auto r = store_->deploy(name, code, config);
    if (!r.ok()) {
      ADD_FAILURE() << "deploy " << name << ": " << r.error().message;
      return {};
    }
    return r.value();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(sha256Hex("abc"), kSha256Abc);
  EXPECT_EQ(sha256Hex(""), kSha256Empty);
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(NowRfc3339Test, IsUtcWithMilliseconds) {
  std::string now = nowRfc3339();
  ASSERT_EQ(now.size(), 24u) << now;  // 2024-01-02T03:04:05.678Z
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], '.');
  EXPECT_EQ(now.back(), 'Z');
}

TEST(StoreOpenTest, FailsCleanlyInMissingDirectory) {
  TempDir dir;
  auto store = Store::open(dir / "no-such-dir" / "quiver.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "store_error");
  EXPECT_NE(store.error().message.find("no-such-dir"), std::string::npos) << store.error().message;
}

TEST_F(StoreTest, DeployCreatesVersionOneThenTwo) {
  auto first = deploy("hello", "abc");
  ASSERT_NE(first.version, nullptr);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.version->name, "hello");
  EXPECT_EQ(first.version->version, 1);
  EXPECT_EQ(first.version->code, "abc");
  EXPECT_EQ(first.version->sha256, kSha256Abc);
  EXPECT_FALSE(first.version->created_at.empty());

  auto second = deploy("hello", "");
  ASSERT_NE(second.version, nullptr);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.version->version, 2);
  EXPECT_EQ(second.version->sha256, kSha256Empty);

  // Another function numbers its versions on its own.
  auto other = deploy("other", "abc");
  ASSERT_NE(other.version, nullptr);
  EXPECT_TRUE(other.created);
  EXPECT_EQ(other.version->version, 1);
}

TEST_F(StoreTest, GetListsVersionsNewestFirst) {
  deploy("fn", "v1", envConfig({{"B", "2"}, {"A", "1"}}));
  deploy("fn", "version two");
  deploy("fn", "abc", envConfig({{"Z", "26"}, {"A", "1"}}));

  auto got = store_->get("fn");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  const FunctionDetail& detail = **got;
  EXPECT_EQ(detail.summary.name, "fn");
  EXPECT_EQ(detail.summary.live_version, 3);
  EXPECT_EQ(detail.summary.sha256, kSha256Abc);
  EXPECT_LE(detail.summary.created_at, detail.summary.updated_at);
  // Keys of the live version's config only, never the values (they may be secrets).
  EXPECT_EQ(detail.env_keys, (std::vector<std::string>{"A", "Z"}));

  ASSERT_EQ(detail.versions.size(), 3u);
  EXPECT_EQ(detail.versions[0].version, 3);
  EXPECT_EQ(detail.versions[1].version, 2);
  EXPECT_EQ(detail.versions[2].version, 1);
  EXPECT_EQ(detail.versions[0].sha256, kSha256Abc);
  EXPECT_EQ(detail.versions[1].size, static_cast<int64_t>(std::string("version two").size()));
  EXPECT_EQ(detail.versions[2].sha256, sha256Hex("v1"));
  EXPECT_GE(detail.versions[0].created_at, detail.versions[2].created_at);
}

TEST_F(StoreTest, GetOfUnknownFunctionIsNullopt) {
  deploy("known", "abc");
  auto got = store_->get("unknown");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_FALSE(got->has_value());
}

TEST_F(StoreTest, ListIsOrderedByNameWithLiveVersions) {
  auto empty = store_->list();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  deploy("charlie", "c");
  deploy("alpha", "a");
  deploy("bravo", "b1");
  deploy("bravo", "abc");

  auto list = store_->list();
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "alpha");
  EXPECT_EQ((*list)[1].name, "bravo");
  EXPECT_EQ((*list)[2].name, "charlie");
  EXPECT_EQ((*list)[0].live_version, 1);
  EXPECT_EQ((*list)[1].live_version, 2);
  EXPECT_EQ((*list)[1].sha256, kSha256Abc);
  EXPECT_EQ((*list)[2].sha256, sha256Hex("c"));
}

TEST_F(StoreTest, RemoveDeletesFunctionAndItsVersions) {
  deploy("doomed", "one");
  deploy("doomed", "two");
  deploy("kept", "abc");

  auto removed = store_->remove("doomed");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(*removed);
  auto again = store_->remove("doomed");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(*again);
  auto never = store_->remove("never-existed");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(*never);

  auto got = store_->get("doomed");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  auto list = store_->list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "kept");
  EXPECT_EQ(queryOne(file(), "SELECT count(*) FROM versions WHERE function = 'doomed'"), "0");
  EXPECT_EQ(queryOne(file(), "SELECT count(*) FROM versions WHERE function = 'kept'"), "1");

  // Deploying the name again starts a new function from version 1.
  auto reborn = deploy("doomed", "three");
  EXPECT_TRUE(reborn.created);
  ASSERT_NE(reborn.version, nullptr);
  EXPECT_EQ(reborn.version->version, 1);
}

TEST_F(StoreTest, LoadLiveSurvivesReopenWithConfigIntact) {
  std::string binary_code("export default {}\0\xff\x01 trailing", 30);
  deploy("a", "old code", envConfig({{"OLD", "1"}}));
  deploy("a", binary_code,
         envConfig({{"KEY", "value"}, {"EMPTY", ""}, {"QUOTE", "a \"q\" \\ \n ü"}}));
  deploy("b", "abc");
  deploy("gone", "x");
  ASSERT_TRUE(store_->remove("gone").ok());
  store_.reset();  // closes the database

  auto reopened = openStore(file());
  ASSERT_NE(reopened, nullptr);
  auto live = reopened->loadLive();
  ASSERT_TRUE(live.ok()) << live.error().message;
  std::vector<FunctionVersionPtr> versions = *live;
  std::sort(versions.begin(), versions.end(),
            [](const auto& x, const auto& y) { return x->name < y->name; });
  ASSERT_EQ(versions.size(), 2u);

  const FunctionVersion& a = *versions[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.version, 2);
  EXPECT_EQ(a.code, binary_code);
  EXPECT_EQ(a.sha256, sha256Hex(binary_code));
  EXPECT_FALSE(a.created_at.empty());
  EXPECT_EQ(a.config.env, (std::map<std::string, std::string>{
                              {"KEY", "value"}, {"EMPTY", ""}, {"QUOTE", "a \"q\" \\ \n ü"}}));

  const FunctionVersion& b = *versions[1];
  EXPECT_EQ(b.name, "b");
  EXPECT_EQ(b.version, 1);
  EXPECT_EQ(b.code, "abc");
  EXPECT_EQ(b.sha256, kSha256Abc);
  EXPECT_TRUE(b.config.env.empty());

  // Version numbering continues after the reopen.
  auto next = reopened->deploy("a", "v3", {});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->version->version, 3);
  EXPECT_FALSE(next->created);
}

TEST_F(StoreTest, LimitsAndAllowEvalSurviveReopenAndShowInGet) {
  FunctionConfig config;
  config.limits = {250, 64, 0, 9};
  config.allow_eval = true;
  deploy("limited", "abc", config);
  deploy("plain", "abc");
  store_.reset();

  auto reopened = openStore(file());
  ASSERT_NE(reopened, nullptr);
  auto got = reopened->get("limited");
  ASSERT_TRUE(got.ok() && got->has_value());
  const FunctionDetail& detail = **got;
  EXPECT_EQ(detail.limits.cpu_ms, 250u);
  EXPECT_EQ(detail.limits.memory_mb, 64u);
  EXPECT_EQ(detail.limits.timeout_s, 0u);
  EXPECT_EQ(detail.limits.max_concurrency, 9u);
  EXPECT_TRUE(detail.allow_eval);

  auto live = reopened->loadLive();
  ASSERT_TRUE(live.ok()) << live.error().message;
  for (const auto& v : *live) {
    bool limited = v->name == "limited";
    EXPECT_EQ(v->config.limits.cpu_ms, limited ? 250u : 0u) << v->name;
    EXPECT_EQ(v->config.limits.max_concurrency, limited ? 9u : 0u) << v->name;
    EXPECT_EQ(v->config.allow_eval, limited) << v->name;
  }
}

TEST_F(StoreTest, UsesWriteAheadLog) {
  deploy("fn", "abc");
  EXPECT_EQ(queryOne(file(), "PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(file().string() + "-wal"));
}

TEST_F(StoreTest, ConcurrentDeploysGetDistinctVersions) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> seen(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->deploy("shared", "code " + std::to_string(t * 100 + i), {});
        if (!r.ok()) {
          ++failures;
          continue;
        }
        seen[t].push_back(r->version->version);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<int64_t> all;
  for (const auto& s : seen) all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kPerThread);
  auto got = store_->get("shared");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->summary.live_version, kThreads * kPerThread);
}

// Binary bytes with NULs, as V8's caches are.
const std::string kCache("\x00\x01cache\xff\xfe", 9);

FunctionVersionPtr liveVersion(Store& store, const std::string& name) {
  auto live = store.loadLive();
  EXPECT_TRUE(live.ok()) << (live.ok() ? "" : live.error().message);
  if (!live.ok()) return nullptr;
  for (auto& v : *live) {
    if (v->name == name) return v;
  }
  return nullptr;
}

TEST_F(StoreTest, CodeCacheRoundTripsThroughDeployAndReopen) {
  auto outcome = store_->deploy("cached", "export default {}", {}, kCache);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  ASSERT_NE(outcome->version->code_cache->get(), nullptr);
  EXPECT_EQ(*outcome->version->code_cache->get(), kCache);
  deploy("plain", "export default {}");
  store_.reset();

  auto reopened = openStore(file());
  ASSERT_NE(reopened, nullptr);
  auto cached = liveVersion(*reopened, "cached");
  ASSERT_TRUE(cached);
  ASSERT_NE(cached->code_cache->get(), nullptr);
  EXPECT_EQ(*cached->code_cache->get(), kCache);
  auto plain = liveVersion(*reopened, "plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->code_cache->get(), nullptr);
  EXPECT_EQ(queryOne(file(), "SELECT count(*) FROM versions WHERE code_cache IS NULL"), "1");
}

TEST_F(StoreTest, ALargerOfferReachesTheRowThroughTheWriterThread) {
  auto outcome = store_->deploy("fn", "export default {}", {}, kCache);
  ASSERT_TRUE(outcome.ok());
  std::string richer = kCache + std::string("\x00more", 5);
  EXPECT_TRUE(outcome->version->code_cache->offer(std::make_shared<const std::string>(richer)));
  store_.reset();  // finishes the queued write

  auto reopened = openStore(file());
  ASSERT_NE(reopened, nullptr);
  auto v = liveVersion(*reopened, "fn");
  ASSERT_TRUE(v && v->code_cache->get());
  EXPECT_EQ(*v->code_cache->get(), richer);
}

TEST_F(StoreTest, AnOfferAfterTheStoreClosedIsKeptInMemoryOnly) {
  auto outcome = store_->deploy("fn", "export default {}", {}, kCache);
  ASSERT_TRUE(outcome.ok());
  FunctionVersionPtr version = outcome->version;
  store_.reset();
  EXPECT_TRUE(version->code_cache->offer(std::make_shared<const std::string>(kCache + "++")));
  EXPECT_EQ(*version->code_cache->get(), kCache + "++");
  auto reopened = openStore(file());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(*liveVersion(*reopened, "fn")->code_cache->get(), kCache);
}

TEST_F(StoreTest, SaveCodeCacheTouchesOnlyTheVersionWithThatCode) {
  auto first = store_->deploy("fn", "code one", {}, kCache);
  ASSERT_TRUE(first.ok());
  std::string old_sha = first->version->sha256;
  ASSERT_TRUE(store_->remove("fn").ok());
  auto again = store_->deploy("fn", "code two", {}, kCache);  // version 1 again
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->version->version, 1);

  auto stale = store_->saveCodeCache("fn", 1, old_sha, "stale");
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto saved = store_->saveCodeCache("fn", 1, again->version->sha256, "fresh");
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(*saved);
  EXPECT_EQ(*liveVersion(*store_, "fn")->code_cache->get(), "fresh");
}

// An acknowledged deploy survives kill -9 of the process that made it: the child deploys,
// then SIGKILLs itself without closing the database; the parent finds the version.
TEST(StoreDurabilityTest, AcknowledgedDeploySurvivesSigkill) {
  TempDir dir;
  auto file = dir / "quiver.db";
  std::string code = "export default { fetch() { return new Response('durable'); } };";
  fflush(nullptr);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = Store::open(file);
    if (!store.ok()) _exit(2);
    for (int i = 0; i < 3; ++i) {
      FunctionConfig config;
      config.env["ROUND"] = std::to_string(i);
      if (!store.value()->deploy("durable", code + std::to_string(i), config).ok()) _exit(3);
    }
    kill(getpid(), SIGKILL);
    _exit(4);  // not reached
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto store = Store::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto live = store.value()->loadLive();
  ASSERT_TRUE(live.ok()) << live.error().message;
  ASSERT_EQ(live->size(), 1u);
  const FunctionVersion& v = *(*live)[0];
  EXPECT_EQ(v.name, "durable");
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.code, code + "2");
  EXPECT_EQ(v.config.env.at("ROUND"), "2");
  auto got = store.value()->get("durable");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->versions.size(), 3u);
}

TEST_F(StoreTest, RollbackGoesToThePreviousVersionAndSurvivesReopen) {
  deploy("fn", "one", envConfig({{"V", "1"}}));
  deploy("fn", "two");
  deploy("fn", "three");
  auto back = store_->rollback("fn");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((**back)->version, 2);
  EXPECT_EQ((**back)->code, "two");

  // Again: the version before the live one (2) is 1, with its own config.
  back = store_->rollback("fn");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((**back)->version, 1);
  EXPECT_EQ((**back)->config.env.at("V"), "1");

  auto none = store_->rollback("fn");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "no_previous_version");

  store_.reset();
  store_ = openStore(file());
  ASSERT_NE(store_, nullptr);
  auto live = store_->loadLive();
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0]->version, 1);
  EXPECT_EQ((*live)[0]->code, "one");
  auto got = store_->get("fn");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->summary.live_version, 1);
  EXPECT_EQ((*got)->versions.size(), 3u);  // rollback deletes nothing

  // A deploy after a rollback takes the next number, never a reused one.
  EXPECT_EQ(deploy("fn", "four").version->version, 4);
  EXPECT_EQ(queryOne(file(), "SELECT group_concat(action || ':' || version, ',') FROM "
                             "(SELECT action, version FROM deployments WHERE function = 'fn' "
                             "ORDER BY id)"),
            "deploy:1,deploy:2,deploy:3,rollback:2,rollback:1,deploy:4");
}

TEST_F(StoreTest, RollbackToANamedVersionEitherWay) {
  deploy("fn", "one");
  deploy("fn", "two");
  deploy("fn", "three");
  auto to1 = store_->rollback("fn", 1);
  ASSERT_TRUE(to1.ok() && to1->has_value());
  EXPECT_EQ((**to1)->code, "one");
  auto to3 = store_->rollback("fn", 3);  // forward again
  ASSERT_TRUE(to3.ok() && to3->has_value());
  EXPECT_EQ((**to3)->code, "three");

  auto missing = store_->rollback("fn", 9);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "no_such_version");
  auto unknown = store_->rollback("nobody");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto got = store_->get("fn");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->summary.live_version, 3);  // the failed ones changed nothing
}

TEST_F(StoreTest, VersionsRecordWhoDeployedThem) {
  ASSERT_TRUE(store_->deploy("fn", "one", {}, {}, "ci-bot").ok());
  deploy("fn", "two");
  auto got = store_->get("fn");
  ASSERT_TRUE(got.ok() && got->has_value());
  ASSERT_EQ((*got)->versions.size(), 2u);
  EXPECT_EQ((*got)->versions[0].deployed_by, "admin");
  EXPECT_EQ((*got)->versions[1].deployed_by, "ci-bot");
}

TEST(StoreMigrationTest, AStoreFromBeforeDeployedByGetsTheColumn) {
  TempDir dir;
  auto file = dir / "quiver.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    const char* old_schema =
        "CREATE TABLE versions (function TEXT NOT NULL, version INTEGER NOT NULL, code BLOB NOT "
        "NULL, sha256 TEXT NOT NULL, created_at TEXT NOT NULL, config TEXT NOT NULL, code_cache "
        "BLOB, PRIMARY KEY (function, version));"
        "INSERT INTO versions VALUES ('old', 1, 'abc', 'x', '2026-01-01T00:00:00.000Z', '{}', "
        "NULL);";
    ASSERT_EQ(sqlite3_exec(db, old_schema, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = openStore(file);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(queryOne(file, "SELECT deployed_by FROM versions WHERE function = 'old'"), "admin");
  store.reset();
  EXPECT_NE(openStore(file), nullptr);  // a second open finds the column and leaves it
}

}  // namespace
}  // namespace quiver::host
