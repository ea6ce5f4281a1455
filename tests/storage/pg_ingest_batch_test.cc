// Ingest of many new entries in one fetch, on both backends: what PostgreSQL's batched ingest
// (stories read once per fetch, entries inserted in one statement) must keep exactly as one
// entry at a time gave it — order, odd characters, and a fetch's entries seeing each other.
#include "feedd/storage/fingerprint.h"
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

std::vector<StoredEntry> EntriesOf(Store& store, FeedId feed) {
  return store.ListEntries(EntryQuery{feed, std::nullopt, std::nullopt, std::nullopt, 10000})
      .value();
}

TEST_CASE("A fetch's second copy of an article another feed carries gets a story of its own") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b1", "Prose", "https://b.example/1", At(10), Prose(7, 300))}),
              At(100));
  // One fetch of feed a with the same prose twice, under other URLs: the older copy joins
  // b's story by SimHash; the newer one may not (a story holds one copy per feed).
  IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("a2", "Prose again", "https://a.example/2", At(30), Prose(7, 300)),
                MakeEntry("a1", "Prose", "https://a.example/1", At(20), Prose(7, 300))}),
      At(200));
  const StoryId shared = EntriesOf(*store, b).front().story_id;
  const auto entries = EntriesOf(*store, a);
  REQUIRE(entries.size() == 2);
  CHECK(entries[1].entry.id == "a1");
  CHECK(entries[1].story_id == shared);
  CHECK(entries[0].story_id != shared);
  CHECK(store->Counts()->stories == 2);
}

TEST_CASE("A fetch's copies of one URL already in another feed's story: the first joins it") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(
      *store, b,
      MakeFeed({MakeEntry("b1", "Launch", "https://news.example/launch", At(10), "<p>b</p>")}),
      At(100));
  IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("a2", "Launch", "https://news.example/launch?utm_source=x", At(30),
                          "<p>second</p>"),
                MakeEntry("a1", "Launch", "https://news.example/launch", At(20), "<p>first</p>")}),
      At(200));
  const StoryId shared = EntriesOf(*store, b).front().story_id;
  const auto entries = EntriesOf(*store, a);
  REQUIRE(entries.size() == 2);
  CHECK(entries[1].story_id == shared);
  CHECK(entries[0].story_id != shared);
  CHECK(store->Counts()->stories == 2);
  // Fetched again: nothing new, nothing moved.
  const auto again = IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("a2", "Launch", "https://news.example/launch?utm_source=x", At(30),
                          "<p>second</p>"),
                MakeEntry("a1", "Launch", "https://news.example/launch", At(20), "<p>first</p>")}),
      At(300));
  CHECK(again.inserted == 0);
  CHECK(again.unchanged == 2);
}

TEST_CASE("More new entries than one insert statement takes are all stored, oldest first") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://big.example/feed");
  std::vector<feeds::Entry> entries;
  constexpr int kCount = 1234;
  // Newest first, as feeds list them; undated, so the listing orders them by id.
  for (int i = kCount; i > 0; --i) {
    entries.push_back(MakeEntry("e" + std::to_string(i), "Entry " + std::to_string(i),
                                "https://big.example/" + std::to_string(i), std::nullopt,
                                "<p>n " + std::to_string(i) + "</p>"));
  }
  const auto stats = IngestOrDie(*store, id, MakeFeed(entries), At(500));
  CHECK(stats.inserted == kCount);
  const auto stored = EntriesOf(*store, id);
  REQUIRE(stored.size() == kCount);
  CHECK(stored.front().entry.id == "e" + std::to_string(kCount));
  CHECK(stored.back().entry.id == "e1");
  for (std::size_t i = 1; i < stored.size(); ++i) CHECK(stored[i - 1].id > stored[i].id);
  CHECK(store->Counts()->stories == kCount);
}

TEST_CASE("Quotes, backslashes, braces, commas and the word NULL survive a batched insert") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://odd.example/feed");
  feeds::Entry odd = MakeEntry("NULL", "NULL", "https://odd.example/{a,b}", At(1000),
                               "<p>\"quoted\" \\back\\slash {x, y} NULL</p>");
  odd.summary = "line one\nline two\t\"tab\"";
  odd.categories = {"a,b", "{c}", "\"d\"", "NULL"};
  odd.authors = {{std::string("O'Brien \\ \"Jr\""), std::nullopt, std::nullopt}};
  feeds::Entry empty = MakeEntry("", "", "https://odd.example/empty", std::nullopt, "");
  empty.title = "";  // an empty string, not NULL
  IngestOrDie(*store, id, MakeFeed({odd, empty}), At(2000));
  const auto stored = EntriesOf(*store, id);
  REQUIRE(stored.size() == 2);
  const auto& first = stored[0].entry.id == "NULL" ? stored[0] : stored[1];
  const auto& second = stored[0].entry.id == "NULL" ? stored[1] : stored[0];
  CHECK(first.entry == odd);
  CHECK(second.entry.title == std::optional<std::string>(""));
  CHECK_FALSE(second.entry.id);
  CHECK_FALSE(second.entry.content);
}

}  // namespace
}  // namespace feedd::storage::testing
