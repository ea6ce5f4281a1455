// Merged outputs: selects each configured output's stories from storage, renders them
// (Atom, RSS, JSON Feed, HTML) and caches the bytes until entries change; pages history as
// RFC 5005 archives; writes it all to the public folder with atomic renames and pings a WebSub
// hub when an output changes. Lives on the io thread; rendering runs on the CPU pool.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "feedd/config/config.h"
#include "feedd/feeds/render.h"
#include "store_worker.h"
#include "websub.h"

namespace feedd::daemon {

enum class OutputFormat { kAtom, kRss, kJson, kHtml };

// One content coding of a rendering, with the header lines the public listener sends for it,
// formatted once per rendering ("Name: value\r\n" each).
struct Representation {
  std::string body;
  std::string etag;                  // strong, quoted: a hash of the body (gzip: "...-gz")
  std::string ok_headers;            // for a 200: Content-Type, [Content-Encoding], validators
  std::string not_modified_headers;  // for a 304: ETag, Vary, Cache-Control, Last-Modified
};

// A rendering, immutable once made: the cache hands out shared pointers to it, and responses
// keep one until their bytes are written.
struct RenderedOutput {
  std::string content_type;
  std::string last_modified;  // HTTP-date of the newest item ("" for the index)
  std::string cache_control;  // the Cache-Control value to serve it with
  Representation identity;
  std::optional<Representation> gzip;  // compressed once per rendering; nullopt if zlib failed

  const std::string& body() const { return identity.body; }
  const std::string& etag() const { return identity.etag; }
};

// Fills `rendered`'s representations from `body`: the identity bytes, their gzip member
// (unless `compress` is false: a rendering only written to a file is never served from
// memory), the ETags and the header lines. content_type, last_modified and cache_control
// must be set.
void PrepareRepresentations(RenderedOutput& rendered, std::string body, bool compress = true);

// Stories per RFC 5005 archive page, counted from the oldest: page N holds stories
// [N * kArchivePageSize, (N + 1) * kArchivePageSize). Changing it renumbers every archive.
inline constexpr int kArchivePageSize = 50;

struct OutputSettings {
  std::vector<config::OutputConfig> outputs;
  std::string base_url;  // "http://127.0.0.1:8088" for self links; "" leaves them relative
  std::filesystem::path public_dir;  // "" writes no files
  std::string websub_hub;
};

// "atom" -> kAtom, ...; nullopt for anything else.
std::optional<OutputFormat> OutputFormatFromExtension(std::string_view extension);
// kAtom -> "atom", ...
const char* OutputExtension(OutputFormat format);
// The public path: "/feeds/NAME.atom", or "/feeds/NAME/archive/N.atom" for archive page N.
std::string OutputPath(std::string_view name, OutputFormat format,
                       std::optional<std::int64_t> page);

class OutputService {
 public:
  // `reader` must outlive the service.
  OutputService(boost::asio::any_io_executor io, boost::asio::any_io_executor cpu,
                StoreWorker& reader, OutputSettings settings);

  void Reconfigure(OutputSettings settings);
  void SetBaseUrl(std::string base_url);
  // Entries changed: cached renderings are stale; files are rewritten shortly (coalesced).
  void Invalidate();
  // Entries were ingested just now: archive pages wait for ingest to be quiet (WriteFiles).
  void NoteIngest() { last_ingest_ = std::chrono::steady_clock::now(); }
  // A subscription changed (removed, retitled, retagged): the next rendering reads the feeds
  // anew (the items' origins name them), and cached renderings are stale.
  void NoteFeedsChanged() {
    feeds_.reset();
    Invalidate();
  }
  // A fetch stored a new title or site link for one feed: the next rendering patches its
  // copy of the feed list (a cold import renames thousands of feeds; re-reading the list for
  // each would be a query of every feed per document), and cached renderings are stale.
  void NoteFeedDescribed(storage::FeedId id, std::optional<std::string> title,
                         std::optional<std::string> site_link) {
    described_[id] = {std::move(title), std::move(site_link)};
    Invalidate();
  }

  // The cached rendering (rendered first when entries changed since); null: no output of that
  // name. A cache hit touches neither storage nor another thread.
  boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> Get(std::string name,
                                                                    OutputFormat format);
  // Archive page `page` (RFC 5005) of an output: null unless the output exists and the page
  // is complete (only complete pages are archives; they never change after).
  boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> GetArchive(std::string name,
                                                                           OutputFormat format,
                                                                           std::int64_t page);
  // The HTML index of the outputs, rendered once per configuration.
  std::shared_ptr<const RenderedOutput> Index();

  // Writes every output (and archive pages not yet on disk) to the public folder now, atomic
  // renames; then pings the WebSub hub, when configured, for outputs whose bytes changed since
  // the last look. Logs failures. (output_service_files.cc)
  boost::asio::awaitable<void> WriteFiles();
  // Writes one rendering to dir/file on the CPU pool (atomically), counts the time in
  // work_time_ and logs a failure.
  boost::asio::awaitable<void> WriteFile(std::filesystem::path dir, std::string file,
                                         std::shared_ptr<const RenderedOutput> rendered);

  const std::vector<config::OutputConfig>& Outputs() const { return settings_.outputs; }

