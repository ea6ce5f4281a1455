// Fetch outcomes and the schedule after them. A failing feed backs off exponentially but is
// never retired by errors alone (only 410 Gone retires it): feeds come back.
#include "fetch_policy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace feedd::daemon {
namespace {

using std::chrono::seconds;
using storage::FeedStatus;
using storage::FetchStage;
using storage::Timestamp;

seconds Stretch(seconds interval, double jitter) {
  const double clamped = std::clamp(jitter, 0.0, 1.0);
  return interval +
         seconds(static_cast<long long>(static_cast<double>(interval.count()) * 0.1 * clamped));
}

FetchStage StageOf(FetchFailure failure) {
  switch (failure) {
    case FetchFailure::kNone:
      return FetchStage::kNone;
    case FetchFailure::kPolicy:
      return FetchStage::kPolicy;
    case FetchFailure::kDns:
      return FetchStage::kDns;
    case FetchFailure::kConnect:
      return FetchStage::kConnect;
    case FetchFailure::kTls:
      return FetchStage::kTls;
    case FetchFailure::kHttp:
    case FetchFailure::kDeferred:
    case FetchFailure::kTooLarge:
      return FetchStage::kHttp;
  }
  return FetchStage::kHttp;
}

storage::FetchOutcome Failure(FetchStage stage, std::string error, int failures, Timestamp now,
                              const ScheduleBounds& bounds, double jitter) {
  storage::FetchOutcome outcome;
  outcome.at = now;
  outcome.status = FeedStatus::kError;
  outcome.stage = stage;
  outcome.error = std::move(error);
  outcome.next_fetch = NextAfterFailure(failures, now, bounds, jitter);
  return outcome;
}

}  // namespace

std::optional<seconds> FixedInterval(const storage::FeedRecord& feed) {
  if (!feed.interval_seconds || *feed.interval_seconds <= 0) return std::nullopt;
  return seconds(*feed.interval_seconds);
}

Timestamp NextAfterSuccess(Timestamp now, const ScheduleBounds& bounds, double jitter) {
  return now + Stretch(bounds.min_interval, jitter);
}

Timestamp NextAfterSuccess(Timestamp now, const ScheduleBounds& bounds, const ScheduleHints& hints,
                           std::optional<seconds> freshness, double jitter) {
  const Timestamp due = now + Stretch(AdaptiveInterval(hints, freshness, now, bounds), jitter);
  return hints.user_interval ? due : AvoidSkipped(due, hints);
}

Timestamp NextAfterFailure(int failures, Timestamp now, const ScheduleBounds& bounds,
                           double jitter) {
  const int doublings = std::clamp(failures - 1, 0, 30);
  const double factor = std::pow(2.0, doublings);
  const double wanted = static_cast<double>(bounds.min_interval.count()) * factor;
  const auto capped = seconds(
      static_cast<long long>(std::min(wanted, static_cast<double>(bounds.max_interval.count()))));
  return now + Stretch(capped, jitter);
}

std::optional<Timestamp> ParseHttpDate(const std::string& value) {
  std::tm parts{};
  // IMF-fixdate, then the obsolete RFC 850 and asctime forms (RFC 9110 5.6.7).
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S", "%a %b %d %H:%M:%S %Y"}) {
    parts = std::tm{};
    const char* end = strptime(value.c_str(), format, &parts);
    if (end != nullptr) {
      const time_t when = timegm(&parts);
      if (when == static_cast<time_t>(-1)) return std::nullopt;
      return Timestamp(seconds(when));
    }
  }
  return std::nullopt;
}

std::optional<Timestamp> ParseRetryAfter(const std::string& value, Timestamp now) {
  if (!value.empty() && std::all_of(value.begin(), value.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; })) {
    if (value.size() > 9) return now + std::chrono::hours(24 * 7);  // absurdly long: cap at a week
    return now + seconds(std::stoll(value));
  }
  return ParseHttpDate(value);
}

FetchDecision DecideAfterFetch(const FetchResponse& response, const storage::FeedRecord& feed,
                               Timestamp now, const ScheduleBounds& bounds, double jitter) {
  ScheduleHints hints;
  hints.user_interval = FixedInterval(feed);
  return DecideAfterFetch(response, feed, now, bounds, hints, jitter);
}

