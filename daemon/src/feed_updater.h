// One feed's update: fetch (with validators) -> parse on the CPU pool -> store on the writer
// -> record the outcome. Failures are recorded with their stage, never thrown.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>

#include "curl_fetcher.h"
#include "fetch_policy.h"
#include "feedd/storage/store.h"
#include "store_worker.h"

namespace feedd::daemon {

struct UpdateResult {
  bool feed_exists = true;   // false: the feed was removed meanwhile
  storage::FeedStatus status = storage::FeedStatus::kOk;
  storage::Timestamp next_fetch{};
  int inserted = 0;
  int updated = 0;
};

class FeedUpdater {
 public:
  // All references must outlive the updater (the Daemon owns them all).
  FeedUpdater(CurlFetcher& fetcher, StoreWorker& writer, boost::asio::any_io_executor cpu,
              ScheduleBounds bounds, std::function<void()> on_entries_changed);

  boost::asio::awaitable<UpdateResult> Update(storage::FeedId id);

  void SetBounds(ScheduleBounds bounds) { bounds_ = bounds; }
  // Shutting down: fetches that end from now on are not recorded (an aborted fetch is not
  // the feed's fault).
  void Stop() { stopping_ = true; }

 private:
  CurlFetcher& fetcher_;
  StoreWorker& writer_;
  boost::asio::any_io_executor cpu_;
  ScheduleBounds bounds_;
  std::function<void()> on_entries_changed_;
  bool stopping_ = false;
};

}  // namespace feedd::daemon
