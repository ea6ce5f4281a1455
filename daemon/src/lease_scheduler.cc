// The lease scheduler's loops: claim and launch, heartbeat and renewal, release on stop.
// Every co_spawn here has a completion handler that logs an escaped exception.
#include "lease_scheduler.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <random>

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;
using storage::FeedId;
using storage::Timestamp;

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

void LogEscaped(std::exception_ptr error, const char* what) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", what, e.what());
  }
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

std::string DefaultInstanceId() {
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%06x", random() & 0xffffffu);
  return HostName() + ":" + std::to_string(getpid()) + ":" + suffix;
}

LeaseScheduler::LeaseScheduler(asio::any_io_executor executor, FeedUpdater& updater,
                               StoreWorker& writer, LeaseSettings settings)
    : executor_(executor),
      updater_(updater),
      writer_(writer),
      settings_(std::move(settings)),
      timer_(executor),
      keep_alive_timer_(executor) {}

std::chrono::seconds LeaseScheduler::HeartbeatEvery() const {
  return std::clamp<std::chrono::seconds>(settings_.lease / 2, std::chrono::seconds(1),
                                          std::chrono::seconds(30));
}

void LeaseScheduler::Start() {
  running_ = true;
  started_ = Now();
  asio::co_spawn(executor_, KeepAlive(),
                 [](std::exception_ptr e) { LogEscaped(e, "lease heartbeat ended"); });
  asio::co_spawn(executor_, Loop(),
                 [](std::exception_ptr e) { LogEscaped(e, "lease loop ended"); });
}

void LeaseScheduler::Stop() {
  running_ = false;
  timer_.cancel();
  keep_alive_timer_.cancel();
}

void LeaseScheduler::Wake() {
  wake_pending_ = true;
  timer_.cancel();
}

void LeaseScheduler::RefreshSoon(FeedId id) {
  if (refresh_.empty()) refresh_asked_ = Now();  // the batch's earliest request
  refresh_.push_back(id);  // duplicates are harmless: making a feed due twice is once
  Wake();
}

storage::ClaimRequest LeaseScheduler::Request(int max) const {
  storage::ClaimRequest request;
  request.holder = settings_.holder;
  request.now = Now();
  request.lease = settings_.lease;
  request.max = max;
  request.per_host = settings_.per_host;
  if (settings_.per_host > 0) {
    // The fair share among live instances, rounded up so the budget can always be used.
    const int live = std::max(1, live_instances_);
    request.per_host_own = (settings_.per_host + live - 1) / live;
  }
  return request;
}

asio::awaitable<void> LeaseScheduler::Loop() {
  using asio::as_tuple;
  using asio::use_awaitable;
  while (running_) {
    wake_pending_ = false;
    const bool busy = co_await ClaimAndLaunch();
    if (!running_) break;
    const Timestamp now = Now();
    Timestamp wake = now + kMaxPoll;
    const bool slots_free = InFlight() < settings_.max_in_flight;
    if (slots_free && busy) {
      wake = now + std::chrono::seconds(1);  // due feeds left (host budget, locks): soon
    } else if (slots_free) {
      auto next = co_await writer_.Call(&storage::Store::NextDueTime);
      if (next && *next) {
        wake = std::clamp<Timestamp>(**next, now + std::chrono::seconds(1), now + kMaxPoll);
      }
    }
    // A full house waits for a fetch to end (Wake) or the bounded poll.
    if (wake_pending_ || !running_) continue;
    timer_.expires_at(wake);
    co_await timer_.async_wait(as_tuple(use_awaitable));
  }
}

asio::awaitable<bool> LeaseScheduler::ClaimAndLaunch() {
  if (!refresh_.empty()) {
    // Asked for now (a new feed, a refresh without waiting): made due in the store, so this
    // claim, or another instance's, takes them within the per-host budget.
    std::vector<FeedId> ids;
    ids.swap(refresh_);
    // Not "now": a feed another instance fetched since the request is served already.
    auto made = co_await writer_.Call(&storage::Store::MakeDue, ids, refresh_asked_);
    if (!made) spdlog::warn("refresh: {}", made.error().message);
  }
  int free = settings_.max_in_flight - InFlight();
  if (free <= 0) co_return false;
  if (updater_.IsOffline()) {
    // Offline: one probe fetch per kProbeEvery, as the single-instance scheduler does.
    const Timestamp now = Now();
    if (now < next_probe_) co_return false;
    next_probe_ = now + kProbeEvery;
    free = 1;
  }
  auto claimed = co_await writer_.Call(&storage::Store::ClaimDueFeeds, Request(free));
  if (!claimed) {
    if (!warned_) spdlog::warn("{} (retrying)", claimed.error().message);
    warned_ = true;
    co_return false;
  }
  warned_ = false;
  if (!running_) {
    // Stopped while claiming: hand the feeds straight back.
    std::vector<FeedId> ids;
    for (const auto& feed : *claimed) ids.push_back(feed.id);
    co_await writer_.Call(&storage::Store::ReleaseLeases, settings_.holder, ids);
    co_return false;
  }
  for (const auto& feed : *claimed) Launch(feed.id);
  co_return static_cast<int>(claimed->size()) >= free;
}

