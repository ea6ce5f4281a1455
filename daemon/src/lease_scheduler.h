// When several feedd instances share one PostgreSQL store: which feeds this instance fetches.
// Due feeds are claimed from the store in batches up to the free fetch slots (a lease per
// feed), leases of fetches in flight are renewed every half lease, and the loop wakes at the
// store's next due time (at most kMaxPoll later, since other instances add and refresh feeds)
// or when a fetch ends. On stop every lease is released. Lives on the io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "event.h"
#include "feed_updater.h"
#include "feedd/storage/store.h"
#include "store_worker.h"

namespace feedd::daemon {

struct LeaseSettings {
  std::string holder;               // this instance's id (storage.instance or derived)
  std::chrono::seconds lease{120};  // storage.lease
  int max_in_flight = 32;           // fetch.concurrency
  int per_host = 2;                 // fetch.per_host, held across all instances
};

// "host:pid:random": unique per process even when pids repeat across machines or restarts.
std::string DefaultInstanceId();

class LeaseScheduler {
 public:
  // `updater` and `writer` must outlive the scheduler (the Daemon owns them all).
  LeaseScheduler(boost::asio::any_io_executor executor, FeedUpdater& updater, StoreWorker& writer,
                 LeaseSettings settings);

  // Starts the claim loop and the heartbeat/renewal loop.
  void Start();
  // Stops claiming; fetches in flight finish on their own. Then call ReleaseAll.
  void Stop();
  // Drops every lease this instance holds and its heartbeat row (clean shutdown).
  boost::asio::awaitable<void> ReleaseAll();

  // Something may have become due (a feed added here): claim soon.
  void Wake();
  // Fetch this feed soon without waiting (a refresh without wait, a new feed): it is made
  // due in the store and claimed like any due feed, by this instance or another.
  void RefreshSoon(storage::FeedId id);
  // Claims these feeds (due or not) and fetches them; returns when they are done. Feeds
  // another instance holds now are left to it (it is fetching them).
  boost::asio::awaitable<void> RefreshNow(std::vector<storage::FeedId> ids);

  void SetPerHost(int per_host) { settings_.per_host = per_host; }
  int InFlight() const { return static_cast<int>(in_flight_.size()); }
  const LeaseSettings& settings() const { return settings_; }
  // How often the heartbeat row is written (and leases renewed): half the lease, 1..30 s.
  std::chrono::seconds HeartbeatEvery() const;

  static constexpr std::chrono::seconds kMaxPoll{5};

 private:
  boost::asio::awaitable<void> Loop();
  boost::asio::awaitable<void> KeepAlive();
  // Claims and launches what fits in the free slots; returns true when the slots are full
  // or due feeds are left that this claim could not take (look again soon).
  boost::asio::awaitable<bool> ClaimAndLaunch();
  std::shared_ptr<Event> Launch(storage::FeedId id);
  boost::asio::awaitable<void> RunUpdate(storage::FeedId id, std::shared_ptr<Event> done);
  storage::ClaimRequest Request(int max) const;

  boost::asio::any_io_executor executor_;
  FeedUpdater& updater_;
  StoreWorker& writer_;
  LeaseSettings settings_;
  boost::asio::system_timer timer_;
  boost::asio::system_timer keep_alive_timer_;
  std::unordered_map<storage::FeedId, std::shared_ptr<Event>> in_flight_;
  std::vector<storage::FeedId> refresh_;  // asked for by RefreshSoon, not yet made due
  storage::Timestamp refresh_asked_{};    // when the first feed in refresh_ was asked for
  storage::Timestamp started_{};
  storage::Timestamp next_probe_{};  // offline: one probe fetch per kProbeEvery
  int live_instances_ = 1;           // from the heartbeat: splits each host's budget fairly
  bool running_ = false;
  bool wake_pending_ = false;
  bool warned_ = false;  // a failing claim is logged once until a claim works again
  static constexpr std::chrono::seconds kProbeEvery{30};
};

}  // namespace feedd::daemon
