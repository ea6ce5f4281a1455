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
  CHECK(RawInt(path, "PRAGMA user_version") == 2);
  CHECK(RawInt(path, "PRAGMA page_size") == 16384);
  CHECK(RawInt(path,
               "SELECT count(*) FROM sqlite_schema WHERE name IN ('feeds', 'feed_tags', "
               "'stories', 'entries', 'entries_fts', 'entry_tombstones', 'fts_pending')") == 7);
  // Reopening migrates nothing and keeps the data.
  {
    auto store = OpenOrDie(path);
    AddFeedOrDie(*store, "https://example.com/feed");
  }
  auto store = OpenOrDie(path);
  CHECK(store->Counts()->feeds == 1);
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
  RawExec(path,
          "DROP TABLE fts_pending; DROP INDEX feeds_by_config_url; "
          "ALTER TABLE feeds DROP COLUMN config_url; PRAGMA user_version = 1");
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_table_info('feeds') WHERE name = "
                     "'config_url'") == 0);
  auto reader = OpenSqliteStore(path, OpenMode::kReadOnly);
  REQUIRE_FALSE(reader);  // a reader does not migrate
  {
    auto store = OpenOrDie(path);
    CHECK(store->Counts()->entries == 1);
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
  CHECK(RawInt(path, "PRAGMA user_version") == 2);
  CHECK(RawInt(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE("A database from a newer feedd is refused with both versions named" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  { OpenOrDie(path); }
  RawExec(path, "PRAGMA user_version = 7");
  for (const auto mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto store = OpenSqliteStore(path, mode);
    REQUIRE_FALSE(store);
    CHECK(store.error().message == "open " + path.string() +
                                       ": database schema version 7 is newer than this feedd "
                                       "supports (2)");
  }
  CHECK(RawInt(path, "PRAGMA user_version") == 7);  // left untouched
}

TEST_CASE("A read-only connection refuses a database that was never migrated" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "empty.db";
  RawExec(path, "CREATE TABLE unrelated (x)");
  auto store = OpenSqliteStore(path, OpenMode::kReadOnly);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.find("schema version 0 is older than this feedd needs (2)") !=
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
