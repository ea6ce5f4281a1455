// Keeping the database healthy: retention (old entries go, tombstoned so a feed that still
// carries them does not bring them back), online backup, and diagnostics for tests.
#include <system_error>

#include "output_sql.h"
#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

// A tombstone not confirmed by any fetch for this long is forgotten (ingest refreshes it at
// most monthly while the feed still carries the entry).
constexpr std::chrono::seconds kTombstoneLifetime = std::chrono::hours(24 * 90);

struct SqliteBackupCloser {
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

}  // namespace

Result<RetentionStats> SqliteStore::ApplyRetention(const RetentionPolicy& policy, Timestamp now) {
  const std::string what = "apply retention";
  RetentionStats stats;
  {
    // The SimHash band rows outside the near-duplicate window, or of deleted stories, go
    // whatever the policy (one statement, its own transaction).
    auto prune = db_.Prepare(kSqlPruneStoryBands);
    if (!prune) return FailAs(what, prune.error());
    if (auto done = (*prune)->Bind(now - kSimHashWindow).Run(); !done) {
      return FailAs(what, done.error());
    }
  }
  if (!policy.max_entries && !policy.max_age) return stats;
  if (policy.max_entries && *policy.max_entries < 0) return Fail(what + ": negative max_entries");
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  if (auto made =
          db_.Exec("CREATE TEMP TABLE IF NOT EXISTS retention_doomed "
                   "(id INTEGER PRIMARY KEY, feed_id INTEGER, entry_key TEXT, story_id INTEGER); "
                   "DELETE FROM retention_doomed");
      !made) {
    return FailAs(what, made.error());
  }
  std::optional<Timestamp> older_than;
  if (policy.max_age) older_than = now - *policy.max_age;
  std::optional<Timestamp> protected_from;
  if (policy.keep_window) protected_from = now - *policy.keep_window;
  auto choose = db_.Prepare(
      "INSERT INTO retention_doomed (id, feed_id, entry_key, story_id) "
      "SELECT id, feed_id, entry_key, story_id FROM (SELECT id, feed_id, entry_key, story_id, "
      "sort_time, ROW_NUMBER() OVER (PARTITION BY feed_id ORDER BY sort_time DESC, id DESC) AS n "
      "FROM entries) "
      "WHERE ((?1 IS NOT NULL AND n > ?1) OR (?2 IS NOT NULL AND sort_time < ?2)) "
      "AND (?3 IS NULL OR sort_time < ?3)");
  if (!choose) return FailAs(what, choose.error());
  if (auto done = (*choose)->Bind(policy.max_entries, older_than, protected_from).Run(); !done) {
    return FailAs(what, done.error());
  }
  constexpr std::string_view kSteps[] = {
      "INSERT INTO entries_fts (entries_fts, rowid, title, text, author) "
      "SELECT 'delete', e.id, e.title, e.text, e.author FROM entries_fts_source e "
      "JOIN retention_doomed d ON d.id = e.id "
      "WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE entry_id = e.id) "
      "AND NOT EXISTS (SELECT 1 FROM story_pending WHERE entry_id = e.id)",
      "INSERT OR REPLACE INTO entry_tombstones (feed_id, entry_key, last_seen) "
      "SELECT feed_id, entry_key, ?1 FROM retention_doomed",
      "DELETE FROM entries WHERE id IN (SELECT id FROM retention_doomed)",
      "DELETE FROM stories WHERE id IN (SELECT story_id FROM retention_doomed) "
      "AND NOT EXISTS (SELECT 1 FROM entries WHERE story_id = stories.id)",
      "DELETE FROM entry_tombstones WHERE last_seen < ?2",
  };
  for (std::size_t step = 0; step < std::size(kSteps); ++step) {
    auto stmt = db_.Prepare(kSteps[step]);
    if (!stmt) return FailAs(what, stmt.error());
    // Statements ignore parameters they do not mention.
    if (sqlite3_bind_parameter_count((*stmt)->raw()) >= 1) (*stmt)->BindOne(1, now);
    if (sqlite3_bind_parameter_count((*stmt)->raw()) >= 2) {
      (*stmt)->BindOne(2, now - kTombstoneLifetime);
    }
    if (auto done = (*stmt)->Run(); !done) return FailAs(what, done.error());
    if (step == 2) stats.entries_deleted = db_.Changes();
    if (step == 3) stats.stories_deleted = db_.Changes();
  }
  if (auto cleared = db_.Exec("DELETE FROM retention_doomed"); !cleared) {
    return FailAs(what, cleared.error());
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return stats;
}

Result<int> SqliteStore::IndexPending(int max_entries) {
  const std::string what = "index pending entries";
  if (max_entries <= 0) return 0;
  if (!phrase_tuning_settled_) {
    // Tuning requeues every entry, so it comes before the batch. A failure is reported once
    // and indexing goes on with the plain index: the index must not stall on it.
    if (auto tuned = TunePhraseIndexIfDue(phrase_tuning_); !tuned) {
      phrase_tuning_settled_ = true;
      return FailAs(what, tuned.error());
    }
  }
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  // Both statements pick the same lowest ids inside one transaction. An entry still waiting
  // for its story (updated before the story pass came) has no text yet: the pass writes it
  // and leaves the entry here.
  auto index = db_.Prepare(kSqlIndexPending);
  if (!index) return FailAs(what, index.error());
  if (auto done = (*index)->Bind(max_entries).Run(); !done) return FailAs(what, done.error());
  auto dequeue = db_.Prepare(
      "DELETE FROM fts_pending WHERE entry_id IN "
      "(SELECT entry_id FROM fts_pending p WHERE NOT EXISTS "
      "(SELECT 1 FROM story_pending s WHERE s.entry_id = p.entry_id) "
      "ORDER BY entry_id LIMIT ?1)");
  if (!dequeue) return FailAs(what, dequeue.error());
  if (auto done = (*dequeue)->Bind(max_entries).Run(); !done) return FailAs(what, done.error());
  const auto indexed = static_cast<int>(db_.Changes());
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return indexed;
}

Result<void> SqliteStore::Optimize() {
  // 'merge' does a bounded amount of segment merging (about 500 pages' worth), so an idle
  // minute keeps the index compact without the full rewrite of 'optimize'.
  if (auto done = db_.Exec("INSERT INTO entries_fts (entries_fts, rank) VALUES ('merge', 500)");
      !done) {
    return FailAs("optimize", done.error());
  }
  if (auto done = db_.Exec("PRAGMA optimize"); !done) return FailAs("optimize", done.error());
  FitWriterCache();  // also for files that grew by updates alone, which skip the story pass
  return Ok();
}

Result<void> SqliteStore::Backup(const std::filesystem::path& path) {
  const std::string what = "back up to " + path.string();
  // Written beside the target and renamed over it, so a failed backup leaves no half file.
  std::filesystem::path partial = path;
  partial += ".partial";
  std::error_code error;
  std::filesystem::remove(partial, error);
  {
    auto target = Database::Open(partial.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!target) return FailAs(what, target.error());
    std::unique_ptr<sqlite3_backup, SqliteBackupCloser> backup(
        sqlite3_backup_init(target->raw(), "main", db_.raw(), "main"));
    if (!backup) return FailAs(what, target->ErrorMessage());
    // Pages in slices, so the writer is never held up for the whole copy.
    for (;;) {
      const int rc = sqlite3_backup_step(backup.get(), 256);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_OK) continue;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        sqlite3_sleep(10);
        continue;
      }
      return FailAs(what, sqlite3_errstr(rc));
    }
    const int rc = sqlite3_backup_finish(backup.release());
    if (rc != SQLITE_OK) return FailAs(what, sqlite3_errstr(rc));
  }
  std::filesystem::rename(partial, path, error);
  if (error) return FailAs(what, error.message());
  return Ok();
}

