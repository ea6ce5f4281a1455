// The adaptive schedule (docs/scheduling.md): publishing rate, publisher hints, HTTP
// freshness, skipHours/skipDays, the user's interval, redirects that move a feed.
#include <doctest/doctest.h>

#include "fetch_policy.h"

using namespace feedd::daemon;
using feedd::storage::Timestamp;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
// Tuesday 2023-11-14 22:13:20 UTC.
const Timestamp kNow{seconds(1'700'000'000)};
const ScheduleBounds kBounds{minutes(10), hours(24)};

feedd::feeds::Feed FeedWithPostsEvery(seconds gap, int count, seconds newest_age) {
  feedd::feeds::Feed feed;
  for (int i = 0; i < count; ++i) {
    feedd::feeds::Entry entry;
    entry.published = kNow - newest_age - gap * i;
    feed.entries.push_back(entry);
  }
  return feed;
}
}  // namespace

TEST_CASE("the publishing rate sets the interval: half the gap between posts") {
  const auto hints = HintsFromFeed(FeedWithPostsEvery(hours(4), 10, minutes(5)), kNow);
  REQUIRE(hints.publish_gap.has_value());
  CHECK(*hints.publish_gap == hours(4));
  CHECK(AdaptiveInterval(hints, std::nullopt, kNow, kBounds) == hours(2));
}

TEST_CASE("a feed gone quiet slows down to a quarter of its silence, up to the cap") {
  const auto quiet = HintsFromFeed(FeedWithPostsEvery(hours(1), 5, hours(16)), kNow);
  CHECK(AdaptiveInterval(quiet, std::nullopt, kNow, kBounds) == hours(4));
  const auto dead = HintsFromFeed(FeedWithPostsEvery(hours(1), 5, hours(24 * 400)), kNow);
  CHECK(AdaptiveInterval(dead, std::nullopt, kNow, kBounds) == hours(24));
}

TEST_CASE("a busy feed is polled no more often than min_interval") {
  const auto busy = HintsFromFeed(FeedWithPostsEvery(minutes(1), 20, seconds(10)), kNow);
  CHECK(AdaptiveInterval(busy, std::nullopt, kNow, kBounds) == minutes(10));
}

TEST_CASE("undated feeds are polled at min_interval; future dates are ignored") {
  feedd::feeds::Feed feed;
  feed.entries.resize(3);
  CHECK(AdaptiveInterval(HintsFromFeed(feed, kNow), std::nullopt, kNow, kBounds) == minutes(10));
  feed.entries[0].published = kNow + hours(24 * 365);
  CHECK_FALSE(HintsFromFeed(feed, kNow).newest_entry.has_value());
}

TEST_CASE("ttl, sy:updatePeriod and HTTP freshness are floors, clamped to max_interval") {
  auto hints = HintsFromFeed(FeedWithPostsEvery(minutes(1), 20, seconds(10)), kNow);
  hints.ttl = hours(3);
  CHECK(AdaptiveInterval(hints, std::nullopt, kNow, kBounds) == hours(3));
  CHECK(AdaptiveInterval(hints, hours(5), kNow, kBounds) == hours(5));
  hints.ttl = hours(24 * 7);
  CHECK(AdaptiveInterval(hints, std::nullopt, kNow, kBounds) == hours(24));
}

TEST_CASE("Cache-Control max-age and Expires give the freshness; no-cache gives none") {
  FetchResponse response;
  response.cache_control = "public, max-age=1800";
  CHECK(HttpFreshness(response, kNow) == seconds(1800));
  response.cache_control = "s-maxage=5, max-age=\"60\"";
  CHECK(HttpFreshness(response, kNow) == seconds(60));
  response.cache_control = "no-cache, max-age=1800";
  CHECK_FALSE(HttpFreshness(response, kNow).has_value());
  response.cache_control.reset();
  response.expires = "Wed, 15 Nov 2023 00:13:20 GMT";
  CHECK(HttpFreshness(response, kNow) == hours(2));
  response.expires = "0";
  CHECK_FALSE(HttpFreshness(response, kNow).has_value());
}

TEST_CASE("skipHours and skipDays move the fetch to the next allowed hour") {
  ScheduleHints hints;
  hints.skip_hours = {22, 23};
  // 22:13 Tuesday -> 00:00 Wednesday.
  CHECK(AvoidSkipped(kNow, hints) == Timestamp(seconds(1'700'006'400)));
  hints.skip_days = {3};  // and not on Wednesday -> Thursday 00:00
  CHECK(AvoidSkipped(kNow, hints) == Timestamp(seconds(1'700'006'400 + 86400)));
  ScheduleHints all;
  for (int h = 0; h < 24; ++h) all.skip_hours.push_back(h);
  CHECK(AvoidSkipped(kNow, all) == kNow);  // nonsense hints are ignored
}

TEST_CASE("the user's interval replaces the adaptive one") {
  ScheduleHints hints;
  hints.ttl = hours(6);
  hints.user_interval = minutes(15);
  CHECK(AdaptiveInterval(hints, hours(2), kNow, kBounds) == minutes(15));
}

TEST_CASE("jitter stretches the interval by at most a tenth") {
  ScheduleHints hints;
  hints.ttl = hours(1);
  CHECK(NextAfterSuccess(kNow, kBounds, hints, std::nullopt, 0.0) == kNow + hours(1));
  CHECK(NextAfterSuccess(kNow, kBounds, hints, std::nullopt, 0.999) <= kNow + minutes(66));
  CHECK(NextAfterSuccess(kNow, kBounds, hints, std::nullopt, 0.5) > kNow + hours(1));
}

TEST_CASE("only a leading run of permanent redirects names a new URL") {
  FetchResponse response;
  response.redirects = {
      {301, "https://a.example/1"}, {308, "https://a.example/2"}, {302, "https://a.example/3"}};
  CHECK(PermanentTarget(response) == "https://a.example/2");
  response.redirects = {{302, "https://a.example/1"}, {301, "https://a.example/2"}};
  CHECK_FALSE(PermanentTarget(response).has_value());
  response.redirects = {{307, "https://a.example/1"}};
  CHECK_FALSE(PermanentTarget(response).has_value());
  response.redirects.clear();
  CHECK_FALSE(PermanentTarget(response).has_value());
}

TEST_CASE("a host's Retry-After defers the feed without counting a failure") {
  FetchResponse response;
  response.failure = FetchFailure::kDeferred;
  response.deferred_until = std::chrono::system_clock::time_point(kNow + hours(1));
  feedd::storage::FeedRecord feed;
  feed.status = feedd::storage::FeedStatus::kOk;
  const auto decision = DecideAfterFetch(response, feed, kNow, kBounds, 0.0);
  CHECK(decision.next == NextStep::kDefer);
  CHECK(decision.outcome.next_fetch >= kNow + hours(1));
  CHECK(decision.outcome.next_fetch <= kNow + hours(1) + minutes(1));
}

TEST_CASE("network evidence: DNS and connect failures say the network, answers say reached") {
  FetchResponse response;
  response.failure = FetchFailure::kDns;
  CHECK(EvidenceOf(response) == NetworkEvidence::kNetworkFailure);
  response.failure = FetchFailure::kConnect;
  CHECK(EvidenceOf(response) == NetworkEvidence::kNetworkFailure);
  response.failure = FetchFailure::kHttp;
  response.http_status = 500;
  CHECK(EvidenceOf(response) == NetworkEvidence::kReached);
  response.failure = FetchFailure::kPolicy;
  CHECK(EvidenceOf(response) == NetworkEvidence::kNone);
}
