// The /metrics registry and its Prometheus text exposition, checked line by line.
#include "metrics.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace feedd::daemon;
using feedd::storage::FeedStatus;
using feedd::storage::FetchOutcome;
using feedd::storage::FetchStage;

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool HasLine(const std::string& text, const std::string& line) {
  for (const auto& candidate : Lines(text)) {
    if (candidate == line) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("an empty registry renders every family with zero samples") {
  const Metrics metrics;
  const std::string text = RenderPrometheus(metrics.Snapshot(), LiveGauges{}, "1.2.3");
  CHECK(HasLine(text, "feedd_build_info{version=\"1.2.3\"} 1"));
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"ok\"} 0"));
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"not_modified\"} 0"));
  CHECK(HasLine(text, "feedd_fetch_bytes_total 0"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"+Inf\"} 0"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_count 0"));
  CHECK(HasLine(text, "feedd_scheduled_feeds 0"));
  CHECK(text.back() == '\n');
}

TEST_CASE("every line is a comment or a sample, and every family has HELP and TYPE") {
  Metrics metrics;
  metrics.RecordTransfer(100, std::chrono::milliseconds(30));
  const std::string text = RenderPrometheus(metrics.Snapshot(), LiveGauges{}, "x");
  std::string family;
  for (const auto& line : Lines(text)) {
    REQUIRE_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      CHECK(line.substr(7, family.size()) == family);
      continue;
    }
    // name{labels} value, the name from the family announced last.
    INFO(line);
    CHECK(line.rfind(family, 0) == 0);
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    const std::string value = line.substr(space + 1);
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    CHECK(*end == '\0');
  }
}

TEST_CASE("fetch results count under their outcome label") {
  Metrics metrics;
  metrics.RecordFetchResult(FetchResultKind::kOk);
  metrics.RecordFetchResult(FetchResultKind::kOk);
  metrics.RecordFetchResult(FetchResultKind::kNotModified);
  metrics.RecordFetchResult(FetchResultKind::kDns);
  metrics.RecordFetchResult(FetchResultKind::kCount);  // not a kind: ignored
  const std::string text = RenderPrometheus(metrics.Snapshot(), LiveGauges{}, "x");
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"ok\"} 2"));
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"not_modified\"} 1"));
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"dns\"} 1"));
  CHECK(HasLine(text, "feedd_fetches_total{outcome=\"parse\"} 0"));
}

TEST_CASE("the latency histogram is cumulative and its count matches +Inf") {
  Metrics metrics;
  metrics.RecordTransfer(10, std::chrono::milliseconds(40));       // <= 0.05
  metrics.RecordTransfer(10, std::chrono::milliseconds(100));      // == 0.1: in le="0.1"
  metrics.RecordTransfer(10, std::chrono::milliseconds(700));      // <= 1
  metrics.RecordTransfer(10, std::chrono::milliseconds(120'000));  // beyond 60: +Inf only
  const std::string text = RenderPrometheus(metrics.Snapshot(), LiveGauges{}, "x");
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"0.05\"} 1"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"0.1\"} 2"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"0.5\"} 2"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"1\"} 3"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"60\"} 3"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_bucket{le=\"+Inf\"} 4"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_count 4"));
  CHECK(HasLine(text, "feedd_fetch_duration_seconds_sum 120.84"));
  CHECK(HasLine(text, "feedd_fetch_bytes_total 40"));
}

TEST_CASE("ingested entries and parse errors add up; live gauges are shown as given") {
  Metrics metrics;
  metrics.RecordIngest(3, 1);
  metrics.RecordIngest(2, 0);
  metrics.RecordParseError();
  LiveGauges gauges;
  gauges.scheduled_feeds = 12;
  gauges.fetches_queued = 4;
  gauges.uptime_seconds = 2.5;
  const std::string text = RenderPrometheus(metrics.Snapshot(), gauges, "x");
  CHECK(HasLine(text, "feedd_entries_ingested_total{change=\"new\"} 5"));
  CHECK(HasLine(text, "feedd_entries_ingested_total{change=\"updated\"} 1"));
  CHECK(HasLine(text, "feedd_parse_errors_total 1"));
  CHECK(HasLine(text, "feedd_scheduled_feeds 12"));
  CHECK(HasLine(text, "feedd_fetches_queued 4"));
  CHECK(HasLine(text, "feedd_uptime_seconds 2.5"));
}

TEST_CASE("a version with quotes or backslashes is escaped in its label") {
  const Metrics metrics;
  const std::string text = RenderPrometheus(metrics.Snapshot(), LiveGauges{}, "1\"2\\3");
  CHECK(HasLine(text, "feedd_build_info{version=\"1\\\"2\\\\3\"} 1"));
}

TEST_CASE("recorded outcomes map to their kind") {
  FetchOutcome outcome;
  CHECK(ClassifyFetch(outcome, 200) == FetchResultKind::kOk);
  CHECK(ClassifyFetch(outcome, 304) == FetchResultKind::kNotModified);
  outcome.status = FeedStatus::kGone;
  CHECK(ClassifyFetch(outcome, 410) == FetchResultKind::kGone);
  outcome.status = FeedStatus::kError;
  outcome.stage = FetchStage::kNotAFeed;
  CHECK(ClassifyFetch(outcome, 200) == FetchResultKind::kNotAFeed);
  outcome.stage = FetchStage::kHttp;
  CHECK(ClassifyFetch(outcome, 500) == FetchResultKind::kHttp);
  for (int kind = 0; kind < static_cast<int>(FetchResultKind::kCount); ++kind) {
    CHECK(FetchResultLabel(static_cast<FetchResultKind>(kind)) != "unknown");
  }
}

TEST_CASE("counters recorded from several threads are not lost") {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordFetchResult(FetchResultKind::kOk);
        metrics.RecordTransfer(1, std::chrono::milliseconds(1));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto snapshot = metrics.Snapshot();
  CHECK(snapshot.fetches[static_cast<std::size_t>(FetchResultKind::kOk)] == 4000);
  CHECK(snapshot.bytes_fetched == 4000);
}
