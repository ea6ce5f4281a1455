// Reading back: the newest-first listing and its cursor, full-text search, merged-output
// selections, and the query plans behind them.
#include <sqlite3.h>

#include <sstream>

#include "storage_test_support.h"

namespace feedd::storage::testing {
namespace {

EntryQuery Query(std::optional<FeedId> feed = std::nullopt,
                 std::optional<std::string> tag = std::nullopt,
                 std::optional<Timestamp> since = std::nullopt,
                 std::optional<EntryId> before = std::nullopt, int limit = 50) {
  return EntryQuery{feed, std::move(tag), since, before, limit};
}

std::string Join(const std::vector<std::string>& titles) {
  std::string all;
  for (const auto& title : titles) all += title + ",";
  return all;
}

std::vector<std::string> Titles(const std::vector<StoredEntry>& entries) {
  std::vector<std::string> titles;
  for (const auto& entry : entries) titles.push_back(entry.entry.title.value_or("?"));
  return titles;
}

TEST_CASE("Entries list newest first by published, else fetched, with filters and a cursor") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed", {"tech"});
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed", {"food"});
  IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("a3", "A3", "", At(3000), ""), MakeEntry("a1", "A1", "", At(1000), ""),
                MakeEntry("undated", "A-undated", "", std::nullopt, "")}),
      At(3500));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b2", "B2", "", At(2000), ""),
                        MakeEntry("future", "B-future", "", At(999999), "")}),
              At(3600));
  // The undated entry sorts by its fetch time (3500); the future-dated one is clamped to its
  // fetch time (3600), not pinned on top for ever.
  INFO(Join(Titles(store->ListEntries(Query()).value())));
  CHECK(Titles(store->ListEntries(Query()).value()) ==
        std::vector<std::string>{"B-future", "A-undated", "A3", "B2", "A1"});
  CHECK(Titles(store->ListEntries(Query(a)).value()) ==
        std::vector<std::string>{"A-undated", "A3", "A1"});
  CHECK(Titles(store->ListEntries(Query(std::nullopt, "food")).value()) ==
        std::vector<std::string>{"B-future", "B2"});
  CHECK(Titles(store->ListEntries(Query(std::nullopt, std::nullopt, At(2000))).value()) ==
        std::vector<std::string>{"B-future", "A-undated", "A3", "B2"});
  CHECK(store->ListEntries(Query(std::nullopt, "nosuchtag"))->empty());
  CHECK(store->ListEntries(Query(999))->empty());

  // Paging with the cursor visits every entry once, in order.
  std::vector<std::string> paged;
  std::optional<EntryId> cursor;
  for (int page = 0; page < 10; ++page) {
    const auto entries =
        store->ListEntries(Query(std::nullopt, std::nullopt, std::nullopt, cursor, 2)).value();
    if (entries.empty()) break;
    CHECK(entries.size() <= 2);
    for (const auto& title : Titles(entries)) paged.push_back(title);
    cursor = entries.back().id;
  }
  CHECK(paged == std::vector<std::string>{"B-future", "A-undated", "A3", "B2", "A1"});
  CHECK(store->ListEntries(Query(a, std::nullopt, std::nullopt, std::nullopt, 0))->empty());
}

TEST_CASE("Search ranks title matches first and returns snippets with the matches marked") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  IngestOrDie(
      *store, id,
      MakeFeed(
          {MakeEntry(
               "1", "Gardening in winter", "", At(10),
               "<p>Frost covers the beds. Some notes on keeping a <b>compost</b> heap warm, and "
               "other chores for the cold months when nothing grows.</p>"),
           MakeEntry("2", "Compost, explained", "", At(20), "<p>What goes in, what stays out.</p>"),
           MakeEntry("3", "Unrelated", "", At(30), "<p>Nothing to see here.</p>")}),
      At(100));
  auto hits = store->Search("compost", 10);
  REQUIRE(hits);
  REQUIRE(hits->size() == 2);
  CHECK((*hits)[0].entry.entry.title == "Compost, explained");
  CHECK((*hits)[0].rank <= (*hits)[1].rank);
  CHECK((*hits)[0].snippet.find("[Compost]") != std::string::npos);
  CHECK((*hits)[1].snippet.find("[compost]") != std::string::npos);
  CHECK((*hits)[1].snippet.find('<') == std::string::npos);  // plain text, no markup
  // Porter stemming and diacritics folding.
  CHECK(store->Search("grow", 10)->size() == 1);
  CHECK(store->Search("composts", 10)->size() == 2);
  CHECK(store->Search("compost", 1)->size() == 1);
  CHECK(store->Search("title:unrelated", 10)->size() == 1);
  CHECK(store->Search("  ", 10)->empty());  // nothing asked, nothing found; not an error
}

