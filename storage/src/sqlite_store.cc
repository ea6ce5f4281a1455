// Opening the SQLite store (connection settings, migrations) and the feed table: subscribe,
// list, fetch state, user settings, removal.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "feed_model.h"
#include "fts_rank.h"
#include "phrase_tokenizer.h"
#include "schema.h"
#include "sql_text.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

// How long a connection waits for another's lock before SQLITE_BUSY. The writer holds locks
// for one ingest transaction (milliseconds); readers in WAL never block it.
constexpr int kBusyTimeoutMs = 5000;

std::string FeedName(FeedId id) { return "feed " + std::to_string(id); }

// Sets up a connection. WAL lets readers run beside the one writer. synchronous=NORMAL: in
// WAL mode a commit is then durable against a crash of feedd, and a power loss can only
// lose the last commits, never corrupt the file; FULL would fsync on every ingest, and every
// lost entry comes back with the next fetch anyway.
Result<void> Configure(Database& db, OpenMode mode, bool in_memory) {
  sqlite3_busy_timeout(db.raw(), kBusyTimeoutMs);
  if (mode == OpenMode::kReadWrite) {
    // Only takes effect on a new, empty file: 16 KiB pages suit ~2 KB entry rows (the bench
    // README measured 2.6x faster inserts and a 42% smaller file than 4 KiB pages).
    if (auto set = db.Exec("PRAGMA page_size = 16384"); !set) return set;
    if (!in_memory) {
      auto journal = db.PrepareUncached("PRAGMA journal_mode = WAL");
      if (!journal) return Fail(journal.error().message);
      auto row = journal->Step();
      if (!row) return Fail(row.error().message);
      if (!*row || journal->Text(0) != "wal") {
        return Fail("cannot switch to WAL journal mode (got '" + journal->Text(0) + "')");
      }
    }
    if (auto set = db.Exec("PRAGMA synchronous = NORMAL"); !set) return set;
    // Debian builds SQLite with secure_delete on: every freed page is overwritten with zeros.
    // Dropping the full-text index of 1M entries (phrase_index.cc) then wrote 1.5 GB, and the
    // statement journal held the pages' old images in memory (temp_store = MEMORY): 1.4 GB of
    // RSS. FAST still zeroes deleted rows inside the pages it writes anyway, not free pages.
    if (auto set = db.Exec("PRAGMA secure_delete = FAST"); !set) return set;
    // A checkpoint copies every page the WAL holds back into the file, once however often
    // the page was committed since the last one. At SQLite's default (1,000 pages) a
    // 10,000-feed cold import read 5.6-5.7 GB and wrote 8.9-9.2 GB; at 4,000 pages (64 MiB of
    // WAL) 4.4-4.6 and 7.9-8.3 (fetch_bench, docs/performance.md, session 13).
    if (auto set = db.Exec("PRAGMA wal_autocheckpoint = 4000"); !set) return set;
  }
  // cache_size < 0 is a bound in KiB on this connection's page cache: 8 MiB here (the rest
  // comes from the OS file cache). The writer's grows with the file (WriterCacheKib).
  if (auto set = db.Exec("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                         "PRAGMA cache_size = -8192");
      !set) {
    return set;
  }
  return Ok();
}

}  // namespace

std::int64_t WriterCacheKib(std::int64_t database_bytes) {
  constexpr std::int64_t kFloorKib = 8 * 1024;
  constexpr std::int64_t kCapKib = 64 * 1024;
  return std::clamp(database_bytes / 16 / 1024, kFloorKib, kCapKib);
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path, OpenMode mode) {
  const std::string name = path.string();
  const bool in_memory = name == ":memory:";
  int flags = SQLITE_OPEN_READONLY;
  if (mode == OpenMode::kReadWrite) {
    flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (!in_memory && path.has_parent_path()) {
      std::error_code error;
      std::filesystem::create_directories(path.parent_path(), error);
      if (error) return Fail("open " + name + ": " + error.message());
    }
  }
  auto db = Database::Open(name, flags);
  if (!db) return Fail(db.error().message);
  if (auto configured = Configure(*db, mode, in_memory); !configured) {
    return FailAs("open " + name, configured.error());
  }
  if (auto registered = RegisterFeedRank(db->raw()); !registered) {
    return FailAs("open " + name, registered.error());
  }
  if (auto registered = RegisterPhraseTokenizer(db->raw()); !registered) {
    return FailAs("open " + name, registered.error());
  }
  if (mode == OpenMode::kReadWrite) {
    if (auto migrated = Migrate(*db, name); !migrated) return Fail(migrated.error().message);
    // Gathers planner statistics where they are missing or stale (cheap when they are not).
    (void)db->Exec("PRAGMA optimize = 0x10002");
  } else if (auto current = CheckSchemaIsCurrent(*db, name); !current) {
    return Fail(current.error().message);
  }
  auto store = std::make_unique<SqliteStore>(std::move(*db), name, mode);
  if (mode == OpenMode::kReadWrite) store->FitWriterCache();
  return std::unique_ptr<Store>(std::move(store));
}