std::shared_ptr<Event> LeaseScheduler::Launch(FeedId id) {
  if (auto running = in_flight_.find(id); running != in_flight_.end()) return running->second;
  auto done = std::make_shared<Event>(executor_);
  in_flight_.emplace(id, done);
  asio::co_spawn(executor_, RunUpdate(id, done), [this, id, done](std::exception_ptr e) {
    LogEscaped(e, "feed update failed");
    if (e) {
      // A bug, not a feed problem: the lease expires and some instance tries again.
      in_flight_.erase(id);
      done->Set();
      Wake();
    }
  });
  return done;
}

asio::awaitable<void> LeaseScheduler::RunUpdate(FeedId id, std::shared_ptr<Event> done) {
  // RecordFetch (inside the update) ends the lease and sets the next due time.
  co_await updater_.Update(id);
  in_flight_.erase(id);
  done->Set();
  if (running_) Wake();
}

asio::awaitable<void> LeaseScheduler::RefreshNow(std::vector<FeedId> ids) {
  std::vector<std::shared_ptr<Event>> waits;
  std::vector<FeedId> wanted;
  for (const auto id : ids) {
    if (auto running = in_flight_.find(id); running != in_flight_.end()) {
      waits.push_back(running->second);
    } else {
      wanted.push_back(id);
    }
  }
  if (!wanted.empty()) {
    auto claimed = co_await writer_.Call(&storage::Store::ClaimFeeds, Request(0), wanted);
    if (!claimed) {
      spdlog::warn("refresh: {}", claimed.error().message);
    } else {
      for (const auto& feed : *claimed) waits.push_back(Launch(feed.id));
    }
  }
  for (const auto& wait : waits) co_await wait->Wait();
}

asio::awaitable<void> LeaseScheduler::KeepAlive() {
  using asio::as_tuple;
  using asio::use_awaitable;
  const std::string host = HostName();
  bool warned = false;
  while (running_) {
    const Timestamp now = Now();
    storage::InstanceInfo info{settings_.holder, host, getpid(), started_, now, 0};
    auto beat = co_await writer_.Call(&storage::Store::Heartbeat, info);
    if (!beat && !warned) spdlog::warn("{}", beat.error().message);
    warned = !beat;
    // Instances whose heartbeat is recent share each host's budget with this one.
    auto instances =
        co_await writer_.Call(&storage::Store::ListInstances, now, now - 3 * HeartbeatEvery());
    if (instances) live_instances_ = static_cast<int>(instances->size());
    std::vector<FeedId> ids;
    for (const auto& [id, event] : in_flight_) ids.push_back(id);
    if (!ids.empty()) {
      auto renewed = co_await writer_.Call(&storage::Store::RenewLeases, settings_.holder, ids,
                                           now + settings_.lease);
      if (!renewed) {
        spdlog::warn("{}", renewed.error().message);
      } else if (*renewed < static_cast<int>(ids.size())) {
        // Leases that ran out (the store was unreachable for a whole lease): another
        // instance may fetch those feeds too; the fetch in flight here still records.
        spdlog::warn("{} of {} leases in flight had expired",
                     ids.size() - static_cast<std::size_t>(*renewed), ids.size());
      }
    }
    if (!running_) break;
    keep_alive_timer_.expires_after(HeartbeatEvery());
    co_await keep_alive_timer_.async_wait(as_tuple(use_awaitable));
  }
}

asio::awaitable<void> LeaseScheduler::ReleaseAll() {
  auto released = co_await writer_.Call(&storage::Store::ReleaseLeases, settings_.holder,
                                        std::vector<FeedId>{});
  if (!released) {
    spdlog::warn("{}", released.error().message);
  } else if (*released > 0) {
    spdlog::info("released {} feed leases", *released);
  }
  auto removed = co_await writer_.Call(&storage::Store::RemoveInstance, settings_.holder);
  if (!removed) spdlog::warn("{}", removed.error().message);
}

}  // namespace feedd::daemon
