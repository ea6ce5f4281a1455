// The SQLite backend of Store: WAL, a versioned schema migrated on open (PRAGMA
// user_version), a database from a newer feedd refused with a clear message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/storage/store.h"

namespace feedd::storage {

enum class OpenMode {
  kReadWrite,  // creates the file and its folder if missing, migrates the schema
  kReadOnly,   // for reader connections beside the writer; the schema must be current
};

// ":memory:" opens a private in-memory database (tests).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path, OpenMode mode);

// The bound, in KiB, on the writer connection's page cache for a database file of this many
// bytes: a sixteenth of the file, at least 8 MiB and at most 64 MiB. Reader connections keep
// 8 MiB. The writer refits it when it opens, after each story pass batch and in Optimize.
std::int64_t WriterCacheKib(std::int64_t database_bytes);

// Diagnostics of the SQLite backend, for tests and benchmarks. Both fail (or give nullopt)
// when `store` was not opened by OpenSqliteStore.

// SQLite's count of rows written by this connection since it opened (sqlite3_total_changes):
// lets a test prove that re-ingesting an unchanged feed writes nothing.
std::optional<std::int64_t> SqliteTotalChanges(const Store& store);

// The page cache bound, in KiB, that the store's connection now has (PRAGMA cache_size).
std::optional<std::int64_t> SqliteCacheKib(Store& store);

// EXPLAIN QUERY PLAN of each hot query the store runs (the very SQL text it uses), as
// "name: detail" lines, e.g. "entries of one feed: SEARCH entries USING INDEX ...".
struct QueryPlan {
  std::string name;
  std::vector<std::string> steps;  // the plan's detail lines, outermost first
};
Result<std::vector<QueryPlan>> ExplainQueryPlans(Store& store);

}  // namespace feedd::storage
