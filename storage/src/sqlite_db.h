// RAII over the SQLite C API: a connection that owns its prepared-statement cache, statements
// with typed binding and reading, and savepoints that roll back unless released.
// Private to storage/: nothing outside this module sees sqlite3.h.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "feedd/base/result.h"
#include "feedd/feeds/model.h"

namespace feedd::storage {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// One prepared statement. Parameters are bound by position (1-based) with Bind(...), which
// binds all of them at once; Step() returns true while there is a row.
class Statement {
 public:
  Statement(sqlite3* db, StatementHandle stmt) : db_(db), stmt_(std::move(stmt)) {}

  template <typename... Args>
  Statement& Bind(const Args&... args) {
    int index = 1;
    (BindOne(index++, args), ...);
    return *this;
  }

  // true: a row is ready; false: done. An error names SQLite's message.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Result<void> Run();
  // Clears bindings and rewinds, so the cached statement can be used again.
  void Reset();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<feeds::Timestamp> OptionalTime(int column) const;
  feeds::Timestamp Time(int column) const;

  sqlite3_stmt* raw() const { return stmt_.get(); }

  // Binds one parameter by position (1-based), for statements assembled from parts.
  void BindOne(int index, std::nullopt_t);
  void BindOne(int index, std::int64_t value);
  void BindOne(int index, int value) { BindOne(index, static_cast<std::int64_t>(value)); }
  void BindOne(int index, double value);
  void BindOne(int index, std::string_view value);
  void BindOne(int index, const std::string& value) { BindOne(index, std::string_view(value)); }
  void BindOne(int index, const char* value) { BindOne(index, std::string_view(value)); }
  void BindOne(int index, feeds::Timestamp value) {
    BindOne(index, static_cast<std::int64_t>(value.time_since_epoch().count()));
  }
  template <typename T>
  void BindOne(int index, const std::optional<T>& value) {
    if (value) {
      BindOne(index, *value);
    } else {
      BindOne(index, std::nullopt);
    }
  }

 private:
  sqlite3* db_;
  StatementHandle stmt_;
};

// A cached statement on loan: reset (bindings cleared) when the loan ends, so the next user
// finds it fresh. Never hold two loans of the same SQL at once.
class StatementLoan {
 public:
  explicit StatementLoan(Statement* stmt) : stmt_(stmt) {}
  StatementLoan(const StatementLoan&) = delete;
  StatementLoan& operator=(const StatementLoan&) = delete;
  StatementLoan(StatementLoan&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  ~StatementLoan() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
};

class Database {
 public:
  // Opens (flags as sqlite3_open_v2). The error names the path.
  static Result<Database> Open(const std::string& path, int flags);

  // Runs SQL text that takes no parameters (schema, pragmas, transaction control).
  Result<void> Exec(std::string_view sql);
  // Prepares once per connection and caches by the SQL text.
  Result<StatementLoan> Prepare(std::string_view sql);
  // Prepares a statement that is not cached (one-off queries such as EXPLAIN).
  Result<Statement> PrepareUncached(std::string_view sql);

  std::string ErrorMessage() const { return sqlite3_errmsg(db_.get()); }
  std::int64_t TotalChanges() const { return sqlite3_total_changes64(db_.get()); }
  std::int64_t Changes() const { return sqlite3_changes64(db_.get()); }
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }
  sqlite3* raw() const { return db_.get(); }

 private:
  explicit Database(SqliteHandle db) : db_(std::move(db)) {}

  // Looked up by string_view: a std::string key per Prepare was a malloc and a copy of the
  // SQL text for every statement run (several per entry stored).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  SqliteHandle db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// A write transaction that nests: outermost it is BEGIN IMMEDIATE (the write lock is taken
// up front, so a read-then-write cannot fail half way with SQLITE_BUSY_SNAPSHOT), inside a
// caller's transaction it is a SAVEPOINT. Rolled back on destruction unless Release()
// succeeded.
class Savepoint {
 public:
  static Result<Savepoint> Begin(Database& db);
  Savepoint(Savepoint&& other) noexcept : db_(other.db_), outermost_(other.outermost_) {
    other.db_ = nullptr;
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  Savepoint& operator=(Savepoint&&) = delete;
  ~Savepoint();
  Result<void> Release();

 private:
  Savepoint(Database* db, bool outermost) : db_(db), outermost_(outermost) {}
  Database* db_;
  bool outermost_;
};

}  // namespace feedd::storage
