// Building OutputDocuments from storage rows, rendering and caching them, and writing files.
#include "output_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <unordered_map>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/url.h"
#include "gzip.h"
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
    case OutputFormat::kAtom:
      return "application/atom+xml; charset=utf-8";
    case OutputFormat::kRss:
      return "application/rss+xml; charset=utf-8";
    case OutputFormat::kJson:
      return "application/feed+json; charset=utf-8";
    case OutputFormat::kHtml:
      return "text/html; charset=utf-8";
  }
  return "application/octet-stream";
}

constexpr std::string_view kArchiveCacheControl = "public, max-age=31536000, immutable";
constexpr std::string_view kCurrentCacheControl = "public, max-age=60";

// The header lines a 304 carries for `etag` (RFC 9110 section 15.4.5), also part of a 200's.
std::string ValidatorHeaders(const RenderedOutput& rendered, std::string_view etag) {
  std::string lines;
  lines.append("ETag: ").append(etag).append("\r\nVary: Accept-Encoding\r\nCache-Control: ");
  lines.append(rendered.cache_control.empty() ? kCurrentCacheControl : rendered.cache_control);
  lines.append("\r\n");
  if (!rendered.last_modified.empty()) {
    lines.append("Last-Modified: ").append(rendered.last_modified).append("\r\n");
  }
  return lines;
}

}  // namespace

void PrepareRepresentations(RenderedOutput& rendered, std::string body, bool compress) {
  const std::string content_type = "Content-Type: " + rendered.content_type + "\r\n";
  rendered.gzip.reset();
  if (auto compressed = compress ? GzipCompress(body) : std::nullopt) {
    Representation gzip;
    gzip.body = std::move(*compressed);
    // Its own strong ETag (RFC 9110 section 8.8.3): the identity one with "-gz" inside.
    gzip.etag = BodyEtag(body);
    gzip.etag.insert(gzip.etag.size() - 1, "-gz");
    gzip.not_modified_headers = ValidatorHeaders(rendered, gzip.etag);
    gzip.ok_headers = content_type + "Content-Encoding: gzip\r\n" + gzip.not_modified_headers;
    rendered.gzip = std::move(gzip);
  }
  Representation& identity = rendered.identity;
  identity.etag = BodyEtag(body);
  identity.not_modified_headers = ValidatorHeaders(rendered, identity.etag);
  identity.ok_headers = content_type + identity.not_modified_headers;
  identity.body = std::move(body);
}

const char* OutputExtension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kAtom:
      return "atom";
    case OutputFormat::kRss:
      return "rss";
    case OutputFormat::kJson:
      return "json";
    case OutputFormat::kHtml:
      return "html";
  }
  return "";
}

std::string OutputPath(std::string_view name, OutputFormat format,
                       std::optional<std::int64_t> page) {
  std::string path = "/feeds/" + std::string(name);
  if (page) path += "/archive/" + std::to_string(*page);
  return path + "." + OutputExtension(format);
}

