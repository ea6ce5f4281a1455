// The deferred story pass (AssignPendingStories): queued entries are invisible to merged
// outputs until assigned, the pass gives the stories inline assignment gave, a failed pass
// leaves its queue intact, and deleted entries leave the queue.
#include <sqlite3.h>

#include <functional>
#include <map>

#include "feedd/storage/fingerprint.h"
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

void ExecOn(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string why = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, why);
}

std::int64_t IntOn(const std::filesystem::path& path, const std::string& sql) {
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

void Ingest(Store& store, FeedId feed, std::vector<feeds::Entry> entries, Timestamp at) {
  auto done = store.Ingest(feed, MakeFeed(std::move(entries)), at);
  REQUIRE_MESSAGE(done, (done ? "" : done.error().message));
}

// Each entry id with the lowest entry id of its story: equal maps, equal stories.
std::map<EntryId, EntryId> StoryPartition(Store& store) {
  const auto entries =
      store.ListEntries(EntryQuery{std::nullopt, std::nullopt, std::nullopt, std::nullopt, 1000})
          .value();
  std::map<StoryId, EntryId> first;
  for (const auto& stored : entries) {
    auto [it, added] = first.emplace(stored.story_id, stored.id);
    if (!added) it->second = std::min(it->second, stored.id);
  }
  std::map<EntryId, EntryId> partition;
  for (const auto& stored : entries) partition[stored.id] = first[stored.story_id];
  return partition;
}

// A mix of what story matching decides: URL copies (tracking parameters, host case), a URL
// shared by unrelated titles, a feed linking everything to its home page, the seed article
// syndicated under another URL, prose copies under other URLs, and distinct articles.
// `settle` runs after each fetch (nullptr: never).
void IngestScenario(Store& store, const std::function<void()>& settle) {
  const FeedId a = AddFeedOrDie(store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(store, "https://b.example/feed");
  const FeedId c = AddFeedOrDie(store, "https://c.example/feed");
  auto after = [&] {
    if (settle) settle();
  };
  Ingest(store, a,
         {MakeEntry("a1", "Launch", "https://news.example/launch", At(10), "<p>short</p>"),
          MakeEntry("a2", "Prose one", "https://a.example/p1", At(11), Prose(1, 300)),
          MakeEntry("a3", "Prose two", "https://a.example/p2", At(12), Prose(2, 300)),
          MakeEntry("a4", "Home one", "https://a.example/", At(13), "<p>x</p>"),
          MakeEntry("a5", "Home two", "https://a.example/", At(14), "<p>y</p>")},
         At(1000));
  after();
  Ingest(store, b,
         {MakeEntry("b1", "Launch!", "https://NEWS.example/launch?utm_source=rss#top", At(10),
                    "<p>other</p>"),
          MakeEntry("b2", "Prose one again", "https://b.example/copy1", At(11), Prose(1, 300)),
          MakeEntry("b3", "Unrelated ad", "https://news.example/launch", At(12), "<p>ad</p>"),
          MakeEntry("b4", "Prose three", "https://b.example/p3", At(13), Prose(3, 300))},
         At(2000));
  after();
  Ingest(store, c, {MakeEntry("c2", "Prose three", "https://c.example/p3", At(13), Prose(3, 300))},
         At(2500));
  after();
  Ingest(store, c, {SeedRssEntry()}, At(1723810000));
  after();
  Ingest(store, a, {SeedAtomEntry()}, At(1723900000));
  after();
}

TEST_CASE("Entries waiting for their story are listed but left out of merged outputs" *
          SqliteOnly()) {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  Ingest(*store, a,
         {MakeEntry("1", "Launch", "https://news.example/launch", At(10), "<p>one</p>"),
          MakeEntry("2", "Other", "https://a.example/2", At(11), "<p>two</p>")},
         At(100));
  Ingest(*store, b, {MakeEntry("3", "Launch", "https://news.example/launch", At(10), "<p>x</p>")},
         At(200));
  CHECK(store->ListEntries({})->size() == 3);
  CHECK(store->SelectOutput({})->empty());
  CHECK(*store->CountOutputStories({}) == 0);
  CHECK(store->SelectOutputPage({}, 0, 10)->empty());
  // Ingest order: feed a's older entry ("Other", listed first in the feed, stored last) is
  // assigned after "Launch".
  CHECK(*store->AssignPendingStories(1) == 1);
  auto output = store->SelectOutput({}).value();
  REQUIRE(output.size() == 1);
  CHECK(output[0].entry.entry.title == "Other");
  CHECK(*store->AssignPendingStories(100) == 2);
  CHECK(*store->AssignPendingStories(100) == 0);
  output = store->SelectOutput({}).value();
  REQUIRE(output.size() == 2);
  CHECK(*store->CountOutputStories({}) == 2);
  CHECK(store->SelectOutputPage({}, 0, 10)->size() == 2);
  // The copy in feed b joined feed a's story; its provisional story is gone.
  const auto& launch = output[0].entry.entry.title == "Launch" ? output[0] : output[1];
  CHECK(launch.entry.feed_id == a);
  REQUIRE(launch.also_in.size() == 1);
  CHECK(launch.also_in[0].feed_id == b);
  CHECK(store->Counts()->stories == 2);
}

TEST_CASE("The story pass gives the stories that assignment at each fetch gave") {
  // Reference: settled after every fetch (what inline assignment at ingest did).
  auto settled = MemoryStore();
  IngestScenario(*settled, [&] { Settle(*settled); });
  const auto expected = StoryPartition(*settled);
  REQUIRE(expected.size() == 12);
  std::map<EntryId, int> story_sizes;
  for (const auto& [entry, story] : expected) ++story_sizes[story];
  // Launch (a1, b1), prose one (a2, b2), prose three (b4, c2), the seed (c1, Atom copy); the
  // ad on the launch URL, prose two and the two home-page entries stand alone.
  CHECK(story_sizes.size() == 8);
  int pairs = 0;
  for (const auto& [story, size] : story_sizes) pairs += size == 2 ? 1 : 0;
  CHECK(pairs == 4);

  if (TestBackend() != Backend::kSqlite) return;  // PostgreSQL keeps no queue
  SUBCASE("one pass over everything queued") {
    auto store = MemoryStore();
    IngestScenario(*store, nullptr);
    CHECK(Settle(*store) == 12);
    CHECK(StoryPartition(*store) == expected);
    CHECK(store->Counts()->stories == 8);  // provisional stories of joined entries are gone
  }
  SUBCASE("read, prepared apart, then applied (the daemon's steps)") {
    auto store = MemoryStore();
    IngestScenario(*store, nullptr);
    auto batch = store->ReadPendingStories(5);
    REQUIRE(batch);
    REQUIRE(batch->size() == 5);
    for (auto& entry : *batch) {
      PrepareStoryText(entry);
      CHECK_FALSE(entry.body);  // freed: the writer gets the text, not the HTML
      CHECK(entry.text);
    }
    CHECK(*store->ApplyPendingStories(*batch) == 5);
    CHECK(*store->ApplyPendingStories(*batch) == 0);  // assigned already: nothing twice
    auto rest = store->ReadPendingStories(100);
    REQUIRE(rest);
    CHECK(rest->size() == 7);
    CHECK(rest->front().id > batch->back().id);
    for (auto& entry : *rest) PrepareStoryText(entry);
    CHECK(*store->ApplyPendingStories(*rest) == 7);
    CHECK(StoryPartition(*store) == expected);
    CHECK(store->Counts()->stories == 8);
  }
  SUBCASE("passes of one entry") {
    auto store = MemoryStore();
    IngestScenario(*store, nullptr);
    int passes = 0;
    while (*store->AssignPendingStories(1) == 1) ++passes;
    CHECK(passes == 12);
    Settle(*store);
    CHECK(StoryPartition(*store) == expected);
  }
}

TEST_CASE("An entry updated between the story pass's read and its apply stops the batch there" *
          SqliteOnly()) {
  auto store = MemoryStore();
  const FeedId feed = AddFeedOrDie(*store, "https://a.example/feed");
  std::vector<feeds::Entry> entries = {
      MakeEntry("e1", "One", "https://a.example/1", At(10), Prose(1, 300)),
      MakeEntry("e2", "Two", "https://a.example/2", At(11), Prose(2, 300)),
      MakeEntry("e3", "Three", "https://a.example/3", At(12), Prose(3, 300))};
  Ingest(*store, feed, entries, At(1000));
  auto batch = store->ReadPendingStories(10);
  REQUIRE(batch);
  REQUIRE(batch->size() == 3);
  for (auto& entry : *batch) PrepareStoryText(entry);
  // The second entry changes before the batch is applied: its text as read is stale.
  entries[1].content = "<p>Zanzibarquill.</p>" + Prose(4, 300);
  entries[1].title = "Two, edited";
  Ingest(*store, feed, entries, At(2000));
  CHECK(*store->ApplyPendingStories(*batch) == 1);  // the first only; the rest keep their turn
  auto again = store->ReadPendingStories(10);
  REQUIRE(again);
  REQUIRE(again->size() == 2);
  CHECK(again->front().title == "Two, edited");
  for (auto& entry : *again) PrepareStoryText(entry);
  CHECK(*store->ApplyPendingStories(*again) == 2);
  CHECK(Settle(*store) == 0);
  // The text stored for the edited entry is the new one: search finds its new word.
  const auto hits = store->Search("zanzibarquill", 10);
  REQUIRE(hits);
  CHECK(hits->size() == 1);
  CHECK(store->Counts()->stories == 3);
}

TEST_CASE("A failed story pass rolls back whole and leaves the queue intact" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  auto reference = MemoryStore();
  IngestScenario(*reference, nullptr);
  Settle(*reference);
  auto store = OpenOrDie(path);
  IngestScenario(*store, nullptr);
  const auto queued = IntOn(path, "SELECT count(*) FROM story_pending");
  CHECK(queued == 12);
  // The pass dies at its fifth entry (as a crash would, the transaction goes).
  ExecOn(path,
         "CREATE TRIGGER die BEFORE DELETE ON story_pending WHEN old.entry_id = 5 "
         "BEGIN SELECT RAISE(ABORT, 'injected'); END");
  auto failed = store->AssignPendingStories(100);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("injected") != std::string::npos);
  CHECK(IntOn(path, "SELECT count(*) FROM story_pending") == queued);
  CHECK(IntOn(path, "SELECT count(*) FROM fts_pending") == 0);
  CHECK(IntOn(path,
              "SELECT count(*) FROM stories WHERE canonical_url IS NOT NULL "
              "OR simhash IS NOT NULL") == 0);
  CHECK(IntOn(path, "SELECT count(*) FROM story_bands") == 0);
  CHECK(IntOn(path, "SELECT count(*) FROM entry_text") == 0);
  CHECK(store->SelectOutput({})->empty());
  ExecOn(path, "DROP TRIGGER die");
  CHECK(Settle(*store) == 12);
  CHECK(StoryPartition(*store) == StoryPartition(*reference));
  store.reset();
  CHECK(IntOn(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
  ExecOn(path, "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')");
}

TEST_CASE("Deleted entries leave the story queue, and the index stays consistent" * SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  auto store = OpenOrDie(path);
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  std::vector<feeds::Entry> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back(MakeEntry("e" + std::to_string(i), "Heron " + std::to_string(i),
                                "https://a.example/" + std::to_string(i), At(100 + i),
                                Prose(i, 80)));
  }
  Ingest(*store, a, entries, At(1000));
  Ingest(*store, b, {MakeEntry("b", "Heron b", "https://b.example/b", At(100), Prose(9, 80))},
         At(1000));
  // Updated while queued: the pass takes the new body, the index gets only the new text.
  entries[4].title = "Egret 4";
  entries[4].content = "<p>wading egret</p>";
  Ingest(*store, a, entries, At(1100));
  CHECK(IntOn(path, "SELECT count(*) FROM story_pending") == 6);
  // Retention keeps feed a's two newest: three queued entries go with their provisional
  // stories.
  RetentionPolicy policy;
  policy.max_entries = 2;
  auto retained = store->ApplyRetention(policy, At(2000));
  REQUIRE(retained);
  CHECK(retained->entries_deleted == 3);
  CHECK(retained->stories_deleted == 3);
  CHECK(IntOn(path, "SELECT count(*) FROM story_pending") == 3);
  // Removing feed b takes its queued entry along.
  REQUIRE(*store->RemoveFeed(b));
  CHECK(IntOn(path, "SELECT count(*) FROM story_pending") == 2);
  CHECK(Settle(*store) == 2);
  CHECK(store->Counts()->stories == 2);
  CHECK(store->Search("egret", 10)->size() == 1);
  CHECK(store->Search("wading", 10)->size() == 1);
  CHECK(store->Search("heron", 10)->size() == 1);  // "Heron 3"; Heron 4 was renamed
  CHECK(store->SelectOutput({})->size() == 2);
  store.reset();
  ExecOn(path, "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')");
  CHECK(IntOn(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

}  // namespace
}  // namespace feedd::storage::testing
