// What a fetch means for a feed: pure decisions over values (status -> outcome, next due
// time, backoff), tested without sockets. The feed updater applies them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

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
};

struct FetchDecision {
  NextStep next = NextStep::kRecordOnly;
  storage::FetchOutcome outcome;  // to record (for kParse: provisional, until parsed and stored)
};

// `jitter` in [0, 1) spreads due times: the interval is stretched by up to 10% of it.
FetchDecision DecideAfterFetch(const FetchResponse& response, const storage::FeedRecord& feed,
                               storage::Timestamp now, const ScheduleBounds& bounds,
                               double jitter);

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
