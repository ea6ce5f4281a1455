// Followers of new entries: a shared generation counter bumped by Notify, one timer per
// follower to sleep on, and the SSE body that turns new rows into events.
#include "entry_stream.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "json_views.h"

namespace feedd::daemon {

namespace asio = boost::asio;

struct EntryStream::Hub {
  std::uint64_t generation = 0;
  int followers = 0;
  int max_followers = 0;
  std::set<asio::steady_timer*> sleeping;
};

EntryStream::Subscription::Subscription(std::shared_ptr<Hub> hub, asio::any_io_executor executor)
    : hub_(std::move(hub)), timer_(std::move(executor)), seen_(hub_->generation) {
  ++hub_->followers;
}

EntryStream::Subscription::~Subscription() {
  hub_->sleeping.erase(&timer_);
  --hub_->followers;
}

asio::awaitable<bool> EntryStream::Subscription::WaitForChange(std::chrono::milliseconds timeout) {
  if (!cancelled_ && seen_ == hub_->generation) {
    timer_.expires_after(timeout);
    hub_->sleeping.insert(&timer_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    hub_->sleeping.erase(&timer_);
  }
  if (cancelled_ || seen_ == hub_->generation) co_return false;
  seen_ = hub_->generation;
  co_return true;
}

void EntryStream::Subscription::Cancel() {
  cancelled_ = true;
  timer_.cancel();
}

EntryStream::EntryStream(asio::any_io_executor executor, int max_followers)
    : executor_(std::move(executor)), hub_(std::make_shared<Hub>()) {
  hub_->max_followers = max_followers;
}

void EntryStream::Notify() {
  ++hub_->generation;
  for (auto* timer : hub_->sleeping) timer->cancel();
}

std::unique_ptr<EntryStream::Subscription> EntryStream::Subscribe() {
  if (hub_->followers >= hub_->max_followers) return nullptr;
  return std::make_unique<Subscription>(hub_, executor_);
}

int EntryStream::Followers() const { return hub_->followers; }

namespace {

// How many of the newest entries a wake-up looks at. Entries are listed newest first by
// date, so a new entry dated older than the newest kWindow ones is not streamed.
constexpr int kWindow = 1000;

class FollowBody final : public BodyStream {
 public:
  FollowBody(std::unique_ptr<EntryStream::Subscription> subscription, StoreWorker& reader,
             std::optional<storage::EntryId> after, std::chrono::milliseconds heartbeat)
      : subscription_(std::move(subscription)),
        reader_(reader),
        cursor_(after),
        heartbeat_(heartbeat) {}

  asio::awaitable<std::optional<std::string>> Next() override {
    for (;;) {
      if (cancelled_) co_return std::nullopt;
      if (!pending_.empty()) {
        std::string event = std::move(pending_.front());
        pending_.pop_front();
        co_return event;
      }
      if (!cursor_) {
        // Start after the newest entry stored now.
        cursor_ = 0;
        if (auto newest = co_await ReadNewest()) {
          for (const auto& entry : *newest) cursor_ = std::max(*cursor_, entry.id);
        } else {
          co_return std::nullopt;
        }
        co_return std::string("retry: 3000\n: following new entries\n\n");
      }
      const bool changed = co_await subscription_->WaitForChange(heartbeat_);
      if (cancelled_) co_return std::nullopt;
      if (!changed) co_return std::string(": keep-alive\n\n");
      auto newest = co_await ReadNewest();
      if (!newest) {
        co_return std::string("event: error\ndata: {\"error\":{\"code\":\"storage\",\"message\":") +
            nlohmann::json(newest.error().message).dump() + "}}\n\n";
      }
      std::vector<const storage::StoredEntry*> fresh;
      for (const auto& entry : *newest) {
        if (entry.id > *cursor_) fresh.push_back(&entry);
      }
      std::sort(fresh.begin(), fresh.end(), [](auto* a, auto* b) { return a->id < b->id; });
      for (const auto* entry : fresh) {
        const std::string data =
            EntryJson(*entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        pending_.push_back("id: " + std::to_string(entry->id) + "\nevent: entry\ndata: " + data +
                           "\n\n");
        cursor_ = std::max(*cursor_, entry->id);
      }
    }
  }

  void Cancel() override {
    cancelled_ = true;
    subscription_->Cancel();
  }

 private:
  asio::awaitable<Result<std::vector<storage::StoredEntry>>> ReadNewest() {
    storage::EntryQuery query;
    query.limit = kWindow;
    co_return co_await reader_.Call(&storage::Store::ListEntries, query);
  }

  std::unique_ptr<EntryStream::Subscription> subscription_;
  StoreWorker& reader_;
  std::optional<storage::EntryId> cursor_;
  std::chrono::milliseconds heartbeat_;
  std::deque<std::string> pending_;
  bool cancelled_ = false;
};

}  // namespace

std::shared_ptr<BodyStream> MakeFollowBody(std::unique_ptr<EntryStream::Subscription> subscription,
                                           StoreWorker& reader,
                                           std::optional<storage::EntryId> after,
                                           std::chrono::milliseconds heartbeat) {
  return std::make_shared<FollowBody>(std::move(subscription), reader, after, heartbeat);
}

}  // namespace feedd::daemon
