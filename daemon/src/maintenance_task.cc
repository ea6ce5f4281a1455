// The maintenance loop: story pass every second (at once after an ingest), the index drain
// once ingest is quiet, retention and optimize hourly, all on the writer StoreWorker so they
// queue behind (and never race) ingest; heap trims after both.
#include "maintenance_task.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace feedd::daemon {
namespace {

namespace asio = boost::asio;

// Entries indexed per writer call: ~0.3 s of tokenising here, so a fetch waiting for the
// writer never waits long; the loop goes on at once while a batch came back full.
constexpr int kIndexBatch = 2000;

// Entries given their story per writer call: text extraction, SimHash and the story lookup
// cost about what tokenising does, so the same ~0.3 s bound.
constexpr int kStoryBatch = 2000;

// After an ingest the loop runs this soon (not at once: the fetches of one scheduler tick
// finish together, and one pass then takes them all).
constexpr std::chrono::milliseconds kAfterIngest{100};

// The full-text index waits while ingests keep coming (a cold import, a large refresh): the
// fetches and the story pass (which merged outputs and `refresh --wait` wait for) get the
// CPU and the writer, and the index takes the backlog in large batches once ingest has been
// quiet for kIndexQuiet - or every kIndexMaxLag during a long burst, so search never lags
// further behind than that (and a search first indexes up to a second's worth itself). Two
// minutes, not 30 s: at 30 s a cold import of 10,000 feeds stopped half-way to index 150,000
// entries, 16 s in which the writer took no fetch (a 60 s import became 48 s without it).
constexpr std::chrono::seconds kIndexQuiet{2};
constexpr std::chrono::seconds kIndexMaxLag{120};

// Heap trims. glibc keeps memory freed by any thread in that thread's arena (fetch bodies,
// parse trees, SQLite pages the reader drops when the writer commits), and only gives back
// what sits at the top of an arena: the F-C7 soak measured 5.6 MiB resident that one
// malloc_trim(0) returned at once. Ingest is what churns the heap, so after this many entries
// indexed (a large first batch, or minutes of steady ingest) - at most once per kTrimMinGap,
// as a trim walks every arena under its lock - and after every heavy pass (retention deletes,
// optimize merges index segments).
constexpr int kTrimAfterIndexed = 1000;
constexpr std::chrono::seconds kTrimMinGap{60};

storage::Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

long long MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace

storage::RetentionPolicy RetentionFrom(int keep_entries,
                                       std::optional<std::chrono::seconds> keep_age,
                                       std::optional<std::chrono::seconds> keep_window) {
  storage::RetentionPolicy policy;
  if (keep_entries > 0) policy.max_entries = keep_entries;
  policy.max_age = keep_age;
  policy.keep_window = keep_window;
  return policy;
}

MaintenanceTask::MaintenanceTask(asio::any_io_executor executor, StoreWorker& writer,
                                 asio::any_io_executor cpu,
                                 std::function<void()> on_entries_changed)
    : executor_(executor),
      writer_(writer),
      cpu_(std::move(cpu)),
      on_entries_changed_(std::move(on_entries_changed)),
      timer_(executor) {}

void MaintenanceTask::Start(MaintenanceSettings settings) {
  if (running_) return;
  settings_ = settings;
  running_ = true;
  asio::co_spawn(executor_, Loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("maintenance: {}", e.what());
    }
  });
}

void MaintenanceTask::Stop() {
  running_ = false;
  timer_.cancel();
}

void MaintenanceTask::Poke() {
  if (!running_) return;
  last_ingest_ = std::chrono::steady_clock::now();
  const auto soon = last_ingest_ + kAfterIngest;
  if (!waiting_) {
    poked_ = true;  // a pass is running: the next wait is short
  } else if (timer_.expiry() > soon) {
    timer_.expires_at(soon);  // cancels the wait; Loop waits again, until `soon`
  }
}

std::map<std::string, std::string> MaintenanceTask::Failing() const {
  std::map<std::string, std::string> failing;
  for (const auto& [what, error] : last_errors_) {
    if (!error.empty()) failing.emplace(what, error);
  }
  return failing;
}

void MaintenanceTask::Report(const std::string& what, const std::string& error) {
  std::string& last = last_errors_[what];
  if (error.empty()) {
    if (!last.empty()) spdlog::info("maintenance: {} works again", what);
    last.clear();
    return;
  }
  if (error != last) spdlog::error("maintenance: {}: {}", what, error);
  last = error;
}

