// What only the PostgreSQL backend has to show: its schema versioning, read-only readers,
// and several connections (instances) sharing one database — one story per article, each
// entry indexed once. Skipped unless FEEDD_TEST_PG_URL is set (scripts/with-postgres.sh).
#include <cstdlib>
#include <thread>

#include "storage_test_support.h"
#include "test_backend.h"

namespace feedd::storage::testing {
namespace {

// Runs SQL behind the store's back with psql (to fake another feedd version).
void Psql(const std::string& sql) {
  const std::string command =
      "psql -X -q -v ON_ERROR_STOP=1 '" + TestPgUrl() + "' -c \"" + sql + "\" >/dev/null";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

// Back from version 5 to the version 4 schema: the search vector in entries.search, NULL
// for the entries still queued.
constexpr std::string_view kUndoPgMigration5 =
    "ALTER TABLE entries ADD COLUMN search TSVECTOR; "
    "UPDATE entries e SET search = s.search FROM entry_search s WHERE s.entry_id = e.id; "
    "DROP TABLE entry_search; DROP TABLE search_pending; "
    "CREATE INDEX entries_search ON entries USING GIN (search); "
    "CREATE INDEX entries_unindexed ON entries (id) WHERE search IS NULL; ";

std::unique_ptr<Store> OpenPgOrDie(OpenMode mode = OpenMode::kReadWrite) {
  auto store = OpenPgStore(TestPgUrl(), mode);
  if (!store) FAIL("open failed: " << store.error().message);
  return std::move(*store);
}

TEST_CASE("PostgreSQL: a database from a newer feedd is refused with both versions named" *
          PostgresOnly()) {
  { auto store = FreshStore(); }
  Psql("UPDATE feedd_schema SET version = 7");
  for (const auto mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto store = OpenPgStore(TestPgUrl(), mode);
    REQUIRE_FALSE(store);
    CHECK(store.error().message.find(": database schema version 7 is newer than this feedd "
                                     "supports (5)") != std::string::npos);
    CHECK(store.error().message.rfind("open postgresql://", 0) == 0);
  }
  Psql("UPDATE feedd_schema SET version = 5");
  CHECK(OpenPgStore(TestPgUrl(), OpenMode::kReadWrite));
}

TEST_CASE("PostgreSQL: a read-only connection refuses an unmigrated database" * PostgresOnly()) {
  REQUIRE(DropPgSchemaForTests(TestPgUrl()));
  auto reader = OpenPgStore(TestPgUrl(), OpenMode::kReadOnly);
  REQUIRE_FALSE(reader);
  CHECK(reader.error().message.find("schema version 0 is older than this feedd needs (5)") !=
        std::string::npos);
  auto wrong = OpenPgStore("postgresql://nobody@%2Fnonexistent-feedd/none", OpenMode::kReadWrite);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message.rfind("open postgresql://nobody@%2Fnonexistent-feedd/none: ", 0) ==
        0);
}

TEST_CASE("PostgreSQL: a version 2 database gets feeds.entry_count filled from its entries" *
          PostgresOnly()) {
  {
    auto store = FreshStore();
    const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed");
    AddFeedOrDie(*store, "https://example.com/empty");
    IngestOrDie(*store, feed,
                MakeFeed({MakeEntry("a", "A", "https://example.com/a", At(100), "<p>a</p>"),
                          MakeEntry("b", "B", "https://example.com/b", At(110), "<p>b</p>")}),
                At(200));
  }
  // Back to version 2: v5's entry_search, v4's entries_by_story without `fetched`, v3's
  // entry_count.
  Psql(std::string(kUndoPgMigration5) +
       "DROP INDEX entries_by_story; CREATE INDEX entries_by_story ON entries (story_id, "
       "feed_id); ALTER TABLE feeds DROP COLUMN entry_count; UPDATE feedd_schema SET version = 2");
  auto store = OpenPgOrDie();
  const auto feeds = store->ListFeeds().value();
  REQUIRE(feeds.size() == 2);
  CHECK(feeds[0].entry_count == 2);
  CHECK(feeds[1].entry_count == 0);
  CHECK(store->SelectOutput({})->size() == 2);
}

TEST_CASE(
    "PostgreSQL: a version 4 database is migrated to version 5: vectors move to entry_search, "
    "the unindexed to the queue" *
    PostgresOnly()) {
  std::string indexed_first;
  {
    auto store = FreshStore();
    const FeedId feed = AddFeedOrDie(*store, "https://example.com/feed");
    REQUIRE(store->Ingest(
        feed,
        MakeFeed({MakeEntry("a", "Kingfisher", "https://example.com/a", At(100), "<p>a</p>"),
                  MakeEntry("b", "Cormorant", "https://example.com/b", At(110), "<p>b</p>")}),
        At(200)));
    CHECK(*store->IndexPending(1) == 1);  // one of the two
    indexed_first = store->Search("kingfisher", 5)->size() == 1 ? "kingfisher" : "cormorant";
    CHECK(store->Search(indexed_first, 5)->size() == 1);
  }
  const std::string queued = indexed_first == "kingfisher" ? "cormorant" : "kingfisher";
  Psql(std::string(kUndoPgMigration5) + "UPDATE feedd_schema SET version = 4");
  auto store = OpenPgOrDie();
  CHECK(store->Search(indexed_first, 5)->size() == 1);
  CHECK(store->Search(queued, 5)->empty());
  CHECK(*store->IndexPending(100) == 1);
  CHECK(store->Search(queued, 5)->size() == 1);
  // An edit leaves the index at once and comes back with the next pass.
  const FeedId feed = store->ListFeeds()->front().id;
  REQUIRE(store->Ingest(
      feed,
      MakeFeed({MakeEntry("a", "Kingfisher", "https://example.com/a", At(100), "<p>a</p>"),
                MakeEntry("b", "Shag", "https://example.com/b", At(110), "<p>b</p>")}),
      At(300)));
  CHECK(store->Search("cormorant", 5)->empty());
  CHECK(*store->IndexPending(100) == 1);
  CHECK(store->Search("shag", 5)->size() == 1);
  CHECK(store->Search("cormorant", 5)->empty());
}

TEST_CASE("PostgreSQL: a reader sees what the writer commits, and cannot write" * PostgresOnly()) {
  auto writer = FreshStore();
  auto reader = OpenPgOrDie(OpenMode::kReadOnly);
  CHECK(reader->Counts()->entries == 0);
  const FeedId feed = AddFeedOrDie(*writer, "https://example.com/feed");
  IngestOrDie(*writer, feed,
              MakeFeed({MakeEntry("a", "First", "https://example.com/a", At(100), "<p>one</p>")}),
              At(200));
  CHECK(reader->Counts()->entries == 1);
  CHECK(reader->Search("first", 5)->size() == 1);
  auto refused = reader->AddFeed(NewFeed{"https://example.com/other", std::nullopt, {}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("read-only") != std::string::npos);
  auto backup = writer->Backup("/tmp/never-written.db");
  REQUIRE_FALSE(backup);
  CHECK(backup.error().message.find("pg_dump") != std::string::npos);
}

TEST_CASE(
    "PostgreSQL: instances started together on an empty database all open it and sync one "
    "config" *
    PostgresOnly()) {
  constexpr int kInstances = 4;
  std::vector<NewFeed> declared;
  for (int i = 0; i < 200; ++i) {
    declared.push_back(
        NewFeed{"https://feed" + std::to_string(i) + ".example/rss", std::nullopt, {"config"}});
  }
  // A few rounds: the race is in the first statements of each open.
  for (int round = 0; round < 5; ++round) {
    REQUIRE(DropPgSchemaForTests(TestPgUrl()));
    std::vector<std::thread> threads;
    std::vector<std::string> errors(kInstances);
    for (int i = 0; i < kInstances; ++i) {
      threads.emplace_back([&, i] {
        auto& error = errors[static_cast<std::size_t>(i)];
        auto store = OpenPgStore(TestPgUrl(), OpenMode::kReadWrite);
        if (!store) {
          error = "open: " + store.error().message;
          return;
        }
        auto synced = (*store)->SyncConfigFeeds(declared);
        if (!synced) error = "sync: " + synced.error().message;
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors)
      CHECK_MESSAGE(error.empty(), "round " << round << ": " << error);
    auto store = OpenPgOrDie();
    CHECK(store->ListFeeds()->size() == declared.size());
  }
}

TEST_CASE("PostgreSQL: instances ingesting one article at once share one story" * PostgresOnly()) {
  auto setup = FreshStore();
  constexpr int kArticles = 40;
  constexpr int kInstances = 3;
  std::vector<FeedId> feeds;
  for (int i = 0; i < kInstances; ++i) {
    feeds.push_back(AddFeedOrDie(*setup, "https://feed" + std::to_string(i) + ".example/rss"));
  }
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kInstances);
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenPgStore(TestPgUrl(), OpenMode::kReadWrite);
      if (!store) {
        errors[static_cast<std::size_t>(i)] = store.error().message;
        return;
      }
      // Every instance stores every article, one ingest each, in the same order.
      for (int article = 0; article < kArticles; ++article) {
        const std::string link = "https://news.example/" + std::to_string(article) +
                                 "?utm_source=feed" + std::to_string(i);
        auto done = (*store)->Ingest(
            feeds[static_cast<std::size_t>(i)],
            MakeFeed({MakeEntry("a" + std::to_string(article), "Article", link, At(10), "")}),
            At(1000 + article));
        if (!done) {
          errors[static_cast<std::size_t>(i)] = done.error().message;
          return;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) CHECK_MESSAGE(error.empty(), error);
  const auto counts = setup->Counts().value();
  CHECK(counts.entries == kArticles * kInstances);
  CHECK(counts.stories == kArticles);
  CHECK(setup
            ->SelectOutput(
                OutputSelection{{}, {}, "", 1000, std::nullopt, std::nullopt, std::nullopt})
            ->size() == static_cast<std::size_t>(kArticles));
}

TEST_CASE("PostgreSQL: two connections draining the index index each entry once" * PostgresOnly()) {
  auto writer = FreshStore();
  const FeedId id = AddFeedOrDie(*writer, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int i = 0; i < 300; ++i) {
    entries.push_back(MakeEntry("e" + std::to_string(i), "Heron " + std::to_string(i),
                                "https://example.com/" + std::to_string(i), At(100 + i),
                                "<p>wading birds</p>"));
  }
  REQUIRE(writer->Ingest(id, MakeFeed(entries), At(1000)));
  auto other = OpenPgOrDie();
  int indexed = 0;
  for (int round = 0; round < 20; ++round) {
    auto first = writer->IndexPending(25);
    auto second = other->IndexPending(25);
    REQUIRE(first);
    REQUIRE(second);
    indexed += *first + *second;
  }
  CHECK(indexed == 300);
  CHECK(*writer->IndexPending(100) == 0);
  CHECK(writer->Search("heron", 500)->size() == 300);
}

TEST_CASE("PostgreSQL: search folds diacritics and accepts punctuation in words" * PostgresOnly()) {
  auto store = FreshStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  IngestOrDie(*store, id,
              MakeFeed({MakeEntry("1", "Crème brûlée at the café", "", At(10),
                                  "<p>A well-known dessert, e.g. in Zürich.</p>")}),
              At(100));
  CHECK(store->Search("cafe", 10)->size() == 1);
  CHECK(store->Search("creme brulee", 10)->size() == 1);
  CHECK(store->Search("zurich", 10)->size() == 1);
  CHECK(store->Search("well-known", 10)->size() == 1);
  CHECK(store->Search("e.g. dessert", 10)->size() == 1);
  CHECK(store->Search("\"brûlée at\"", 10)->size() == 1);
  CHECK(store->Search("dess*", 10)->size() == 1);
  CHECK(store->Search("text:cafe", 10)->empty());  // only in the title
  CHECK(store->Search("-text:cafe", 10)->size() == 1);
  CHECK(store->Search("the", 10)->empty());  // a stop word alone finds nothing, no error
}

}  // namespace
}  // namespace feedd::storage::testing
