// Building OutputDocuments from storage rows, rendering and caching them, and writing files.
#include "output_service.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstring>
#include <random>
#include <unordered_map>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/url.h"
#include "run_on.h"

namespace feedd::daemon {
namespace {

using storage::Timestamp;

std::string BodyEtag(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a 64
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

const char* ContentType(OutputFormat format) {
  switch (format) {
    case OutputFormat::kAtom: return "application/atom+xml; charset=utf-8";
    case OutputFormat::kRss: return "application/rss+xml; charset=utf-8";
    case OutputFormat::kJson: return "application/feed+json; charset=utf-8";
    case OutputFormat::kHtml: return "text/html; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* Extension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kAtom: return "atom";
    case OutputFormat::kRss: return "rss";
    case OutputFormat::kJson: return "json";
    case OutputFormat::kHtml: return "html";
  }
  return "";
}

feeds::ItemOrigin OriginOf(const storage::StoredEntry& copy,
                           const std::unordered_map<storage::FeedId, storage::FeedRecord>& feeds) {
  feeds::ItemOrigin origin;
  if (auto found = feeds.find(copy.feed_id); found != feeds.end()) {
    origin.feed_title = found->second.DisplayTitle();
    origin.feed_url = found->second.url;
    origin.site_link = found->second.site_link;
  }
  if (copy.entry.link) origin.entry_link = feeds::StripTrackingParameters(*copy.entry.link);
  return origin;
}

// Writes `bytes` to dir/name through a temporary file and rename(2), so readers of the folder
// only ever see a complete old or a complete new file.
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

}  // namespace

std::optional<OutputFormat> OutputFormatFromExtension(std::string_view extension) {
  if (extension == "atom") return OutputFormat::kAtom;
  if (extension == "rss") return OutputFormat::kRss;
  if (extension == "json") return OutputFormat::kJson;
  if (extension == "html") return OutputFormat::kHtml;
  return std::nullopt;
}

OutputService::OutputService(boost::asio::any_io_executor io, boost::asio::any_io_executor cpu,
                             StoreWorker& reader, OutputSettings settings)
    : io_(io), cpu_(std::move(cpu)), reader_(reader), settings_(std::move(settings)),
      write_timer_(io) {}

void OutputService::Reconfigure(OutputSettings settings) {
  settings_ = std::move(settings);
  Invalidate();
}

void OutputService::SetBaseUrl(std::string base_url) {
  settings_.base_url = std::move(base_url);
  Invalidate();
}

void OutputService::Invalidate() {
  ++generation_;
  ScheduleWrite();
}

void OutputService::ScheduleWrite() {
  if (settings_.public_dir.empty() || write_scheduled_) return;
  write_scheduled_ = true;
  // Coalesce a burst of ingests into one rewrite.
  write_timer_.expires_after(std::chrono::seconds(1));
  write_timer_.async_wait([this](boost::system::error_code error) {
    write_scheduled_ = false;
    if (error) return;
    boost::asio::co_spawn(io_, WriteFiles(), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& what) {
        spdlog::error("outputs: writing files failed: {}", what.what());
      }
    });
  });
}

boost::asio::awaitable<Result<feeds::OutputDocument>> OutputService::Build(
    const config::OutputConfig& output) {
  auto feeds = co_await reader_.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return Unexpected(feeds.error());
  std::unordered_map<storage::FeedId, storage::FeedRecord> by_id;
  storage::OutputSelection selection;
  for (auto& feed : *feeds) {
    if (std::find(output.feeds.begin(), output.feeds.end(), feed.url) != output.feeds.end()) {
      selection.feeds.push_back(feed.id);
    }
    by_id.emplace(feed.id, std::move(feed));
  }
  if (!output.feeds.empty() && selection.feeds.empty()) selection.feeds.push_back(-1);  // none
  selection.tags = output.tags;
  selection.query = output.query;
  selection.limit = output.limit;
  selection.window = output.window;
  auto rows = co_await reader_.Call(&storage::Store::SelectOutput, selection);
  if (!rows) co_return Unexpected(rows.error());

  feeds::OutputDocument document;
  document.name = output.name;
  document.title = output.title.empty() ? output.name : output.title;
  const std::string base = settings_.base_url;
  document.id = base.empty() ? "urn:feedd:output:" + output.name
                             : base + "/feeds/" + output.name + ".atom";
  document.html_url = base.empty() ? "" : base + "/feeds/" + output.name + ".html";
  document.hub_url = settings_.websub_hub;
  document.updated = Timestamp{};
  for (auto& row : *rows) {
    feeds::OutputItem item;
    item.id = "urn:feedd:story:" + std::to_string(row.entry.story_id);
    item.published = row.entry.entry.published.value_or(row.entry.fetched);
    item.updated = row.entry.entry.updated.value_or(item.published);
    item.origin = OriginOf(row.entry, by_id);
    for (const auto& copy : row.also_in) item.also_in.push_back(OriginOf(copy, by_id));
    item.entry = std::move(row.entry.entry);
    // Readers of a merged feed get the article's link, not the campaign that syndicated it.
    if (item.entry.link) item.entry.link = feeds::StripTrackingParameters(*item.entry.link);
    document.updated = std::max(document.updated, item.updated);
    document.items.push_back(std::move(item));
  }
  co_return document;
}

