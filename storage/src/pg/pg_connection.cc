// The libpq wrapper: parameters as text, results read as text and converted here, errors as
// the server's primary message, transactions and savepoints.
#include "pg_connection.h"

#include <charconv>
#include <cstdlib>

namespace feedd::storage {
namespace {

void IgnoreNotice(void*, const char*) {}

std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

std::string ResultError(const PGresult* result, PGconn* conn) {
  if (result != nullptr) {
    if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
      return OneLine(primary);
    }
  }
  return OneLine(PQerrorMessage(conn));
}

std::string QuoteArrayElement(std::string_view value) {
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

std::string PgParams::Add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return Placeholder();
}

std::string PgParams::Add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return Placeholder();
}

std::string PgParams::Add(feeds::Timestamp value) {
  return Add(static_cast<std::int64_t>(value.time_since_epoch().count()));
}

std::string PgParams::AddNull() {
  values_.emplace_back(std::nullopt);
  return Placeholder();
}

std::string PgParams::AddArray(const std::vector<std::int64_t>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += std::to_string(values[i]);
  }
  return Add(literal + "}");
}

std::string PgParams::AddArray(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += QuoteArrayElement(values[i]);
  }
  return Add(literal + "}");
}

std::string PgParams::AddArray(const std::vector<std::optional<std::string>>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += values[i] ? QuoteArrayElement(*values[i]) : std::string("NULL");
  }
  return Add(literal + "}");
}

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

std::int64_t PgRows::Affected() const {
  const char* count = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  if (count != nullptr)
    std::from_chars(count, count + std::char_traits<char>::length(count), value);
  return value;
}

std::string PgRows::Text(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  return std::string(value, static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> PgRows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::int64_t PgRows::Int(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  const auto length = static_cast<std::size_t>(PQgetlength(result_.get(), row, column));
  std::int64_t parsed = 0;
  std::from_chars(value, value + length, parsed);
  return parsed;
}

std::optional<std::int64_t> PgRows::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

double PgRows::Double(int row, int column) const {
  return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

feeds::Timestamp PgRows::Time(int row, int column) const {
  return feeds::Timestamp(std::chrono::seconds(Int(row, column)));
}

std::optional<feeds::Timestamp> PgRows::OptionalTime(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Time(row, column);
}

Result<PgConnection> PgConnection::Open(const std::string& url) {
  const std::string name = RedactPgUrl(url);
  std::unique_ptr<PGconn, PgConnCloser> conn(PQconnectdb(url.c_str()));
  if (!conn) return Fail("open " + name + ": out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Fail("open " + name + ": " + OneLine(PQerrorMessage(conn.get())));
  }
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return PgConnection(std::move(conn), name);
}

void PgConnection::ReconnectIfBroken() {
  if (depth_ == 0 && PQstatus(conn_.get()) == CONNECTION_BAD) {
    PQreset(conn_.get());
    prepared_.clear();  // a new session: its statements are gone
  }
}

Result<PgRows> PgConnection::Query(std::string_view sql, const PgParams& params) {
  ReconnectIfBroken();
  const std::string text(sql);
  const auto values = params.Pointers();
  return Finish(std::unique_ptr<PGresult, PgResultCloser>(PQexecParams(
      conn_.get(), text.c_str(), params.size(), nullptr, values.data(), nullptr, nullptr, 0)));
}

Result<PgRows> PgConnection::QueryPrepared(std::string_view sql, const PgParams& params) {
  ReconnectIfBroken();
  std::string text(sql);
  auto found = prepared_.find(text);
  if (found == prepared_.end()) {
    // Parameter types come from the casts in the text ($1::bigint), as with PQexecParams.
    std::string name = "feedd_" + std::to_string(prepared_.size());
    std::unique_ptr<PGresult, PgResultCloser> prepared(
        PQprepare(conn_.get(), name.c_str(), text.c_str(), params.size(), nullptr));
    if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      return Fail(ResultError(prepared.get(), conn_.get()));
    }
    found = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  const auto values = params.Pointers();
  return Finish(std::unique_ptr<PGresult, PgResultCloser>(PQexecPrepared(
      conn_.get(), found->second.c_str(), params.size(), values.data(), nullptr, nullptr, 0)));
}

Result<PgRows> PgConnection::Finish(std::unique_ptr<PGresult, PgResultCloser> result) {
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return Fail(ResultError(result.get(), conn_.get()));
  }
  // Counted by the command tag: a SELECT's tag counts rows read, not written.
  const std::string_view tag = PQcmdStatus(result.get());
  PgRows rows(std::move(result));
  for (const std::string_view verb : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
    if (tag.substr(0, verb.size()) == verb) rows_written_ += rows.Affected();
  }
  return rows;
}

Result<void> PgConnection::Exec(std::string_view sql) {
  ReconnectIfBroken();
  const std::string text(sql);
  std::unique_ptr<PGresult, PgResultCloser> result(PQexec(conn_.get(), text.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return Fail(ResultError(result.get(), conn_.get()));
  }
  return Ok();
}

Result<PgTransaction> PgTransaction::Begin(PgConnection& conn) {
  const std::string sql =
      conn.depth_ == 0 ? "BEGIN" : "SAVEPOINT feedd_" + std::to_string(conn.depth_);
  if (auto begun = conn.Exec(sql); !begun) return Unexpected(begun.error());
  ++conn.depth_;
  return PgTransaction(conn);
}

Result<void> PgTransaction::Commit() {
  if (conn_ == nullptr) return Fail("commit: no transaction");
  PgConnection& conn = *conn_;
  const int depth = conn.depth_ - 1;
  const std::string sql =
      depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT feedd_" + std::to_string(depth);
  auto done = conn.Exec(sql);
  if (!done) return done;  // the destructor rolls back
  conn.depth_ = depth;
  conn_ = nullptr;
  return Ok();
}

PgTransaction::~PgTransaction() {
  if (conn_ == nullptr) return;
  PgConnection& conn = *conn_;
  const int depth = conn.depth_ - 1;
  if (depth == 0) {
    (void)conn.Exec("ROLLBACK");
  } else {
    const std::string name = "feedd_" + std::to_string(depth);
    (void)conn.Exec("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name);
  }
  conn.depth_ = depth;
}

std::string RedactPgUrl(std::string_view url) {
  std::string text(url);
  // URI form: scheme://user:password@host...
  const auto scheme = text.find("://");
  if (scheme != std::string::npos) {
    const auto at = text.find('@', scheme + 3);
    const auto colon = text.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      text.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Keyword form (and URI query parameters): password=...
  for (auto at = text.find("password="); at != std::string::npos;
       at = text.find("password=", at + 1)) {
    const auto start = at + 9;
    auto end = text.find_first_of(" &", start);
    if (end == std::string::npos) end = text.size();
    text.replace(start, end - start, "***");
  }
  return text;
}

}  // namespace feedd::storage