// The ids FTS5's own bm25 (the weights feedd ranks with) orders a query's matches by, read
// over a second connection to the store's file.
std::vector<EntryId> Bm25Order(const std::filesystem::path& path, const std::string& query) {
  sqlite3* raw = nullptr;
  std::vector<EntryId> ids;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    FAIL("cannot open " << path);
  }
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1 "
      "ORDER BY bm25(entries_fts, 5.0, 1.0, 2.0), rowid DESC";
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(stmt, 1, query.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(stmt, 0));
  }
  const std::string error = sqlite3_errmsg(raw);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  if (ids.empty()) FAIL("bm25 order of '" << query << "': " << error);
  return ids;
}

TEST_CASE("Search orders matches as FTS5's bm25 does, for a word, a phrase and two words" *
          SqliteOnly()) {
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  auto store = OpenOrDie(path);
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  std::vector<feeds::Entry> entries;
  for (int i = 0; i < 40; ++i) {
    // Lengths and word counts differ from entry to entry, so scores rarely tie.
    std::string content = Prose(i, 12 + 5 * i) + "<p>";
    for (int n = 0; n < i % 4; ++n) content += "copper lantern ";
    entries.push_back(MakeEntry("e" + std::to_string(i), "Entry " + std::to_string(i), "",
                                At(1000 + i), content + "</p>"));
  }
  IngestOrDie(*store, id, MakeFeed(std::move(entries)), At(5000));
  // Fewer matches than feedd_rank samples: its document frequencies are exact, so its order
  // must be bm25's, also where a one-phrase query skips the count.
  for (const std::string query :
       {"ember", "\"copper lantern\"", "river signal", "orbit OR zephyr"}) {
    CAPTURE(query);
    const std::vector<EntryId> expected = Bm25Order(path, query);
    CHECK(expected.size() >= 5);  // an order worth comparing
    auto hits = store->Search(query, 100);
    REQUIRE(hits);
    std::vector<EntryId> got;
    for (const auto& hit : *hits) got.push_back(hit.entry.id);
    CHECK(got == expected);
  }
}

TEST_CASE("A malformed search query is an error naming the query") {
  auto store = MemoryStore();
  const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
  IngestOrDie(*store, id, MakeFeed({MakeEntry("1", "T", "", At(10), "<p>x</p>")}), At(100));
  for (const std::string bad : {"\"unterminated", "a AND", "nosuchcolumn:x", "(("}) {
    auto hits = store->Search(bad, 10);
    REQUIRE_FALSE(hits);
    CHECK(hits.error().message.rfind("search '" + bad + "': ", 0) == 0);
  }
}

TEST_CASE("Merged outputs give one item per story, filtered by tags, feeds, query and window") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed", {"news"});
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed", {"news"});
  const FeedId c = AddFeedOrDie(*store, "https://c.example/feed", {"misc"});
  IngestOrDie(
      *store, a,
      MakeFeed({MakeEntry("a1", "Shared", "https://x.example/s", At(5000), "<p>volcano</p>"),
                MakeEntry("a2", "Own A", "https://a.example/2", At(4000), "<p>glacier</p>")}),
      At(6000));
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b1", "Shared copy", "https://x.example/s?utm_source=b", At(5000),
                                  "<p>volcano</p>")}),
              At(7000));
  IngestOrDie(
      *store, c,
      MakeFeed({MakeEntry("c1", "Shared again", "https://X.example/s", At(5000), "<p>volcano</p>"),
                MakeEntry("c2", "Old misc", "https://c.example/2", At(100), "<p>tundra</p>")}),
      At(8000));

  auto all = store->SelectOutput({}).value();
  REQUIRE(all.size() == 3);
  CHECK(all[0].entry.entry.title == "Shared");  // earliest seen copy (feed a)
  REQUIRE(all[0].also_in.size() == 2);
  CHECK(all[0].also_in[0].feed_id == b);
  CHECK(all[0].also_in[1].feed_id == c);
  CHECK(all[1].entry.entry.title == "Own A");
  CHECK(all[2].entry.entry.title == "Old misc");

  OutputSelection misc;
  misc.tags = {"misc"};
  auto only_c = store->SelectOutput(misc).value();
  REQUIRE(only_c.size() == 2);
  CHECK(only_c[0].entry.entry.title == "Shared again");  // c's own copy represents it here
  CHECK(only_c[0].also_in.empty());

  OutputSelection feeds_and_tags;
  feeds_and_tags.feeds = {b};
  feeds_and_tags.tags = {"misc"};
  auto b_or_misc = store->SelectOutput(feeds_and_tags).value();
  REQUIRE(b_or_misc.size() == 2);
  CHECK(b_or_misc[0].entry.feed_id == b);
  CHECK(b_or_misc[0].also_in.size() == 1);

  OutputSelection query;
  query.query = "glacier OR tundra";
  CHECK(store->SelectOutput(query)->size() == 2);
  query.query = "\"broken";
  auto broken = store->SelectOutput(query);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.find("search '\"broken'") != std::string::npos);

  OutputSelection recent;
  recent.window = std::chrono::minutes(30);
  recent.now = At(5000 + 1800);
  CHECK(store->SelectOutput(recent)->size() == 1);
  recent.window = std::chrono::hours(1);
  CHECK(store->SelectOutput(recent)->size() == 2);

  OutputSelection limited;
  limited.limit = 1;
  auto one = store->SelectOutput(limited).value();
  REQUIRE(one.size() == 1);
  CHECK(one[0].also_in.size() == 2);
}