std::optional<std::int64_t> SqliteTotalChanges(const Store& store) {
  const auto* sqlite = dynamic_cast<const SqliteStore*>(&store);
  if (sqlite == nullptr) return std::nullopt;
  return sqlite->db().TotalChanges();
}

Result<void> CheckSqliteIntegrity(Store& store) {
  const std::string what = "integrity check";
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return Fail(what + ": not a SQLite store");
  auto pragma = sqlite->db().PrepareUncached("PRAGMA integrity_check");
  if (!pragma) return FailAs(what, pragma.error());
  std::string problems;
  for (;;) {
    auto row = pragma->Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) break;
    if (const std::string line = pragma->Text(0); line != "ok") problems += line + "; ";
  }
  if (!problems.empty()) return FailAs(what, problems);
  if (auto checked =
          sqlite->db().Exec("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')");
      !checked) {
    return FailAs(what + " of the full-text index", checked.error());
  }
  return Ok();
}

std::optional<std::int64_t> SqliteCacheKib(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return std::nullopt;
  auto pragma = sqlite->db().PrepareUncached("PRAGMA cache_size");
  if (!pragma) return std::nullopt;
  auto row = pragma->Step();
  if (!row || !*row) return std::nullopt;
  const std::int64_t value = pragma->Int(0);
  return value < 0 ? -value : value * 16;  // negative: KiB; positive: pages of 16 KiB
}

Result<std::vector<QueryPlan>> ExplainQueryPlans(Store& store) {
  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  if (sqlite == nullptr) return Fail("explain query plans: not a SQLite store");
  EntryQuery one_feed;
  one_feed.feed_id = 1;
  EntryQuery one_feed_page = one_feed;
  one_feed_page.before_id = 1;
  one_feed_page.since = Timestamp{};
  EntryQuery newest;
  EntryQuery tagged;
  tagged.tag = "t";
  OutputSelection output;
  output.feeds = {1};
  output.window = std::chrono::hours(24);
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"entry by key", std::string(kSqlFindEntry)},
      {"entry by link", std::string(kSqlFindEntryByLink)},
      {"story by url", std::string(kSqlFindStoryByUrl)},
      {"similar stories", std::string(kSqlSimilarStories)},
      {"story candidate", std::string(kSqlStoryCandidate)},
      {"entry id range", std::string(kSqlEntryIdRange)},
      {"entries of one feed", ListEntriesSql(one_feed)},
      {"entries of one feed, next page", ListEntriesSql(one_feed_page)},
      {"newest entries", ListEntriesSql(newest)},
      {"entries with a tag", ListEntriesSql(tagged)},
      {"feed list", std::string(kSqlFeedSelect) + "ORDER BY f.id"},
      {"merged output of one feed", SelectOutputSql(output)},
      {"merged output of every feed", SelectOutputSql(OutputSelection{})},
      {"archive page", SelectPageSql(OutputSelection{})},
      {"entries waiting for their story", std::string(kSqlPendingEntries)},
      {"entries waiting for the index", std::string(kSqlIndexPending)},
  };
  std::vector<QueryPlan> plans;
  for (const auto& [name, sql] : queries) {
    auto stmt = sqlite->db().PrepareUncached("EXPLAIN QUERY PLAN " + sql);
    if (!stmt) return FailAs("explain " + name, stmt.error());
    QueryPlan plan{name, {}};
    for (;;) {
      auto row = stmt->Step();
      if (!row) return FailAs("explain " + name, row.error());
      if (!*row) break;
      plan.steps.push_back(stmt->Text(3));
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace feedd::storage