// Why the writer's cache grows: its hot pages are the random-access b-trees (the story URL
// index, the SimHash bands, the entries' time index, the feed rows), which grow with the
// entries, and every page it misses is a 16 KiB read from the file or the WAL. At 10,000
// feeds (a 2 GB file) the 8 MiB writer read 19 GB during a 60 s cold import
// (/proc/PID/io rchar); with 64 MiB it read 9.5 GB, and the import took 55 s instead of 60
// with 10% less CPU. Small databases keep 8 MiB, so a 1,000-feed daemon costs no more memory.
void SqliteStore::FitWriterCache() {
  auto pages = db_.PrepareUncached("PRAGMA page_count");
  auto size = db_.PrepareUncached("PRAGMA page_size");
  if (!pages || !size) return;
  auto page_row = pages->Step();
  auto size_row = size->Step();
  if (!page_row || !*page_row || !size_row || !*size_row) return;
  const std::int64_t kib = WriterCacheKib(pages->Int(0) * size->Int(0));
  if (kib == cache_kib_) return;
  if (db_.Exec("PRAGMA cache_size = -" + std::to_string(kib))) cache_kib_ = kib;
}

SqliteStore::~SqliteStore() {
  if (mode_ == OpenMode::kReadWrite) (void)db_.Exec("PRAGMA optimize");
}

Result<std::vector<FeedRecord>> SqliteStore::QueryFeeds(std::string_view where_sql,
                                                        const std::optional<std::int64_t>& id,
                                                        const std::optional<std::string>& url) {
  auto stmt = db_.Prepare(std::string(kSqlFeedSelect) + std::string(where_sql));
  if (!stmt) return Fail(stmt.error().message);
  if (id) (*stmt)->Bind(*id);
  if (url) (*stmt)->Bind(*url);
  std::vector<FeedRecord> feeds;
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row) return Fail(row.error().message);
    if (!*row) break;
    const Statement& s = **stmt;
    FeedRecord feed;
    feed.id = s.Int(0);
    feed.url = s.Text(1);
    feed.user_title = s.OptionalText(2);
    feed.feed_title = s.OptionalText(3);
    feed.site_link = s.OptionalText(4);
    feed.status = ParseFeedStatus(s.Text(5));
    feed.error_stage = ParseFetchStage(s.Text(6));
    feed.last_error = s.OptionalText(7);
    if (auto status = s.OptionalInt(8)) feed.last_http_status = static_cast<int>(*status);
    feed.consecutive_failures = static_cast<int>(s.Int(9));
    feed.etag = s.OptionalText(10);
    feed.last_modified = s.OptionalText(11);
    feed.last_fetch = s.OptionalTime(12);
    feed.last_success = s.OptionalTime(13);
    feed.next_fetch = s.OptionalTime(14);
    feed.interval_seconds = s.OptionalInt(15);
    feed.created = s.Time(16);
    const auto tags = nlohmann::json::parse(s.Text(17), nullptr, /*allow_exceptions=*/false);
    if (tags.is_array()) {
      for (const auto& tag : tags) {
        if (tag.is_string()) feed.tags.push_back(tag.get<std::string>());
      }
    }
    feed.entry_count = s.Int(18);
    feeds.push_back(std::move(feed));
  }
  return feeds;
}

Result<AddFeedOutcome> SqliteStore::AddFeed(const NewFeed& feed) {
  const std::string what = "add feed " + feed.url;
  if (feed.url.empty()) return Fail("add feed: empty URL");
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  auto insert = db_.Prepare(
      "INSERT INTO feeds (url, user_title, created) VALUES (?1, ?2, unixepoch()) "
      "ON CONFLICT (url) DO NOTHING RETURNING id");
  if (!insert) return FailAs(what, insert.error());
  (*insert)->Bind(feed.url, feed.title);
  auto row = (*insert)->Step();
  if (!row) return FailAs(what, row.error());
  const bool created = *row;
  std::optional<FeedId> id;
  if (created) id = (*insert)->Int(0);
  if (created) {
    if (auto done = (*insert)->Run(); !done) return FailAs(what, done.error());
    if (auto tagged = ReplaceTags(*id, feed.tags); !tagged) return FailAs(what, tagged.error());
  }
  auto found = QueryFeeds("WHERE f.url = ?1", std::nullopt, feed.url);
  if (!found) return FailAs(what, found.error());
  if (found->empty()) return Fail(what + ": the feed vanished while being added");
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return AddFeedOutcome{std::move(found->front()), created};
}

