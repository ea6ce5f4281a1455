// OutputService's side effects after entries change: the public folder (atomic renames, so a
// static server or a crash only ever leaves complete files) and WebSub publish pings.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output_service.h"
#include "run_on.h"

namespace feedd::daemon {
namespace {

// Writes `bytes` to dir/name through a temporary file, fsync and rename(2), so readers of the
// folder only ever see a complete old or a complete new file.
Result<void> WriteAtomically(const std::filesystem::path& dir, const std::string& name,
                             const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail("create " + dir.string() + ": " + ec.message());
  const auto final_path = dir / name;
  const auto temp_path = dir / ("." + name + ".tmp");
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail("open " + temp_path.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string cause = std::strerror(errno);
      ::close(fd);
      ::unlink(temp_path.c_str());
      return Fail("write " + temp_path.string() + ": " + cause);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp_path.c_str());
    return Fail("sync " + temp_path.string() + ": " + std::strerror(errno));
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    ::unlink(temp_path.c_str());
    return Fail("rename to " + final_path.string() + ": " + std::strerror(errno));
  }
  return Ok();
}

// Temporary files a killed writer left (".NAME.atom.tmp"), in `dir` and its archive folders.
// Only this writer makes them, and it runs one at a time, so none is in use here.
void RemoveStaleTemporaries(const std::filesystem::path& dir) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() > 2) {
      it.disable_recursion_pending();
      continue;
    }
    const std::string name = it->path().filename().string();
    if (name.size() > 5 && name.front() == '.' && name.ends_with(".tmp") &&
        it->is_regular_file(ec)) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

// A cold import makes thousands of complete archive pages; writing them while ingests keep
// coming took a fifth of the import's CPU away from fetching. They wait until ingest has been
// quiet this long, or at most kArchiveMaxLag (pages never change once complete, and readers
// reach them from the current document, which is rewritten meanwhile).
constexpr std::chrono::seconds kArchiveQuiet{2};
constexpr std::chrono::minutes kArchiveMaxLag{5};

constexpr OutputFormat kFeedFormats[] = {OutputFormat::kAtom, OutputFormat::kRss,
                                         OutputFormat::kJson};

}  // namespace

boost::asio::awaitable<void> OutputService::WriteFile(
    std::filesystem::path dir, std::string file, std::shared_ptr<const RenderedOutput> rendered) {
  // The rendering is immutable and shared: the writer reads it where it is.
  std::chrono::steady_clock::duration took{};
  auto write = [&dir, &file, &rendered, &took]() {
    const auto start = std::chrono::steady_clock::now();
    auto done = WriteAtomically(dir, file, rendered->body());
    took = std::chrono::steady_clock::now() - start;
    return done;
  };
  auto written = co_await RunOn(cpu_, std::move(write));
  work_time_ += took;
  if (!written) spdlog::error("outputs: {}", written.error().message);
}

boost::asio::awaitable<void> OutputService::WriteFiles() {
  // One writer at a time (they share temporary file names); a request that arrives while
  // writing schedules another pass when this one ends, spaced like any other (going round at
  // once kept the writer busy for a whole cold import: an eighth of its CPU).
  if (writing_) {
    rewrite_pending_ = true;
    co_return;
  }
  writing_ = true;
  rewrite_pending_ = false;
  const auto started = std::chrono::steady_clock::now();
  const auto work_before = work_time_;
  // Archive pages wait while ingests keep coming (see kArchiveQuiet). Begun in a quiet spell,
  // they stop when ingest comes back and the next quiet pass writes the rest; begun because
  // they lagged too long, they go on to the end.
  const bool quiet = started - last_ingest_ >= kArchiveQuiet;
  const bool archives_now = quiet || started - last_archive_pass_ >= kArchiveMaxLag;
  if (archives_now) last_archive_pass_ = started;
  bool archives_left = !archives_now && !settings_.public_dir.empty();
  auto ingest_came_back = [this, quiet, started]() { return quiet && last_ingest_ > started; };
  {
    const auto dir = settings_.public_dir;
    const std::string hub = settings_.websub_hub;
    if (!dir.empty()) {
      auto clean = [dir]() {
        RemoveStaleTemporaries(dir);
        return true;
      };
      co_await RunOn(cpu_, std::move(clean));
    }
    // Copies: a reload may replace settings_ while this coroutine waits.
    const std::vector<config::OutputConfig> outputs = settings_.outputs;
    const std::string base_url = settings_.base_url;
    for (const auto& output : outputs) {
      std::vector<std::string> changed_topics;
      for (const auto format : kFeedFormats) {
        auto rendered = co_await Get(output.name, format);
        if (!rendered) continue;
        // WebSub: the first look only records; later changes of the bytes are published.
        auto& seen = seen_etags_[{output.name, format}];
        if (!seen.empty() && seen != rendered->etag() && !base_url.empty()) {
          changed_topics.push_back(base_url + OutputPath(output.name, format, std::nullopt));
        }
        seen = rendered->etag();
        if (dir.empty()) continue;
        co_await WriteFile(dir, output.name + "." + OutputExtension(format), rendered);
      }
      if (!hub.empty() && !changed_topics.empty()) websub_.Publish(hub, changed_topics);
      if (dir.empty() || !archives_now || archives_left) continue;
      if (ingest_came_back()) {
        archives_left = true;
        continue;
      }
      // Archive pages never change once complete: write the ones not on disk yet.
      auto pages = co_await ArchivePages(output);
      if (!pages) {
        spdlog::error("output {}: {}", output.name, pages.error().message);
        continue;
      }
      const auto archive_dir = dir / output.name / "archive";
      ArchiveRun run;
      run.full_pages = *pages;
      // Looked up anew after each wait: a reload may clear the map meanwhile, and then ends
      // read under the old selection must not be recorded.
      const std::uint64_t ends_epoch = archive_file_ends_epoch_;
      auto page_end = [this, &output](std::int64_t page) -> std::optional<storage::EntryId> {
        const auto ends = archive_file_ends_.find(output.name);
        if (ends == archive_file_ends_.end()) return std::nullopt;
        const auto end = ends->second.find(page);
        if (end == ends->second.end()) return std::nullopt;
        return end->second;
      };
      for (std::int64_t page = 0; page < *pages && !archives_left; ++page) {
        if (ingest_came_back()) {
          archives_left = true;
          break;
        }
        for (const auto format : kFeedFormats) {
          const std::string file = std::to_string(page) + "." + OutputExtension(format);
          std::error_code ec;
          if (std::filesystem::exists(archive_dir / file, ec)) continue;
          if (run.after_page != page - 1) {
            if (auto known = page_end(page - 1)) {
              run.after = known;
              run.after_page = page - 1;
            }
          }
          auto rendered = co_await RenderArchiveForFile(output.name, format, page, run);
          if (!rendered) continue;
          if (run.after_page == page && run.after && ends_epoch == archive_file_ends_epoch_) {
            archive_file_ends_[output.name][page] = *run.after;
          }
          co_await WriteFile(archive_dir, file, rendered);
        }
      }
    }
  }
  writing_ = false;
  last_write_took_ = work_time_ - work_before;
  spdlog::debug("outputs: files written, {} ms of work{}",
                std::chrono::duration_cast<std::chrono::milliseconds>(last_write_took_).count(),
                archives_left ? "; archive pages wait for ingest to be quiet" : "");
  // Again for what changed meanwhile, and until ingest is quiet and the archives are written.
  if (rewrite_pending_ || archives_left) ScheduleWrite();
}

}  // namespace feedd::daemon
