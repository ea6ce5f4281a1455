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

// The phrase index (common grams, common_grams.h). Its terms are a property of the
// database, chosen once from its own entries: when the entries' highest id first reaches
// `min_entries`, the words of the newest `sample_entries` entries are counted; those in at
// least `very_common_share` of them are very common, those in at least `common_share` common
// (at most `max_terms` in all), and the full-text table is created anew with them. Every
// entry is then queued to be indexed again (search finds an entry again once re-indexed).
// Until then, and if no term qualifies, phrases are indexed as plain words. The index pass
// (IndexPending) tunes with these defaults; the choice is recorded and final.
//
// Why 200,000: below it no phrase is slow (p99 15 ms at 200k entries on the bench without
// pairs), while the pairs make the index pass about three times slower; a database that
// retention keeps smaller never pays for them.
struct PhraseTuning {
  std::int64_t min_entries = 200000;
  int sample_entries = 5000;
  double common_share = 0.10;
  double very_common_share = 0.50;
  std::size_t max_terms = 512;
};

// Replaces the tuning the store's index pass applies (the defaults above): tests use a small
// `min_entries`. Fails for a store that OpenSqliteStore did not open.
Result<void> SetPhraseTuning(Store& store, const PhraseTuning& tuning);

// Tunes the phrase index now if it was never tuned and the database has reached
// `tuning.min_entries`, in one transaction. Returns whether it tuned. Fails for a store that
// OpenSqliteStore did not open, and when a store opened read-only is due.
Result<bool> TunePhraseIndex(Store& store, const PhraseTuning& tuning);

// Diagnostics of the SQLite backend, for tests and benchmarks. Both fail (or give nullopt)
// when `store` was not opened by OpenSqliteStore.

// SQLite's count of rows written by this connection since it opened (sqlite3_total_changes):
// lets a test prove that re-ingesting an unchanged feed writes nothing.
std::optional<std::int64_t> SqliteTotalChanges(const Store& store);

// The page cache bound, in KiB, that the store's connection now has (PRAGMA cache_size).
std::optional<std::int64_t> SqliteCacheKib(Store& store);

// The phrase index as stored: whether it was tuned, how many terms of each level it was
// tuned with and how many distinct word pairs the index now holds.
struct PhraseIndexState {
  bool tuned = false;
  std::int64_t very_common_terms = 0;
  std::int64_t common_terms = 0;
  std::int64_t pair_terms = 0;
};
Result<PhraseIndexState> SqlitePhraseIndexState(Store& store);

// PRAGMA integrity_check and the full-text index's own check ('integrity-check', which
// re-tokenizes every indexed row), on the store's connection: a tuned index needs feedd's
// tokenizer, which a plain sqlite3 connection lacks. The error says what failed.
Result<void> CheckSqliteIntegrity(Store& store);

// EXPLAIN QUERY PLAN of each hot query the store runs (the very SQL text it uses), as
// "name: detail" lines, e.g. "entries of one feed: SEARCH entries USING INDEX ...".
struct QueryPlan {
  std::string name;
  std::vector<std::string> steps;  // the plan's detail lines, outermost first
};
Result<std::vector<QueryPlan>> ExplainQueryPlans(Store& store);

}  // namespace feedd::storage
