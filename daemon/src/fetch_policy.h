// What a fetch means for a feed: pure decisions over values (status -> outcome, next due
// time, backoff), tested without sockets. The feed updater applies them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "feedd/feeds/model.h"
#include "feedd/storage/store.h"
#include "fetch_types.h"

namespace feedd::daemon {

struct ScheduleBounds {
  std::chrono::seconds min_interval{600};
  std::chrono::seconds max_interval{86400};
};

enum class NextStep {
  kParse,        // a body to parse and store
  kNotModified,  // 304: nothing to parse or write
  kRecordOnly,   // a failure or 410: record the outcome, nothing to parse
  kDefer,        // not fetched (the host's Retry-After is in force): record nothing, come
                 // back at outcome.next_fetch; not the feed's failure
};

struct FetchDecision {
  NextStep next = NextStep::kRecordOnly;
  storage::FetchOutcome outcome;  // to record (for kParse: provisional, until parsed and stored)
};

// --- adaptive schedule (fetch_policy_schedule.cc; the formula is in docs/scheduling.md) ---

// What is known about a feed's rhythm: its own hints and its observed publishing rate.
struct ScheduleHints {
  std::optional<std::chrono::seconds> ttl;          // RSS <ttl>, or sy:updatePeriod/updateFrequency
  std::vector<int> skip_hours;                      // UTC hours 0-23 not to fetch in
  std::vector<int> skip_days;                       // 0 = Sunday .. 6 = Saturday
  std::optional<std::chrono::seconds> publish_gap;  // mean gap between the newest entries
  std::optional<storage::Timestamp> newest_entry;
  std::optional<std::chrono::seconds> user_interval;  // the user's fixed interval wins
};

// The user's fixed interval for the feed (`feedctl` per-feed interval), if any.
std::optional<std::chrono::seconds> FixedInterval(const storage::FeedRecord& feed);

// The hints of a parsed feed; entries dated in the future (beyond a day) are ignored.
ScheduleHints HintsFromFeed(const feeds::Feed& feed, storage::Timestamp now);

// How long the response says it stays fresh: Cache-Control max-age (none with no-cache or
// no-store), else Expires - now. nullopt when neither says anything usable.
std::optional<std::chrono::seconds> HttpFreshness(const FetchResponse& response,
                                                  storage::Timestamp now);

// The interval before jitter: publishing rate, floored by ttl and HTTP freshness, clamped to
// the bounds; the user's interval, when set, replaces all of it.
std::chrono::seconds AdaptiveInterval(const ScheduleHints& hints,
                                      std::optional<std::chrono::seconds> freshness,
                                      storage::Timestamp now, const ScheduleBounds& bounds);

// Moves `due` forward, hour by hour, out of skipHours/skipDays (UTC); unchanged when the hints
// skip every hour of the week.
storage::Timestamp AvoidSkipped(storage::Timestamp due, const ScheduleHints& hints);

// The next fetch after a success: now + AdaptiveInterval stretched by up to 10% (jitter in
// [0, 1)), then out of skipped hours.
storage::Timestamp NextAfterSuccess(storage::Timestamp now, const ScheduleBounds& bounds,
                                    const ScheduleHints& hints,
                                    std::optional<std::chrono::seconds> freshness, double jitter);

// `jitter` in [0, 1) spreads due times: the interval is stretched by up to 10% of it.
FetchDecision DecideAfterFetch(const FetchResponse& response, const storage::FeedRecord& feed,
                               storage::Timestamp now, const ScheduleBounds& bounds, double jitter);
// The same, scheduling successes with the feed's hints (what the updater calls).
FetchDecision DecideAfterFetch(const FetchResponse& response, const storage::FeedRecord& feed,
                               storage::Timestamp now, const ScheduleBounds& bounds,
                               const ScheduleHints& hints, double jitter);

// Where a permanent redirect moves the feed: the target of the leading run of 301/308 hops
// of this fetch (a 302/307 first, or no redirect: nullopt). The updater moves the stored
// URL only when the previous fetch reported the same target too.
std::optional<std::string> PermanentTarget(const FetchResponse& response);

// How a fetch counts for offline detection.
enum class NetworkEvidence { kReached, kNetworkFailure, kNone };
NetworkEvidence EvidenceOf(const FetchResponse& response);

// The outcome when the body could not be read as a feed.
storage::FetchOutcome ParseFailureOutcome(const std::string& error, bool looked_like_html,
                                          const storage::FeedRecord& feed, storage::Timestamp now,
                                          const ScheduleBounds& bounds, double jitter);

// When to try again after `failures` consecutive failures (1 = the first): exponential from
// min_interval, capped at max_interval; never stops for good on its own.
storage::Timestamp NextAfterFailure(int failures, storage::Timestamp now,
                                    const ScheduleBounds& bounds, double jitter);
storage::Timestamp NextAfterSuccess(storage::Timestamp now, const ScheduleBounds& bounds,
                                    double jitter);

// Retry-After as seconds ("120") or an HTTP-date; nullopt when unreadable.
std::optional<storage::Timestamp> ParseRetryAfter(const std::string& value, storage::Timestamp now);

// "Tue, 15 Nov 1994 08:12:31 GMT" (and the obsolete forms) -> time; nullopt when unreadable.
std::optional<storage::Timestamp> ParseHttpDate(const std::string& value);

}  // namespace feedd::daemon
