// RAII over the SQLite C API (see sqlite_db.h). Text is bound SQLITE_TRANSIENT: the caller's
// strings may die before the statement steps, and the copy is cheap next to the disk write.
#include "sqlite_db.h"

namespace feedd::storage {

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(sqlite3_errmsg(db_));
}

Result<void> Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return Fail(row.error().message);
    if (!*row) return Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_.get(), column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

feeds::Timestamp Statement::Time(int column) const {
  return feeds::Timestamp(std::chrono::seconds(Int(column)));
}

std::optional<feeds::Timestamp> Statement::OptionalTime(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Time(column);
}

void Statement::BindOne(int index, std::nullopt_t) { sqlite3_bind_null(stmt_.get(), index); }

void Statement::BindOne(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
}

void Statement::BindOne(int index, double value) { sqlite3_bind_double(stmt_.get(), index, value); }

void Statement::BindOne(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
}

Result<Database> Database::Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle handle(raw);  // sqlite3_open_v2 may hand out a handle even on failure
  if (rc != SQLITE_OK) {
    const std::string why = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Fail("open " + path + ": " + why);
  }
  sqlite3_extended_result_codes(raw, 1);
  return Database(std::move(handle));
}

Result<void> Database::Exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string why = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Fail(why);
}

Result<Statement> Database::PrepareUncached(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  StatementHandle handle(raw);
  if (rc != SQLITE_OK) return Fail(ErrorMessage());
  if (!handle) return Fail("empty SQL statement");
  return Statement(db_.get(), std::move(handle));
}

Result<StatementLoan> Database::Prepare(std::string_view sql) {
  auto found = cache_.find(sql);
  if (found == cache_.end()) {
    auto stmt = PrepareUncached(sql);
    if (!stmt) return Fail(stmt.error().message);
    found = cache_.emplace(std::string(sql), std::make_unique<Statement>(std::move(*stmt))).first;
  }
  return StatementLoan(found->second.get());
}

Result<Savepoint> Savepoint::Begin(Database& db) {
  const bool outermost = sqlite3_get_autocommit(db.raw()) != 0;
  if (auto begun = db.Exec(outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT feedd"); !begun) {
    return Fail(begun.error().message);
  }
  return Savepoint(&db, outermost);
}

Savepoint::~Savepoint() {
  if (db_ == nullptr) return;
  if (outermost_) {
    (void)db_->Exec("ROLLBACK");
  } else {
    // ROLLBACK TO undoes the work, RELEASE then ends the savepoint.
    (void)db_->Exec("ROLLBACK TO feedd; RELEASE feedd");
  }
}

Result<void> Savepoint::Release() {
  if (auto released = db_->Exec(outermost_ ? "COMMIT" : "RELEASE feedd"); !released) {
    return released;
  }
  db_ = nullptr;
  return Ok();
}

}  // namespace feedd::storage
