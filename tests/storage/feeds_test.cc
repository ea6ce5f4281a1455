// The feed table: subscribing, listing with tags and counts, fetch state, user settings,
// removal.
#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

TEST_CASE("Adding an already subscribed URL returns the existing feed, not a second one") {
  auto store = MemoryStore();
  auto first = store->AddFeed(NewFeed{"https://example.com/feed", std::string("Mine"), {"a", "b"}});
  REQUIRE(first);
  CHECK(first->created);
  CHECK(first->feed.user_title == "Mine");
  CHECK(first->feed.tags == std::vector<std::string>{"a", "b"});
  CHECK(first->feed.status == FeedStatus::kNew);
  auto again = store->AddFeed(NewFeed{"https://example.com/feed", std::string("Other"), {"c"}});
  REQUIRE(again);
  CHECK_FALSE(again->created);
  CHECK(again->feed.id == first->feed.id);
  CHECK(again->feed.user_title == "Mine");
  CHECK(again->feed.tags == std::vector<std::string>{"a", "b"});
  CHECK(store->ListFeeds()->size() == 1);
  CHECK_FALSE(store->AddFeed(NewFeed{"", std::nullopt, {}}));
}

TEST_CASE("A feed's entry count follows inserts, unchanged fetches, retention and removal") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  auto count_of = [&](FeedId id) { return store->GetFeed(id)->value().entry_count; };
  const auto three = MakeFeed({MakeEntry("1", "One", "https://a.example/1", At(10), "<p>1</p>"),
                               MakeEntry("2", "Two", "https://a.example/2", At(20), "<p>2</p>"),
                               MakeEntry("3", "Three", "https://a.example/3", At(30), "")});
  IngestOrDie(*store, a, three, At(100));
  IngestOrDie(*store, b, MakeFeed({MakeEntry("x", "X", "https://b.example/x", At(10), "")}),
              At(100));
  CHECK(count_of(a) == 3);
  CHECK(count_of(b) == 1);
  IngestOrDie(*store, a, three, At(200));  // unchanged
  auto edited = three;
  edited.entries[0].title = "One, edited";
  IngestOrDie(*store, a, edited, At(300));  // an update is no new entry
  CHECK(count_of(a) == 3);
  RetentionPolicy keep_one;
  keep_one.max_entries = 1;
  auto retained = store->ApplyRetention(keep_one, At(400));
  REQUIRE(retained);
  CHECK(retained->entries_deleted == 2);
  CHECK(count_of(a) == 1);
  CHECK(count_of(b) == 1);
  REQUIRE(store->RemoveFeed(a));
  CHECK(count_of(b) == 1);
  CHECK(store->ListFeeds()->front().entry_count == store->Counts()->entries);
}

TEST_CASE("Grouped calls keep each call's result: a failing one undoes only its own work") {
  // Store::RunGrouped, as the daemon's writer batches run: on SQLite one transaction, on
  // PostgreSQL one at a time; the results must be the same.
  auto store = FreshStore();
  auto feed = store->AddFeed(NewFeed{"https://a.example/feed", std::nullopt, {}});
  REQUIRE(feed);
  const FeedId id = feed->feed.id;
  const auto entries = MakeFeed({MakeEntry("1", "One", "https://a.example/1", At(10), "<p>1</p>"),
                                 MakeEntry("2", "Two", "https://a.example/2", At(20), "<p>2</p>")});
  FetchOutcome outcome;
  outcome.at = At(100);
  outcome.etag = "\"abc\"";
  outcome.next_fetch = At(200);
  std::optional<Result<IngestStats>> stored;
  std::optional<Result<void>> unknown_feed;
  std::optional<Result<void>> recorded;
  std::optional<Result<std::optional<FeedRecord>>> read_back;
  const std::vector<std::function<void(Store&)>> calls = {
      [&](Store& s) { stored.emplace(s.Ingest(id, entries, At(100))); },
      [&](Store& s) { unknown_feed.emplace(s.RecordFetch(id + 1000, outcome)); },
      [&](Store& s) { recorded.emplace(s.RecordFetch(id, outcome)); },
      [&](Store& s) { read_back.emplace(s.GetFeed(id)); },
  };
  store->RunGrouped(calls);
  REQUIRE(stored);
  REQUIRE(stored->has_value());
  CHECK((*stored)->inserted == 2);
  REQUIRE(unknown_feed);
  CHECK_FALSE(unknown_feed->has_value());
  REQUIRE(recorded);
  CHECK(recorded->has_value());
  // A later call in the group sees what the earlier ones wrote.
  REQUIRE(read_back);
  REQUIRE(read_back->has_value());
  REQUIRE((*read_back)->has_value());
  CHECK((**read_back)->etag == outcome.etag);
  CHECK((**read_back)->entry_count == 2);
  // And all of it is committed.
  auto after = store->GetFeed(id);
  REQUIRE(after);
  REQUIRE(after->has_value());
  CHECK((*after)->etag == outcome.etag);
  CHECK(store->Counts()->entries == 2);
}

