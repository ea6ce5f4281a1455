// New entries as a stream for `feedctl follow` (GET /v1/entries/stream, Server-Sent Events).
// EntryStream is told after every ingest (Notify); each follower holds a Subscription and,
// when woken, reads entries newer than its cursor from the reader worker. The number of
// followers is bounded; dropping a Subscription releases everything. Lives on the io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>

#include "feedd/storage/store.h"
#include "http_types.h"
#include "store_worker.h"

namespace feedd::daemon {

class EntryStream {
 public:
  // The state followers share with the stream; kept alive by both, so a follower whose
  // connection outlives the daemon's parts never touches freed memory.
  struct Hub;

  class Subscription {
   public:
    Subscription(std::shared_ptr<Hub> hub, boost::asio::any_io_executor executor);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // Returns true when entries may have changed since the last call, false after `timeout`
    // or Cancel().
    boost::asio::awaitable<bool> WaitForChange(std::chrono::milliseconds timeout);
    void Cancel();

   private:
    std::shared_ptr<Hub> hub_;
    boost::asio::steady_timer timer_;
    std::uint64_t seen_ = 0;
    bool cancelled_ = false;
  };

  EntryStream(boost::asio::any_io_executor executor, int max_followers);

  // Entries were stored: wakes every follower.
  void Notify();
  // nullptr when `max_followers` are already following.
  std::unique_ptr<Subscription> Subscribe();
  int Followers() const;

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<Hub> hub_;
};

// A Server-Sent Events body: "id: N\nevent: entry\ndata: {json}\n\n" per new entry, oldest
// first, starting after entry `after` (nullopt: after the newest one stored now); a comment
// line every `heartbeat` so dead clients are found. `reader` must outlive the body (the
// Daemon owns both).
std::shared_ptr<BodyStream> MakeFollowBody(std::unique_ptr<EntryStream::Subscription> subscription,
                                           StoreWorker& reader,
                                           std::optional<storage::EntryId> after,
                                           std::chrono::milliseconds heartbeat);

}  // namespace feedd::daemon