asio::awaitable<int> MaintenanceTask::DrainStories() {
  const auto start = std::chrono::steady_clock::now();
  int total = 0;
  while (running_) {
    // Read on the writer, the text and fingerprints on the CPU pool, then assign on the
    // writer: the text work runs beside the writer's other work instead of holding it.
    auto batch = co_await writer_.Call(&storage::Store::ReadPendingStories, kStoryBatch);
    if (!batch) {
      Report("story assignment", batch.error().message);
      break;
    }
    if (batch->empty()) break;
    const auto read = batch->size();
    auto prepare = [&entries = *batch] {
      for (auto& entry : entries) storage::PrepareStoryText(entry);
      return true;
    };
    co_await RunOn(cpu_, std::move(prepare));
    auto apply = [&entries = *batch](storage::Store& store) {
      return store.ApplyPendingStories(entries);
    };
    auto assigned = co_await writer_.Apply(std::move(apply));
    if (!assigned) {
      Report("story assignment", assigned.error().message);
      break;
    }
    Report("story assignment", "");
    total += *assigned;
    // A short batch was the end of the queue; a batch cut short by an entry that changed
    // since it was read goes round again with the next pass.
    if (read < static_cast<std::size_t>(kStoryBatch) || *assigned < static_cast<int>(read)) break;
  }
  if (total > 0)
    spdlog::debug("maintenance: story pass of {} entries in {} ms", total, MillisSince(start));
  co_return total;
}

asio::awaitable<int> MaintenanceTask::DrainIndex() {
  const auto start = std::chrono::steady_clock::now();
  int total = 0;
  while (running_) {
    auto indexed = co_await writer_.Call(&storage::Store::IndexPending, kIndexBatch);
    if (!indexed) {
      Report("full-text index", indexed.error().message);
      break;
    }
    Report("full-text index", "");
    total += *indexed;
    if (*indexed < kIndexBatch) break;
  }
  if (total > 0)
    spdlog::debug("maintenance: indexed {} entries in {} ms", total, MillisSince(start));
  co_return total;
}

void MaintenanceTask::MaybeTrimHeap(bool heavy_pass_done) {
  const auto now = std::chrono::steady_clock::now();
  const bool ingested = indexed_since_trim_ >= kTrimAfterIndexed && now - last_trim_ >= kTrimMinGap;
  if (!heavy_pass_done && !ingested) return;
  indexed_since_trim_ = 0;
  last_trim_ = now;
#if defined(__GLIBC__)
  const int released = malloc_trim(0);
  const auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - now);
  spdlog::debug("maintenance: heap trim ({}) {} in {} us",
                heavy_pass_done ? "heavy pass" : "ingest",
                released != 0 ? "returned memory" : "had nothing to return", took.count());
#endif
}

asio::awaitable<void> MaintenanceTask::HeavyPass() {
  const auto start = std::chrono::steady_clock::now();
  const storage::RetentionPolicy policy = settings_.retention;
  auto retained = co_await writer_.Call(&storage::Store::ApplyRetention, policy, Now());
  if (!retained) {
    Report("retention", retained.error().message);
  } else {
    Report("retention", "");
    if (retained->entries_deleted > 0) {
      spdlog::info("retention: {} entries and {} stories deleted", retained->entries_deleted,
                   retained->stories_deleted);
      if (on_entries_changed_) on_entries_changed_();
    }
  }
  auto optimized = co_await writer_.Call(&storage::Store::Optimize);
  Report("optimize", optimized ? std::string() : optimized.error().message);
  spdlog::debug("maintenance: retention and optimize in {} ms", MillisSince(start));
}

asio::awaitable<void> MaintenanceTask::Loop() {
  auto next_heavy = std::chrono::steady_clock::now() + settings_.first_heavy;
  while (running_) {
    // Stories first: the pass writes the text the index takes, and merged outputs show new
    // entries once assigned.
    const int assigned = co_await DrainStories();
    int indexed = 0;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ingest_ >= kIndexQuiet || now - last_index_ >= kIndexMaxLag) {
      indexed = co_await DrainIndex();
      last_index_ = now;
    }
    if ((assigned > 0 || indexed > 0) && on_entries_changed_) on_entries_changed_();
    indexed_since_trim_ += indexed;
    bool heavy = false;
    if (running_ && std::chrono::steady_clock::now() >= next_heavy) {
      co_await HeavyPass();
      next_heavy = std::chrono::steady_clock::now() + settings_.heavy_period;
      heavy = true;
    }
    MaybeTrimHeap(heavy);
    if (!running_) break;
    timer_.expires_after(poked_ ? kAfterIngest : settings_.index_period);
    poked_ = false;
    waiting_ = true;
    for (;;) {
      boost::system::error_code error;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
      // Aborted while running: Poke moved the expiry earlier; wait for the new one.
      if (error == asio::error::operation_aborted && running_) continue;
      break;
    }
    waiting_ = false;
  }
}

}  // namespace feedd::daemon