TEST_CASE(
    "Archive pages count stories from the oldest representative, and reading on from the page "
    "before gives the same page") {
  auto store = MemoryStore();
  const FeedId a = AddFeedOrDie(*store, "https://a.example/feed");
  const FeedId b = AddFeedOrDie(*store, "https://b.example/feed");
  std::vector<feeds::Entry> originals;  // newest first, as a feed lists them
  for (int i = 24; i >= 0; --i) {
    const std::string n = std::to_string(i);
    originals.push_back(MakeEntry("a" + n, "Story " + n, "https://a.example/" + n, At(1000 + i),
                                  "<p>story number " + n + " about item" + n + "</p>"));
  }
  IngestOrDie(*store, a, MakeFeed(originals), At(10000));
  // Later copies in b of stories 3 and 17 (same link and title): they join, never shift a page.
  IngestOrDie(*store, b,
              MakeFeed({MakeEntry("b17", "Story 17", "https://a.example/17", At(1017),
                                  "<p>story number 17 about item17</p>"),
                        MakeEntry("b3", "Story 3", "https://a.example/3", At(1003),
                                  "<p>story number 3 about item3</p>")}),
              At(20000));
  CHECK(store->CountOutputStories({}).value() == 25);

  auto titles = [](const std::vector<OutputRow>& rows) {
    std::string all;
    for (const auto& row : rows) {
      all += row.entry.entry.title.value_or("?");
      for (const auto& copy : row.also_in) all += "+" + std::to_string(copy.feed_id);
      all += ",";
    }
    return all;
  };
  const auto first = store->SelectOutputPage({}, 0, 10).value();
  CHECK(titles(first) == "Story 9,Story 8,Story 7,Story 6,Story 5,Story 4,Story 3+" +
                             std::to_string(b) + ",Story 2,Story 1,Story 0,");
  const auto second = store->SelectOutputPage({}, 1, 10).value();
  REQUIRE(second.size() == 10);
  CHECK(second.front().entry.entry.title == "Story 19");
  CHECK(second[2].also_in.size() == 1);  // Story 17
  CHECK(store->SelectOutputPage({}, 2, 10)->size() == 5);

  // Reading on from the last story of page 0 (its newest item comes first).
  OutputSelection after;
  after.page_after = first.front().entry.id;
  CHECK(titles(store->SelectOutputPage(after, 1, 10).value()) == titles(second));
  after.page_after = second.front().entry.id;
  CHECK(store->SelectOutputPage(after, 2, 10)->size() == 5);

  // In b's own output its copies represent the stories.
  OutputSelection only_b;
  only_b.feeds = {b};
  CHECK(store->CountOutputStories(only_b).value() == 2);
  const auto b_page = store->SelectOutputPage(only_b, 0, 10).value();
  CHECK(titles(b_page) == "Story 17,Story 3,");
  CHECK(b_page.front().entry.feed_id == b);
}

