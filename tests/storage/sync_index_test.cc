// The config's feeds kept in step on reload (SyncConfigFeeds), the deferred full-text index
// (IndexPending) and the bounded search ranking.
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

NewFeed Declared(const std::string& url, std::optional<std::string> title = std::nullopt,
                 std::vector<std::string> tags = {}) {
  return NewFeed{url, std::move(title), std::move(tags)};
}

std::vector<std::string> Urls(Store& store) {
  std::vector<std::string> urls;
  auto feeds = store.ListFeeds();
  if (!feeds) FAIL("list feeds: " << feeds.error().message);
  for (const auto& feed : *feeds) urls.push_back(feed.url);
  return urls;
}

TEST_CASE("Config sync adds, changes and removes config feeds and keeps runtime feeds") {
  auto store = MemoryStore();
  auto first = store->SyncConfigFeeds(
      {Declared("https://a.example/feed", "A", {"x"}), Declared("https://b.example/feed")});
  REQUIRE(first);
  CHECK(first->added.size() == 2);
  CHECK(first->changed.empty());
  CHECK(first->removed.empty());
  CHECK(first->added[0].DisplayTitle() == "A");
  CHECK(first->added[0].tags == std::vector<std::string>{"x"});
  const FeedId runtime = AddFeedOrDie(*store, "https://runtime.example/feed");

  // The same declaration again changes nothing.
  auto same = store->SyncConfigFeeds(
      {Declared("https://a.example/feed", "A", {"x"}), Declared("https://b.example/feed")});
  REQUIRE(same);
  CHECK(same->added.empty());
  CHECK(same->changed.empty());
  CHECK(same->removed.empty());

  // b goes, a gets a new title and tags, c arrives; the runtime feed stays.
  const FeedId b = (*store->FindFeedByUrl("https://b.example/feed"))->id;
  auto next = store->SyncConfigFeeds(
      {Declared("https://a.example/feed", "A2", {"y", "z"}), Declared("https://c.example/feed")});
  REQUIRE(next);
  REQUIRE(next->added.size() == 1);
  CHECK(next->added[0].url == "https://c.example/feed");
  REQUIRE(next->changed.size() == 1);
  CHECK(next->changed[0].DisplayTitle() == "A2");
  CHECK(next->changed[0].tags == std::vector<std::string>{"y", "z"});
  CHECK(next->removed == std::vector<FeedId>{b});
  CHECK(Urls(*store) == std::vector<std::string>{"https://a.example/feed",
                                                 "https://runtime.example/feed",
                                                 "https://c.example/feed"});
  CHECK((*store->GetFeed(runtime)).has_value());

  // An empty config removes every config feed, never the runtime one.
  auto none = store->SyncConfigFeeds({});
  REQUIRE(none);
  CHECK(none->removed.size() == 2);
  CHECK(Urls(*store) == std::vector<std::string>{"https://runtime.example/feed"});
}

TEST_CASE("Config sync adopts a runtime feed it declares and follows a redirected feed") {
  auto store = MemoryStore();
  const FeedId runtime = AddFeedOrDie(*store, "https://a.example/feed", {"keep"});
  auto adopted = store->SyncConfigFeeds({Declared("https://a.example/feed", std::nullopt, {"c"})});
  REQUIRE(adopted);
  CHECK(adopted->added.empty());
  REQUIRE(adopted->changed.size() == 1);
  CHECK(adopted->changed[0].id == runtime);
  // A permanent redirect moves the URL; the declaration still finds the feed.
  FetchOutcome moved;
  moved.at = At(100);
  moved.next_fetch = At(200);
  moved.new_url = "https://new.example/feed";
  REQUIRE(store->RecordFetch(runtime, moved));
  auto again = store->SyncConfigFeeds({Declared("https://a.example/feed", std::nullopt, {"c"})});
  REQUIRE(again);
  CHECK(again->added.empty());
  CHECK(again->removed.empty());
  CHECK(Urls(*store) == std::vector<std::string>{"https://new.example/feed"});
  // Once adopted it is the config's: dropping it from the config removes it.
  auto dropped = store->SyncConfigFeeds({});
  REQUIRE(dropped);
  CHECK(dropped->removed == std::vector<FeedId>{runtime});
  CHECK(store->Counts()->feeds == 0);
}

