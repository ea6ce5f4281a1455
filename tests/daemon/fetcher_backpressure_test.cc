// The fetcher's back-pressure on bodies: a response with a body counts as held from the
// moment its transfer completes (not from when a caller gets round to it) until ReleaseBody,
// and while `concurrency` bodies are held no new transfer starts. Against feedd's own HTTP
// server on 127.0.0.1, in process.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "address_guard.h"
#include "curl_fetcher.h"
#include "http_server.h"

using namespace feedd;
using namespace feedd::daemon;

namespace {

constexpr int kConcurrency = 3;
constexpr int kFetches = 12;

boost::asio::awaitable<void> FetchOne(CurlFetcher& fetcher, std::string url,
                                      std::vector<FetchResponse>& responses) {
  // Named, not a temporary in the co_await expression (g++ 12 destroys those twice).
  FetchRequest request{std::move(url), {}, {}};
  FetchResponse response = co_await fetcher.Fetch(std::move(request));
  responses.push_back(std::move(response));
}

}  // namespace

TEST_CASE("Fetched bodies hold back new transfers until they are released") {
  boost::asio::io_context io;
  HttpHandler handler = [](HttpRequest) -> boost::asio::awaitable<HttpResponse> {
    HttpResponse response;
    response.content_type = "application/rss+xml";
    response.body = std::string(4096, 'x');
    co_return response;
  };
  auto server = HttpServer::ListenTcp(io.get_executor(), "127.0.0.1:0", handler, {});
  REQUIRE(server.has_value());
  (*server)->Start();

  FetcherLimits limits;
  limits.concurrency = kConcurrency;
  limits.per_host = kConcurrency;
  limits.host_spacing = std::chrono::milliseconds(0);
  CurlFetcher fetcher(io.get_executor(), limits, AddressGuard(/*allow_private=*/true, {}));

  std::vector<FetchResponse> responses;
  for (int i = 0; i < kFetches; ++i) {
    const std::string url = "http://" + (*server)->LocalAddress() + "/f" + std::to_string(i);
    boost::asio::co_spawn(io, FetchOne(fetcher, url, responses), boost::asio::detached);
  }
  int completed = 0;
  auto count = [&] {
    completed = static_cast<int>(responses.size());
    return completed;
  };
  // Transfers complete until `concurrency` bodies are held; those still in flight then may
  // add to them, and nothing else starts. (Counted only once a caller picked a response up,
  // as before session 13, and with no caller holding any, all of them would complete.)
  int settled = -1;
  for (int round = 0; round < 200 && count() != settled; ++round) {
    settled = count();
    io.run_for(std::chrono::milliseconds(100));
  }
  CHECK(count() >= kConcurrency);
  CHECK(count() <= 2 * kConcurrency - 1);
  for (const auto& response : responses) {
    CHECK(response.failure == FetchFailure::kNone);
    CHECK(response.body.size() == 4096);
    CHECK(response.body_held);
  }
  CHECK(fetcher.Stats().queued == kFetches - count());
  CHECK(fetcher.Stats().in_flight == 0);

  // A caller that releases each body once done with it gets them all.
  int released = 0;
  for (int round = 0; round < 300 && count() < kFetches; ++round) {
    for (; released < count(); ++released) fetcher.ReleaseBody();
    io.run_for(std::chrono::milliseconds(10));
  }
  CHECK(count() == kFetches);
  fetcher.Shutdown();
  (*server)->Stop();
  io.run_for(std::chrono::milliseconds(50));
}
