// The batch loop: one Drain coroutine at a time takes everything queued, runs it on the
// writer in one job and one transaction, wakes the waiters, and goes again while more has queued
// meanwhile.
#include "store_batcher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <exception>

namespace feedd::daemon {

boost::asio::awaitable<void> StoreBatcher::Enqueue(std::function<void(storage::Store&)> work) {
  auto done = std::make_shared<Event>(io_);
  pending_.push_back(Item{std::move(work), done});
  if (!draining_) {
    draining_ = true;
    boost::asio::co_spawn(io_, Drain(), [this](std::exception_ptr error) {
      if (!error) return;
      draining_ = false;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("store batch failed: {}", e.what());
      }
    });
  }
  co_await done->Wait();
}

boost::asio::awaitable<void> StoreBatcher::Drain() {
  while (!pending_.empty()) {
    std::vector<Item> batch = std::move(pending_);
    pending_.clear();
    ++batches_;
    std::vector<std::function<void(storage::Store&)>> calls;
    calls.reserve(batch.size());
    for (auto& item : batch) calls.push_back(std::move(item.work));
    // `calls` lives in this frame, suspended until the writer has run them: in one
    // transaction, so a batch of 1,000 fetch records is one commit (Store::RunGrouped).
    auto run = [&calls](storage::Store& store) {
      store.RunGrouped(calls);
      return true;
    };
    co_await writer_.Apply(std::move(run));
    for (auto& item : batch) item.done->Set();
  }
  draining_ = false;  // here, not in the completion handler: an Enqueue may come before it
}

}  // namespace feedd::daemon
