#include "host/store.h"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <thread>

#include "host/log.h"

namespace quiver::host {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS functions (
  name TEXT PRIMARY KEY,
  live_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
  function TEXT NOT NULL,
  version INTEGER NOT NULL,
  code BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  config TEXT NOT NULL,
  code_cache BLOB,
  deployed_by TEXT NOT NULL DEFAULT 'admin',
  PRIMARY KEY (function, version)
);
CREATE TABLE IF NOT EXISTS deployments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function TEXT NOT NULL,
  version INTEGER,
  action TEXT NOT NULL,
  at TEXT NOT NULL
);
)sql";

// Owns one prepared statement; binds and reads by 1-based/0-based index like SQLite itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  void bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bindBlob(int i, const std::string& s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int step() { return sqlite3_step(stmt_); }
  int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back unless commit() was reached: every early return leaves the database untouched.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool begun() const { return ok_; }
  bool commit() {
    done_ = true;
    return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool done_ = false;
};

}  // namespace

// Writes the code caches offered on shard threads, one at a time, on a thread of its own
// (started with the first offer). The versions' persist hooks reach it through a weak pointer
// rather than the store itself, since a version may outlive the store: once close() has run,
// offers are dropped.
class Store::CacheWriter {
 public:
  explicit CacheWriter(Store* store) : store_(store) {}
  ~CacheWriter() { close(); }
  CacheWriter(const CacheWriter&) = delete;
  CacheWriter& operator=(const CacheWriter&) = delete;

  struct Job {
    std::string name;
    int64_t version;
    std::string sha256;
    CodeCacheSlot::Bytes bytes;
  };

  void submit(Job job) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
  }

  // Finishes the queued writes and stops the thread; the store is not touched afterwards.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    for (;;) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      auto saved = store_->saveCodeCache(job.name, job.version, job.sha256, *job.bytes);
      // Losing a cache costs a slower cold start later, nothing else.
      if (!saved) {
        logHost(LogLevel::kWarn, "cannot store the code cache of " + job.name + "@" +
                                     std::to_string(job.version) + ": " + saved.error().message);
      }
    }
  }

  Store* store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  std::thread thread_;
};

std::string sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string nowRfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(file.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Error{"store_error", "cannot open " + file.string() + ": " + msg};
  }
  std::unique_ptr<Store> store(new Store(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = store->exec(pragma); !s) return s.error();
  }
  if (auto s = store->exec(kSchema); !s) return s.error();
  if (auto s = store->migrate(); !s) return s.error();
  return store;
}

Store::Store(sqlite3* db) : db_(db), writer_(std::make_shared<CacheWriter>(this)) {}

// Stores made before a column existed get it (CREATE TABLE IF NOT EXISTS leaves them alone).
Status Store::migrate() {
  Statement columns(db_, "SELECT 1 FROM pragma_table_info('versions') WHERE name = 'deployed_by'");
  if (!columns.valid()) return sqlError("migrate");
  if (columns.step() == SQLITE_ROW) return okStatus();
  return exec("ALTER TABLE versions ADD COLUMN deployed_by TEXT NOT NULL DEFAULT 'admin'");
}

Store::~Store() {
  writer_->close();
  sqlite3_close(db_);
}

std::shared_ptr<CodeCacheSlot> Store::slotFor(const FunctionVersion& version, std::string bytes) {
  CodeCacheSlot::Bytes initial;
  if (!bytes.empty()) initial = std::make_shared<const std::string>(std::move(bytes));
  std::weak_ptr<CacheWriter> writer = writer_;
  return std::make_shared<CodeCacheSlot>(
      std::move(initial), [writer, name = version.name, number = version.version,
                           sha256 = version.sha256](const CodeCacheSlot::Bytes& fresh) {
        if (auto w = writer.lock()) w->submit({name, number, sha256, fresh});
      });
}

Status Store::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error{"store_error", msg};
  }
  return okStatus();
}

Error Store::sqlError(const char* what) const {
  return Error{"store_error", std::string(what) + ": " + sqlite3_errmsg(db_)};
}