FetchDecision DecideAfterFetch(const FetchResponse& response, const storage::FeedRecord& feed,
                               Timestamp now, const ScheduleBounds& bounds,
                               const ScheduleHints& hints, double jitter) {
  FetchDecision decision;
  const int failures = feed.consecutive_failures + 1;
  if (response.failure == FetchFailure::kDeferred) {
    decision.next = NextStep::kDefer;
    decision.outcome.at = now;
    decision.outcome.status = feed.status;
    const Timestamp until = response.deferred_until
                                ? std::chrono::ceil<seconds>(*response.deferred_until)
                                : now + bounds.min_interval;
    // A little spread so the host's waiting feeds do not all come back in the same second.
    decision.outcome.next_fetch =
        std::max(until, now) + seconds(static_cast<long long>(60.0 * std::clamp(jitter, 0.0, 1.0)));
    return decision;
  }
  if (response.failure != FetchFailure::kNone) {
    decision.outcome =
        Failure(StageOf(response.failure), response.error, failures, now, bounds, jitter);
    if (response.http_status != 0)
      decision.outcome.http_status = static_cast<int>(response.http_status);
    return decision;
  }
  const long status = response.http_status;
  if (status == 304) {
    decision.next = NextStep::kNotModified;
    decision.outcome.at = now;
    decision.outcome.status = FeedStatus::kOk;
    decision.outcome.http_status = 304;
    decision.outcome.next_fetch =
        NextAfterSuccess(now, bounds, hints, HttpFreshness(response, now), jitter);
    return decision;
  }
  if (status >= 200 && status < 300) {
    decision.next = NextStep::kParse;
    decision.outcome.at = now;
    decision.outcome.status = FeedStatus::kOk;
    decision.outcome.http_status = static_cast<int>(status);
    // Validators verbatim, and only from a successful response.
    decision.outcome.etag = response.etag;
    decision.outcome.last_modified = response.last_modified;
    decision.outcome.next_fetch =
        NextAfterSuccess(now, bounds, hints, HttpFreshness(response, now), jitter);
    return decision;
  }
  if (status == 410) {
    decision.outcome.at = now;
    decision.outcome.status = FeedStatus::kGone;
    decision.outcome.stage = FetchStage::kHttp;
    decision.outcome.http_status = 410;
    decision.outcome.error = "410 Gone: the server says this feed is gone for good";
    decision.outcome.next_fetch = now + std::chrono::hours(24 * 365 * 100);
    return decision;
  }
  std::string error = "server answered HTTP " + std::to_string(status);
  decision.outcome = Failure(FetchStage::kHttp, error, failures, now, bounds, jitter);
  decision.outcome.http_status = static_cast<int>(status);
  if ((status == 429 || status == 503) && response.retry_after) {
    if (auto until = ParseRetryAfter(*response.retry_after, now)) {
      decision.outcome.next_fetch = std::max(decision.outcome.next_fetch, *until);
    }
  }
  return decision;
}

std::optional<std::string> PermanentTarget(const FetchResponse& response) {
  std::optional<std::string> target;
  for (const auto& hop : response.redirects) {
    if (hop.status != 301 && hop.status != 308) break;
    target = hop.location;
  }
  return target;
}

NetworkEvidence EvidenceOf(const FetchResponse& response) {
  switch (response.failure) {
    case FetchFailure::kDns:
    case FetchFailure::kConnect:
      return NetworkEvidence::kNetworkFailure;
    case FetchFailure::kNone:
    case FetchFailure::kTls:
    case FetchFailure::kTooLarge:
      return NetworkEvidence::kReached;
    case FetchFailure::kHttp:
      return response.http_status != 0 ? NetworkEvidence::kReached : NetworkEvidence::kNone;
    case FetchFailure::kPolicy:
    case FetchFailure::kDeferred:
      return NetworkEvidence::kNone;
  }
  return NetworkEvidence::kNone;
}

storage::FetchOutcome ParseFailureOutcome(const std::string& error, bool looked_like_html,
                                          const storage::FeedRecord& feed, Timestamp now,
                                          const ScheduleBounds& bounds, double jitter) {
  const FetchStage stage = looked_like_html ? FetchStage::kNotAFeed : FetchStage::kParse;
  std::string message = looked_like_html ? "server returned an HTML page, not a feed" : error;
  return Failure(stage, std::move(message), feed.consecutive_failures + 1, now, bounds, jitter);
}

}  // namespace feedd::daemon
