// RAII over libpq: a connection, results read by row and column, parameters collected as
// values (every statement has bound parameters; SQL text never holds data; hot statements are
// prepared once per connection), and transactions that roll back unless committed (nested
// ones are savepoints).
// Private to storage/: nothing outside this module sees libpq-fe.h.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/feeds/model.h"

namespace feedd::storage {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};

// The parameters of one statement, in order ($1, $2, ...), as text. Add() returns the
// placeholder ("$3") so SQL assembled from optional parts numbers its parameters as it goes.
class PgParams {
 public:
  std::string Add(std::int64_t value);
  std::string Add(int value) { return Add(static_cast<std::int64_t>(value)); }
  std::string Add(std::string_view value);
  std::string Add(const std::string& value) { return Add(std::string_view(value)); }
  std::string Add(const char* value) { return Add(std::string_view(value)); }
  std::string Add(feeds::Timestamp value);
  std::string AddNull();
  template <typename T>
  std::string Add(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }
  // Array literals for "= ANY($n::bigint[])" / "$n::text[]".
  std::string AddArray(const std::vector<std::int64_t>& values);
  std::string AddArray(const std::vector<std::string>& values);
  // An array whose nullopt elements are NULL ("$n::text[]", "$n::bigint[]" with numbers).
  std::string AddArray(const std::vector<std::optional<std::string>>& values);

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const;

 private:
  std::string Placeholder() const { return "$" + std::to_string(values_.size()); }
  std::vector<std::optional<std::string>> values_;
};

// Binds every argument in order; the placeholders are then $1..$N.
template <typename... Args>
PgParams Params(const Args&... args) {
  PgParams params;
  (params.Add(args), ...);
  return params;
}

// A statement's result (rows in text format). Column readers take the row and column index.
class PgRows {
 public:
  explicit PgRows(std::unique_ptr<PGresult, PgResultCloser> result) : result_(std::move(result)) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  // Rows an INSERT/UPDATE/DELETE touched (PQcmdTuples); 0 for other statements.
  std::int64_t Affected() const;

  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::int64_t Int(int row, int column) const;
  std::optional<std::int64_t> OptionalInt(int row, int column) const;
  double Double(int row, int column) const;
  bool Bool(int row, int column) const { return Text(row, column) == "t"; }
  feeds::Timestamp Time(int row, int column) const;
  std::optional<feeds::Timestamp> OptionalTime(int row, int column) const;

 private:
  std::unique_ptr<PGresult, PgResultCloser> result_;
};

class PgConnection {
 public:
  // `url`: a libpq connection string or postgresql:// URI. Notices are not printed.
  static Result<PgConnection> Open(const std::string& url);

  // One statement with bound parameters. Errors carry the server's message (one line).
  Result<PgRows> Query(std::string_view sql, const PgParams& params = {});
  // As Query, for a statement run often: parsed and planned once per connection (prepared
  // on first use, keyed by its text; the server may keep a generic plan), then only bound and
  // executed. `sql` must be a fixed text, never assembled with a varying part: every distinct
  // text stays prepared for the life of the session. A reconnect forgets them all.
  Result<PgRows> QueryPrepared(std::string_view sql, const PgParams& params = {});
  // One or more statements without parameters (schema, transaction control).
  Result<void> Exec(std::string_view sql);

  // Rows written (inserted, updated, deleted) by this connection's statements since it
  // opened: the probe behind PgRowsWritten.
  std::int64_t rows_written() const { return rows_written_; }
  // A name for errors: the URL without its password.
  const std::string& name() const { return name_; }

 private:
  friend class PgTransaction;
  PgConnection(std::unique_ptr<PGconn, PgConnCloser> conn, std::string name)
      : conn_(std::move(conn)), name_(std::move(name)) {}
  // After the server went away, a fresh connection is tried before the next statement (only
  // between transactions: inside one the transaction is lost anyway).
  void ReconnectIfBroken();
  // Turns a PQexec* result into rows or the server's error; counts rows written.
  Result<PgRows> Finish(std::unique_ptr<PGresult, PgResultCloser> result);

  std::unique_ptr<PGconn, PgConnCloser> conn_;
  std::string name_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  int depth_ = 0;  // open transactions (1: BEGIN, more: savepoints)
  std::int64_t rows_written_ = 0;
};

// A transaction: BEGIN (or a savepoint inside another), rolled back at scope end unless
// Commit() succeeded.
class PgTransaction {
 public:
  static Result<PgTransaction> Begin(PgConnection& conn);
  PgTransaction(PgTransaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  PgTransaction& operator=(PgTransaction&&) = delete;
  PgTransaction(const PgTransaction&) = delete;
  ~PgTransaction();
  Result<void> Commit();

 private:
  explicit PgTransaction(PgConnection& conn) : conn_(&conn) {}
  PgConnection* conn_;
};

// The URL without a password (user:secret@ or password=...), for messages and logs.
std::string RedactPgUrl(std::string_view url);

}  // namespace feedd::storage