TEST_CASE(
    "The story pass and the index read their queues first, also once entries have "
    "planner statistics and the queues have none" *
    SqliteOnly()) {
  // What `PRAGMA optimize` leaves in a daemon's database: statistics for `entries`, none for
  // queues that were empty when they were gathered. A plain JOIN then scanned every entry.
  TempDir dir;
  const auto path = dir.path() / "feedd.db";
  {
    auto store = OpenOrDie(path);
    const FeedId id = AddFeedOrDie(*store, "https://example.com/feed");
    std::vector<feeds::Entry> entries;
    for (int i = 0; i < 50; ++i) {
      entries.push_back(MakeEntry("e" + std::to_string(i), "Entry " + std::to_string(i), "",
                                  At(1000 + i), Prose(i, 20)));
    }
    IngestOrDie(*store, id, MakeFeed(std::move(entries)), At(5000));
  }
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    const int analyzed = sqlite3_exec(raw, "ANALYZE entries", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    REQUIRE(analyzed == SQLITE_OK);
  }
  auto store = OpenOrDie(path);
  auto plans = ExplainQueryPlans(*store);
  REQUIRE(plans);
  int queue_plans = 0;
  for (const auto& plan : *plans) {
    if (plan.name != "entries waiting for their story" &&
        plan.name != "entries waiting for the index") {
      continue;
    }
    ++queue_plans;
    std::string all;
    for (const auto& step : plan.steps) all += step + " | ";
    INFO(plan.name << ": " << all);
    REQUIRE_FALSE(plan.steps.empty());
    CHECK(plan.steps.front() == "SCAN p");  // the queue, in its own (entry id) order
    CHECK(all.find("SCAN e") == std::string::npos);
    CHECK(all.find("TEMP B-TREE") == std::string::npos);
  }
  CHECK(queue_plans == 2);
}

TEST_CASE("Per-feed and listing queries use indexes, never a full scan of entries or stories" *
          SqliteOnly()) {
  auto store = MemoryStore();
  auto plans = ExplainQueryPlans(*store);
  REQUIRE(plans);
  CHECK(plans->size() >= 10);
  for (const auto& plan : *plans) {
    std::string all;
    for (const auto& step : plan.steps) all += step + " | ";
    INFO(plan.name << ": " << all);
    for (const auto& step : plan.steps) {
      // "SCAN x USING INDEX" walks an index in order (fine with a LIMIT); a bare "SCAN" of
      // entries or stories reads the whole table.
      std::istringstream words(step);
      std::string verb;
      std::string table;
      words >> verb >> table;
      const bool big_table =
          table == "e" || table == "entries" || table == "s" || table == "stories" || table == "x";
      const bool full_scan = verb == "SCAN" && big_table && step.find("USING") == std::string::npos;
      CHECK_FALSE(full_scan);
    }
    if (plan.name == "entry id range") {
      // Each end from the rowid b-tree; a covering-index SCAN here reads every entry.
      CHECK(all.find("SCAN e") == std::string::npos);
      CHECK(all.find("SEARCH entries") != std::string::npos);
    }
    if (plan.name == "entries of one feed" || plan.name == "entries of one feed, next page") {
      CHECK(all.find("entries_by_feed_time (feed_id=?") != std::string::npos);
      CHECK(all.find("TEMP B-TREE") == std::string::npos);  // ordered by the index itself
    }
    if (plan.name == "newest entries") {
      CHECK(all.find("entries_by_time") != std::string::npos);
      CHECK(all.find("TEMP B-TREE") == std::string::npos);
    }
    if (plan.name == "entry by key")
      CHECK(all.find("(feed_id=? AND entry_key=?)") != std::string::npos);
    if (plan.name == "similar stories") {
      // Four range reads of the band table's key; no stories row is read for a candidate.
      CHECK(all.find("story_bands USING PRIMARY KEY (band=? AND first_seen>?)") !=
            std::string::npos);
      CHECK(all.find("stories") == std::string::npos);
    }
    if (plan.name == "merged output of one feed") {
      // Entries waiting for their story: one probe of the queue's key per selected entry.
      CHECK(all.find("SEARCH sp USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
    }
    if (plan.name == "merged output of every feed") {
      // Entries newest first from the index, stopping at the limit; each one's earlier
      // copies from entries_by_story alone (no entries row, no ranking of every story).
      CHECK(all.find("SCAN e USING INDEX entries_by_time") != std::string::npos);
      CHECK(all.find("SEARCH o USING COVERING INDEX entries_by_story (story_id=?)") !=
            std::string::npos);
      CHECK(all.find("SCAN e USING INDEX entries_by_time | USE TEMP B-TREE") == std::string::npos);
    }
    if (plan.name == "archive page") {
      // From the previous page's last story on, in id order.
      CHECK(all.find("SEARCH e USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
      CHECK(all.find("SEARCH o USING COVERING INDEX entries_by_story (story_id=?)") !=
            std::string::npos);
    }
    if (plan.name == "entries waiting for their story") {
      // The queue in key order, each entry by its rowid: no sort, no scan of entries.
      CHECK(all.find("SCAN p") != std::string::npos);
      CHECK(all.find("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
      CHECK(all.find("TEMP B-TREE") == std::string::npos);
    }
    if (plan.name == "story candidate") {
      CHECK(all.find("USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
      CHECK(all.find("entries_by_story (story_id=? AND feed_id=?)") != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace feedd::storage::testing