TEST_CASE("ListFeeds gives every feed with its tags and entry count") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed", {"tech", "daily", "tech", ""});
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("1", "One", "", At(10), ""), MakeEntry("2", "Two", "", At(20), "")},
               "Feed A"),
      At(100));
  auto feeds = store->ListFeeds();
  REQUIRE(feeds);
  REQUIRE(feeds->size() == 2);
  CHECK((*feeds)[0].id == a);
  CHECK((*feeds)[0].tags == std::vector<std::string>{"daily", "tech"});
  CHECK((*feeds)[0].entry_count == 2);
  CHECK((*feeds)[0].feed_title == "Feed A");
  CHECK((*feeds)[0].site_link == "https://example.com/");
  CHECK((*feeds)[0].DisplayTitle() == "Feed A");
  CHECK((*feeds)[1].id == b);
  CHECK((*feeds)[1].tags.empty());
  CHECK((*feeds)[1].entry_count == 0);
  CHECK((*feeds)[1].DisplayTitle() == "https://b.example/feed");
  CHECK(store->GetFeed(b)->value().url == "https://b.example/feed");
  CHECK_FALSE(store->GetFeed(999)->has_value());
  CHECK(store->FindFeedByUrl("https://a.example/feed")->value().id == a);
  CHECK_FALSE(store->FindFeedByUrl("https://nowhere.example/")->has_value());
}

TEST_CASE("RecordFetch keeps validators unless new ones are given and counts failures") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  FetchOutcome ok;
  ok.at = At(1000);
  ok.status = FeedStatus::kOk;
  ok.http_status = 200;
  ok.etag = "\"v1\"";
  ok.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  ok.next_fetch = At(4600);
  REQUIRE(store->RecordFetch(id, ok));
  auto feed = store->GetFeed(id)->value();
  CHECK(feed.status == FeedStatus::kOk);
  CHECK(feed.etag == "\"v1\"");
  CHECK(feed.last_success == At(1000));
  CHECK(feed.next_fetch == At(4600));

  FetchOutcome not_modified;  // 304: no validators given, the stored ones stay
  not_modified.at = At(5000);
  not_modified.http_status = 304;
  not_modified.next_fetch = At(8600);
  REQUIRE(store->RecordFetch(id, not_modified));
  feed = store->GetFeed(id)->value();
  CHECK(feed.etag == "\"v1\"");
  CHECK(feed.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT");
  CHECK(feed.last_success == At(5000));

  FetchOutcome failed;
  failed.at = At(9000);
  failed.status = FeedStatus::kError;
  failed.stage = FetchStage::kNotAFeed;
  failed.error = "server returned HTML, not a feed";
  failed.http_status = 200;
  failed.next_fetch = At(9600);
  REQUIRE(store->RecordFetch(id, failed));
  REQUIRE(store->RecordFetch(id, failed));
  feed = store->GetFeed(id)->value();
  CHECK(feed.status == FeedStatus::kError);
  CHECK(feed.error_stage == FetchStage::kNotAFeed);
  CHECK(feed.last_error == "server returned HTML, not a feed");
  CHECK(feed.consecutive_failures == 2);
  CHECK(feed.last_success == At(5000));
  CHECK(feed.last_fetch == At(9000));
  CHECK(feed.etag == "\"v1\"");
  CHECK(store->Counts()->failing_feeds == 1);

  ok.at = At(10000);
  ok.etag = "\"v2\"";
  REQUIRE(store->RecordFetch(id, ok));
  feed = store->GetFeed(id)->value();
  CHECK(feed.consecutive_failures == 0);
  CHECK(feed.error_stage == FetchStage::kNone);
  CHECK_FALSE(feed.last_error);
  CHECK(feed.etag == "\"v2\"");
  CHECK(store->Counts()->failing_feeds == 0);

  auto unknown = store->RecordFetch(12345, ok);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "record fetch of feed 12345: no such feed");
}

