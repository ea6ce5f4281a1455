// systemd integration pieces that are plain values: journal priorities and line format, the
// STATUS= line, the watchdog period.
#include <doctest/doctest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/io_context.hpp>
#include <sstream>

#include "log_setup.h"
#include "status_reporter.h"
#include "watchdog.h"

using namespace feedd::daemon;

TEST_CASE("log levels map to syslog priorities the journal understands") {
  CHECK(JournalPriority(spdlog::level::trace) == 7);
  CHECK(JournalPriority(spdlog::level::debug) == 7);
  CHECK(JournalPriority(spdlog::level::info) == 6);
  CHECK(JournalPriority(spdlog::level::warn) == 4);
  CHECK(JournalPriority(spdlog::level::err) == 3);
  CHECK(JournalPriority(spdlog::level::critical) == 2);
}

TEST_CASE("journal lines carry a <N> prefix and no timestamp; terminal lines a time and level") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::debug);
  ApplyLogFormat(logger, LogTarget::kJournal);
  logger.warn("feed {} failed", 3);
  logger.info("hello");
  logger.debug("details");
  CHECK(out.str() == "<4>feed 3 failed\n<6>hello\n<7>details\n");

  out.str("");
  ApplyLogFormat(logger, LogTarget::kTerminal);
  logger.error("boom");
  const std::string line = out.str();
  CHECK(line.size() > 24);
  CHECK(line[4] == '-');  // 2026-...
  CHECK(line.find("error boom\n") != std::string::npos);
}

TEST_CASE("the status line counts feeds, entries and failing feeds") {
  feedd::storage::StoreCounts counts;
  CHECK(FormatStatusLine(counts) == "0 feeds, 0 entries, 0 failing");
  counts.feeds = 1;
  counts.entries = 1;
  CHECK(FormatStatusLine(counts) == "1 feed, 1 entry, 0 failing");
  counts.feeds = 12;
  counts.entries = 3400;
  counts.failing_feeds = 2;
  CHECK(FormatStatusLine(counts) == "12 feeds, 3400 entries, 2 failing");
}

TEST_CASE("the watchdog pings at half systemd's interval, and not at all without one") {
  boost::asio::io_context io;
  const Watchdog off(io.get_executor(), std::nullopt);
  CHECK_FALSE(off.IsEnabled());
  const Watchdog on(io.get_executor(), std::chrono::microseconds(400'000));
  REQUIRE(on.IsEnabled());
  CHECK(on.Period() == std::chrono::microseconds(200'000));
}