namespace {

// How long documents share one read of the feed list (OutputService::feeds_): a renamed
// feed shows in outputs within this, a new one at once.
constexpr std::chrono::seconds kFeedsMaxAge{5};

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
    : io_(io),
      cpu_(std::move(cpu)),
      reader_(reader),
      settings_(std::move(settings)),
      write_timer_(io),
      // The archive lag counts from start: the first pass, a second after the first ingest
      // of a cold import, must not take the archives as five minutes late and write them
      // all through the import.
      last_archive_pass_(std::chrono::steady_clock::now()) {}

void OutputService::Reconfigure(OutputSettings settings) {
  settings_ = std::move(settings);
  feeds_.reset();              // the config's feeds may have changed with it
  archive_file_ends_.clear();  // and so may the outputs' selections
  ++archive_file_ends_epoch_;
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
  if ((settings_.public_dir.empty() && settings_.websub_hub.empty()) || write_scheduled_) return;
  write_scheduled_ = true;
  // Coalesce a burst of ingests into one rewrite, and keep rewrites to about a sixth of the
  // time (a pass writing the archive pages of a cold import takes seconds of CPU).
  const auto delay = std::clamp<std::chrono::steady_clock::duration>(
      last_write_took_ * 5, std::chrono::seconds(1), std::chrono::seconds(60));
  write_timer_.expires_after(delay);
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

boost::asio::awaitable<Result<std::int64_t>> OutputService::ArchivePages(
    const config::OutputConfig& output) {
  auto selection = co_await Select(output);
  if (!selection) co_return Unexpected(selection.error());
  auto count = co_await reader_.Call(&storage::Store::CountOutputStories, selection->first);
  if (!count) co_return Unexpected(count.error());
  co_return *count / kArchivePageSize;
}

boost::asio::awaitable<Result<OutputService::SharedFeeds>> OutputService::Feeds(bool reload) {
  const auto now = std::chrono::steady_clock::now();
  if (!reload && feeds_ && now - feeds_loaded_ < kFeedsMaxAge) {
    if (!described_.empty()) {
      // Documents being built keep the list they hold: patch a copy.
      auto patched = std::make_shared<FeedsById>(*feeds_);
      for (auto& [id, description] : described_) {
        if (auto found = patched->find(id); found != patched->end()) {
          found->second.feed_title = std::move(description.first);
          found->second.site_link = std::move(description.second);
        }
      }
      described_.clear();
      feeds_ = std::move(patched);
    }
    co_return feeds_;
  }
  // What was noted before this read is in the database already (the note follows the
  // ingest's commit); what is noted while it runs stays for the next call.
  described_.clear();
  auto feeds = co_await reader_.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return Unexpected(feeds.error());
  auto by_id = std::make_shared<FeedsById>();
  for (auto& feed : *feeds) by_id->emplace(feed.id, std::move(feed));
  feeds_ = std::move(by_id);
  feeds_loaded_ = now;
  co_return feeds_;
}

boost::asio::awaitable<Result<std::pair<storage::OutputSelection, OutputService::SharedFeeds>>>
OutputService::Select(const config::OutputConfig& output) {
  auto by_id = co_await Feeds(/*reload=*/false);
  if (!by_id) co_return Unexpected(by_id.error());
  storage::OutputSelection selection;
  for (const auto& [id, feed] : **by_id) {
    if (std::find(output.feeds.begin(), output.feeds.end(), feed.url) != output.feeds.end()) {
      selection.feeds.push_back(id);
    }
  }
  if (!output.feeds.empty() && selection.feeds.empty()) selection.feeds.push_back(-1);  // none
  selection.tags = output.tags;
  selection.query = output.query;
  selection.limit = output.limit;
  selection.window = output.window;
  co_return std::pair{std::move(selection), std::move(*by_id)};
}

boost::asio::awaitable<Result<feeds::OutputDocument>> OutputService::Build(
    const config::OutputConfig& output, std::optional<std::int64_t> page, ArchiveRun& run) {
  auto selected = co_await Select(output);
  if (!selected) co_return Unexpected(selected.error());
  auto& [selection, by_id] = *selected;
  if (!run.full_pages) {
    auto count = co_await reader_.Call(&storage::Store::CountOutputStories, selection);
    if (!count) co_return Unexpected(count.error());
    run.full_pages = *count / kArchivePageSize;
  }
  const std::int64_t full_pages = *run.full_pages;
  if (page && run.after && run.after_page == *page - 1) selection.page_after = run.after;
  if (page && (*page < 0 || *page >= full_pages)) co_return Fail("no such archive page");
  Result<std::vector<storage::OutputRow>> rows = std::vector<storage::OutputRow>{};
  if (page) {
    rows = co_await reader_.Call(&storage::Store::SelectOutputPage, selection, *page,
                                 kArchivePageSize);
  } else {
    rows = co_await reader_.Call(&storage::Store::SelectOutput, selection);
  }
  if (!rows) co_return Unexpected(rows.error());
  const bool unknown_feed = std::any_of(rows->begin(), rows->end(), [&](const auto& row) {
    return !by_id->contains(row.entry.feed_id) ||
           std::any_of(row.also_in.begin(), row.also_in.end(),
                       [&](const auto& copy) { return !by_id->contains(copy.feed_id); });
  });
  if (unknown_feed) {
    auto reloaded = co_await Feeds(/*reload=*/true);
    if (!reloaded) co_return Unexpected(reloaded.error());
    by_id = std::move(*reloaded);
  }
  if (page) {
    // Rows come newest first: the first is the page's last story.
    run.after = rows->empty() ? std::nullopt : std::optional(rows->front().entry.id);
    run.after_page = *page;
  }
  std::vector<storage::EntryId> ids;
  for (const auto& row : *rows) ids.push_back(row.entry.id);
  auto edits = co_await reader_.Call(&storage::Store::EntryEditTimes, ids);
  if (!edits) co_return Unexpected(edits.error());
  const std::unordered_map<storage::EntryId, Timestamp> edited(edits->begin(), edits->end());

  feeds::OutputDocument document;
  document.name = output.name;
  document.title = output.title.empty() ? output.name : output.title;
  const std::string base = settings_.base_url;
  // One id for the output's current document and all its archives (RFC 5005 section 4).
  document.id = base.empty() ? "urn:feedd:output:" + output.name
                             : base + OutputPath(output.name, OutputFormat::kAtom, std::nullopt);
  document.html_url =
      base.empty() ? "" : base + OutputPath(output.name, OutputFormat::kHtml, std::nullopt);
  document.hub_url = page ? "" : settings_.websub_hub;
  document.is_archive = page.has_value();
  const std::int64_t prev = page ? *page - 1 : full_pages - 1;
  if (prev >= 0 && !base.empty()) {
    // The format is filled in per rendering (Render): the archive page in the same format.
    document.prev_archive_url = base + "/feeds/" + output.name + "/archive/" + std::to_string(prev);
  }
  document.updated = Timestamp{};
  for (auto& row : *rows) {
    feeds::OutputItem item;
    item.id = "urn:feedd:story:" + std::to_string(row.entry.story_id);
    item.published = row.entry.entry.published.value_or(row.entry.fetched);
    item.updated = row.entry.entry.updated.value_or(item.published);
    // An edit to the source shows as `updated`, even when the source says nothing of it.
    if (auto found = edited.find(row.entry.id); found != edited.end()) {
      item.updated = std::max(item.updated, found->second);
    }
    item.origin = OriginOf(row.entry, *by_id);
    for (const auto& copy : row.also_in) item.also_in.push_back(OriginOf(copy, *by_id));
    item.entry = std::move(row.entry.entry);
    // Readers of a merged feed get the article's link, not the campaign that syndicated it.
    if (item.entry.link) item.entry.link = feeds::StripTrackingParameters(*item.entry.link);
    document.updated = std::max(document.updated, item.updated);
    document.items.push_back(std::move(item));
  }
  co_return document;
}

boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> OutputService::Render(
    std::string name, OutputFormat format, std::optional<std::int64_t> page, bool keep,
    ArchiveRun* run) {
  const auto found = std::find_if(settings_.outputs.begin(), settings_.outputs.end(),
                                  [&](const auto& output) { return output.name == name; });
  if (found == settings_.outputs.end()) co_return nullptr;
  if (page && format == OutputFormat::kHtml) co_return nullptr;
  const std::uint64_t generation = generation_;
  // A copy: a reload may replace settings_ while this coroutine waits on storage.
  const config::OutputConfig output = *found;
  Result<feeds::OutputDocument> document = feeds::OutputDocument{};
  ArchiveRun own_run;
  if (run == nullptr) run = &own_run;
  const std::int64_t page_key = page.value_or(-1);
  if (last_built_ && last_built_->name == name && last_built_->page == page_key &&
      last_built_->generation == generation) {
    document = last_built_->document;
    if (page) {
      run->after = last_built_->page_end;
      run->after_page = *page;
    }
  } else {
    document = co_await Build(output, page, *run);
    if (document) {
      last_built_ =
          BuiltDocument{name, page_key, generation, *document, page ? run->after : std::nullopt};
    }
  }
  if (!document) {
    if (!page) spdlog::error("output {}: {}", name, document.error().message);
    co_return nullptr;
  }
  const std::string base = settings_.base_url;
  if (!base.empty()) {
    document->self_url = base + OutputPath(name, format, page);
    if (page) document->current_url = base + OutputPath(name, format, std::nullopt);
  }
  if (document->prev_archive_url) {
    *document->prev_archive_url += std::string(".") + OutputExtension(format);
  }
  const std::string feed_base = base + "/feeds/" + name;
  auto rendered = std::make_shared<RenderedOutput>();
  rendered->content_type = ContentType(format);
  rendered->last_modified = feeds::FormatHttpDate(document->updated);
  rendered->cache_control = std::string(page ? kArchiveCacheControl : kCurrentCacheControl);
  // Rendering and compressing, once per generation, run on the CPU pool. `document` and
  // `rendered` live in this frame, suspended until the work returns.
  // Archive pages for the file writer are not kept, so not served from memory: no gzip
  // (compressing a cold import's thousands of pages was an eighth of its CPU at 10,000 feeds).
  std::chrono::steady_clock::duration took{};
  auto render = [&document, &rendered, &took, format, feed_base, keep]() {
    const auto start = std::chrono::steady_clock::now();
    std::string body;
    switch (format) {
      case OutputFormat::kAtom:
        body = feeds::RenderAtom(*document);
        break;
      case OutputFormat::kRss:
        body = feeds::RenderRss(*document);
        break;
      case OutputFormat::kJson:
        body = feeds::RenderJsonFeed(*document);
        break;
      case OutputFormat::kHtml:
        body = feeds::RenderHtmlPage(*document, feed_base + ".atom", feed_base + ".rss",
                                     feed_base + ".json");
        break;
    }
    PrepareRepresentations(*rendered, std::move(body), /*compress=*/keep);
    took = std::chrono::steady_clock::now() - start;
    return true;
  };
  co_await RunOn(cpu_, std::move(render));
  work_time_ += took;
  std::shared_ptr<const RenderedOutput> result = std::move(rendered);
  if (keep && generation == generation_) {
    // Renderings of an older generation are never served again: drop them here, or every
    // archive page ever written stays in memory (the F-C7 soak: RSS +2 MiB a minute).
    std::erase_if(cache_, [this](const auto& item) { return item.second.first != generation_; });
    cache_[{name, format, page.value_or(-1)}] = {generation, result};
  }
  co_return result;
}

boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> OutputService::Get(
    std::string name, OutputFormat format) {
  if (auto cached = cache_.find({name, format, -1});
      cached != cache_.end() && cached->second.first == generation_) {
    co_return cached->second.second;
  }
  co_return co_await Render(std::move(name), format, std::nullopt);
}

boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> OutputService::GetArchive(
    std::string name, OutputFormat format, std::int64_t page) {
  if (page < 0) co_return nullptr;
  if (auto cached = cache_.find({name, format, page});
      cached != cache_.end() && cached->second.first == generation_) {
    co_return cached->second.second;
  }
  co_return co_await Render(std::move(name), format, page);
}

boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> OutputService::RenderArchiveForFile(
    std::string name, OutputFormat format, std::int64_t page, ArchiveRun& run) {
  co_return co_await Render(std::move(name), format, page, /*keep=*/false, &run);
}

std::shared_ptr<const RenderedOutput> OutputService::Index() {
  if (index_cache_.second && index_cache_.first == generation_) return index_cache_.second;
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
  auto rendered = std::make_shared<RenderedOutput>();
  rendered->content_type = ContentType(OutputFormat::kHtml);
  rendered->cache_control = std::string(kCurrentCacheControl);
  PrepareRepresentations(*rendered, feeds::RenderHtmlIndex(links, "feedd"));
  index_cache_ = {generation_, rendered};
  return rendered;
}

}  // namespace feedd::daemon
