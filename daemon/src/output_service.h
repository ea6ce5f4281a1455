// Merged outputs: selects each configured output's stories from storage, renders them
// (Atom, RSS, JSON Feed, HTML) and caches the bytes until entries change; also writes them to
// the public folder with atomic renames. Lives on the io thread; rendering runs on the CPU pool.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "feedd/config/config.h"
#include "feedd/feeds/render.h"
#include "store_worker.h"

namespace feedd::daemon {

enum class OutputFormat { kAtom, kRss, kJson, kHtml };

struct RenderedOutput {
  std::string body;
  std::string content_type;
  std::string etag;           // strong, quoted: a hash of the body
  std::string last_modified;  // HTTP-date of the newest item
};

struct OutputSettings {
  std::vector<config::OutputConfig> outputs;
  std::string base_url;  // "http://127.0.0.1:8088" for self links; "" leaves them relative
  std::filesystem::path public_dir;  // "" writes no files
  std::string websub_hub;
};

// "atom" -> kAtom, ...; nullopt for anything else.
std::optional<OutputFormat> OutputFormatFromExtension(std::string_view extension);

class OutputService {
 public:
  // `reader` must outlive the service.
  OutputService(boost::asio::any_io_executor io, boost::asio::any_io_executor cpu,
                StoreWorker& reader, OutputSettings settings);

  void Reconfigure(OutputSettings settings);
  void SetBaseUrl(std::string base_url);
  // Entries changed: cached renderings are stale; files are rewritten shortly (coalesced).
  void Invalidate();

  // nullopt: no output of that name.
  boost::asio::awaitable<std::optional<RenderedOutput>> Get(std::string name, OutputFormat format);
  boost::asio::awaitable<RenderedOutput> Index();

  // Writes every output to the public folder now (atomic renames). Logs failures.
  boost::asio::awaitable<void> WriteFiles();

  const std::vector<config::OutputConfig>& Outputs() const { return settings_.outputs; }

 private:
  boost::asio::awaitable<Result<feeds::OutputDocument>> Build(const config::OutputConfig& output);
  boost::asio::awaitable<std::optional<RenderedOutput>> Render(std::string name,
                                                               OutputFormat format);
  void ScheduleWrite();

  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor cpu_;
  StoreWorker& reader_;
  OutputSettings settings_;
  std::uint64_t generation_ = 1;
  std::map<std::pair<std::string, OutputFormat>, std::pair<std::uint64_t, RenderedOutput>> cache_;
  boost::asio::steady_timer write_timer_;
  bool write_scheduled_ = false;
  bool writing_ = false;
  bool rewrite_pending_ = false;
};

}  // namespace feedd::daemon