TEST_CASE("Ingest queues full-text rows; IndexPending writes them in batches") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back(MakeEntry("e" + std::to_string(i), "Pelican " + std::to_string(i),
                                "https://example.com/" + std::to_string(i), At(100 + i),
                                "<p>shore birds</p>"));
  }
  REQUIRE(store->Ingest(id, MakeFeed(entries), At(1000)));
  CHECK(store->Search("pelican", 10)->empty());  // not indexed yet: the fetch path did not
  // SQLite: new entries wait for the story pass (it writes their text), then for the index.
  const int assigned = *store->AssignPendingStories(100);
  CHECK(assigned == (TestBackend() == Backend::kSqlite ? 5 : 0));
  CHECK(*store->AssignPendingStories(100) == 0);
  CHECK(*store->IndexPending(2) == 2);
  CHECK(store->Search("pelican", 10)->size() == 2);
  CHECK(*store->IndexPending(100) == 3);
  CHECK(*store->IndexPending(100) == 0);
  CHECK(store->Search("pelican", 10)->size() == 5);

  // An update of a queued (never indexed) entry and of an indexed one: both end up indexed
  // with their new text only.
  entries[0].title = "Albatross 0";
  REQUIRE(store->Ingest(id, MakeFeed(entries), At(2000)));
  entries[1].title = "Cormorant 1";
  REQUIRE(store->Ingest(id, MakeFeed(entries), At(3000)));
  CHECK(store->Search("pelican", 10)->size() == 3);  // the old titles left the index at once
  CHECK(*store->IndexPending(100) == 2);
  CHECK(store->Search("albatross", 10)->size() == 1);
  CHECK(store->Search("cormorant", 10)->size() == 1);
  CHECK(store->Search("pelican", 10)->size() == 3);

  // Removing a feed with queued entries leaves a consistent index.
  entries.push_back(
      MakeEntry("e9", "Pelican queued", "https://example.com/9", At(200), "<p>never indexed</p>"));
  REQUIRE(store->Ingest(id, MakeFeed(entries), At(4000)));
  REQUIRE(*store->RemoveFeed(id));
  CHECK(*store->AssignPendingStories(100) == 0);  // the removed entry left the story queue
  CHECK(*store->IndexPending(100) == 0);
  CHECK(store->Search("pelican", 10)->empty());
  CHECK(store->Search("shore", 10)->empty());
}

TEST_CASE("Search ranks the newest matches and stays correct for common and rare words") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int i = 0; i < 1500; ++i) {
    std::string body = "<p>common words " + Prose(i, 60) + "</p>";
    if (i % 500 == 0) body += "<p>needle</p>";
    entries.push_back(MakeEntry("e" + std::to_string(i), "Entry " + std::to_string(i),
                                "https://example.com/" + std::to_string(i), At(100 + i), body));
  }
  IngestOrDie(*store, id, MakeFeed(entries), At(10000));
  // A rare word anywhere is found (3 matches, all ranked).
  CHECK(store->Search("needle", 10)->size() == 3);
  // A word in every entry returns a full page.
  CHECK(store->Search("common", 20)->size() == 20);
  // A title match outranks text matches.
  auto hits = store->Search("common OR entry", 5);
  REQUIRE(hits);
  REQUIRE_FALSE(hits->empty());
  CHECK(hits->front().entry.entry.title->rfind("Entry ", 0) == 0);
  CHECK(hits->front().snippet.find('[') != std::string::npos);
}

}  // namespace
}  // namespace feedd::storage::testing
