// Opening the PostgreSQL store (connection, migrations, read-only readers) and the feed
// table: subscribe, list, fetch state, user settings, removal.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "feed_model.h"
#include "pg_schema.h"
#include "pg_store_impl.h"

namespace feedd::storage {
namespace {

std::string FeedName(FeedId id) { return "feed " + std::to_string(id); }

// The feed list with tags and entry counts (kept in feeds.entry_count) in one statement.
constexpr std::string_view kFeedSelect =
    "SELECT f.id, f.url, f.user_title, f.feed_title, f.site_link, f.status, f.error_stage, "
    "f.last_error, f.last_http_status, f.consecutive_failures, f.etag, f.last_modified, "
    "f.last_fetch, f.last_success, f.next_fetch, f.interval_seconds, f.created, "
    "(SELECT json_agg(t.tag ORDER BY t.tag) FROM feed_tags t WHERE t.feed_id = f.id), "
    "f.entry_count "
    "FROM feeds f ";

}  // namespace

bool PgStoreAvailable() { return true; }

Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url, OpenMode mode) {
  auto conn = PgConnection::Open(url);
  if (!conn) return Unexpected(conn.error());
  // Times are unix seconds computed here, but now() in SQL (AddFeed's created) must not
  // depend on the server's zone either: epochs are zone-free, this only fixes messages.
  if (auto set = conn->Exec("SET TIME ZONE 'UTC'"); !set) {
    return Fail("open " + conn->name() + ": " + set.error().message);
  }
  if (mode == OpenMode::kReadWrite) {
    if (auto migrated = MigratePg(*conn); !migrated) return Unexpected(migrated.error());
  } else {
    if (auto set = conn->Exec("SET default_transaction_read_only = on"); !set) {
      return Fail("open " + conn->name() + ": " + set.error().message);
    }
    if (auto current = CheckPgSchemaIsCurrent(*conn); !current) {
      return Unexpected(current.error());
    }
  }
  return std::unique_ptr<Store>(std::make_unique<PgStore>(std::move(*conn), mode));
}

std::optional<std::int64_t> PgRowsWritten(const Store& store) {
  const auto* pg = dynamic_cast<const PgStore*>(&store);
  if (pg == nullptr) return std::nullopt;
  return pg->connection().rows_written();
}

Result<void> DropPgSchemaForTests(const std::string& url) {
  auto conn = PgConnection::Open(url);
  if (!conn) return Unexpected(conn.error());
  return DropPgSchema(*conn);
}

Result<void> EmptyPgStoreForTests(const std::string& url) {
  auto conn = PgConnection::Open(url);
  if (!conn) return Unexpected(conn.error());
  if (!CheckPgSchemaIsCurrent(*conn)) return DropPgSchema(*conn);
  return conn->Exec(
      "TRUNCATE entry_tombstones, entries, stories, feed_tags, feeds, feed_hosts, "
      "feedd_instances RESTART IDENTITY CASCADE");
}

Result<std::vector<FeedRecord>> PgStore::QueryFeeds(const std::string& where_sql,
                                                    const PgParams& params) {
  // Prepared: every caller passes one of a few fixed texts (parameters are bound).
  auto rows = conn_.QueryPrepared(std::string(kFeedSelect) + where_sql, params);
  if (!rows) return Unexpected(rows.error());
  std::vector<FeedRecord> feeds;
  for (int r = 0; r < rows->size(); ++r) {
    FeedRecord feed;
    feed.id = rows->Int(r, 0);
    feed.url = rows->Text(r, 1);
    feed.user_title = rows->OptionalText(r, 2);
    feed.feed_title = rows->OptionalText(r, 3);
    feed.site_link = rows->OptionalText(r, 4);
    feed.status = ParseFeedStatus(rows->Text(r, 5));
    feed.error_stage = ParseFetchStage(rows->Text(r, 6));
    feed.last_error = rows->OptionalText(r, 7);
    if (auto status = rows->OptionalInt(r, 8)) feed.last_http_status = static_cast<int>(*status);
    feed.consecutive_failures = static_cast<int>(rows->Int(r, 9));
    feed.etag = rows->OptionalText(r, 10);
    feed.last_modified = rows->OptionalText(r, 11);
    feed.last_fetch = rows->OptionalTime(r, 12);
    feed.last_success = rows->OptionalTime(r, 13);
    feed.next_fetch = rows->OptionalTime(r, 14);
    feed.interval_seconds = rows->OptionalInt(r, 15);
    feed.created = rows->Time(r, 16);
    if (auto tags_json = rows->OptionalText(r, 17)) {
      const auto tags = nlohmann::json::parse(*tags_json, nullptr, /*allow_exceptions=*/false);
      if (tags.is_array()) {
        for (const auto& tag : tags) {
          if (tag.is_string()) feed.tags.push_back(tag.get<std::string>());
        }
      }
    }
    feed.entry_count = rows->Int(r, 18);
    feeds.push_back(std::move(feed));
  }
  return feeds;
}