TEST_CASE("A permanent redirect moves the feed's URL unless the new URL is taken") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "http://example.com/feed");
  const FeedId other = AddFeedOrDie(*store, "https://other.example/feed");
  FetchOutcome moved;
  moved.at = At(100);
  moved.new_url = "https://example.com/feed";
  REQUIRE(store->RecordFetch(id, moved));
  CHECK(store->GetFeed(id)->value().url == "https://example.com/feed");
  CHECK(store->FindFeedByUrl("https://example.com/feed")->value().id == id);

  moved.new_url = "https://other.example/feed";
  moved.at = At(200);
  auto clash = store->RecordFetch(id, moved);
  REQUIRE_FALSE(clash);
  CHECK(clash.error().message.find("already subscribed") != std::string::npos);
  const auto feed = store->GetFeed(id)->value();
  CHECK(feed.url == "https://example.com/feed");
  CHECK(feed.last_fetch == At(200));  // the fetch itself was recorded
  CHECK(store->GetFeed(other)->value().url == "https://other.example/feed");
}

TEST_CASE("User settings: tags, title and interval can be set and cleared") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed", {"old"});
  REQUIRE(store->SetFeedTags(id, {"x", "y", "x"}));
  REQUIRE(store->SetFeedTitle(id, std::string("Custom")));
  REQUIRE(store->SetFeedInterval(id, 900));
  auto feed = store->GetFeed(id)->value();
  CHECK(feed.tags == std::vector<std::string>{"x", "y"});
  CHECK(feed.DisplayTitle() == "Custom");
  CHECK(feed.interval_seconds == 900);
  REQUIRE(store->SetFeedTitle(id, std::nullopt));
  REQUIRE(store->SetFeedInterval(id, std::nullopt));
  REQUIRE(store->SetFeedTags(id, {}));
  feed = store->GetFeed(id)->value();
  CHECK_FALSE(feed.user_title);
  CHECK_FALSE(feed.interval_seconds);
  CHECK(feed.tags.empty());
  CHECK_FALSE(store->SetFeedInterval(id, 0));
  CHECK_FALSE(store->SetFeedTags(999, {"a"}));
  CHECK_FALSE(store->SetFeedTitle(999, std::string("a")));
}

TEST_CASE("Removing a feed removes its entries; stories another feed shares stay") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed", {"t"});
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  IngestOrDie(
      *store, a,
      MakeFeed(
          {MakeEntry("1", "Shared story", "https://news.example/shared", At(10), "<p>alpha</p>"),
           MakeEntry("2", "Only in A", "https://a.example/own", At(20), "<p>beta</p>")}),
      At(100));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("x", "Shared story", "https://news.example/shared?utm_source=b",
                                  At(10), "<p>alpha</p>")}),
              At(110));
  REQUIRE(store->Counts()->stories == 2);
  auto removed = store->RemoveFeed(a);
  REQUIRE(removed);
  CHECK(*removed);
  const auto counts = store->Counts().value();
  CHECK(counts.feeds == 1);
  CHECK(counts.entries == 1);
  CHECK(counts.stories == 1);  // the shared story stays, A's own story is gone
  CHECK(store->Search("beta", 10)->empty());
  CHECK(store->Search("alpha", 10)->size() == 1);
  CHECK_FALSE(*store->RemoveFeed(a));
  CHECK(
      store->ListEntries(EntryQuery{std::nullopt, std::string("t"), std::nullopt, std::nullopt, 10})
          ->empty());
}

}  // namespace
}  // namespace feedd::storage::testing