 private:
  using FeedsById = std::unordered_map<storage::FeedId, storage::FeedRecord>;
  using SharedFeeds = std::shared_ptr<const FeedsById>;
  // Every feed by id: feeds_ while younger than kFeedsMaxAge, else (or when `reload`) read
  // from storage.
  boost::asio::awaitable<Result<SharedFeeds>> Feeds(bool reload);
  // The storage selection of an output, and every feed by id (for the items' origins).
  // `output` as for Build.
  boost::asio::awaitable<Result<std::pair<storage::OutputSelection, SharedFeeds>>> Select(
      const config::OutputConfig& output);
  // What is known of an output's archive while pages are built: how many pages are
  // complete (counting the stories reads the whole selection: once per writer pass, not once
  // per page), and where the page built last ended (its newest story's representative entry),
  // so the page after it reads on from there instead of counting from the oldest story.
  // Stories only add at the end, so both hold for the pass (see Store::SelectOutputPage).
  struct ArchiveRun {
    std::optional<std::int64_t> full_pages;
    std::optional<storage::EntryId> after;  // valid for page `after_page + 1` only
    std::int64_t after_page = -1;
  };
  // Current document (no `page`) or archive page `page`, which must be complete. `output`:
  // the caller's copy, kept alive by the awaiting caller's frame. `run`: counted and
  // updated (after building a page, `after` is where it ended).
  boost::asio::awaitable<Result<feeds::OutputDocument>> Build(const config::OutputConfig& output,
                                                              std::optional<std::int64_t> page,
                                                              ArchiveRun& run);
  // `keep`: whether the rendering goes into cache_. The file writer renders every archive
  // page once and writes it; kept, thousands of pages (a cold import) stayed in memory.
  // `run`: the writer's, carried across its pages; null: a fresh one.
  boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> Render(
      std::string name, OutputFormat format, std::optional<std::int64_t> page, bool keep = true,
      ArchiveRun* run = nullptr);
  // Archive page `page` rendered for the file writer: not cached.
  boost::asio::awaitable<std::shared_ptr<const RenderedOutput>> RenderArchiveForFile(
      std::string name, OutputFormat format, std::int64_t page, ArchiveRun& run);
  // Complete archive pages of an output's selection; `output` as for Build.
  boost::asio::awaitable<Result<std::int64_t>> ArchivePages(const config::OutputConfig& output);
  void ScheduleWrite();

  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor cpu_;
  StoreWorker& reader_;
  OutputSettings settings_;
  std::uint64_t generation_ = 1;
  // (name, format, archive page or -1 for the current document) -> (generation, rendering)
  std::map<std::tuple<std::string, OutputFormat, std::int64_t>,
           std::pair<std::uint64_t, std::shared_ptr<const RenderedOutput>>>
      cache_;
  std::pair<std::uint64_t, std::shared_ptr<const RenderedOutput>> index_cache_;
  // The last document built, for the other formats of the same output, page and generation:
  // a writer pass renders each document in three or four formats in a row, and each Build
  // reads the feed list and the selection from storage.
  struct BuiltDocument {
    std::string name;
    std::int64_t page = -1;  // -1: the current document
    std::uint64_t generation = 0;
    feeds::OutputDocument document;
    std::optional<storage::EntryId> page_end;  // ArchiveRun::after once this page was read
  };
  std::optional<BuiltDocument> last_built_;
  // Where each archive page this process wrote to a file ends (ArchiveRun::after), by output
  // and page: the next writer pass starts at the first page not on disk, and without the end
  // of the page before it that page is found by reading the selection from its oldest story
  // (0.8-2 s a pass on PostgreSQL at 250,000 entries, the most of a cold import's server
  // time). Pages on disk are never rewritten, so reading on from where the file before ends
  // is also what keeps the files a gapless chain when retention has deleted old entries
  // since. Forgotten when the outputs are reconfigured.
  std::map<std::string, std::map<std::int64_t, storage::EntryId>> archive_file_ends_;
  std::uint64_t archive_file_ends_epoch_ = 0;  // counts those reconfigurations
  // The feed list behind items' origins and outputs' feed ids, shared by the documents built
  // within a few seconds: reading every feed record for each document (each archive page of
  // a cold import of 10,000 feeds) took most of a writer pass. A document naming a feed the
  // list lacks (one just added) reloads it at once.
  SharedFeeds feeds_;
  std::chrono::steady_clock::time_point feeds_loaded_;
  // Titles and site links stored since feeds_ was read (NoteFeedDescribed), by feed.
  std::unordered_map<storage::FeedId,
                     std::pair<std::optional<std::string>, std::optional<std::string>>>
      described_;
  std::map<std::pair<std::string, OutputFormat>, std::string> seen_etags_;  // for WebSub
  boost::asio::steady_timer write_timer_;
  bool write_scheduled_ = false;
  // How long the last WriteFiles pass worked: the next one waits a multiple of it, so a
  // stream of ingests (a cold cycle of thousands of feeds) spends a bounded share of the CPU
  // on rewriting outputs that are replaced a moment later. Work, not wall time: the pass's
  // renderings queue on the CPU pool behind the fetches' parses, for seconds in a cold cycle.
  std::chrono::steady_clock::duration last_write_took_{};
  // The time renderings and file writes have run on the CPU pool, all told (io thread only).
  std::chrono::steady_clock::duration work_time_{};
  bool writing_ = false;
  std::chrono::steady_clock::time_point last_ingest_{};
  std::chrono::steady_clock::time_point last_archive_pass_{};
  bool rewrite_pending_ = false;
  WebSubPublisher websub_;  // last: its thread stops first
};

}  // namespace feedd::daemon
