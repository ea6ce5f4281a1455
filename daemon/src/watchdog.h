// systemd's watchdog: WATCHDOG=1 from the io_context loop every half interval, so a loop
// that is stuck (or starved) stops pinging and systemd restarts feedd. Lives on the io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>

namespace feedd::daemon {

class Watchdog {
 public:
  // `interval`: what systemd expects (WatchdogInterval()); nullopt makes this do nothing.
  Watchdog(boost::asio::any_io_executor executor,
           std::optional<std::chrono::microseconds> interval);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Pings at once, then every interval / 2 while the loop runs.
  void Start();
  // Stops pinging (shutdown: systemd's stop timeout applies from STOPPING=1 on).
  void Stop();

  bool IsEnabled() const { return period_.has_value(); }
  std::optional<std::chrono::microseconds> Period() const { return period_; }

 private:
  void Arm();

  boost::asio::steady_timer timer_;
  std::optional<std::chrono::microseconds> period_;
  bool running_ = false;
};

}  // namespace feedd::daemon