Result<std::vector<FeedRecord>> SqliteStore::ListFeeds() {
  auto feeds = QueryFeeds("ORDER BY f.id", std::nullopt, std::nullopt);
  if (!feeds) return FailAs("list feeds", feeds.error());
  return feeds;
}

Result<std::optional<FeedRecord>> SqliteStore::GetFeed(FeedId id) {
  auto feeds = QueryFeeds("WHERE f.id = ?1", id, std::nullopt);
  if (!feeds) return FailAs("get " + FeedName(id), feeds.error());
  if (feeds->empty()) return std::optional<FeedRecord>();
  return std::optional<FeedRecord>(std::move(feeds->front()));
}

Result<std::optional<FeedRecord>> SqliteStore::FindFeedByUrl(std::string_view url) {
  auto feeds = QueryFeeds("WHERE f.url = ?1", std::nullopt, std::string(url));
  if (!feeds) return FailAs("find feed " + std::string(url), feeds.error());
  if (feeds->empty()) return std::optional<FeedRecord>();
  return std::optional<FeedRecord>(std::move(feeds->front()));
}

Result<bool> SqliteStore::FeedExists(FeedId id) {
  auto stmt = db_.Prepare("SELECT 1 FROM feeds WHERE id = ?1");
  if (!stmt) return Fail(stmt.error().message);
  (*stmt)->Bind(id);
  return (*stmt)->Step();
}

Result<void> SqliteStore::DeleteOrphanStories(const std::string& story_ids_json) {
  auto stmt = db_.Prepare(
      "DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?1)) "
      "AND NOT EXISTS (SELECT 1 FROM entries WHERE story_id = stories.id)");
  if (!stmt) return Fail(stmt.error().message);
  (*stmt)->Bind(story_ids_json);
  return (*stmt)->Run();
}

Result<bool> SqliteStore::RemoveFeed(FeedId id) {
  const std::string what = "remove " + FeedName(id);
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  auto exists = FeedExists(id);
  if (!exists) return FailAs(what, exists.error());
  if (!*exists) return false;
  // The stories this feed's entries belong to: those no other feed shares go with it.
  std::string story_ids = "[]";
  {
    auto stories =
        db_.Prepare("SELECT json_group_array(DISTINCT story_id) FROM entries WHERE feed_id = ?1");
    if (!stories) return FailAs(what, stories.error());
    (*stories)->Bind(id);
    auto row = (*stories)->Step();
    if (!row) return FailAs(what, row.error());
    if (*row) story_ids = (*stories)->Text(0);
  }
  // External-content FTS: the index is told which rows (and which text) disappear.
  auto unindex = db_.Prepare(
      "INSERT INTO entries_fts (entries_fts, rowid, title, text, author) "
      "SELECT 'delete', e.id, e.title, t.text, e.author FROM entries e "
      "LEFT JOIN entry_text t ON t.entry_id = e.id WHERE e.feed_id = ?1 "
      "AND NOT EXISTS (SELECT 1 FROM fts_pending WHERE entry_id = e.id) "
      "AND NOT EXISTS (SELECT 1 FROM story_pending WHERE entry_id = e.id)");
  if (!unindex) return FailAs(what, unindex.error());
  if (auto done = (*unindex)->Bind(id).Run(); !done) return FailAs(what, done.error());
  auto remove = db_.Prepare("DELETE FROM feeds WHERE id = ?1");  // entries and tags cascade
  if (!remove) return FailAs(what, remove.error());
  if (auto done = (*remove)->Bind(id).Run(); !done) return FailAs(what, done.error());
  if (auto done = DeleteOrphanStories(story_ids); !done) return FailAs(what, done.error());
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return true;
}