Result<AddFeedOutcome> PgStore::AddFeed(const NewFeed& feed) {
  const std::string what = "add feed " + feed.url;
  if (feed.url.empty()) return Fail("add feed: empty URL");
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  auto inserted = conn_.Query(
      "INSERT INTO feeds (url, user_title, created) "
      "VALUES ($1, $2, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)) "
      "ON CONFLICT (url) DO NOTHING RETURNING id",
      Params(feed.url, feed.title));
  if (!inserted) return PgFailAs(what, inserted.error());
  const bool created = !inserted->empty();
  if (created) {
    if (auto tagged = ReplaceTags(inserted->Int(0, 0), feed.tags); !tagged) {
      return PgFailAs(what, tagged.error());
    }
  }
  auto found = QueryFeeds("WHERE f.url = $1", Params(feed.url));
  if (!found) return PgFailAs(what, found.error());
  if (found->empty()) return Fail(what + ": the feed vanished while being added");
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return AddFeedOutcome{std::move(found->front()), created};
}

Result<std::vector<FeedRecord>> PgStore::ListFeeds() {
  auto feeds = QueryFeeds("ORDER BY f.id", {});
  if (!feeds) return PgFailAs("list feeds", feeds.error());
  return feeds;
}

Result<std::optional<FeedRecord>> PgStore::GetFeed(FeedId id) {
  auto feeds = QueryFeeds("WHERE f.id = $1", Params(id));
  if (!feeds) return PgFailAs("get " + FeedName(id), feeds.error());
  if (feeds->empty()) return std::optional<FeedRecord>();
  return std::optional<FeedRecord>(std::move(feeds->front()));
}

Result<std::optional<FeedRecord>> PgStore::FindFeedByUrl(std::string_view url) {
  auto feeds = QueryFeeds("WHERE f.url = $1", Params(url));
  if (!feeds) return PgFailAs("find feed " + std::string(url), feeds.error());
  if (feeds->empty()) return std::optional<FeedRecord>();
  return std::optional<FeedRecord>(std::move(feeds->front()));
}

Result<void> PgStore::DeleteOrphanStories(const std::vector<StoryId>& story_ids) {
  if (story_ids.empty()) return Ok();
  PgParams params;
  const std::string ids = params.AddArray(story_ids);
  auto done = conn_.Query("DELETE FROM stories s WHERE s.id = ANY(" + ids +
                              "::bigint[]) AND NOT EXISTS "
                              "(SELECT 1 FROM entries x WHERE x.story_id = s.id)",
                          params);
  if (!done) return Unexpected(done.error());
  return Ok();
}

Result<bool> PgStore::RemoveFeed(FeedId id) {
  const std::string what = "remove " + FeedName(id);
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  auto stories =
      conn_.Query("SELECT DISTINCT story_id FROM entries WHERE feed_id = $1", Params(id));
  if (!stories) return PgFailAs(what, stories.error());
  std::vector<StoryId> story_ids;
  for (int r = 0; r < stories->size(); ++r) story_ids.push_back(stories->Int(r, 0));
  // Entries, tags and tombstones cascade; the full-text rows live in entries.
  auto removed = conn_.Query("DELETE FROM feeds WHERE id = $1", Params(id));
  if (!removed) return PgFailAs(what, removed.error());
  if (removed->Affected() == 0) return false;
  if (auto done = DeleteOrphanStories(story_ids); !done) return PgFailAs(what, done.error());
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return true;
}

