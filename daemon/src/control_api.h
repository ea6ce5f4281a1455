// The control API (HTTP/JSON on the unix socket, /v1/...): routing and handlers over
// HttpRequest/HttpResponse values. Reads go to the reader worker, writes to the writer;
// fetching goes through the scheduler. Documented in docs/api.md. Lives on the io thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "curl_fetcher.h"
#include "http_types.h"
#include "scheduler.h"
#include "store_worker.h"

namespace feedd::daemon {

struct ControlContext {
  StoreWorker& reader;
  StoreWorker& writer;
  Scheduler& scheduler;
  CurlFetcher& fetcher;
  // Called after feeds were removed, so merged outputs are rebuilt.
  std::function<void()> on_entries_changed;
  // The public listener's bound address ("" when off).
  std::function<std::string()> public_address;
  std::chrono::steady_clock::time_point started;
};

class ControlApi {
 public:
  // The context's references must outlive the API object (the Daemon owns them all).
  explicit ControlApi(ControlContext context) : context_(std::move(context)) {}

  boost::asio::awaitable<HttpResponse> Handle(HttpRequest request);

 private:
  boost::asio::awaitable<HttpResponse> Status();
  boost::asio::awaitable<HttpResponse> ListFeeds();
  boost::asio::awaitable<HttpResponse> AddFeed(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ShowFeed(storage::FeedId id);
  boost::asio::awaitable<HttpResponse> RemoveFeed(storage::FeedId id);
  boost::asio::awaitable<HttpResponse> Refresh(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ListEntries(const HttpRequest& request);
  boost::asio::awaitable<HttpResponse> ShowEntry(storage::EntryId id);
  boost::asio::awaitable<HttpResponse> Search(const HttpRequest& request);

  ControlContext context_;
};

}  // namespace feedd::daemon
