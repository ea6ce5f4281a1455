// Work sharing: leases on due feeds (two holders never share one, an expired lease is taken
// over, renew extends, RecordFetch and release end it), the per-host budget across holders,
// heartbeats, and two connections claiming at once. On SQLite: every call says unsupported.
#include <algorithm>
#include <set>
#include <thread>

#include "storage_test_support.h"
#include "test_backend.h"

namespace feedd::storage::testing {
namespace {

ClaimRequest Claim(const std::string& holder, std::int64_t now, int max, int per_host = 0,
                   std::int64_t lease = 60) {
  ClaimRequest request;
  request.holder = holder;
  request.now = At(now);
  request.lease = std::chrono::seconds(lease);
  request.max = max;
  request.per_host = per_host;
  return request;
}

std::vector<FeedId> Ids(const Result<std::vector<FeedRecord>>& feeds) {
  if (!feeds) FAIL("claim failed: " << feeds.error().message);
  std::vector<FeedId> ids;
  for (const auto& feed : *feeds) ids.push_back(feed.id);
  return ids;
}

void RecordOk(Store& store, FeedId id, std::int64_t at, std::int64_t next) {
  FetchOutcome outcome;
  outcome.at = At(at);
  outcome.next_fetch = At(next);
  auto recorded = store.RecordFetch(id, outcome);
  if (!recorded) FAIL("record failed: " << recorded.error().message);
}

TEST_CASE("leases: SQLite says sharing is unsupported and pretends nothing" * SqliteOnly()) {
  auto store = FreshStore();
  CHECK_FALSE(store->SupportsSharing());
  AddFeedOrDie(*store, "https://example.com/a");
  auto claimed = store->ClaimDueFeeds(Claim("me", 100, 10));
  REQUIRE_FALSE(claimed);
  CHECK(claimed.error().message.find("does not support several feedd instances") !=
        std::string::npos);
  CHECK_FALSE(store->NextDueTime());
  CHECK_FALSE(store->Heartbeat(InstanceInfo{"me", "h", 1, At(1), At(1), 0}));
  CHECK_FALSE(store->RenewLeases("me", {1}, At(200)));
}

TEST_CASE("leases: two holders never get the same feed; an expired lease is claimable" *
          PostgresOnly()) {
  auto store = FreshStore();
  CHECK(store->SupportsSharing());
  std::vector<FeedId> all;
  for (int i = 0; i < 6; ++i) {
    all.push_back(AddFeedOrDie(*store, "https://h" + std::to_string(i) + ".example/feed"));
  }
  const auto a = Ids(store->ClaimDueFeeds(Claim("a", 1000, 4)));
  const auto b = Ids(store->ClaimDueFeeds(Claim("b", 1000, 4)));
  CHECK(a.size() == 4);
  CHECK(b.size() == 2);
  std::set<FeedId> both(a.begin(), a.end());
  for (const auto id : b) CHECK(both.insert(id).second);
  CHECK(both.size() == all.size());
  CHECK(Ids(store->ClaimDueFeeds(Claim("c", 1059, 10))).empty());  // leases run to 1060
  CHECK(Ids(store->ClaimDueFeeds(Claim("c", 1060, 10))).empty());  // ... inclusive
  // Past the lease, everything is claimable again by someone else.
  const auto c = Ids(store->ClaimDueFeeds(Claim("c", 1061, 10)));
  CHECK(std::set<FeedId>(c.begin(), c.end()) == std::set<FeedId>(all.begin(), all.end()));
  auto instances = store->ListInstances(At(1061), At(0));
  REQUIRE(instances);
  CHECK(instances->empty());  // no heartbeat yet
}

TEST_CASE("leases: only due feeds are claimed, earliest first; gone feeds never" * PostgresOnly()) {
  auto store = FreshStore();
  const FeedId late = AddFeedOrDie(*store, "https://x.example/late");
  const FeedId early = AddFeedOrDie(*store, "https://x.example/early");
  const FeedId fresh = AddFeedOrDie(*store, "https://x.example/new");
  const FeedId gone = AddFeedOrDie(*store, "https://x.example/gone");
  RecordOk(*store, late, 10, 500);
  RecordOk(*store, early, 10, 300);
  FetchOutcome outcome;
  outcome.at = At(10);
  outcome.status = FeedStatus::kGone;
  outcome.next_fetch = At(20);
  REQUIRE(store->RecordFetch(gone, outcome));
  auto next = store->NextDueTime();
  REQUIRE(next);
  CHECK(*next == At(0));  // the never-fetched feed is due at once
  CHECK(Ids(store->ClaimDueFeeds(Claim("a", 100, 10))) == std::vector<FeedId>{fresh});
  next = store->NextDueTime();
  REQUIRE(next);
  CHECK(*next == At(161));  // the new feed's lease (to 160) expires before `early` is due
  RecordOk(*store, fresh, 101, 1000);
  next = store->NextDueTime();
  REQUIRE(next);
  CHECK(*next == At(300));
  CHECK(Ids(store->ClaimDueFeeds(Claim("a", 400, 10))) == std::vector<FeedId>{early});
  // `early` was never recorded: its lease (to 460) expired and it is due again, first.
  CHECK(Ids(store->ClaimDueFeeds(Claim("b", 600, 10))) == std::vector<FeedId>{early, late});
}

TEST_CASE("leases: renew extends, RecordFetch and release end them, refresh claims" *
          PostgresOnly()) {
  auto store = FreshStore();
  const FeedId one = AddFeedOrDie(*store, "https://a.example/1");
  const FeedId two = AddFeedOrDie(*store, "https://a.example/2");
  const auto mine = Ids(store->ClaimDueFeeds(Claim("a", 1000, 10)));
  REQUIRE(mine.size() == 2);
  // Renewing someone else's lease does nothing; renewing one's own moves it.
  CHECK(*store->RenewLeases("b", {one, two}, At(5000)) == 0);
  CHECK(*store->RenewLeases("a", {one}, At(2000)) == 1);
  const auto taken = Ids(store->ClaimDueFeeds(Claim("b", 1100, 10)));
  CHECK(taken == std::vector<FeedId>{two});  // one's lease now runs to 2000
  // Both expired by 2001 (two's lease from 1100 ran to 1160): b takes both, to 2061.
  CHECK(Ids(store->ClaimDueFeeds(Claim("b", 2001, 10))) == std::vector<FeedId>{one, two});
  // A recorded fetch ends the lease: the feed is claimable when next due.
  RecordOk(*store, one, 2002, 2010);
  CHECK(Ids(store->ClaimDueFeeds(Claim("c", 2010, 10))) == std::vector<FeedId>{one});
  // Release drops c's lease on one; b's lease on two still runs.
  CHECK(*store->ReleaseLeases("c", {}) == 1);
  CHECK(Ids(store->ClaimDueFeeds(Claim("d", 2011, 10))) == std::vector<FeedId>{one});
  CHECK(*store->ReleaseLeases("b", {}) == 1);
  CHECK(*store->ReleaseLeases("d", {}) == 1);
  // ClaimFeeds (a refresh) ignores the schedule but not another holder's live lease.
  RecordOk(*store, one, 2012, 9000);
  RecordOk(*store, two, 2012, 9000);
  CHECK(Ids(store->ClaimFeeds(Claim("e", 2013, 0), {one})) == std::vector<FeedId>{one});
  CHECK(Ids(store->ClaimFeeds(Claim("f", 2014, 0), {one, two})) == std::vector<FeedId>{two});
  CHECK(Ids(store->ClaimFeeds(Claim("e", 2015, 0), {one})) == std::vector<FeedId>{one});
  // MakeDue (a refresh without waiting): due for anyone once unleased.
  CHECK(*store->ReleaseLeases("f", {}) == 1);
  CHECK(Ids(store->ClaimDueFeeds(Claim("g", 2016, 10))).empty());
  CHECK(*store->MakeDue({two}, At(2016)) == 1);
  CHECK(Ids(store->ClaimDueFeeds(Claim("g", 2016, 10))) == std::vector<FeedId>{two});
  // A refresh asked for before the feed's last fetch is already served.
  RecordOk(*store, two, 2020, 9000);
  CHECK(*store->MakeDue({two}, At(2019)) == 0);
  CHECK(*store->MakeDue({two}, At(2021)) == 1);
  CHECK(*store->ReleaseLeases("g", {}) == 0);
  CHECK(*store->ReleaseLeases("e", {two}) == 0);
  CHECK(*store->ReleaseLeases("e", {one}) == 1);
}

TEST_CASE("leases: the per-host budget holds across holders" * PostgresOnly()) {
  auto store = FreshStore();
  for (int i = 0; i < 5; ++i) AddFeedOrDie(*store, "https://Busy.example/" + std::to_string(i));
  for (int i = 0; i < 3; ++i) {
    AddFeedOrDie(*store, "https://user@quiet.example:8443/" + std::to_string(i));
  }
  const auto a = Ids(store->ClaimDueFeeds(Claim("a", 100, 10, /*per_host=*/2)));
  CHECK(a.size() == 4);  // two per host
  CHECK(Ids(store->ClaimDueFeeds(Claim("b", 100, 10, 2))).empty());
  auto feeds = store->ListFeeds();
  REQUIRE(feeds);
  RecordOk(*store, a[0], 101, 5000);  // one lease ends: its host has room for one more
  const auto b = Ids(store->ClaimDueFeeds(Claim("b", 102, 10, 2)));
  REQUIRE(b.size() == 1);
  auto feed_b = store->GetFeed(b[0]);
  auto feed_a = store->GetFeed(a[0]);
  REQUIRE(feed_a);
  REQUIRE(feed_b);
  const auto host_of = [](const std::string& url) {
    return url.find("usy.example") != std::string::npos;
  };
  CHECK(host_of((*feed_a)->url) == host_of((*feed_b)->url));
  // Without a budget the rest of the due feeds go at once.
  CHECK(Ids(store->ClaimDueFeeds(Claim("c", 102, 10))).size() == 3);
}

TEST_CASE("leases: a holder's own share of a host leaves the rest to the others" * PostgresOnly()) {
  auto store = FreshStore();
  for (int i = 0; i < 8; ++i) AddFeedOrDie(*store, "https://one.example/" + std::to_string(i));
  auto shared = [](const std::string& holder) {
    ClaimRequest request = Claim(holder, 100, 10, /*per_host=*/6);
    request.per_host_own = 2;  // three instances share a budget of six
    return request;
  };
  const auto a = Ids(store->ClaimDueFeeds(shared("a")));
  CHECK(a.size() == 2);
  CHECK(Ids(store->ClaimDueFeeds(shared("a"))).empty());  // its share is taken
  CHECK(Ids(store->ClaimDueFeeds(shared("b"))).size() == 2);
  CHECK(Ids(store->ClaimDueFeeds(shared("c"))).size() == 2);
  CHECK(Ids(store->ClaimDueFeeds(shared("d"))).empty());  // the host's budget is full
  RecordOk(*store, a[0], 101, 5000);
  CHECK(Ids(store->ClaimDueFeeds(shared("a"))).size() == 1);
}

TEST_CASE("leases: heartbeats list instances with their live leases" * PostgresOnly()) {
  auto store = FreshStore();
  for (int i = 0; i < 3; ++i) AddFeedOrDie(*store, "https://h.example/" + std::to_string(i));
  REQUIRE(store->Heartbeat(InstanceInfo{"a", "host1", 11, At(10), At(100), 0}));
  REQUIRE(store->Heartbeat(InstanceInfo{"b", "host2", 22, At(20), At(50), 0}));
  REQUIRE(store->Heartbeat(InstanceInfo{"a", "host1", 11, At(10), At(120), 0}));
  REQUIRE(store->ClaimDueFeeds(Claim("a", 120, 2)));
  auto listed = store->ListInstances(At(125), At(0));
  REQUIRE(listed);
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].holder == "a");
  CHECK((*listed)[0].host == "host1");
  CHECK((*listed)[0].pid == 11);
  CHECK((*listed)[0].last_seen == At(120));
  CHECK((*listed)[0].leases == 2);
  CHECK((*listed)[1].leases == 0);
  listed = store->ListInstances(At(125), At(60));  // b not seen since 50
  REQUIRE(listed);
  CHECK(listed->size() == 1);
  REQUIRE(store->RemoveInstance("a"));
  listed = store->ListInstances(At(125), At(0));
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].holder == "b");
}

