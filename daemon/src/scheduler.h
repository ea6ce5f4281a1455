// When each feed is fetched. One system_timer set to the earliest due time drives it (no
// sleep-and-poll); a feed is never fetched twice at once; `RefreshNow` lets callers fetch
// feeds immediately and wait until those fetches end. Lives on the io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/system_timer.hpp>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "event.h"
#include "feed_updater.h"
#include "feedd/storage/store.h"

namespace feedd::daemon {

class LeaseScheduler;

class Scheduler {
 public:
  // `updater` must outlive the scheduler.
  Scheduler(boost::asio::any_io_executor executor, FeedUpdater& updater);

  // Starts the timer loop.
  void Start();
  // Stops scheduling; fetches in flight finish on their own.
  void Stop();

  // (Re)schedules a feed at `due` (now or in the past: as soon as possible).
  void Schedule(storage::FeedId id, storage::Timestamp due);
  void Remove(storage::FeedId id);

  // Fetches these feeds now (those already in flight are joined, not restarted) and returns
  // when all of them have finished.
  boost::asio::awaitable<void> RefreshNow(std::vector<storage::FeedId> ids);

  int InFlight() const;
  int Scheduled() const { return static_cast<int>(due_.size()); }

  // Several instances share the store (PostgreSQL): every call above goes to `leases`, which
  // claims due feeds from the store instead of keeping them here. Set before Start; nullptr
  // (the default, and always on SQLite) keeps the in-memory schedule.
  void UseLeases(LeaseScheduler* leases) { leases_ = leases; }
  LeaseScheduler* leases() const { return leases_; }

 private:
  boost::asio::awaitable<void> Loop();
  // Starts the feed's update unless it is running; returns its completion event.
  std::shared_ptr<Event> Launch(storage::FeedId id);
  boost::asio::awaitable<void> RunUpdate(storage::FeedId id, std::shared_ptr<Event> done);
  void Unschedule(storage::FeedId id);

  boost::asio::any_io_executor executor_;
  FeedUpdater& updater_;
  boost::asio::system_timer timer_;
  std::multimap<storage::Timestamp, storage::FeedId> queue_;
  std::unordered_map<storage::FeedId, storage::Timestamp> due_;
  std::unordered_map<storage::FeedId, std::shared_ptr<Event>> in_flight_;
  bool running_ = false;
  LeaseScheduler* leases_ = nullptr;
  // While the updater says the network is down, due feeds wait and one probe goes out per
  // kProbeEvery.
  static constexpr std::chrono::seconds kProbeEvery{30};
  storage::Timestamp next_probe_{};
};

}  // namespace feedd::daemon
