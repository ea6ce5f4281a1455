// Counter updates and the text exposition. Relaxed atomics: each counter is monotonic on its
// own; a scrape does not need the counters mutually consistent.
#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace feedd::daemon {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

std::size_t Index(FetchResultKind kind) { return static_cast<std::size_t>(kind); }

// Prometheus floats: integers without a fraction, others with enough digits to round-trip.
std::string Number(double value) {
  if (std::abs(value) < 1e15 && value == static_cast<double>(static_cast<std::int64_t>(value))) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  std::string text(buffer);
  // "%.17g" of 0.1 is 0.10000000000000001; prefer the shortest form that reads back equal.
  for (int precision = 1; precision < 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) {
      text = buffer;
      break;
    }
  }
  return text;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string& out, std::string_view name, std::string_view labels, std::string value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

// Label values are our own fixed strings or the version; escape anyway (\, ", newline).
std::string EscapeLabel(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped.push_back('\\');
    if (c == '\n') {
      escaped.append("\\n");
      continue;
    }
    escaped.push_back(c);
  }
  return escaped;
}

}  // namespace

std::string_view FetchResultLabel(FetchResultKind kind) {
  switch (kind) {
    case FetchResultKind::kOk:
      return "ok";
    case FetchResultKind::kNotModified:
      return "not_modified";
    case FetchResultKind::kGone:
      return "gone";
    case FetchResultKind::kPolicy:
      return "policy";
    case FetchResultKind::kDns:
      return "dns";
    case FetchResultKind::kConnect:
      return "connect";
    case FetchResultKind::kTls:
      return "tls";
    case FetchResultKind::kHttp:
      return "http";
    case FetchResultKind::kNotAFeed:
      return "not_a_feed";
    case FetchResultKind::kParse:
      return "parse";
    case FetchResultKind::kStore:
      return "store";
    case FetchResultKind::kCount:
      break;
  }
  return "unknown";
}

FetchResultKind ClassifyFetch(const storage::FetchOutcome& outcome, long http_status) {
  if (outcome.status == storage::FeedStatus::kGone) return FetchResultKind::kGone;
  if (outcome.status == storage::FeedStatus::kError) {
    switch (outcome.stage) {
      case storage::FetchStage::kPolicy:
        return FetchResultKind::kPolicy;
      case storage::FetchStage::kDns:
        return FetchResultKind::kDns;
      case storage::FetchStage::kConnect:
        return FetchResultKind::kConnect;
      case storage::FetchStage::kTls:
        return FetchResultKind::kTls;
      case storage::FetchStage::kNotAFeed:
        return FetchResultKind::kNotAFeed;
      case storage::FetchStage::kParse:
        return FetchResultKind::kParse;
      case storage::FetchStage::kStore:
        return FetchResultKind::kStore;
      case storage::FetchStage::kHttp:
      case storage::FetchStage::kNone:
        return FetchResultKind::kHttp;
    }
    return FetchResultKind::kHttp;
  }
  if (http_status == 304) return FetchResultKind::kNotModified;
  return FetchResultKind::kOk;
}

void Metrics::RecordTransfer(std::int64_t bytes, std::chrono::milliseconds elapsed) {
  if (bytes > 0) bytes_fetched_.fetch_add(static_cast<std::uint64_t>(bytes), kRelaxed);
  const double seconds = static_cast<double>(std::max<std::int64_t>(0, elapsed.count())) / 1000.0;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) -
      kLatencyBuckets.begin());
  latency_buckets_[bucket].fetch_add(1, kRelaxed);
  latency_sum_micros_.fetch_add(
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, elapsed.count())) * 1000, kRelaxed);
}

void Metrics::RecordFetchResult(FetchResultKind kind) {
  if (kind == FetchResultKind::kCount) return;
  fetches_[Index(kind)].fetch_add(1, kRelaxed);
}

void Metrics::RecordParseError() { parse_errors_.fetch_add(1, kRelaxed); }

void Metrics::RecordIngest(int inserted, int updated) {
  if (inserted > 0) entries_inserted_.fetch_add(static_cast<std::uint64_t>(inserted), kRelaxed);
  if (updated > 0) entries_updated_.fetch_add(static_cast<std::uint64_t>(updated), kRelaxed);
}

