// A Store connection with its own thread: every call on it runs there, one at a time. The
// daemon has one writer worker (SQLite's single writer) and one reader worker (WAL lets it
// read while the writer writes), so the io thread never waits on the disk.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "feedd/storage/store.h"
#include "run_on.h"

namespace feedd::daemon {

class StoreWorker {
 public:
  explicit StoreWorker(std::unique_ptr<storage::Store> store)
      : store_(std::move(store)), thread_(1) {}
  ~StoreWorker() { Close(); }
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Runs (store.*method)(args...) on the worker's thread; resumes the caller with its result.
  // Arguments are copied (wrap big ones in std::cref; the awaiting frame keeps them alive).
  // No lambda at the call site, so no g++ 12 double destruction (see run_on.h).
  template <typename Method, typename... Args>
  auto Call(Method method, Args&&... args) {
    storage::Store* store = store_.get();  // owned by this worker, which outlives its calls
    auto work = [store, method, ... copies = std::forward<Args>(args)]() mutable {
      return (store->*method)(copies...);
    };
    return RunOn(thread_.get_executor(), std::move(work));
  }

  // Runs fn(store) on the worker's thread; resumes the caller with its result. For running
  // several store calls in one hop (store_batcher.h). fn must not keep the reference.
  template <typename Fn>
  auto Apply(Fn fn) {
    storage::Store* store = store_.get();  // owned by this worker, which outlives its calls
    auto work = [store, fn = std::move(fn)]() mutable { return fn(*store); };
    return RunOn(thread_.get_executor(), std::move(work));
  }

  // Finishes queued work, joins the thread and closes the connection.
  void Close() {
    thread_.join();
    store_.reset();
  }

 private:
  std::unique_ptr<storage::Store> store_;
  boost::asio::thread_pool thread_;
};

}  // namespace feedd::daemon
