// The updater's store batcher: calls made together share one writer hop, each gets its own
// result, and calls run in the order they were made.
#include "store_batcher.h"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

#include "feedd/storage/sqlite_store.h"
#include "store_worker.h"

using namespace feedd;
using namespace feedd::daemon;

namespace {

// `batch` and `seen` belong to the test case, which runs the io_context to completion.
boost::asio::awaitable<void> AddThenGet(StoreBatcher& batch, int i, std::vector<int>& seen) {
  const std::string url = "https://example.org/feed" + std::to_string(i) + ".xml";
  std::function add = [url](storage::Store& store) {
    return store.AddFeed(storage::NewFeed{url, std::nullopt, {}});
  };
  auto added = co_await batch.Run(std::move(add));
  REQUIRE(added.has_value());
  const storage::FeedId id = added->feed.id;
  std::function get = [id](storage::Store& store) { return store.GetFeed(id); };
  auto found = co_await batch.Run(std::move(get));
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->url == url);
  seen.push_back(i);
}

}  // namespace

TEST_CASE("store calls made together share writer hops and each gets its own result") {
  auto store = storage::OpenSqliteStore(":memory:", storage::OpenMode::kReadWrite);
  REQUIRE(store.has_value());
  StoreWorker writer(std::move(*store));
  boost::asio::io_context io;
  StoreBatcher batch(io.get_executor(), writer);
  std::vector<int> seen;
  constexpr int kCalls = 200;
  for (int i = 0; i < kCalls; ++i) {
    boost::asio::co_spawn(io, AddThenGet(batch, i, seen), boost::asio::detached);
  }
  io.run();
  CHECK(seen.size() == kCalls);
  // 400 calls; they arrive while earlier batches run, so far fewer hops than calls.
  CHECK(batch.Batches() >= 2);
  CHECK(batch.Batches() < 20);
}

TEST_CASE("a store call after an idle batcher starts a new batch") {
  auto store = storage::OpenSqliteStore(":memory:", storage::OpenMode::kReadWrite);
  REQUIRE(store.has_value());
  StoreWorker writer(std::move(*store));
  boost::asio::io_context io;
  StoreBatcher batch(io.get_executor(), writer);
  std::vector<int> seen;
  boost::asio::co_spawn(io, AddThenGet(batch, 1, seen), boost::asio::detached);
  io.run();
  io.restart();
  boost::asio::co_spawn(io, AddThenGet(batch, 2, seen), boost::asio::detached);
  io.run();
  CHECK(seen == std::vector<int>{1, 2});
  CHECK(batch.Batches() == 4);
}
