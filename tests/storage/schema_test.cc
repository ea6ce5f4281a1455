// Opening databases: migrations from empty, refusal of a newer schema, read-only readers.
#include <sqlite3.h>

#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

// Runs SQL on a database file behind the store's back (to fake other feedd versions).
void RawExec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string why = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, why);
}

std::int64_t RawInt(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

// Back from version 6 to the version 5 schema: the plain text in entries.text, and the
// full-text index over `entries` itself, holding every entry neither queue holds.
// Back from version 7 to 6: no phrase tuning record (these files are too small to be tuned).
constexpr std::string_view kUndoMigration7 = "DROP TABLE fts_tuning; ";

constexpr std::string_view kUndoMigration6 =
    "DROP TABLE entries_fts; DROP VIEW entries_fts_source; "
    "ALTER TABLE entries ADD COLUMN text TEXT; "
    "UPDATE entries SET text = (SELECT text FROM entry_text WHERE entry_id = entries.id); "
    "DROP TABLE entry_text; "
    "CREATE VIRTUAL TABLE entries_fts USING fts5(title, text, author, content = 'entries', "
    "content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'); "
    "INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0)'); "
    "INSERT INTO entries_fts (rowid, title, text, author) SELECT id, title, text, author "
    "FROM entries WHERE id NOT IN (SELECT entry_id FROM fts_pending) "
    "AND id NOT IN (SELECT entry_id FROM story_pending); ";

// Back from version 5 to the version 4 schema: entries_by_story without `fetched`.
constexpr std::string_view kUndoMigration5 =
    "DROP INDEX entries_by_story; CREATE INDEX entries_by_story ON entries(story_id, feed_id); ";

// Back from version 4 to the version 3 schema: no story queue (a v3 feedd assigned stories
// at ingest).
constexpr std::string_view kUndoMigration4 = "DROP TABLE story_pending; ";

// Back from version 3 to the version 2 schema: the band indexes of stories instead of
// story_bands, and the band columns filled as a version 2 feedd wrote them.
constexpr std::string_view kUndoMigration3 =
    "DROP TABLE story_bands; DROP TRIGGER entries_count_delete; "
    "ALTER TABLE feeds DROP COLUMN entry_count; "
    "UPDATE stories SET band0 = simhash & 65535, band1 = (simhash >> 16) & 65535, "
    "band2 = (simhash >> 32) & 65535, band3 = (simhash >> 48) & 65535 "
    "WHERE simhash IS NOT NULL; "
    "CREATE INDEX stories_by_band0 ON stories(band0, first_seen) WHERE band0 IS NOT NULL; "
    "CREATE INDEX stories_by_band1 ON stories(band1, first_seen) WHERE band1 IS NOT NULL; "
    "CREATE INDEX stories_by_band2 ON stories(band2, first_seen) WHERE band2 IS NOT NULL; "
    "CREATE INDEX stories_by_band3 ON stories(band3, first_seen) WHERE band3 IS NOT NULL; ";

TEST_CASE("A new database file is created, migrated to the current schema and uses WAL" *
          SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "sub" / "feedd.db";
  {
    auto store = OpenOrDie(path);
    auto counts = store->Counts();
    REQUIRE(counts);
    CHECK(counts->feeds == 0);
  }
  CHECK(std::filesystem::exists(path));
  CHECK(RawInt(path, "PRAGMA user_version") == 7);
  CHECK(RawInt(path, "PRAGMA page_size") == 16384);
  CHECK(RawInt(path,
               "SELECT count(*) FROM sqlite_schema WHERE name IN ('feeds', 'feed_tags', "
               "'stories', 'entries', 'entries_fts', 'entry_tombstones', 'fts_pending', "
               "'story_pending')") == 8);
  // Reopening migrates nothing and keeps the data.
  {
    auto store = OpenOrDie(path);
    AddFeedOrDie(*store, "https://example.com/feed");
  }
  auto store = OpenOrDie(path);
  CHECK(store->Counts()->feeds == 1);
}

TEST_CASE("The writer's page cache grows with the database file, from 8 MiB up to 64 MiB" *
          SqliteOnly()) {
  constexpr std::int64_t kMiB = 1024 * 1024;
  CHECK(WriterCacheKib(0) == 8 * 1024);
  CHECK(WriterCacheKib(128 * kMiB) == 8 * 1024);
  CHECK(WriterCacheKib(256 * kMiB) == 16 * 1024);
  CHECK(WriterCacheKib(1024 * kMiB) == 64 * 1024);
  CHECK(WriterCacheKib(64 * 1024 * kMiB) == 64 * 1024);

  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  auto store = OpenOrDie(path);
  CHECK(SqliteCacheKib(*store) == 8 * 1024);
  // 160 MiB of file behind the store's back; the next story pass refits the cache.
  RawExec(path, "CREATE TABLE pad (x BLOB); INSERT INTO pad VALUES (zeroblob(160 * 1048576))");
  const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed");
  IngestOrDie(*store, feed,
              MakeFeed({MakeEntry("a", "A title", "https://example.com/a", At(1700000000),
                                  "<p>Some words of prose for the story pass.</p>")}),
              At(1700000000));
  const std::int64_t bytes = RawInt(path, "PRAGMA page_count") * 16384;
  CHECK(bytes > 160 * kMiB);
  CHECK(SqliteCacheKib(*store) == WriterCacheKib(bytes));
  CHECK(*SqliteCacheKib(*store) > 10 * 1024);
  // A reopened writer starts from the file's size; a reader keeps 8 MiB.
  store.reset();
  auto reopened = OpenOrDie(path);
  const std::int64_t bytes_now = RawInt(path, "PRAGMA page_count") * 16384;  // + statistics
  CHECK(*SqliteCacheKib(*reopened) == WriterCacheKib(bytes_now));
  auto reader = OpenSqliteStore(path, OpenMode::kReadOnly);
  REQUIRE(reader);
  CHECK(SqliteCacheKib(**reader) == 8 * 1024);
}

TEST_CASE("Migration 1 from an empty database gives a schema every query can run on") {
  auto store = MemoryStore();
  const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed", {"news"});
  IngestOrDie(*store, feed,
              MakeFeed({MakeEntry("a", "Title", "https://example.com/a", At(100), "<p>x</p>")}),
              At(200));
  CHECK(store->ListFeeds()->size() == 1);
  CHECK(store->ListEntries({})->size() == 1);
  CHECK(store->Search("title", 10)->size() == 1);
  CHECK(store->SelectOutput({})->size() == 1);
  CHECK(store
            ->ListEntries(
                EntryQuery{std::nullopt, std::string("news"), std::nullopt, std::nullopt, 10})
            ->size() == 1);
}

TEST_CASE("A version 1 database is migrated to version 2 with its data, index and feeds kept" *
          SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "old.db";
  {
    auto store = OpenOrDie(path);
    const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed", {"news"});
    IngestOrDie(*store, feed,
                MakeFeed({MakeEntry("a", "Ancient", "https://example.com/a", At(100),
                                    "<p>kept across versions</p>")}),
                At(200));
  }
  // Back to exactly the version 1 schema: what v2 added goes (a v1 feedd indexed at ingest,
  // so the entry above is in the index, as in a real v1 file).
  RawExec(path, std::string(kUndoMigration7) + std::string(kUndoMigration6) +
                    std::string(kUndoMigration5) + std::string(kUndoMigration4) +
                    std::string(kUndoMigration3) +
                    "DROP TABLE fts_pending; DROP INDEX feeds_by_config_url; "
                    "ALTER TABLE feeds DROP COLUMN config_url; PRAGMA user_version = 1");
  CHECK(RawInt(path,
               "SELECT count(*) FROM pragma_table_info('feeds') WHERE name = "
               "'config_url'") == 0);
  auto reader = OpenSqliteStore(path, OpenMode::kReadOnly);
  REQUIRE_FALSE(reader);  // a reader does not migrate
  {
    auto store = OpenOrDie(path);
    CHECK(store->Counts()->entries == 1);
    Settle(*store);  // v6 made the index anew and queued the entry for it
    CHECK(store->Search("ancient", 5)->size() == 1);
    CHECK(store->ListFeeds()->front().tags == std::vector<std::string>{"news"});
    // The old feed is a runtime feed: a config that does not declare it keeps it.
    auto sync = store->SyncConfigFeeds({});
    REQUIRE(sync);
    CHECK(sync->removed.empty());
    // New entries go through the deferred index.
    const FeedId feed = store->ListFeeds()->front().id;
    IngestOrDie(*store, feed,
                MakeFeed({MakeEntry("b", "Modern", "https://example.com/b", At(300),
                                    "<p>after the migration</p>")}),
                At(400));
    CHECK(store->Search("modern", 5)->size() == 1);
  }
  CHECK(RawInt(path, "PRAGMA user_version") == 7);
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE(
    "A version 2 database is migrated to version 3: the SimHash window moves to "
    "story_bands and still finds syndicated copies" *
    SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "v2.db";
  FeedId b = 0;
  {
    auto store = OpenOrDie(path);
    const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
    b = AddFeedOrDie(*store, "https://b.example/feed");
    // Two long articles: one a month before the other, so outside the migrated window.
    IngestOrDie(
        *store, a,
        MakeFeed({MakeEntry("old", "Old", "https://a.example/old", At(10), Prose(11, 300))}),
        At(1000));
    IngestOrDie(
        *store, a,
        MakeFeed({MakeEntry("new", "New", "https://a.example/new", At(10), Prose(12, 300))}),
        At(1000 + 30 * 86400));
  }
  RawExec(path, std::string(kUndoMigration7) + std::string(kUndoMigration6) +
                    std::string(kUndoMigration5) + std::string(kUndoMigration4) +
                    std::string(kUndoMigration3) + "PRAGMA user_version = 2");
  CHECK(RawInt(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'story_bands'") == 0);
  {
    auto store = OpenOrDie(path);
    CHECK(RawInt(path, "PRAGMA user_version") == 7);
    // The entry counts are taken over from the entries.
    CHECK(store->ListFeeds()->front().entry_count == 2);
    CHECK(RawInt(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'stories_by_band%'") ==
          0);
    // Only the newer story is in the window: its four bands, each keyed by band number.
    CHECK(RawInt(path, "SELECT count(*) FROM story_bands") == 4);
    CHECK(RawInt(path, "SELECT count(DISTINCT band >> 16) FROM story_bands") == 4);
    CHECK(RawInt(path,
                 "SELECT count(*) FROM story_bands b JOIN stories s ON s.id = b.story_id "
                 "WHERE s.simhash = b.simhash AND b.band = (b.band >> 16) * 65536 + "
                 "((s.simhash >> (16 * (b.band >> 16))) & 65535)") == 4);
    // A copy of the newer article in another feed joins its story through the migrated rows.
    IngestOrDie(
        *store, b,
        MakeFeed({MakeEntry("copy", "New", "https://b.example/copy", At(10), Prose(12, 300))}),
        At(1000 + 31 * 86400));
    CHECK(store->Counts()->stories == 2);
    // A copy of the old one is a story of its own (and writes its bands).
    IngestOrDie(
        *store, b,
        MakeFeed({MakeEntry("old-copy", "Old", "https://b.example/old", At(10), Prose(11, 300))}),
        At(1000 + 31 * 86400));
    CHECK(store->Counts()->stories == 3);
    CHECK(RawInt(path, "SELECT count(*) FROM story_bands") == 8);
    // Retention prunes what the window no longer holds, whatever the policy.
    REQUIRE(store->ApplyRetention({}, At(1000 + 30 * 86400 + 14 * 86400)));
    CHECK(RawInt(path, "SELECT count(*) FROM story_bands") == 8);
    REQUIRE(store->ApplyRetention({}, At(1000 + 32 * 86400 + 14 * 86400)));
    CHECK(RawInt(path, "SELECT count(*) FROM story_bands") == 0);
  }
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE("A database from a newer feedd is refused with both versions named" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  { OpenOrDie(path); }
  RawExec(path, "PRAGMA user_version = 8");
  for (const auto mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto store = OpenSqliteStore(path, mode);
    REQUIRE_FALSE(store);
    CHECK(store.error().message == "open " + path.string() +
                                       ": database schema version 8 is newer than this feedd "
                                       "supports (7)");
  }
  CHECK(RawInt(path, "PRAGMA user_version") == 8);  // left untouched
}

TEST_CASE(
    "A version 3 database is migrated to version 4: its entries keep their stories and new "
    "ones go through the story queue" *
    SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "v3.db";
  FeedId b = 0;
  {
    auto store = OpenOrDie(path);
    const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
    b = AddFeedOrDie(*store, "https://b.example/feed");
    IngestOrDie(
        *store, a,
        MakeFeed({MakeEntry("one", "One", "https://a.example/one", At(10), Prose(21, 300))}),
        At(1000));
  }
  RawExec(path, std::string(kUndoMigration7) + std::string(kUndoMigration6) +
                    std::string(kUndoMigration5) + std::string(kUndoMigration4) +
                    "PRAGMA user_version = 3");
  REQUIRE_FALSE(OpenSqliteStore(path, OpenMode::kReadOnly));  // a reader does not migrate
  {
    auto store = OpenOrDie(path);
    CHECK(RawInt(path, "PRAGMA user_version") == 7);
    CHECK(RawInt(path, "SELECT count(*) FROM story_pending") == 0);
    CHECK(store->SelectOutput({})->size() == 1);  // v3 entries are assigned: shown at once
    CHECK(*store->AssignPendingStories(100) == 0);
    // A copy under another URL waits in the queue, then joins the v3 story.
    REQUIRE(store->Ingest(
        b, MakeFeed({MakeEntry("copy", "One", "https://b.example/copy", At(10), Prose(21, 300))}),
        At(2000)));
    CHECK(RawInt(path, "SELECT count(*) FROM story_pending") == 1);
    CHECK(store->SelectOutput({})->size() == 1);
    CHECK(Settle(*store) == 1);
    const auto output = store->SelectOutput({}).value();
    REQUIRE(output.size() == 1);
    CHECK(output[0].also_in.size() == 1);
    CHECK(store->Counts()->stories == 1);
  }
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE(
    "A version 4 database is migrated to version 5: entries_by_story carries fetched and "
    "outputs pick the same representatives" *
    SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "v4.db";
  {
    auto store = OpenOrDie(path);
    const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
    const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
    IngestOrDie(
        *store, a,
        MakeFeed({MakeEntry("one", "One", "https://a.example/one", At(10), Prose(31, 300))}),
        At(1000));
    IngestOrDie(
        *store, b,
        MakeFeed({MakeEntry("copy", "One", "https://b.example/copy", At(10), Prose(31, 300))}),
        At(2000));
  }
  RawExec(path, std::string(kUndoMigration7) + std::string(kUndoMigration6) +
                    std::string(kUndoMigration5) + "PRAGMA user_version = 4");
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_index_info('entries_by_story')") == 2);
  auto store = OpenOrDie(path);
  CHECK(RawInt(path, "PRAGMA user_version") == 7);
  CHECK(RawInt(path,
               "SELECT count(*) FROM pragma_index_info('entries_by_story') WHERE name = "
               "'fetched'") == 1);
  const auto output = store->SelectOutput({}).value();
  REQUIRE(output.size() == 1);
  CHECK(output[0].entry.entry.link == std::optional<std::string>("https://a.example/one"));
  CHECK(output[0].also_in.size() == 1);
}

TEST_CASE(
    "A version 5 database is migrated to version 6: the plain text moves to entry_text and the "
    "index is rebuilt behind the queue" *
    SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "v5.db";
  FeedId a = 0;
  FeedId b = 0;
  {
    auto store = OpenOrDie(path);
    a = AddFeedOrDie(*store, "https://a.example/feed");
    b = AddFeedOrDie(*store, "https://b.example/feed");
    IngestOrDie(*store, a,
                MakeFeed({MakeEntry("one", "Lighthouse keepers", "https://a.example/one", At(10),
                                    "<p>the lamp turns all night</p>"),
                          MakeEntry("two", "Harbour pilots", "https://a.example/two", At(20),
                                    "<p>tugboats and tides</p>")}),
                At(1000));
    // Still queued for its story when the old feedd stopped.
    REQUIRE(store->Ingest(b,
                          MakeFeed({MakeEntry("three", "Ferry timetables", "https://b.example/3",
                                              At(30), "<p>crossings at dawn</p>")}),
                          At(2000)));
  }
  RawExec(path,
          std::string(kUndoMigration7) + std::string(kUndoMigration6) + "PRAGMA user_version = 5");
  CHECK(RawInt(path, "SELECT count(*) FROM entries WHERE text LIKE '%lamp turns%'") == 1);
  {
    auto store = OpenOrDie(path);
    CHECK(RawInt(path, "PRAGMA user_version") == 7);
    CHECK(RawInt(path, "SELECT count(*) FROM pragma_table_info('entries') WHERE name = 'text'") ==
          0);
    CHECK(RawInt(path, "SELECT count(*) FROM entry_text WHERE text LIKE '%lamp turns%'") == 1);
    CHECK(RawInt(path, "SELECT count(*) FROM fts_pending") == 2);  // the assigned two
    CHECK(store->Search("lamp", 5)->empty());  // the new index fills in behind the queue
    CHECK(Settle(*store) == 1);
    CHECK(store->Search("lamp", 5)->size() == 1);
    CHECK(store->Search("crossings", 5)->size() == 1);
    // The index forgets what retention and removal take, with exactly the values it holds.
    REQUIRE(store->RemoveFeed(b));
    CHECK(store->Search("crossings", 5)->empty());
    CHECK(RawInt(path, "SELECT count(*) FROM entry_text") == 2);
  }
  RawExec(path, "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')");
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE("A read-only connection refuses a database that was never migrated" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "empty.db";
  RawExec(path, "CREATE TABLE unrelated (x)");
  auto store = OpenSqliteStore(path, OpenMode::kReadOnly);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.find("schema version 0 is older than this feedd needs (7)") !=
        std::string::npos);
  auto missing = OpenSqliteStore(dir.path() / "missing.db", OpenMode::kReadOnly);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.rfind("open " + (dir.path() / "missing.db").string() + ": ", 0) ==
        0);
}

TEST_CASE("A read-only connection sees what the writer commits, and cannot write" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  auto writer = OpenOrDie(path);
  auto reader = OpenOrDie(path, OpenMode::kReadOnly);
  CHECK(reader->Counts()->entries == 0);
  const FeedId feed = AddFeedOrDie(*writer, "https://example.com/feed");
  IngestOrDie(*writer, feed,
              MakeFeed({MakeEntry("a", "First", "https://example.com/a", At(100), "<p>one</p>")}),
              At(200));
  CHECK(reader->Counts()->entries == 1);
  CHECK(reader->Search("first", 5)->size() == 1);
  IngestOrDie(*writer, feed,
              MakeFeed({MakeEntry("b", "Second", "https://example.com/b", At(300), "<p>two</p>")}),
              At(400));
  CHECK(reader->ListEntries({})->size() == 2);
  auto refused = reader->AddFeed(NewFeed{"https://example.com/other", std::nullopt, {}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("readonly") != std::string::npos);
}

TEST_CASE("Backup writes a consistent copy that opens as a store" * SqliteOnly()) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "feedd.db");
  const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed", {"t"});
  IngestOrDie(*store, feed,
              MakeFeed({MakeEntry("a", "Kept", "https://example.com/a", At(100), "<p>body</p>")}),
              At(200));
  const auto copy_path = dir.path() / "backup.db";
  auto backup = store->Backup(copy_path);
  REQUIRE_MESSAGE(backup, (backup ? "" : backup.error().message));
  auto copy = OpenOrDie(copy_path, OpenMode::kReadOnly);
  CHECK(copy->Counts()->entries == 1);
  CHECK(copy->Search("kept", 5)->size() == 1);
  CHECK(copy->ListFeeds()->front().tags == std::vector<std::string>{"t"});
  CHECK_FALSE(std::filesystem::exists(dir.path() / "backup.db.partial"));
}

}  // namespace
}  // namespace feedd::storage::testing
