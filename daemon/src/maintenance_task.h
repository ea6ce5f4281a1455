// Background upkeep on the writer: runs the deferred story pass every second and soon after each
// ingest (merged outputs are consistent within a second), the full-text index once ingest has
// been quiet for two seconds (at least every 2 minutes during a long burst), hourly
// applies retention and lets SQLite refresh statistics and merge index segments, and hands free
// heap back to the system after heavy work. io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "feedd/storage/store.h"
#include "store_worker.h"

namespace feedd::daemon {

struct MaintenanceSettings {
  storage::RetentionPolicy retention;  // nothing set: retention deletes nothing
  std::chrono::milliseconds index_period{1000};
  std::chrono::seconds heavy_period{3600};  // retention and optimize
  std::chrono::seconds first_heavy{60};     // after start, when the first fetches are done
};

class MaintenanceTask {
 public:
  // `writer` must outlive the task; `cpu` runs the story pass's text work (the writer only
  // reads the batch and applies it); `on_entries_changed` runs on the io thread after the
  // story pass or the index took new entries or retention deleted some (outputs re-render).
  MaintenanceTask(boost::asio::any_io_executor executor, StoreWorker& writer,
                  boost::asio::any_io_executor cpu, std::function<void()> on_entries_changed);

  void Start(MaintenanceSettings settings);
  void Stop();
  // New entries were ingested: run the story pass and the index soon (kAfterIngest), not at
  // the next period, so merged outputs show them promptly. io thread.
  void Poke();
  // The passes failing now (story assignment, full-text index, retention, optimize), each
  // with its last error; empty when all work. io thread.
  std::map<std::string, std::string> Failing() const;
  // Applies from the next heavy pass (on reload).
  void SetRetention(storage::RetentionPolicy retention) { settings_.retention = retention; }

 private:
  boost::asio::awaitable<void> Loop();
  // Entries given their story (0 when none or on error).
  boost::asio::awaitable<int> DrainStories();
  // Entries indexed (0 when none or on error).
  boost::asio::awaitable<int> DrainIndex();
  boost::asio::awaitable<void> HeavyPass();
  // Returns the free memory glibc keeps in its arenas to the system (malloc_trim), after a
  // heavy pass, or once enough entries were ingested and indexed since the last time.
  void MaybeTrimHeap(bool heavy_pass_done);
  // Logs an error once per distinct message, and the recovery when it goes away.
  void Report(const std::string& what, const std::string& error);

  boost::asio::any_io_executor executor_;
  StoreWorker& writer_;
  boost::asio::any_io_executor cpu_;
  std::function<void()> on_entries_changed_;
  boost::asio::steady_timer timer_;
  MaintenanceSettings settings_;
  std::map<std::string, std::string> last_errors_;  // by what: the last error logged
  int indexed_since_trim_ = 0;
  std::chrono::steady_clock::time_point last_trim_ = std::chrono::steady_clock::now();
  bool running_ = false;
  bool waiting_ = false;  // Loop is waiting on timer_
  bool poked_ = false;    // Poke came while a pass ran: the next wait is short
  std::chrono::steady_clock::time_point last_ingest_{};  // the last Poke
  std::chrono::steady_clock::time_point last_index_{};   // the last index drain
};

// The retention policy from the storage settings; `keep_window` is the largest output
// window (entries a merged output still shows are never deleted).
storage::RetentionPolicy RetentionFrom(int keep_entries,
                                       std::optional<std::chrono::seconds> keep_age,
                                       std::optional<std::chrono::seconds> keep_window);

}  // namespace feedd::daemon
