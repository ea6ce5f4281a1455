// Offline detection: many network failures over many hosts mean the network, not the feeds.
#include "offline_detector.h"

#include <doctest/doctest.h>

#include <string>

using namespace feedd::daemon;
using Outcome = OfflineDetector::Outcome;
using std::chrono::seconds;

namespace {
const feedd::feeds::Timestamp kNow{seconds(1'700'000'000)};
}

TEST_CASE("one dead host is a dead feed, not a dead network") {
  OfflineDetector detector;
  for (int i = 0; i < 30; ++i) detector.Note(Outcome::kNetworkFailure, "dead.example", kNow);
  CHECK_FALSE(detector.Offline());
}

TEST_CASE("most fetches to many hosts failing at the network stage is offline") {
  OfflineDetector detector;
  for (int i = 0; i < 10; ++i) {
    detector.Note(Outcome::kNetworkFailure, "h" + std::to_string(i) + ".example", kNow);
  }
  CHECK(detector.Offline());
  // Only an answer from a server brings it back.
  detector.Note(Outcome::kNetworkFailure, "h1.example", kNow + seconds(30));
  CHECK(detector.Offline());
  detector.Note(Outcome::kOther, "h1.example", kNow + seconds(31));
  CHECK(detector.Offline());
  detector.Note(Outcome::kReached, "h2.example", kNow + seconds(60));
  CHECK_FALSE(detector.Offline());
  // The old failures do not tip it straight back.
  detector.Note(Outcome::kNetworkFailure, "h3.example", kNow + seconds(61));
  CHECK_FALSE(detector.Offline());
}

TEST_CASE("a few failures among successes is not offline") {
  OfflineDetector detector;
  for (int i = 0; i < 20; ++i) {
    const auto outcome = i % 3 == 0 ? Outcome::kNetworkFailure : Outcome::kReached;
    detector.Note(outcome, "h" + std::to_string(i) + ".example", kNow);
  }
  CHECK_FALSE(detector.Offline());
}

TEST_CASE("failures spread over a long time do not add up") {
  OfflineDetector detector;
  for (int i = 0; i < 10; ++i) {
    detector.Note(Outcome::kNetworkFailure, "h" + std::to_string(i) + ".example",
                  kNow + seconds(600 * i));
  }
  CHECK_FALSE(detector.Offline());
}
