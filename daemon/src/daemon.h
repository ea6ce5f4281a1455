// The daemon: owns and connects the parts, and does nothing else. Construction order is
// declaration order; destruction runs in reverse: servers and the scheduler go before the
// fetcher, the fetcher before the store workers, and the io_context last of all, so no
// handler outlives what it points to.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>

#include "control_api.h"
#include "curl_fetcher.h"
#include "entry_stream.h"
#include "feed_updater.h"
#include "feedd/base/result.h"
#include "feedd/config/config.h"
#include "http_server.h"
#include "lease_scheduler.h"
#include "maintenance_task.h"
#include "metrics.h"
#include "output_service.h"
#include "public_api.h"
#include "scheduler.h"
#include "status_reporter.h"
#include "store_worker.h"
#include "watchdog.h"

namespace feedd::daemon {

// Process exit codes (sysexits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitIoError = 74;
inline constexpr int kExitConfig = 78;

struct StartupError {
  int exit_code = kExitIoError;
  std::string message;
};

class Daemon {
 public:
  // Opens the database, binds the sockets and loads the feeds; nothing runs yet.
  static std::unique_ptr<Daemon> Create(config::Config config, StartupError& error);
  ~Daemon();

  // Runs until SIGTERM/SIGINT; SIGHUP reloads `config_path`. Returns the exit code.
  int Run();

 private:
  explicit Daemon(config::Config config, std::unique_ptr<storage::Store> writer,
                  std::unique_ptr<storage::Store> reader);
  Result<void> Listen();
  // The store is shared with other instances (PostgreSQL): fetch due feeds under leases.
  void ShareWork();
  // The Prometheus text of /metrics: counters and live gauges (control socket, public).
  std::string RenderMetrics();
  // The public listener: /metrics when http.metrics is on, else the public API's routes.
  boost::asio::awaitable<HttpResponse> HandlePublic(HttpRequest request);
  boost::asio::awaitable<void> LoadFeeds();
  void WaitForSignal();
  void Reload();
  // Retention from the running config (storage.keep_*, the largest output window).
  storage::RetentionPolicy Retention() const;
  void BeginShutdown();

  config::Config config_;
  std::chrono::steady_clock::time_point started_;
  Metrics metrics_;  // recorded by the updater, read by /metrics
  boost::asio::io_context io_;
  boost::asio::thread_pool cpu_;
  StoreWorker writer_;
  StoreWorker reader_;
  CurlFetcher fetcher_;
  OutputService outputs_;
  FeedUpdater updater_;
  Scheduler scheduler_;
  std::unique_ptr<LeaseScheduler> leases_;  // set by ShareWork; the scheduler forwards to it
  EntryStream entry_stream_;
  MaintenanceTask maintenance_;  // index drain, retention, optimize on the writer
  ControlApi control_api_;
  PublicApi public_api_;
  std::unique_ptr<HttpServer> control_server_;
  std::unique_ptr<HttpServer> public_server_;
  Watchdog watchdog_;      // systemd WATCHDOG=1 from this loop
  StatusReporter status_;  // systemd STATUS= via the reader worker
  boost::asio::signal_set signals_;
  bool stopping_ = false;
};

}  // namespace feedd::daemon
