// Fetch outcomes and the schedule: pure decisions over values.
#include "fetch_policy.h"

#include <doctest/doctest.h>

using namespace feedd::daemon;
using feedd::storage::FeedRecord;
using feedd::storage::FeedStatus;
using feedd::storage::FetchStage;
using feedd::storage::Timestamp;
using std::chrono::seconds;

namespace {
const Timestamp kNow{seconds(1'700'000'000)};
const ScheduleBounds kBounds{seconds(600), seconds(86400)};
}  // namespace

TEST_CASE("a 200 keeps the validators verbatim and asks for a parse") {
  FetchResponse response;
  response.http_status = 200;
  response.etag = "W/\"abc\"";
  response.last_modified = "Tue, 15 Nov 1994 08:12:31 GMT";
  const auto decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.next == NextStep::kParse);
  CHECK(decision.outcome.etag == "W/\"abc\"");
  CHECK(decision.outcome.last_modified == "Tue, 15 Nov 1994 08:12:31 GMT");
  CHECK(decision.outcome.next_fetch == kNow + seconds(600));
}

TEST_CASE("a 304 costs no parse and leaves the validators alone") {
  FetchResponse response;
  response.http_status = 304;
  const auto decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.next == NextStep::kNotModified);
  CHECK_FALSE(decision.outcome.etag.has_value());
  CHECK(decision.outcome.status == FeedStatus::kOk);
}

TEST_CASE("a 410 retires the feed") {
  FetchResponse response;
  response.http_status = 410;
  const auto decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.outcome.status == FeedStatus::kGone);
}

TEST_CASE("errors back off exponentially up to the cap, never stopping") {
  CHECK(NextAfterFailure(1, kNow, kBounds, 0) == kNow + seconds(600));
  CHECK(NextAfterFailure(2, kNow, kBounds, 0) == kNow + seconds(1200));
  CHECK(NextAfterFailure(4, kNow, kBounds, 0) == kNow + seconds(4800));
  CHECK(NextAfterFailure(40, kNow, kBounds, 0) == kNow + seconds(86400));
  FeedRecord failing;
  failing.consecutive_failures = 2;
  FetchResponse response;
  response.http_status = 500;
  const auto decision = DecideAfterFetch(response, failing, kNow, kBounds, 0);
  CHECK(decision.outcome.status == FeedStatus::kError);
  CHECK(decision.outcome.stage == FetchStage::kHttp);
  CHECK(decision.outcome.next_fetch == kNow + seconds(2400));
  CHECK_FALSE(decision.outcome.etag.has_value());
}

TEST_CASE("429 and 503 wait at least as long as Retry-After says") {
  FetchResponse response;
  response.http_status = 429;
  response.retry_after = "7200";
  auto decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.outcome.next_fetch == kNow + seconds(7200));
  response.http_status = 503;
  response.retry_after = "Wed, 15 Nov 2023 00:00:00 GMT";
  decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.outcome.next_fetch ==
        std::max(*ParseHttpDate("Wed, 15 Nov 2023 00:00:00 GMT"), kNow + seconds(600)));
}

TEST_CASE("network failures name their stage") {
  FetchResponse response;
  response.failure = FetchFailure::kDns;
  response.error = "Could not resolve host";
  auto decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.outcome.stage == FetchStage::kDns);
  response.failure = FetchFailure::kPolicy;
  decision = DecideAfterFetch(response, FeedRecord{}, kNow, kBounds, 0);
  CHECK(decision.outcome.stage == FetchStage::kPolicy);
}

TEST_CASE("an HTML page instead of a feed is reported as such") {
  const auto outcome = ParseFailureOutcome("not a feed", true, FeedRecord{}, kNow, kBounds, 0);
  CHECK(outcome.stage == FetchStage::kNotAFeed);
  CHECK(outcome.error == "server returned an HTML page, not a feed");
}

TEST_CASE("HTTP dates in all three RFC 9110 forms") {
  const auto expected = Timestamp(seconds(784887151));
  CHECK(ParseHttpDate("Tue, 15 Nov 1994 08:12:31 GMT") == expected);
  CHECK(ParseHttpDate("Tuesday, 15-Nov-94 08:12:31 GMT") == expected);
  CHECK(ParseHttpDate("Tue Nov 15 08:12:31 1994") == expected);
  CHECK_FALSE(ParseHttpDate("tomorrow").has_value());
}
