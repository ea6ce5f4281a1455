// Per-host politeness: spacing, Retry-After, throttling backoff and the report's counters.
#include "host_table.h"

#include <doctest/doctest.h>

using namespace feedd::daemon;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
const WallTime kNow{seconds(1'700'000'000)};
}

TEST_CASE("requests to one host are spaced by the configured gap") {
  HostTable hosts(milliseconds(500));
  CHECK(hosts.EarliestStart("a.example") <= kNow);
  hosts.NoteStart("a.example", kNow);
  CHECK(hosts.EarliestStart("a.example") == kNow + milliseconds(500));
  CHECK(hosts.EarliestStart("b.example") <= kNow);  // other hosts are not held back
}

TEST_CASE("Retry-After blocks the host until the stated time, then lets it go") {
  HostTable hosts(milliseconds(0));
  hosts.NoteStart("a.example", kNow);
  hosts.NoteResponse("a.example", 503, 100, kNow + seconds(600), kNow);
  REQUIRE(hosts.BlockedUntil("a.example", kNow + seconds(1)).has_value());
  CHECK(*hosts.BlockedUntil("a.example", kNow) == kNow + seconds(600));
  CHECK_FALSE(hosts.BlockedUntil("a.example", kNow + seconds(601)).has_value());
  CHECK_FALSE(hosts.BlockedUntil("b.example", kNow).has_value());
}

TEST_CASE("429 without Retry-After pauses the host, doubling, and widens its spacing") {
  HostTable hosts(milliseconds(1000));
  hosts.NoteResponse("a.example", 429, 0, std::nullopt, kNow);
  CHECK(*hosts.BlockedUntil("a.example", kNow) == kNow + HostTable::kFirstThrottlePause);
  hosts.NoteResponse("a.example", 429, 0, std::nullopt, kNow);
  CHECK(*hosts.BlockedUntil("a.example", kNow) == kNow + 2 * HostTable::kFirstThrottlePause);
  const auto report = hosts.Report(kNow);
  REQUIRE(report.size() == 1);
  CHECK(report[0].throttled == 2);
  CHECK(report[0].spacing > milliseconds(1000));
  // Successes bring the spacing back down.
  for (int i = 0; i < 10; ++i) hosts.NoteResponse("a.example", 200, 10, std::nullopt, kNow);
  CHECK(hosts.Report(kNow)[0].spacing == milliseconds(1000));
}

TEST_CASE("the report counts requests, 304s, bytes saved and failures per host") {
  HostTable hosts(milliseconds(0));
  for (int i = 0; i < 4; ++i) hosts.NoteStart("a.example", kNow);
  hosts.NoteResponse("a.example", 200, 5000, std::nullopt, kNow);
  hosts.NoteResponse("a.example", 304, 200, std::nullopt, kNow);
  hosts.NoteSaved("a.example", 5000);
  hosts.NoteResponse("a.example", 304, 200, std::nullopt, kNow);
  hosts.NoteSaved("a.example", 5000);
  hosts.NoteResponse("a.example", 0, 0, std::nullopt, kNow);
  hosts.NoteStart("b.example", kNow);
  const auto report = hosts.Report(kNow);
  REQUIRE(report.size() == 2);
  CHECK(report[0].host == "a.example");  // busiest first
  CHECK(report[0].requests == 4);
  CHECK(report[0].not_modified == 2);
  CHECK(report[0].NotModifiedRatio() == doctest::Approx(0.5));
  CHECK(report[0].bytes_saved == 10000);
  CHECK(report[0].bytes_received == 5400);
  CHECK(report[0].failures == 1);
}
