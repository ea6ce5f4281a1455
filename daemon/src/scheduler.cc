// The scheduler's timer loop and bookkeeping. Every co_spawn here has a completion handler
// that logs an escaped exception.
#include "scheduler.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lease_scheduler.h"

namespace feedd::daemon {
namespace {

storage::Timestamp Now() {
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

}  // namespace

Scheduler::Scheduler(boost::asio::any_io_executor executor, FeedUpdater& updater)
    : executor_(executor), updater_(updater), timer_(executor) {}

void Scheduler::Start() {
  if (leases_ != nullptr) {
    leases_->Start();
    return;
  }
  running_ = true;
  boost::asio::co_spawn(executor_, Loop(),
                        [](std::exception_ptr e) { LogEscaped(e, "scheduler loop ended"); });
}

void Scheduler::Stop() {
  if (leases_ != nullptr) leases_->Stop();
  running_ = false;
  timer_.cancel();
}

void Scheduler::Unschedule(storage::FeedId id) {
  auto found = due_.find(id);
  if (found == due_.end()) return;
  auto [begin, end] = queue_.equal_range(found->second);
  for (auto it = begin; it != end; ++it) {
    if (it->second == id) {
      queue_.erase(it);
      break;
    }
  }
  due_.erase(found);
}

int Scheduler::InFlight() const {
  return leases_ != nullptr ? leases_->InFlight() : static_cast<int>(in_flight_.size());
}

void Scheduler::Schedule(storage::FeedId id, storage::Timestamp due) {
  if (leases_ != nullptr) {
    // The store holds the schedule; "now" means fetch it now, under a lease.
    if (due <= Now()) {
      leases_->RefreshSoon(id);
    } else {
      leases_->Wake();
    }
    return;
  }
  Unschedule(id);
  queue_.emplace(due, id);
  due_[id] = due;
  if (queue_.begin()->second == id) timer_.cancel();  // a new earliest: re-arm the loop
}

void Scheduler::Remove(storage::FeedId id) { Unschedule(id); }  // leases: nothing kept here

boost::asio::awaitable<void> Scheduler::Loop() {
  using boost::asio::as_tuple;
  using boost::asio::use_awaitable;
  while (running_) {
    const auto now = Now();
    bool paused = false;
    while (!queue_.empty() && queue_.begin()->first <= now) {
      if (updater_.IsOffline()) {
        // Offline: one probe fetch per kProbeEvery; the rest wait in the queue, due.
        if (now < next_probe_) {
          paused = true;
          break;
        }
        next_probe_ = now + kProbeEvery;
      }
      const storage::FeedId id = queue_.begin()->second;
      Unschedule(id);
      Launch(id);
      if (updater_.IsOffline()) {
        paused = true;
        break;
      }
    }
    if (paused) {
      timer_.expires_at(next_probe_);
    } else if (queue_.empty()) {
      timer_.expires_at(boost::asio::system_timer::time_point::max());
    } else {
      timer_.expires_at(queue_.begin()->first);
    }
    co_await timer_.async_wait(as_tuple(use_awaitable));
  }
}

std::shared_ptr<Event> Scheduler::Launch(storage::FeedId id) {
  if (auto running = in_flight_.find(id); running != in_flight_.end()) return running->second;
  auto done = std::make_shared<Event>(executor_);
  in_flight_.emplace(id, done);
  boost::asio::co_spawn(executor_, RunUpdate(id, done), [this, id, done](std::exception_ptr e) {
    LogEscaped(e, "feed update failed");
    if (e) {
      // The update threw (a bug, not a feed problem): try again later rather than never.
      in_flight_.erase(id);
      done->Set();
      if (running_) Schedule(id, Now() + std::chrono::minutes(10));
    }
  });
  return done;
}

boost::asio::awaitable<void> Scheduler::RunUpdate(storage::FeedId id, std::shared_ptr<Event> done) {
  const UpdateResult result = co_await updater_.Update(id);
  in_flight_.erase(id);
  done->Set();
  if (!result.feed_exists || result.status == storage::FeedStatus::kGone || !running_) co_return;
  Schedule(id, result.next_fetch);
}

boost::asio::awaitable<void> Scheduler::RefreshNow(std::vector<storage::FeedId> ids) {
  if (leases_ != nullptr) {
    co_await leases_->RefreshNow(std::move(ids));
    co_return;
  }
  std::vector<std::shared_ptr<Event>> waits;
  waits.reserve(ids.size());
  for (const auto id : ids) {
    Unschedule(id);
    waits.push_back(Launch(id));
  }
  for (const auto& wait : waits) co_await wait->Wait();
}

}  // namespace feedd::daemon