// Two connections (two instances) claim in a loop; each claimed feed is "fetched" (recorded,
// which ends the lease and schedules it far ahead). Nothing is claimed twice; all is claimed.
void ClaimRace(int per_host) {
  {
    auto store = FreshStore();
    for (int i = 0; i < 500; ++i) {
      AddFeedOrDie(*store, "https://h" + std::to_string(i % 7) + ".example/" + std::to_string(i));
    }
  }
  std::vector<FeedId> got[2];
  std::string failure[2];
  auto work = [&](int who) {
    auto store = OpenPgStore(TestPgUrl(), OpenMode::kReadWrite);
    if (!store) {
      failure[who] = store.error().message;
      return;
    }
    const std::string holder = who == 0 ? "left" : "right";
    for (int round = 0; round < 2000; ++round) {
      auto claimed = (*store)->ClaimDueFeeds(Claim(holder, 1000, 16, per_host));
      if (!claimed) {
        failure[who] = claimed.error().message;
        return;
      }
      auto due = (*store)->NextDueTime();
      if (claimed->empty() && due && *due > At(1000)) return;  // nothing due is left
      for (const auto& feed : *claimed) {
        got[who].push_back(feed.id);
        FetchOutcome outcome;
        outcome.at = At(1000);
        outcome.next_fetch = At(100000);
        if (auto recorded = (*store)->RecordFetch(feed.id, outcome); !recorded) {
          failure[who] = recorded.error().message;
          return;
        }
      }
    }
  };
  std::thread left(work, 0);
  std::thread right(work, 1);
  left.join();
  right.join();
  CHECK(failure[0] == "");
  CHECK(failure[1] == "");
  std::set<FeedId> all;
  for (const auto& ids : got) {
    for (const auto id : ids) CHECK_MESSAGE(all.insert(id).second, "feed " << id << " twice");
  }
  CHECK(all.size() == 500);
  CHECK(got[0].size() + got[1].size() == 500);
  INFO("left " << got[0].size() << ", right " << got[1].size());
}

TEST_CASE("leases: two connections claiming at once get disjoint sets covering all" *
          PostgresOnly()) {
  SUBCASE("no per-host budget") { ClaimRace(0); }
  SUBCASE("two per host") { ClaimRace(2); }
}

}  // namespace
}  // namespace feedd::storage::testing