boost::asio::awaitable<std::optional<RenderedOutput>> OutputService::Render(std::string name,
                                                                            OutputFormat format) {
  const auto found = std::find_if(settings_.outputs.begin(), settings_.outputs.end(),
                                  [&](const auto& output) { return output.name == name; });
  if (found == settings_.outputs.end()) co_return std::nullopt;
  const std::uint64_t generation = generation_;
  auto document = co_await Build(*found);
  if (!document) {
    spdlog::error("output {}: {}", name, document.error().message);
    co_return std::nullopt;
  }
  if (!settings_.base_url.empty()) {
    document->self_url = settings_.base_url + "/feeds/" + name + "." + Extension(format);
  }
  const std::string base = settings_.base_url + "/feeds/" + name;
  RenderedOutput rendered;
  rendered.content_type = ContentType(format);
  rendered.last_modified = feeds::FormatHttpDate(document->updated);
  // `document` lives in this frame, suspended until rendering returns.
  auto render = [&document, format, base]() {
    switch (format) {
      case OutputFormat::kAtom: return feeds::RenderAtom(*document);
      case OutputFormat::kRss: return feeds::RenderRss(*document);
      case OutputFormat::kJson: return feeds::RenderJsonFeed(*document);
      case OutputFormat::kHtml: break;
    }
    return feeds::RenderHtmlPage(*document, base + ".atom", base + ".rss", base + ".json");
  };
  rendered.body = co_await RunOn(cpu_, std::move(render));
  rendered.etag = BodyEtag(rendered.body);
  if (generation == generation_) cache_[{name, format}] = {generation, rendered};
  co_return rendered;
}

boost::asio::awaitable<std::optional<RenderedOutput>> OutputService::Get(std::string name,
                                                                         OutputFormat format) {
  if (auto cached = cache_.find({name, format});
      cached != cache_.end() && cached->second.first == generation_) {
    co_return cached->second.second;
  }
  co_return co_await Render(std::move(name), format);
}

boost::asio::awaitable<RenderedOutput> OutputService::Index() {
  std::vector<feeds::OutputLink> links;
  for (const auto& output : settings_.outputs) {
    feeds::OutputLink link;
    link.name = output.name;
    link.title = output.title.empty() ? output.name : output.title;
    const std::string base = "/feeds/" + output.name;
    link.atom_url = base + ".atom";
    link.rss_url = base + ".rss";
    link.json_url = base + ".json";
    link.html_url = base + ".html";
    links.push_back(std::move(link));
  }
  RenderedOutput rendered;
  rendered.content_type = ContentType(OutputFormat::kHtml);
  rendered.body = feeds::RenderHtmlIndex(links, "feedd");
  rendered.etag = BodyEtag(rendered.body);
  co_return rendered;
}

boost::asio::awaitable<void> OutputService::WriteFiles() {
  if (settings_.public_dir.empty()) co_return;
  // One writer at a time (they share temporary file names); a request that arrives while
  // writing makes the running writer go round once more.
  if (writing_) {
    rewrite_pending_ = true;
    co_return;
  }
  writing_ = true;
  do {
    rewrite_pending_ = false;
    for (const auto& output : settings_.outputs) {
      for (const auto format : {OutputFormat::kAtom, OutputFormat::kRss, OutputFormat::kJson}) {
        auto rendered = co_await Get(output.name, format);
        if (!rendered) continue;
        const std::string file = output.name + "." + Extension(format);
        const auto dir = settings_.public_dir;
        auto write = [dir, file, body = rendered->body]() {
          return WriteAtomically(dir, file, body);
        };
        auto written = co_await RunOn(cpu_, std::move(write));
        if (!written) spdlog::error("outputs: {}", written.error().message);
      }
    }
  } while (rewrite_pending_);
  writing_ = false;
}

}  // namespace feedd::daemon
