// A plain timer callback rather than a coroutine: the ping must come from the loop itself,
// and nothing else is sequenced here.
#include "watchdog.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "systemd_notify.h"

namespace feedd::daemon {

Watchdog::Watchdog(boost::asio::any_io_executor executor,
                   std::optional<std::chrono::microseconds> interval)
    : timer_(std::move(executor)) {
  if (interval && interval->count() > 0)
    period_ = std::max(*interval / 2, std::chrono::microseconds(1000));
}

void Watchdog::Start() {
  if (!period_ || running_) return;
  running_ = true;
  spdlog::info("systemd watchdog: pinging every {} ms", period_->count() / 1000);
  NotifyWatchdog();
  Arm();
}

void Watchdog::Stop() {
  running_ = false;
  timer_.cancel();
}

void Watchdog::Arm() {
  timer_.expires_after(*period_);
  // The timer is a member: the Daemon keeps this object alive as long as the io_context runs.
  timer_.async_wait([this](boost::system::error_code error) {
    if (error || !running_) return;
    NotifyWatchdog();
    Arm();
  });
}

}  // namespace feedd::daemon
