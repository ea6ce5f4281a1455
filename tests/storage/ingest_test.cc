// Ingest: entries stored exactly once per feed, updated in place when they change, written
// not at all when they do not; the entry-key rules of issue 6.
#include "feedd/storage/fingerprint.h"
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

feeds::Feed ThreeEntryFeed() {
  return MakeFeed(
      {MakeEntry("guid-3", "Third", "https://example.com/3", At(3000), "<p>third body</p>"),
       MakeEntry("guid-2", "Second", "https://example.com/2", At(2000), "<p>second body</p>"),
       MakeEntry("guid-1", "First", "https://example.com/1", At(1000), "<p>first body</p>")});
}

TEST_CASE("Ingesting the same feed ten times stores its entries once and then writes nothing") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  const auto feed = ThreeEntryFeed();
  const auto initial = RowsWritten(*store);
  const IngestStats first = IngestOrDie(*store, id, feed, At(5000));
  CHECK(RowsWritten(*store) > initial);  // the probe does see writes
  CHECK(first.inserted == 3);
  CHECK(first.updated == 0);
  CHECK(first.unchanged == 0);
  for (int round = 1; round < 10; ++round) {
    const auto before = RowsWritten(*store);
    REQUIRE(before);
    const IngestStats again = IngestOrDie(*store, id, feed, At(5000 + round * 600));
    CHECK(again.inserted == 0);
    CHECK(again.updated == 0);
    CHECK(again.unchanged == 3);
    CHECK(RowsWritten(*store) == before);  // not one row written
  }
  CHECK(store->Counts()->entries == 3);
  CHECK(store->Counts()->stories == 3);
  const auto entries = store->ListEntries({}).value();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].entry.title == "Third");
  CHECK(entries[0].fetched == At(5000));
}

TEST_CASE("An entry whose content changed is updated in place, keeping its id and fetch time") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  IngestOrDie(*store, id, ThreeEntryFeed(), At(5000));
  const EntryId original = store->ListEntries({})->front().id;

  auto changed = ThreeEntryFeed();
  changed.entries[0].title = "Third, corrected";
  changed.entries[0].content = "<p>third body with a correction about penguins</p>";
  changed.entries[0].categories = {"errata"};
  const IngestStats stats = IngestOrDie(*store, id, changed, At(6000));
  CHECK(stats.inserted == 0);
  CHECK(stats.updated == 1);
  CHECK(stats.unchanged == 2);
  CHECK(store->Counts()->entries == 3);
  const auto entry = store->GetEntry(original)->value();
  CHECK(entry.entry.title == "Third, corrected");
  CHECK(entry.entry.categories == std::vector<std::string>{"errata"});
  CHECK(entry.fetched == At(5000));
  // The search index follows the update: the new words are found, the old title is not.
  CHECK(store->Search("penguins", 5)->size() == 1);
  CHECK(store->Search("corrected", 5)->front().entry.id == original);
  CHECK(store->Search("\"third body\"", 5)->size() == 1);
  CHECK(IngestOrDie(*store, id, changed, At(7000)).unchanged == 3);
}

TEST_CASE("Every field of an entry survives the round trip through the database") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  feeds::Entry entry =
      MakeEntry("urn:x", "Full", "https://example.com/full", At(1000), "<p>content</p>");
  entry.updated = At(1500);
  entry.summary = "<p>summary</p>";
  entry.authors = {{std::string("Ada"), std::string("ada@example.com"), std::nullopt},
                   {std::nullopt, std::nullopt, std::string("https://example.com/bob")}};
  entry.categories = {"one", "two"};
  entry.enclosures = {{"https://example.com/a.mp3", std::string("audio/mpeg"), 1234},
                      {"https://example.com/b.ogg", std::nullopt, std::nullopt}};
  entry.thumbnail = "https://example.com/t.jpg";
  entry.comments = "https://example.com/full#comments";
  entry.source_url = "https://origin.example/full";
  IngestOrDie(*store, id, MakeFeed({entry}), At(2000));
  const auto stored = store->ListEntries({})->front();
  CHECK(stored.entry == entry);
  CHECK(stored.feed_id == id);
  CHECK(stored.fetched == At(2000));
  CHECK(store->Search("ada", 5)->size() == 1);  // author names are searchable
}