Result<DeployOutcome> Store::deploy(const std::string& name, const std::string& code,
                                    const FunctionConfig& config, const std::string& code_cache,
                                    const std::string& deployed_by) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  if (!tx.begun()) return sqlError("begin");
  auto version = std::make_shared<FunctionVersion>();
  version->name = name;
  version->code = code;
  version->sha256 = sha256Hex(code);
  version->created_at = nowRfc3339();
  version->config = config;

  Statement next(db_, "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE function = ?");
  next.bind(1, name);
  if (next.step() != SQLITE_ROW) return sqlError("next version");
  version->version = next.integer(0);

  Statement insert(db_,
                   "INSERT INTO versions (function, version, code, sha256, created_at, config, "
                   "code_cache, deployed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, name);
  insert.bind(2, version->version);
  insert.bindBlob(3, code);
  insert.bind(4, version->sha256);
  insert.bind(5, version->created_at);
  insert.bind(6, configToJson(config));
  if (!code_cache.empty()) insert.bindBlob(7, code_cache);  // else NULL
  insert.bind(8, deployed_by);
  if (insert.step() != SQLITE_DONE) return sqlError("insert version");

  Statement exists(db_, "SELECT 1 FROM functions WHERE name = ?");
  exists.bind(1, name);
  bool created = exists.step() != SQLITE_ROW;

  Statement upsert(db_,
                   "INSERT INTO functions (name, live_version, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?3) ON CONFLICT(name) DO UPDATE SET "
                   "live_version = excluded.live_version, updated_at = excluded.updated_at");
  upsert.bind(1, name);
  upsert.bind(2, version->version);
  upsert.bind(3, version->created_at);
  if (upsert.step() != SQLITE_DONE) return sqlError("upsert function");

  Statement history(db_,
                    "INSERT INTO deployments (function, version, action, at) VALUES (?, ?, "
                    "'deploy', ?)");
  history.bind(1, name);
  history.bind(2, version->version);
  history.bind(3, version->created_at);
  if (history.step() != SQLITE_DONE) return sqlError("insert deployment");

  if (!tx.commit()) return sqlError("commit");
  version->code_cache = slotFor(*version, code_cache);
  return DeployOutcome{std::move(version), created};
}

Result<std::vector<FunctionSummary>> Store::list() {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT f.name, f.live_version, v.sha256, f.created_at, f.updated_at "
              "FROM functions f JOIN versions v ON v.function = f.name AND v.version = "
              "f.live_version ORDER BY f.name");
  if (!q.valid()) return sqlError("list");
  std::vector<FunctionSummary> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    out.push_back({q.text(0), q.integer(1), q.text(2), q.text(3), q.text(4)});
  }
  if (rc != SQLITE_DONE) return sqlError("list");
  return out;
}

Result<std::optional<FunctionDetail>> Store::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT f.name, f.live_version, v.sha256, f.created_at, f.updated_at, v.config "
              "FROM functions f JOIN versions v ON v.function = f.name AND v.version = "
              "f.live_version WHERE f.name = ?");
  q.bind(1, name);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<FunctionDetail>();
  if (rc != SQLITE_ROW) return sqlError("get");
  FunctionDetail detail;
  detail.summary = {q.text(0), q.integer(1), q.text(2), q.text(3), q.text(4)};
  FunctionConfig config = configFromJson(q.text(5));
  for (auto& [key, value] : config.env) detail.env_keys.push_back(key);
  detail.limits = config.limits;
  detail.allow_eval = config.allow_eval;

  Statement versions(db_,
                     "SELECT version, sha256, created_at, length(code), deployed_by FROM versions "
                     "WHERE function = ? ORDER BY version DESC");
  versions.bind(1, name);
  while ((rc = versions.step()) == SQLITE_ROW) {
    detail.versions.push_back({versions.integer(0), versions.text(1), versions.text(2),
                               versions.integer(3), versions.text(4)});
  }
  if (rc != SQLITE_DONE) return sqlError("get versions");
  return std::optional<FunctionDetail>(std::move(detail));
}

Result<bool> Store::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  if (!tx.begun()) return sqlError("begin");
  Statement del(db_, "DELETE FROM functions WHERE name = ?");
  del.bind(1, name);
  if (del.step() != SQLITE_DONE) return sqlError("delete function");
  if (sqlite3_changes(db_) == 0) return false;
  Statement delVersions(db_, "DELETE FROM versions WHERE function = ?");
  delVersions.bind(1, name);
  if (delVersions.step() != SQLITE_DONE) return sqlError("delete versions");
  Statement history(db_,
                    "INSERT INTO deployments (function, version, action, at) VALUES (?, NULL, "
                    "'delete', ?)");
  history.bind(1, name);
  history.bind(2, nowRfc3339());
  if (history.step() != SQLITE_DONE) return sqlError("insert deployment");
  if (!tx.commit()) return sqlError("commit");
  return true;
}