MetricsSnapshot Metrics::Snapshot() const {
  MetricsSnapshot copy;
  for (std::size_t i = 0; i < fetches_.size(); ++i) copy.fetches[i] = fetches_[i].load(kRelaxed);
  copy.bytes_fetched = bytes_fetched_.load(kRelaxed);
  copy.parse_errors = parse_errors_.load(kRelaxed);
  copy.entries_inserted = entries_inserted_.load(kRelaxed);
  copy.entries_updated = entries_updated_.load(kRelaxed);
  for (std::size_t i = 0; i < latency_buckets_.size(); ++i) {
    copy.latency_buckets[i] = latency_buckets_[i].load(kRelaxed);
  }
  copy.latency_sum_seconds = static_cast<double>(latency_sum_micros_.load(kRelaxed)) / 1e6;
  return copy;
}

std::string RenderPrometheus(const MetricsSnapshot& counters, const LiveGauges& gauges,
                             std::string_view version) {
  std::string out;
  Header(out, "feedd_build_info", "gauge", "feedd's version (always 1).");
  Sample(out, "feedd_build_info", "version=\"" + EscapeLabel(version) + "\"", "1");
  Header(out, "feedd_uptime_seconds", "gauge", "Seconds since feedd started.");
  Sample(out, "feedd_uptime_seconds", "", Number(gauges.uptime_seconds));

  Header(out, "feedd_fetches_total", "counter",
         "Feed fetches by outcome (not_modified / all = the 304 ratio).");
  for (std::size_t i = 0; i < counters.fetches.size(); ++i) {
    const auto label = FetchResultLabel(static_cast<FetchResultKind>(i));
    Sample(out, "feedd_fetches_total", "outcome=\"" + std::string(label) + "\"",
           std::to_string(counters.fetches[i]));
  }
  Header(out, "feedd_fetch_bytes_total", "counter",
         "Bytes received from feed servers (on the wire).");
  Sample(out, "feedd_fetch_bytes_total", "", std::to_string(counters.bytes_fetched));
  Header(out, "feedd_parse_errors_total", "counter",
         "Fetched bodies that were not a feed or could not be parsed.");
  Sample(out, "feedd_parse_errors_total", "", std::to_string(counters.parse_errors));
  Header(out, "feedd_entries_ingested_total", "counter",
         "Entries stored, new or updated in place.");
  Sample(out, "feedd_entries_ingested_total", "change=\"new\"",
         std::to_string(counters.entries_inserted));
  Sample(out, "feedd_entries_ingested_total", "change=\"updated\"",
         std::to_string(counters.entries_updated));

  Header(out, "feedd_fetch_duration_seconds", "histogram", "Time from request to last byte.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += counters.latency_buckets[i];
    Sample(out, "feedd_fetch_duration_seconds_bucket", "le=\"" + Number(kLatencyBuckets[i]) + "\"",
           std::to_string(cumulative));
  }
  cumulative += counters.latency_buckets.back();
  Sample(out, "feedd_fetch_duration_seconds_bucket", "le=\"+Inf\"", std::to_string(cumulative));
  Sample(out, "feedd_fetch_duration_seconds_sum", "", Number(counters.latency_sum_seconds));
  Sample(out, "feedd_fetch_duration_seconds_count", "", std::to_string(cumulative));

  Header(out, "feedd_scheduled_feeds", "gauge", "Feeds waiting in the scheduler's queue.");
  Sample(out, "feedd_scheduled_feeds", "", std::to_string(gauges.scheduled_feeds));
  Header(out, "feedd_updates_in_flight", "gauge", "Feed updates running (fetch, parse, store).");
  Sample(out, "feedd_updates_in_flight", "", std::to_string(gauges.updates_in_flight));
  Header(out, "feedd_fetches_in_flight", "gauge", "HTTP transfers running.");
  Sample(out, "feedd_fetches_in_flight", "", std::to_string(gauges.fetches_in_flight));
  Header(out, "feedd_fetches_queued", "gauge", "HTTP transfers waiting for a concurrency slot.");
  Sample(out, "feedd_fetches_queued", "", std::to_string(gauges.fetches_queued));
  return out;
}

HttpResponse MetricsResponse(std::string_view method, std::string text) {
  HttpResponse response;
  if (method != "GET" && method != "HEAD") {
    response.status = 405;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "only GET and HEAD are allowed on /metrics\n";
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  response.content_type = std::string(kPrometheusContentType);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = std::move(text);
  response.head_only = method == "HEAD";
  return response;
}

}  // namespace feedd::daemon
