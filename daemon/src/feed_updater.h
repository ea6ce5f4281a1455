// One feed's update: fetch (with validators) -> parse on the CPU pool -> store on the writer
// -> record the outcome. Failures are recorded with their stage, never thrown.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "curl_fetcher.h"
#include "feedd/storage/store.h"
#include "fetch_policy.h"
#include "metrics.h"
#include "offline_detector.h"
#include "store_batcher.h"
#include "store_worker.h"

namespace feedd::daemon {

struct UpdateResult {
  bool feed_exists = true;  // false: the feed was removed meanwhile
  storage::FeedStatus status = storage::FeedStatus::kOk;
  storage::Timestamp next_fetch{};
  int inserted = 0;
  int updated = 0;
};

// A feed's document names a title or site link other than the stored ones (ingest wrote
// them): its id, the new title, the new site link.
using FeedDescribedCallback = std::function<void(storage::FeedId, const std::optional<std::string>&,
                                                 const std::optional<std::string>&)>;

class FeedUpdater {
 public:
  // All references must outlive the updater (the Daemon owns them all).
  FeedUpdater(CurlFetcher& fetcher, StoreWorker& writer, boost::asio::any_io_executor cpu,
              ScheduleBounds bounds, std::function<void()> on_entries_changed,
              FeedDescribedCallback on_feed_described_anew);

  boost::asio::awaitable<UpdateResult> Update(storage::FeedId id);

  void SetBounds(ScheduleBounds bounds) { bounds_ = bounds; }
  // Counts fetches, bytes, parse errors and ingested entries there; `metrics` must outlive
  // the updater (the Daemon owns both). nullptr: no counting.
  void SetMetrics(Metrics* metrics) { metrics_ = metrics; }
  // Shutting down: fetches that end from now on are not recorded (an aborted fetch is not
  // the feed's fault).
  void Stop() { stopping_ = true; }

  // True while most fetches fail at the network stage (see offline_detector.h): the
  // scheduler then sends one probe at a time.
  bool IsOffline() const { return offline_.Offline(); }

  // The feed's recent redirects ("301 https://new.example/feed"), oldest first; kept in
  // memory only (lost on restart).
  std::vector<std::string> RedirectHistory(storage::FeedId id) const;

 private:
  // What the updater remembers of a feed between fetches (in memory; a restart forgets it,
  // and the next 200 relearns it).
  struct FeedMemory {
    ScheduleHints hints;                          // from the last parsed body
    std::optional<std::string> permanent_target;  // 301/308 target seen on the last fetch
    std::vector<std::string> redirect_history;    // newest last, bounded
    std::optional<std::size_t> body_hash;         // of the last parsed body ...
    std::string hashed_url;                       // ... fetched from this URL
    std::int64_t last_body_bytes = 0;             // on the wire, for "bytes saved" by 304s
  };
  // Records the fetch's redirects and decides whether a permanent one moves the feed now.
  void ApplyRedirects(FeedMemory& memory, const FetchResponse& response,
                      const storage::FeedRecord& feed, storage::FetchOutcome& outcome);

  std::unordered_map<storage::FeedId, FeedMemory> memory_;  // io thread only
  OfflineDetector offline_;
  CurlFetcher& fetcher_;
  StoreWorker& writer_;
  // The updater's store calls, grouped into one writer hop per batch; made at the first
  // Update, on the io thread's executor.
  std::optional<StoreBatcher> batch_;
  boost::asio::any_io_executor cpu_;
  ScheduleBounds bounds_;
  std::function<void()> on_entries_changed_;
  // The document's title or site link differs from the stored one (ingest wrote it).
  FeedDescribedCallback on_feed_described_anew_;
  bool stopping_ = false;
  Metrics* metrics_ = nullptr;
};

}  // namespace feedd::daemon