Result<std::optional<FunctionVersionPtr>> Store::rollback(const std::string& name,
                                                          std::optional<int64_t> to) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  if (!tx.begun()) return sqlError("begin");
  Statement live(db_, "SELECT live_version FROM functions WHERE name = ?");
  live.bind(1, name);
  int rc = live.step();
  if (rc == SQLITE_DONE) return std::optional<FunctionVersionPtr>();
  if (rc != SQLITE_ROW) return sqlError("rollback");
  int64_t current = live.integer(0);
  int64_t target = 0;
  if (to) {
    target = *to;
  } else {
    Statement previous(db_, "SELECT MAX(version) FROM versions WHERE function = ? AND version < ?");
    previous.bind(1, name);
    previous.bind(2, current);
    if (previous.step() != SQLITE_ROW) return sqlError("rollback");
    target = previous.integer(0);  // NULL reads as 0
    if (target == 0) {
      return Error{"no_previous_version", name + " has no version older than the live one (" +
                                              std::to_string(current) + ")"};
    }
  }
  Statement row(db_,
                "SELECT code, sha256, created_at, config, code_cache FROM versions "
                "WHERE function = ? AND version = ?");
  row.bind(1, name);
  row.bind(2, target);
  rc = row.step();
  if (rc == SQLITE_DONE) {
    return Error{"no_such_version", name + " has no version " + std::to_string(target)};
  }
  if (rc != SQLITE_ROW) return sqlError("rollback");
  auto v = std::make_shared<FunctionVersion>();
  v->name = name;
  v->version = target;
  v->code = row.text(0);
  v->sha256 = row.text(1);
  v->created_at = row.text(2);
  v->config = configFromJson(row.text(3));
  std::string cache = row.text(4);
  std::string at = nowRfc3339();
  Statement update(db_, "UPDATE functions SET live_version = ?, updated_at = ? WHERE name = ?");
  update.bind(1, target);
  update.bind(2, at);
  update.bind(3, name);
  if (update.step() != SQLITE_DONE) return sqlError("rollback");
  Statement history(db_,
                    "INSERT INTO deployments (function, version, action, at) VALUES (?, ?, "
                    "'rollback', ?)");
  history.bind(1, name);
  history.bind(2, target);
  history.bind(3, at);
  if (history.step() != SQLITE_DONE) return sqlError("insert deployment");
  if (!tx.commit()) return sqlError("commit");
  v->code_cache = slotFor(*v, std::move(cache));
  return std::optional<FunctionVersionPtr>(std::move(v));
}

Result<std::vector<FunctionVersionPtr>> Store::loadLive() {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT v.function, v.version, v.code, v.sha256, v.created_at, v.config, "
              "v.code_cache FROM functions f JOIN versions v "
              "ON v.function = f.name AND v.version = f.live_version");
  if (!q.valid()) return sqlError("load");
  std::vector<FunctionVersionPtr> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    auto v = std::make_shared<FunctionVersion>();
    v->name = q.text(0);
    v->version = q.integer(1);
    v->code = q.text(2);
    v->sha256 = q.text(3);
    v->created_at = q.text(4);
    v->config = configFromJson(q.text(5));
    v->code_cache = slotFor(*v, q.text(6));
    out.push_back(std::move(v));
  }
  if (rc != SQLITE_DONE) return sqlError("load");
  return out;
}

Result<bool> Store::saveCodeCache(const std::string& name, int64_t version,
                                  const std::string& sha256, const std::string& code_cache) {
  std::lock_guard lock(mutex_);
  Statement update(db_,
                   "UPDATE versions SET code_cache = ? WHERE function = ? AND version = ? AND "
                   "sha256 = ?");
  if (!update.valid()) return sqlError("save code cache");
  update.bindBlob(1, code_cache);
  update.bind(2, name);
  update.bind(3, version);
  update.bind(4, sha256);
  if (update.step() != SQLITE_DONE) return sqlError("save code cache");
  return sqlite3_changes(db_) > 0;
}

}  // namespace quiver::host
