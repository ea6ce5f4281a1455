// One coroutine alternates a Counts() query on the reader worker with a timer; RefreshSoon
// only cuts the wait short, so two queries never overlap.
#include "status_reporter.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "systemd_notify.h"

namespace feedd::daemon {

std::string FormatStatusLine(const storage::StoreCounts& counts) {
  const auto plural = [](std::int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return plural(counts.feeds, "feed", "feeds") + ", " + plural(counts.entries, "entry", "entries") +
         ", " + std::to_string(counts.failing_feeds) + " failing";
}

StatusReporter::StatusReporter(boost::asio::any_io_executor executor, StoreWorker& reader,
                               std::chrono::seconds period)
    : executor_(executor), reader_(reader), period_(period), timer_(executor) {}

void StatusReporter::Start() {
  if (running_) return;
  running_ = true;
  boost::asio::co_spawn(executor_, Loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("status reporter ended: {}", e.what());
    }
  });
}

void StatusReporter::RefreshSoon() { timer_.cancel(); }

void StatusReporter::Stop() {
  running_ = false;
  timer_.cancel();
}

boost::asio::awaitable<void> StatusReporter::Loop() {
  while (running_) {
    auto counts = co_await reader_.Call(&storage::Store::Counts);
    if (!running_) break;
    NotifyStatus(counts ? FormatStatusLine(*counts)
                        : "status unavailable: " + counts.error().message);
    timer_.expires_after(period_);
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

}  // namespace feedd::daemon