Result<void> PgStore::RecordFetch(FeedId id, const FetchOutcome& outcome) {
  const std::string what = "record fetch of " + FeedName(id);
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  const bool ok = outcome.status == FeedStatus::kOk;
  PgParams params = Params(id, FeedStatusName(outcome.status),
                           FetchStageName(ok ? FetchStage::kNone : outcome.stage),
                           ok ? std::nullopt : outcome.error);
  params.Add(outcome.http_status);
  params.Add(outcome.at);
  params.Add(outcome.etag);
  params.Add(outcome.last_modified);
  params.Add(outcome.next_fetch);
  auto updated = conn_.QueryPrepared(
      "UPDATE feeds SET status = $2::text, error_stage = $3::text, last_error = $4::text, "
      "last_http_status = $5::integer, last_fetch = $6::bigint, "
      "last_success = CASE WHEN $2::text = 'ok' THEN $6::bigint ELSE last_success END, "
      "consecutive_failures = CASE WHEN $2::text = 'ok' THEN 0 "
      "ELSE consecutive_failures + 1 END, "
      "etag = COALESCE($7::text, etag), last_modified = COALESCE($8::text, last_modified), "
      "next_fetch = $9::bigint, leased_by = NULL, lease_until = NULL WHERE id = $1::bigint",
      params);
  if (!updated) return PgFailAs(what, updated.error());
  if (updated->Affected() == 0) return Fail(what + ": no such feed");
  std::optional<std::string> conflict;
  if (outcome.new_url && !outcome.new_url->empty()) {
    auto moved = conn_.Query(
        "UPDATE feeds SET url = $2::text WHERE id = $1::bigint "
        "AND NOT EXISTS (SELECT 1 FROM feeds o WHERE o.url = $2::text AND o.id <> $1::bigint)",
        Params(id, *outcome.new_url));
    if (!moved) return PgFailAs(what, moved.error());
    if (moved->Affected() == 0) conflict = *outcome.new_url;
  }
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  if (conflict) {
    return Fail(what + ": cannot move to " + *conflict + ": that URL is already subscribed");
  }
  return Ok();
}

Result<void> PgStore::ReplaceTags(FeedId id, const std::vector<std::string>& tags) {
  auto cleared = conn_.Query("DELETE FROM feed_tags WHERE feed_id = $1", Params(id));
  if (!cleared) return Unexpected(cleared.error());
  const auto clean = CleanTags(tags);
  if (clean.empty()) return Ok();
  PgParams params = Params(id);
  const std::string array = params.AddArray(clean);
  auto inserted = conn_.Query(
      "INSERT INTO feed_tags (feed_id, tag) SELECT $1::bigint, t FROM "
      "unnest(" +
          array + "::text[]) AS t ON CONFLICT DO NOTHING",
      params);
  if (!inserted) return Unexpected(inserted.error());
  return Ok();
}

Result<void> PgStore::SetFeedTags(FeedId id, const std::vector<std::string>& tags) {
  const std::string what = "set tags of " + FeedName(id);
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  auto exists = conn_.Query("SELECT 1 FROM feeds WHERE id = $1", Params(id));
  if (!exists) return PgFailAs(what, exists.error());
  if (exists->empty()) return Fail(what + ": no such feed");
  if (auto done = ReplaceTags(id, tags); !done) return PgFailAs(what, done.error());
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return Ok();
}

Result<void> PgStore::SetFeedTitle(FeedId id, const std::optional<std::string>& title) {
  const std::string what = "set title of " + FeedName(id);
  std::optional<std::string> value = title;
  if (value && value->empty()) value.reset();
  auto updated = conn_.Query("UPDATE feeds SET user_title = $2 WHERE id = $1", Params(id, value));
  if (!updated) return PgFailAs(what, updated.error());
  if (updated->Affected() == 0) return Fail(what + ": no such feed");
  return Ok();
}

Result<void> PgStore::SetFeedInterval(FeedId id, std::optional<std::int64_t> interval_seconds) {
  const std::string what = "set interval of " + FeedName(id);
  if (interval_seconds && *interval_seconds <= 0) {
    return Fail(what + ": the interval must be positive");
  }
  auto updated = conn_.Query("UPDATE feeds SET interval_seconds = $2::bigint WHERE id = $1",
                             Params(id, interval_seconds));
  if (!updated) return PgFailAs(what, updated.error());
  if (updated->Affected() == 0) return Fail(what + ": no such feed");
  return Ok();
}

Result<StoreCounts> PgStore::Counts() {
  auto rows = conn_.Query(
      "SELECT (SELECT COUNT(*) FROM feeds), (SELECT COUNT(*) FROM entries), "
      "(SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM feeds WHERE status = 'error')");
  if (!rows) return PgFailAs("count", rows.error());
  StoreCounts counts;
  counts.feeds = rows->Int(0, 0);
  counts.entries = rows->Int(0, 1);
  counts.stories = rows->Int(0, 2);
  counts.failing_feeds = rows->Int(0, 3);
  return counts;
}

}  // namespace feedd::storage
