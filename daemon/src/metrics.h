// Counters for /metrics (Prometheus text format 0.0.4): fetches by outcome, bytes, parse
// errors, entries ingested, a fetch latency histogram. Thread-safe (relaxed atomics): the
// io thread records, any thread may snapshot. Owned by the Daemon, passed by reference.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "feedd/storage/store.h"
#include "http_types.h"

namespace feedd::daemon {

// How one fetch ended, as the `outcome` label of feedd_fetches_total.
enum class FetchResultKind {
  kOk,           // a body was parsed (and stored)
  kNotModified,  // 304: the validators matched
  kGone,         // 410
  kPolicy,
  kDns,
  kConnect,
  kTls,
  kHttp,
  kNotAFeed,
  kParse,
  kStore,
  kCount  // not a kind: the number of kinds
};
std::string_view FetchResultLabel(FetchResultKind kind);  // "ok", "not_modified", ...

// The kind a recorded fetch outcome belongs to (`http_status`: the response's status).
FetchResultKind ClassifyFetch(const storage::FetchOutcome& outcome, long http_status);

// Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied.
inline constexpr std::array<double, 10> kLatencyBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                           2.5,  5,   10,   30,  60};

// A consistent-enough copy of the counters (each read atomically, not all at one instant).
struct MetricsSnapshot {
  std::array<std::uint64_t, static_cast<std::size_t>(FetchResultKind::kCount)> fetches{};
  std::uint64_t bytes_fetched = 0;
  std::uint64_t parse_errors = 0;
  std::uint64_t entries_inserted = 0;
  std::uint64_t entries_updated = 0;
  std::array<std::uint64_t, kLatencyBuckets.size() + 1> latency_buckets{};  // not cumulative
  double latency_sum_seconds = 0;
};

// Values read at scrape time from their owners (scheduler, fetcher).
struct LiveGauges {
  std::int64_t scheduled_feeds = 0;  // the scheduler's queue
  std::int64_t updates_in_flight = 0;
  std::int64_t fetches_in_flight = 0;
  std::int64_t fetches_queued = 0;  // waiting for a concurrency slot
  double uptime_seconds = 0;
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A transfer ended (any outcome): bytes on the wire and how long it took.
  void RecordTransfer(std::int64_t bytes, std::chrono::milliseconds elapsed);
  void RecordFetchResult(FetchResultKind kind);
  void RecordParseError();
  void RecordIngest(int inserted, int updated);

  MetricsSnapshot Snapshot() const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  std::array<Counter, static_cast<std::size_t>(FetchResultKind::kCount)> fetches_{};
  Counter bytes_fetched_{0};
  Counter parse_errors_{0};
  Counter entries_inserted_{0};
  Counter entries_updated_{0};
  std::array<Counter, kLatencyBuckets.size() + 1> latency_buckets_{};
  Counter latency_sum_micros_{0};
};

// The Prometheus text exposition (version 0.0.4) of the counters and gauges.
std::string RenderPrometheus(const MetricsSnapshot& counters, const LiveGauges& gauges,
                             std::string_view version);

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The answer to a request for /metrics on the public listener (http.metrics = true): `text`
// (RenderPrometheus's) to GET and HEAD, uncacheable; 405 with Allow to any other method.
HttpResponse MetricsResponse(std::string_view method, std::string text);

}  // namespace feedd::daemon
