// The control API (HTTP/JSON on the unix socket, /v1/...): routing and handlers over
// HttpRequest/HttpResponse values. Reads go to the reader worker, writes to the writer;
// fetching goes through the scheduler. Documented in docs/api.md. Lives on the io thread.
// Handlers are split by resource: control_feeds.cc, control_entries.cc, control_status.cc;
// routing is control_api.cc.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "curl_fetcher.h"
#include "http_types.h"
#include "scheduler.h"
#include "store_worker.h"

namespace feedd::daemon {

class EntryStream;
class MaintenanceTask;
class OutputService;

struct ControlContext {
  StoreWorker& reader;
  StoreWorker& writer;
  Scheduler& scheduler;
  CurlFetcher& fetcher;
  // Called after feeds were removed or retitled or retagged, so merged outputs are rebuilt
  // with the feeds read anew.
  std::function<void()> on_feeds_changed;
  // The public listener's bound address ("" when off).
  std::function<std::string()> public_address;
  std::chrono::steady_clock::time_point started;
  // Optional parts (null: the routes that need them answer 503).
  OutputService* outputs = nullptr;
  EntryStream* entry_stream = nullptr;
  // Its failing passes show in the status (null: none shown).
  const MaintenanceTask* maintenance = nullptr;
  std::filesystem::path database;  // for the status's database size; "" unknown
};

class ControlApi {
 public:
  // The context's references must outlive the API object (the Daemon owns them all).
  explicit ControlApi(ControlContext context) : context_(std::move(context)) {}

  boost::asio::awaitable<HttpResponse> Handle(HttpRequest request);

  // GET /metrics answers with source()'s text (Prometheus format); unset: 404.
  void SetMetricsSource(std::function<std::string()> source) { metrics_ = std::move(source); }

 private:
  // control_status.cc
  boost::asio::awaitable<HttpResponse> Status();
  boost::asio::awaitable<HttpResponse> ListOutputs();
  boost::asio::awaitable<HttpResponse> ShowOutput(const std::string& name);
  boost::asio::awaitable<HttpResponse> Backup(const HttpRequest& request);
  // control_feeds.cc
  boost::asio::awaitable<HttpResponse> ListFeeds();
  boost::asio::awaitable<HttpResponse> AddFeed(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ShowFeed(storage::FeedId id);
  boost::asio::awaitable<HttpResponse> UpdateFeed(storage::FeedId id, const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> RemoveFeed(storage::FeedId id);
  boost::asio::awaitable<HttpResponse> Refresh(const HttpRequest& request);
  // control_opml.cc
  boost::asio::awaitable<HttpResponse> ImportFeeds(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ExportFeeds();
  // control_entries.cc
  boost::asio::awaitable<HttpResponse> ListEntries(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ShowEntry(storage::EntryId id);
  boost::asio::awaitable<HttpResponse> Search(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> FollowEntries(const HttpRequest& request);

  ControlContext context_;
  std::function<std::string()> metrics_;
};

}  // namespace feedd::daemon
