// Which backend the storage suite runs against: SQLite (":memory:") by default, PostgreSQL
// when FEEDD_TEST_PG_URL names a database (scripts/with-postgres.sh sets it). One suite, two
// runs: scripts/test.sh runs storage_test once plain and once under with-postgres.sh. Tests
// of one backend's internals (files, pragmas, query plans, fault injection) carry the
// SqliteOnly() or PostgresOnly() decorator and are skipped in the other run.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "feedd/storage/pg_store.h"
#include "feedd/storage/sqlite_store.h"
#include "feedd/storage/store.h"

namespace feedd::storage::testing {

enum class Backend { kSqlite, kPostgres };

// The PostgreSQL URL of this run, "" for a SQLite run.
inline std::string TestPgUrl() {
  const char* url = std::getenv("FEEDD_TEST_PG_URL");
  return url != nullptr ? std::string(url) : std::string();
}

inline Backend TestBackend() { return TestPgUrl().empty() ? Backend::kSqlite : Backend::kPostgres; }

// TEST_CASE("..." * SqliteOnly()): skipped in the PostgreSQL run.
inline doctest::skip SqliteOnly() { return doctest::skip(TestBackend() != Backend::kSqlite); }
// TEST_CASE("..." * PostgresOnly()): skipped in the SQLite run.
inline doctest::skip PostgresOnly() { return doctest::skip(TestBackend() != Backend::kPostgres); }

// An empty store on this run's backend: a private in-memory SQLite database, or the run's
// PostgreSQL database emptied first (so call it once per test case;
// further connections to the same database come from OpenPgStore(TestPgUrl(), ...)).
inline std::unique_ptr<Store> FreshStore() {
  if (TestBackend() == Backend::kSqlite) {
    auto store = OpenSqliteStore(":memory:", OpenMode::kReadWrite);
    if (!store) FAIL("open :memory: failed: " << store.error().message);
    return std::move(*store);
  }
  const std::string url = TestPgUrl();
  if (auto emptied = EmptyPgStoreForTests(url); !emptied) {
    FAIL("empty " << url << ": " << emptied.error().message);
  }
  auto store = OpenPgStore(url, OpenMode::kReadWrite);
  if (!store) FAIL("open " << url << " failed: " << store.error().message);
  return std::move(*store);
}

// Rows the store's connection has written so far, on either backend: lets a test prove that
// re-ingesting an unchanged feed writes nothing.
inline std::optional<std::int64_t> RowsWritten(const Store& store) {
  if (auto sqlite = SqliteTotalChanges(store)) return sqlite;
  return PgRowsWritten(store);
}

}  // namespace feedd::storage::testing
