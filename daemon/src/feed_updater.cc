// The per-feed pipeline. Parsing and storing hop to their own threads (RunOn, StoreWorker)
// so the io thread only sequences I/O.
#include "feed_updater.h"

#include <spdlog/spdlog.h>

#include <random>

#include "feedd/feeds/discover.h"
#include "feedd/feeds/parse.h"
#include "http_header_parse.h"
#include "redact.h"
#include "run_on.h"

namespace feedd::daemon {
namespace {

using storage::FeedRecord;
using storage::FetchOutcome;
using storage::Timestamp;

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

double Jitter() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

constexpr std::size_t kMaxWarningsLogged = 3;

}  // namespace

FeedUpdater::FeedUpdater(CurlFetcher& fetcher, StoreWorker& writer,
                         boost::asio::any_io_executor cpu, ScheduleBounds bounds,
                         std::function<void()> on_entries_changed)
    : fetcher_(fetcher), writer_(writer), cpu_(std::move(cpu)), bounds_(bounds),
      on_entries_changed_(std::move(on_entries_changed)) {}

boost::asio::awaitable<UpdateResult> FeedUpdater::Update(storage::FeedId id) {
  UpdateResult result;
  auto found = co_await writer_.Call(&storage::Store::GetFeed, id);
  if (!found) {
    spdlog::error("feed {}: cannot read it from storage: {}", id, found.error().message);
    result.next_fetch = NextAfterFailure(1, Now(), bounds_, Jitter());
    co_return result;
  }
  if (!found->has_value()) {
    result.feed_exists = false;
    co_return result;
  }
  const FeedRecord feed = std::move(**found);
  const std::string shown_url = RedactUrl(feed.url);

  FetchRequest request{feed.url, feed.etag, feed.last_modified};
  FetchResponse response = co_await fetcher_.Fetch(std::move(request));
  if (stopping_) {
    result.status = feed.status;
    co_return result;
  }
  const Timestamp now = Now();
  FetchDecision decision = DecideAfterFetch(response, feed, now, bounds_, Jitter());
  FetchOutcome& outcome = decision.outcome;

  if (decision.next == NextStep::kParse) {
    feeds::ParseOptions options;
    options.document_url = response.effective_url.empty() ? feed.url : response.effective_url;
    options.http_charset = CharsetOf(response.content_type);
    // `response` lives in this coroutine's frame, suspended until the parse returns.
    auto parse = [&response, options]() { return feeds::ParseFeed(response.body, options); };
    auto parsed = co_await RunOn(cpu_, std::move(parse));
    if (!parsed) {
      const bool is_html = feeds::LooksLikeHtml(response.body);
      outcome = ParseFailureOutcome(parsed.error().message, is_html, feed, now, bounds_, Jitter());
      // A page that links a feed, subscribed moments ago: move the subscription to the feed
      // it advertises (what `feedctl add https://blog.example/` means).
      if (is_html && feed.entry_count == 0 && feed.status == storage::FeedStatus::kNew) {
        auto links = feeds::DiscoverFeedLinks(response.body, options.document_url);
        if (!links.empty()) {
          spdlog::info("feed {} ({}): page advertises feed {}; following it", id, shown_url,
                       RedactUrl(links.front().url));
          outcome.new_url = links.front().url;
          outcome.status = storage::FeedStatus::kNew;
          outcome.stage = storage::FetchStage::kNone;
          outcome.error.reset();
          outcome.next_fetch = now;
        }
      }
    } else {
      std::size_t logged = 0;
      for (const auto& warning : parsed->warnings) {
        if (logged++ == kMaxWarningsLogged) {
          spdlog::warn("feed {} ({}): {} more parse warnings", id, shown_url,
                       parsed->warnings.size() - kMaxWarningsLogged);
          break;
        }
        spdlog::warn("feed {} ({}): {}", id, shown_url, warning);
      }
      // `parsed` lives in this coroutine's frame, suspended until the write returns.
      auto stats = co_await writer_.Call(&storage::Store::Ingest, id, std::cref(parsed->feed), now);
      if (!stats) {
        outcome.status = storage::FeedStatus::kError;
        outcome.stage = storage::FetchStage::kStore;
        outcome.error = stats.error().message;
        spdlog::error("feed {} ({}): store: {}", id, shown_url, stats.error().message);
      } else {
        result.inserted = stats->inserted;
        result.updated = stats->updated;
        if (stats->inserted + stats->updated > 0) {
          spdlog::info("feed {} ({}): {} new, {} updated entries", id, shown_url, stats->inserted,
                       stats->updated);
          if (on_entries_changed_) on_entries_changed_();
        }
      }
    }
  }
  if (outcome.status == storage::FeedStatus::kError) {
    spdlog::warn("feed {} ({}): {} failed: {}", id, shown_url,
                 storage::FetchStageName(outcome.stage), outcome.error.value_or("unknown error"));
  } else if (outcome.status == storage::FeedStatus::kGone) {
    spdlog::warn("feed {} ({}): gone (410); it will not be fetched again", id, shown_url);
  }

  auto recorded = co_await writer_.Call(&storage::Store::RecordFetch, id, std::cref(outcome));
  if (!recorded) {
    spdlog::error("feed {} ({}): cannot record the fetch: {}", id, shown_url,
                  recorded.error().message);
  }
  result.status = outcome.status;
  result.next_fetch = outcome.next_fetch;
  co_return result;
}

}  // namespace feedd::daemon
