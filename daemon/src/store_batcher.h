// Groups the updater's store calls into one hop to the writer thread. A call made while a
// batch is on the writer waits for the next batch, so under load N feeds cost one pair of
// thread hand-offs instead of N (on a busy machine each hand-off waits for a time slice:
// that, not SQLite, was what a cycle of 1,000 304s spent its time on), and one commit
// (Store::RunGrouped). Lives on the io thread; the calls of one batch run in order, each as
// it would alone.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "event.h"
#include "feedd/storage/store.h"
#include "store_worker.h"

namespace feedd::daemon {

class StoreBatcher {
 public:
  // `writer` must outlive the batcher (the Daemon owns both).
  StoreBatcher(boost::asio::any_io_executor io, StoreWorker& writer)
      : io_(std::move(io)), writer_(writer) {}

  // Runs fn(store) on the writer in the next batch and returns its result.
  // REQUIRES: fn does not throw (store methods return Result values).
  template <typename R>
  boost::asio::awaitable<R> Run(std::function<R(storage::Store&)> fn) {
    std::optional<R> result;  // in this frame, suspended until the batch has run
    std::function<void(storage::Store&)> work =
        [&result, fn = std::move(fn)](storage::Store& store) { result.emplace(fn(store)); };
    co_await Enqueue(std::move(work));
    co_return std::move(*result);
  }

  std::size_t Batches() const { return batches_; }  // for tests: hops taken so far

 private:
  struct Item {
    std::function<void(storage::Store&)> work;
    std::shared_ptr<Event> done;
  };

  boost::asio::awaitable<void> Enqueue(std::function<void(storage::Store&)> work);
  boost::asio::awaitable<void> Drain();

  boost::asio::any_io_executor io_;
  StoreWorker& writer_;
  std::vector<Item> pending_;
  bool draining_ = false;
  std::size_t batches_ = 0;
};

}  // namespace feedd::daemon
