// Keeping the PostgreSQL store healthy: retention (tombstoned like SQLite's), the deferred
// full-text index (entries whose `search` is NULL), planner statistics, and the config's
// feeds kept in step on start and reload (same rules as config_sync.cc).
#include <set>

#include "pg_schema.h"
#include "pg_store_impl.h"

namespace feedd::storage {
namespace {

// As in maintenance.cc: a tombstone unconfirmed by any fetch for this long is forgotten.
constexpr std::chrono::seconds kTombstoneLifetime = std::chrono::hours(24 * 90);

// Text beyond this many characters is not indexed: a tsvector holds at most 1 MB, and one
// oversized entry must not fail the whole batch for ever.
constexpr int kIndexedTextChars = 200000;

std::set<std::string> TagSet(const std::vector<std::string>& tags) {
  std::set<std::string> set;
  for (const auto& tag : tags) {
    if (!tag.empty()) set.insert(tag);
  }
  return set;
}

}  // namespace

Result<RetentionStats> PgStore::ApplyRetention(const RetentionPolicy& policy, Timestamp now) {
  const std::string what = "apply retention";
  RetentionStats stats;
  if (!policy.max_entries && !policy.max_age) return stats;
  if (policy.max_entries && *policy.max_entries < 0) return Fail(what + ": negative max_entries");
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  PgParams params;
  std::vector<std::string> limits;
  if (policy.max_entries) limits.push_back("n > " + params.Add(*policy.max_entries) + "::bigint");
  if (policy.max_age) {
    limits.push_back("sort_time < " + params.Add(now - *policy.max_age) + "::bigint");
  }
  std::string doomed = "(" + limits[0] + (limits.size() > 1 ? " OR " + limits[1] : "") + ")";
  if (policy.keep_window) {
    doomed += " AND sort_time < " + params.Add(now - *policy.keep_window) + "::bigint";
  }
  const std::string seen = params.Add(now);
  // One statement: choose, delete, bury the keys so a feed still carrying them does not
  // bring them back, and subtract the deletions from the feeds' entry counts; the stories
  // the deleted entries belonged to come back for the next step.
  auto deleted = conn_.Query(
      "WITH doomed AS (SELECT id FROM (SELECT id, sort_time, ROW_NUMBER() OVER "
      "(PARTITION BY feed_id ORDER BY sort_time DESC, id DESC) AS n FROM entries) ranked WHERE " +
          doomed +
          "), gone AS (DELETE FROM entries WHERE id IN (SELECT id FROM doomed) "
          "RETURNING feed_id, entry_key, story_id), "
          "buried AS (INSERT INTO entry_tombstones (feed_id, entry_key, last_seen) "
          "SELECT feed_id, entry_key, " +
          seen +
          "::bigint FROM gone "
          "ON CONFLICT (feed_id, entry_key) DO UPDATE SET last_seen = EXCLUDED.last_seen "
          "RETURNING 1), "
          "counted AS (UPDATE feeds f SET entry_count = f.entry_count - g.n FROM (SELECT "
          "feed_id, COUNT(*) AS n FROM gone GROUP BY feed_id) g WHERE f.id = g.feed_id "
          "RETURNING 1) "
          "SELECT (SELECT COUNT(*) FROM gone), "
          "(SELECT COALESCE(array_agg(DISTINCT story_id), '{}') FROM gone), "
          "(SELECT COUNT(*) FROM buried)",
      params);
  if (!deleted) return PgFailAs(what, deleted.error());
  stats.entries_deleted = deleted->Int(0, 0);
  const auto story_ids = ParsePgIntArray(deleted->Text(0, 1));
  if (!story_ids.empty()) {
    PgParams story_params;
    const std::string array = story_params.AddArray(story_ids);
    auto orphans = conn_.Query("DELETE FROM stories s WHERE s.id = ANY(" + array +
                                   "::bigint[]) AND NOT EXISTS "
                                   "(SELECT 1 FROM entries x WHERE x.story_id = s.id)",
                               story_params);
    if (!orphans) return PgFailAs(what, orphans.error());
    stats.stories_deleted = orphans->Affected();
  }
  auto forgotten = conn_.Query("DELETE FROM entry_tombstones WHERE last_seen < $1::bigint",
                               Params(now - kTombstoneLifetime));
  if (!forgotten) return PgFailAs(what, forgotten.error());
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return stats;
}

// The lowest queued ids, locked with SKIP LOCKED so instances indexing at the same time take
// different rows instead of waiting for each other; an entry updated since it was indexed
// gets its vector replaced.
Result<int> PgStore::IndexPending(int max_entries) {
  const std::string what = "index pending entries";
  if (max_entries <= 0) return 0;
  const std::string config = "'" + std::string(kPgSearchConfig) + "'::regconfig";
  auto vector_of = [&](const char* column, const char* weight) {
    return "setweight(to_tsvector(" + config + ", left(COALESCE(e." + column + ", ''), " +
           std::to_string(kIndexedTextChars) + ")), '" + weight + "')";
  };
  auto indexed = conn_.Query(
      "WITH batch AS (DELETE FROM search_pending WHERE entry_id IN (SELECT entry_id FROM "
      "search_pending ORDER BY entry_id LIMIT $1::bigint FOR UPDATE SKIP LOCKED) "
      "RETURNING entry_id) "
      "INSERT INTO entry_search (entry_id, search) SELECT e.id, " +
          vector_of("title", "A") + " || " + vector_of("author", "B") + " || " +
          vector_of("text", "D") +
          " FROM entries e JOIN batch b ON b.entry_id = e.id "
          "ON CONFLICT (entry_id) DO UPDATE SET search = EXCLUDED.search",
      Params(max_entries));
  if (!indexed) return PgFailAs(what, indexed.error());
  return static_cast<int>(indexed->Affected());
}

Result<void> PgStore::Optimize() {
  // Planner statistics; the GIN index's pending list is merged by autovacuum.
  if (auto done =
          conn_.Exec("ANALYZE feeds, feed_tags, stories, entries, entry_tombstones, entry_search");
      !done) {
    return PgFailAs("optimize", done.error());
  }
  return Ok();
}

Result<void> PgStore::Backup(const std::filesystem::path& path) {
  return Fail("back up to " + path.string() +
              ": a PostgreSQL store is backed up with the server's tools (pg_dump " + conn_.name() +
              "), see docs/scale.md");
}

Result<ConfigFeedSync> PgStore::SyncConfigFeeds(const std::vector<NewFeed>& declared) {
  const std::string what = "sync config feeds";
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  // Instances started together sync the same config: one at a time (the schema's version
  // row is the cluster-wide lock, as for migrations), so the later ones find the feeds the
  // first added instead of failing on the unique URL.
  if (auto locked = conn_.Query("SELECT version FROM feedd_schema FOR UPDATE"); !locked) {
    return PgFailAs(what, locked.error());
  }
  ConfigFeedSync sync;
  std::set<std::string> urls;
  std::vector<FeedId> added;
  std::vector<FeedId> changed;
  for (const auto& feed : declared) {
    if (feed.url.empty() || !urls.insert(feed.url).second) continue;  // the config checks this
    const std::string about = what + ": " + feed.url;
    std::optional<FeedId> id;
    auto found = conn_.Query("SELECT id FROM feeds WHERE config_url = $1", Params(feed.url));
    if (!found) return PgFailAs(about, found.error());
    if (!found->empty()) id = found->Int(0, 0);
    if (!id) {
      // Subscribed at run time: the config adopts it.
      auto adopted =
          conn_.Query("UPDATE feeds SET config_url = $1::text WHERE url = $1::text RETURNING id",
                      Params(feed.url));
      if (!adopted) return PgFailAs(about, adopted.error());
      if (!adopted->empty()) id = adopted->Int(0, 0);
    }
    if (!id) {
      auto inserted = conn_.Query(
          "INSERT INTO feeds (url, user_title, created, config_url) "
          "VALUES ($1::text, $2::text, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT), $1::text) "
          "RETURNING id",
          Params(feed.url, feed.title));
      if (!inserted) return PgFailAs(about, inserted.error());
      if (inserted->empty()) return Fail(about + ": insert returned no id");
      const FeedId new_id = inserted->Int(0, 0);
      if (auto tagged = ReplaceTags(new_id, feed.tags); !tagged) {
        return PgFailAs(about, tagged.error());
      }
      added.push_back(new_id);
      continue;
    }
    // Declared before: title and tags follow the config.
    std::optional<std::string> title = feed.title;
    if (title && title->empty()) title.reset();
    auto stored = conn_.Query(
        "SELECT f.user_title, t.tag FROM feeds f LEFT JOIN feed_tags t ON t.feed_id = f.id "
        "WHERE f.id = $1",
        Params(*id));
    if (!stored) return PgFailAs(about, stored.error());
    std::optional<std::string> stored_title;
    std::set<std::string> stored_tags;
    for (int r = 0; r < stored->size(); ++r) {
      stored_title = stored->OptionalText(r, 0);
      if (auto tag = stored->OptionalText(r, 1)) stored_tags.insert(*tag);
    }
    const bool title_changed = stored_title != title;
    const bool tags_changed = stored_tags != TagSet(feed.tags);
    if (title_changed) {
      auto updated =
          conn_.Query("UPDATE feeds SET user_title = $2 WHERE id = $1", Params(*id, title));
      if (!updated) return PgFailAs(about, updated.error());
    }
    if (tags_changed) {
      if (auto done = ReplaceTags(*id, feed.tags); !done) return PgFailAs(about, done.error());
    }
    if (title_changed || tags_changed) changed.push_back(*id);
  }

  // The config's feeds it no longer declares.
  PgParams params;
  const std::string declared_urls =
      params.AddArray(std::vector<std::string>(urls.begin(), urls.end()));
  auto gone = conn_.Query(
      "SELECT id FROM feeds WHERE config_url IS NOT NULL "
      "AND NOT (config_url = ANY(" +
          declared_urls + "::text[])) ORDER BY id",
      params);
  if (!gone) return PgFailAs(what, gone.error());
  for (int r = 0; r < gone->size(); ++r) {
    auto removed = RemoveFeed(gone->Int(r, 0));
    if (!removed) return PgFailAs(what, removed.error());
    if (*removed) sync.removed.push_back(gone->Int(r, 0));
  }
  for (const auto& [ids, into] : {std::pair{&added, &sync.added}, {&changed, &sync.changed}}) {
    for (const FeedId id : *ids) {
      auto feed = GetFeed(id);
      if (!feed) return PgFailAs(what, feed.error());
      if (*feed) into->push_back(std::move(**feed));
    }
  }
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return sync;
}

}  // namespace feedd::storage