TEST_CASE("Entry keys: guid first, then link without tracking parameters, then a content hash") {
  feeds::Entry entry = MakeEntry("tag:x,2024:1", "T", "https://example.com/p?utm_source=rss&id=4",
                                 At(10), "<p>c</p>");
  CHECK(EntryKey(entry, EntryKeyMode::kId) == "id:tag:x,2024:1");
  CHECK(EntryKey(entry, EntryKeyMode::kLink) == "link:https://example.com/p?id=4");
  entry.id = "";  // an empty guid counts as none
  CHECK(EntryKey(entry, EntryKeyMode::kId) == "link:https://example.com/p?id=4");
  entry.id.reset();
  entry.link.reset();
  const std::string hashed = EntryKey(entry, EntryKeyMode::kId);
  CHECK(hashed.rfind("hash:", 0) == 0);
  CHECK(hashed.size() == 5 + 16);
  CHECK(EntryKey(entry, EntryKeyMode::kLink) == hashed);
  feeds::Entry other_date = entry;
  other_date.published = At(11);
  CHECK(EntryKey(other_date, EntryKeyMode::kId) != hashed);
  feeds::Entry other_content = entry;
  other_content.content = "<p>d</p>";
  CHECK(EntryKey(other_content, EntryKeyMode::kId) != hashed);
  feeds::Entry other_categories = entry;  // not part of the identity
  other_categories.categories = {"new"};
  CHECK(EntryKey(other_categories, EntryKeyMode::kId) == hashed);
}

TEST_CASE("The content hash sees every field; link-keyed, it hashes the entry as if it had no id") {
  feeds::Entry entry = MakeEntry("tag:x,2024:1", "T", "https://example.com/p", At(10), "<p>c</p>");
  const std::uint64_t with_id = ContentHash(entry);
  feeds::Entry other_id = entry;
  other_id.id = "tag:x,2024:2";
  CHECK(ContentHash(other_id) != with_id);
  CHECK(ContentHash(other_id, EntryKeyMode::kLink) == ContentHash(entry, EntryKeyMode::kLink));
  feeds::Entry without_id = entry;
  without_id.id.reset();
  CHECK(ContentHash(entry, EntryKeyMode::kLink) == ContentHash(without_id));
  CHECK(ContentHash(entry, EntryKeyMode::kLink) != with_id);
  feeds::Entry other_category = entry;
  other_category.categories = {"new"};
  CHECK(ContentHash(other_category) != with_id);
}

TEST_CASE("Entries without guids are recognised by link, and without links by their hash") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  auto feed = MakeFeed(
      {MakeEntry("", "By link", "https://example.com/a?utm_medium=feed", At(10), "<p>a</p>"),
       MakeEntry("", "By hash", "", At(20), "<p>b</p>")});
  CHECK(IngestOrDie(*store, id, feed, At(100)).inserted == 2);
  // The tracking parameter changes; the link key ignores it. An edited link-keyed entry is
  // updated; an edited hash-keyed entry is, by definition, a new one.
  feed.entries[0].link = "https://example.com/a?utm_medium=email";
  feed.entries[0].title = "By link, edited";
  feed.entries[1].content = "<p>b, edited</p>";
  const auto stats = IngestOrDie(*store, id, feed, At(200));
  CHECK(stats.updated == 1);
  CHECK(stats.inserted == 1);
  CHECK(store->Counts()->entries == 3);
}

TEST_CASE("A document repeating a guid stores the entry once") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  const auto feed =
      MakeFeed({MakeEntry("same", "Newer copy", "https://example.com/1", At(20), "<p>n</p>"),
                MakeEntry("same", "Older copy", "https://example.com/1", At(10), "<p>o</p>")});
  const auto stats = IngestOrDie(*store, id, feed, At(100));
  CHECK(stats.inserted == 1);
  CHECK(stats.unchanged == 1);
  CHECK(store->Counts()->entries == 1);
  CHECK(IngestOrDie(*store, id, feed, At(200)).unchanged == 2);
}

