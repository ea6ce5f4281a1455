// systemd's STATUS= line ("12 feeds, 3400 entries, 1 failing"), refreshed periodically from
// the reader StoreWorker so the io loop never waits on SQLite. Lives on the io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>

#include "feedd/storage/store.h"
#include "store_worker.h"

namespace feedd::daemon {

// "12 feeds, 3400 entries, 1 failing".
std::string FormatStatusLine(const storage::StoreCounts& counts);

class StatusReporter {
 public:
  // `reader` must outlive the reporter (the Daemon owns both).
  StatusReporter(boost::asio::any_io_executor executor, StoreWorker& reader,
                 std::chrono::seconds period);
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;

  // Sends a status now and then every period until Stop().
  void Start();
  // Sends a fresh status soon (after a reload, for instance).
  void RefreshSoon();
  void Stop();

 private:
  boost::asio::awaitable<void> Loop();

  boost::asio::any_io_executor executor_;
  StoreWorker& reader_;
  std::chrono::seconds period_;
  boost::asio::steady_timer timer_;
  bool running_ = false;
};

}  // namespace feedd::daemon