Result<void> SqliteStore::RecordFetch(FeedId id, const FetchOutcome& outcome) {
  const std::string what = "record fetch of " + FeedName(id);
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  auto stmt = db_.Prepare(
      "UPDATE feeds SET status = ?2, error_stage = ?3, last_error = ?4, last_http_status = ?5, "
      "last_fetch = ?6, "
      "last_success = CASE WHEN ?2 = 'ok' THEN ?6 ELSE last_success END, "
      "consecutive_failures = CASE WHEN ?2 = 'ok' THEN 0 ELSE consecutive_failures + 1 END, "
      "etag = COALESCE(?7, etag), last_modified = COALESCE(?8, last_modified), "
      "next_fetch = ?9 WHERE id = ?1");
  if (!stmt) return FailAs(what, stmt.error());
  const bool ok = outcome.status == FeedStatus::kOk;
  (*stmt)->Bind(id, FeedStatusName(outcome.status),
                FetchStageName(ok ? FetchStage::kNone : outcome.stage),
                ok ? std::nullopt : outcome.error, outcome.http_status, outcome.at, outcome.etag,
                outcome.last_modified, outcome.next_fetch);
  if (auto done = (*stmt)->Run(); !done) return FailAs(what, done.error());
  if (db_.Changes() == 0) return Fail(what + ": no such feed");
  std::optional<std::string> conflict;
  if (outcome.new_url && !outcome.new_url->empty()) {
    auto move = db_.Prepare(
        "UPDATE feeds SET url = ?2 WHERE id = ?1 "
        "AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?2 AND id != ?1)");
    if (!move) return FailAs(what, move.error());
    if (auto done = (*move)->Bind(id, *outcome.new_url).Run(); !done) {
      return FailAs(what, done.error());
    }
    if (db_.Changes() == 0) conflict = *outcome.new_url;
  }
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  // The fetch itself is recorded (so scheduling goes on); only the move is refused.
  if (conflict) {
    return Fail(what + ": cannot move to " + *conflict + ": that URL is already subscribed");
  }
  return Ok();
}

Result<void> SqliteStore::ReplaceTags(FeedId id, const std::vector<std::string>& tags) {
  auto clear = db_.Prepare("DELETE FROM feed_tags WHERE feed_id = ?1");
  if (!clear) return Fail(clear.error().message);
  if (auto done = (*clear)->Bind(id).Run(); !done) return done;
  auto insert = db_.Prepare("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?1, ?2)");
  if (!insert) return Fail(insert.error().message);
  for (const auto& tag : CleanTags(tags)) {
    if (auto done = (*insert)->Bind(id, tag).Run(); !done) return done;
    (*insert)->Reset();
  }
  return Ok();
}

Result<void> SqliteStore::SetFeedTags(FeedId id, const std::vector<std::string>& tags) {
  const std::string what = "set tags of " + FeedName(id);
  auto savepoint = Savepoint::Begin(db_);
  if (!savepoint) return FailAs(what, savepoint.error());
  auto exists = FeedExists(id);
  if (!exists) return FailAs(what, exists.error());
  if (!*exists) return Fail(what + ": no such feed");
  if (auto done = ReplaceTags(id, tags); !done) return FailAs(what, done.error());
  if (auto released = savepoint->Release(); !released) return FailAs(what, released.error());
  return Ok();
}

Result<void> SqliteStore::SetFeedTitle(FeedId id, const std::optional<std::string>& title) {
  const std::string what = "set title of " + FeedName(id);
  auto stmt = db_.Prepare("UPDATE feeds SET user_title = ?2 WHERE id = ?1");
  if (!stmt) return FailAs(what, stmt.error());
  std::optional<std::string> value = title;
  if (value && value->empty()) value.reset();
  if (auto done = (*stmt)->Bind(id, value).Run(); !done) return FailAs(what, done.error());
  if (db_.Changes() == 0) return Fail(what + ": no such feed");
  return Ok();
}

Result<void> SqliteStore::SetFeedInterval(FeedId id, std::optional<std::int64_t> interval_seconds) {
  const std::string what = "set interval of " + FeedName(id);
  if (interval_seconds && *interval_seconds <= 0) {
    return Fail(what + ": the interval must be positive");
  }
  auto stmt = db_.Prepare("UPDATE feeds SET interval_seconds = ?2 WHERE id = ?1");
  if (!stmt) return FailAs(what, stmt.error());
  if (auto done = (*stmt)->Bind(id, interval_seconds).Run(); !done) {
    return FailAs(what, done.error());
  }
  if (db_.Changes() == 0) return Fail(what + ": no such feed");
  return Ok();
}

Result<StoreCounts> SqliteStore::Counts() {
  auto stmt = db_.Prepare(
      "SELECT (SELECT COUNT(*) FROM feeds), (SELECT COUNT(*) FROM entries), "
      "(SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM feeds WHERE status = 'error')");
  if (!stmt) return FailAs("count", stmt.error());
  auto row = (*stmt)->Step();
  if (!row) return FailAs("count", row.error());
  StoreCounts counts;
  counts.feeds = (*stmt)->Int(0);
  counts.entries = (*stmt)->Int(1);
  counts.stories = (*stmt)->Int(2);
  counts.failing_feeds = (*stmt)->Int(3);
  return counts;
}

}  // namespace feedd::storage