TEST_CASE("A feed whose guids change on every fetch falls back to links, without duplicates") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  auto fetch = [](int round) {
    const std::string suffix = "-" + std::to_string(round);
    return MakeFeed(
        {MakeEntry("random" + suffix + "a", "A", "https://example.com/a", At(10), "<p>a</p>"),
         MakeEntry("random" + suffix + "b", "B", "https://example.com/b", At(20), "<p>b</p>"),
         MakeEntry("random" + suffix + "c", "C", "https://example.com/c", At(30), "<p>c</p>")});
  };
  CHECK(IngestOrDie(*store, id, fetch(1), At(100)).inserted == 3);
  const auto second = IngestOrDie(*store, id, fetch(2), At(200));
  CHECK(second.inserted == 0);
  CHECK(store->Counts()->entries == 3);
  // From now on a fetch with fresh guids is unchanged and costs no write.
  const auto before = RowsWritten(*store);
  const auto third = IngestOrDie(*store, id, fetch(3), At(300));
  CHECK(third.unchanged == 3);
  CHECK(RowsWritten(*store) == before);
  // A genuinely new entry (new link) is still inserted.
  auto more = fetch(4);
  more.entries.push_back(MakeEntry("random-4d", "D", "https://example.com/d", At(40), "<p>d</p>"));
  CHECK(IngestOrDie(*store, id, more, At(400)).inserted == 1);
  CHECK(store->Counts()->entries == 4);
}

TEST_CASE("A feed with stable guids is not switched to links when new entries arrive") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  // Two entries share a link (a feed linking every post to its home page): guids rule.
  auto feed = MakeFeed({MakeEntry("p1", "One", "https://example.com/", At(10), "<p>1</p>"),
                        MakeEntry("p2", "Two", "https://example.com/", At(20), "<p>2</p>")});
  CHECK(IngestOrDie(*store, id, feed, At(100)).inserted == 2);
  feed.entries.push_back(MakeEntry("p3", "Three", "https://example.com/", At(30), "<p>3</p>"));
  CHECK(IngestOrDie(*store, id, feed, At(200)).inserted == 1);
  // All-new guids with all-new links are new entries, not a guid change.
  auto fresh = MakeFeed({MakeEntry("q1", "Q1", "https://example.com/q1", At(40), "<p>q1</p>"),
                         MakeEntry("q2", "Q2", "https://example.com/q2", At(50), "<p>q2</p>")});
  CHECK(IngestOrDie(*store, id, fresh, At(300)).inserted == 2);
  CHECK(store->Counts()->entries == 5);
}

TEST_CASE("Ingest refreshes the feed's title and link and refuses an unknown feed") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  auto feed = MakeFeed({}, "Old name");
  IngestOrDie(*store, id, feed, At(10));
  feed.title = "New name";
  feed.link = "https://example.org/";
  IngestOrDie(*store, id, feed, At(20));
  const auto stored = store->GetFeed(id)->value();
  CHECK(stored.feed_title == "New name");
  CHECK(stored.site_link == "https://example.org/");
  auto unknown = store->Ingest(777, feed, At(30));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "ingest feed 777: no such feed");
}

TEST_CASE("Retention deletes old entries for good, sparing what an output window needs") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int day = 1; day <= 10; ++day) {
    entries.push_back(MakeEntry("e" + std::to_string(day), "Day " + std::to_string(day),
                                "https://example.com/" + std::to_string(day), At(day * 86400),
                                "<p>day " + std::to_string(day) + "</p>"));
  }
  const auto feed = MakeFeed(entries);
  IngestOrDie(*store, id, feed, At(11 * 86400));
  RetentionPolicy policy;
  policy.max_entries = 3;
  policy.keep_window = std::chrono::hours(24 * 5);  // days 6..10 are protected
  auto stats = store->ApplyRetention(policy, At(11 * 86400));
  REQUIRE(stats);
  CHECK(stats->entries_deleted == 5);
  CHECK(stats->stories_deleted == 5);
  CHECK(store->Counts()->entries == 5);
  CHECK(store->Search("day", 20)->size() == 5);
  // The feed still carries the deleted entries: they do not come back.
  const auto again = IngestOrDie(*store, id, feed, At(12 * 86400));
  CHECK(again.inserted == 0);
  CHECK(store->Counts()->entries == 5);
  policy.keep_window.reset();
  policy.max_entries.reset();
  policy.max_age = std::chrono::hours(24 * 2);  // older than day 10 goes
  CHECK(store->ApplyRetention(policy, At(12 * 86400))->entries_deleted == 4);
  CHECK(store->ListEntries({})->front().entry.title == "Day 10");
}

}  // namespace
}  // namespace feedd::storage::testing
