// The per-feed pipeline. Parsing and storing hop to their own threads (RunOn, StoreWorker)
// so the io thread only sequences I/O.
#include "feed_updater.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <functional>
#include <random>
#include <string_view>

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
constexpr std::size_t kRedirectHistory = 8;
// While offline, a feed that failed at the network stage comes back this soon (plus jitter);
// the scheduler lets one probe through at a time meanwhile.
constexpr std::chrono::seconds kOfflineRetry{60};

OfflineDetector::Outcome ForDetector(NetworkEvidence evidence) {
  switch (evidence) {
    case NetworkEvidence::kReached:
      return OfflineDetector::Outcome::kReached;
    case NetworkEvidence::kNetworkFailure:
      return OfflineDetector::Outcome::kNetworkFailure;
    case NetworkEvidence::kNone:
      return OfflineDetector::Outcome::kOther;
  }
  return OfflineDetector::Outcome::kOther;
}

// What the CPU pool hands back for a body: unchanged since the last parse, or parsed, or
// (a page instead of a feed) the feed links it advertises. Hashing, parsing and discovery
// all run there, so a 32 MiB body or page costs the io thread nothing.
struct ParseJob {
  std::size_t body_hash = 0;
  bool unchanged = false;
  std::optional<Result<feeds::ParseResult>> parsed;
  bool is_html = false;
  std::vector<feeds::DiscoveredFeed> links;
};

ParseJob ParseOffLoop(std::string_view body, const feeds::ParseOptions& options,
                      std::optional<std::size_t> previous_hash, bool may_discover) {
  ParseJob job;
  job.body_hash = std::hash<std::string_view>{}(body);
  if (previous_hash == job.body_hash) {
    job.unchanged = true;
    return job;
  }
  job.parsed.emplace(feeds::ParseFeed(body, options));
  if (!*job.parsed) {
    job.is_html = feeds::LooksLikeHtml(body);
    if (job.is_html && may_discover) {
      job.links = feeds::DiscoverFeedLinks(body, options.document_url);
    }
  }
  return job;
}

}  // namespace

FeedUpdater::FeedUpdater(CurlFetcher& fetcher, StoreWorker& writer,
                         boost::asio::any_io_executor cpu, ScheduleBounds bounds,
                         std::function<void()> on_entries_changed,
                         FeedDescribedCallback on_feed_described_anew)
    : fetcher_(fetcher),
      writer_(writer),
      cpu_(std::move(cpu)),
      bounds_(bounds),
      on_entries_changed_(std::move(on_entries_changed)),
      on_feed_described_anew_(std::move(on_feed_described_anew)) {}

boost::asio::awaitable<UpdateResult> FeedUpdater::Update(storage::FeedId id) {
  UpdateResult result;
  if (!batch_) batch_.emplace(co_await boost::asio::this_coro::executor, writer_);
  std::function get = [id](storage::Store& store) { return store.GetFeed(id); };
  auto found = co_await batch_->Run(std::move(get));
  if (!found) {
    spdlog::error("feed {}: cannot read it from storage: {}", id, found.error().message);
    result.next_fetch = NextAfterFailure(1, Now(), bounds_, Jitter());
    co_return result;
  }
  if (!found->has_value()) {
    result.feed_exists = false;
    memory_.erase(id);
    co_return result;
  }
  const FeedRecord feed = std::move(**found);
  const std::string shown_url = RedactUrl(feed.url);

  FetchRequest request{feed.url, feed.etag, feed.last_modified};
  FetchResponse response = co_await fetcher_.Fetch(std::move(request));
  // A body counts against the fetcher's limit until released here, once, on every path: at
  // once when it is not parsed, after its entries are stored when it is.
  auto release_body = [this, &response] {
    if (!response.body_held) return;
    response.body_held = false;
    fetcher_.ReleaseBody();
  };
  if (stopping_) {
    release_body();
    result.status = feed.status;
    co_return result;
  }
  if (metrics_ != nullptr) metrics_->RecordTransfer(response.bytes_received, response.elapsed);
  const Timestamp now = Now();
  // No other update of this feed runs meanwhile (the scheduler sees to it), and elements of an
  // unordered_map keep their address when it grows.
  FeedMemory& memory = memory_[id];

  const bool was_offline = offline_.Offline();
  const NetworkEvidence evidence = EvidenceOf(response);
  const bool offline = offline_.Note(ForDetector(evidence), response.host, now);
  if (offline != was_offline) {
    if (offline) {
      spdlog::warn(
          "the network looks down (most recent fetches, to several hosts, failed at "
          "DNS or connect): pausing fetches; these failures do not count against feeds");
    } else {
      spdlog::info("the network is back; fetching resumes");
    }
  }
  if (offline && evidence == NetworkEvidence::kNetworkFailure) {
    release_body();
    result.status = feed.status;
    result.next_fetch =
        now + kOfflineRetry + std::chrono::seconds(static_cast<long long>(60 * Jitter()));
    co_return result;
  }

  ScheduleHints hints = memory.hints;
  hints.user_interval = FixedInterval(feed);
  FetchDecision decision = DecideAfterFetch(response, feed, now, bounds_, hints, Jitter());
  FetchOutcome& outcome = decision.outcome;
  if (decision.next == NextStep::kDefer) {
    release_body();
    spdlog::debug("feed {} ({}): not fetched, host {} asked to wait", id, shown_url, response.host);
    result.status = feed.status;
    result.next_fetch = outcome.next_fetch;
    co_return result;
  }
  if (decision.next == NextStep::kNotModified) {
    fetcher_.Hosts().NoteSaved(response.host, memory.last_body_bytes);
  }
  std::optional<ParseJob> job;
  // A parsed body (and then its parse) stays held until the entries are stored: the fetcher
  // starts no new transfer while `concurrency` bodies are held. Released below, on the only
  // path out of the two kParse blocks (no co_return between them).
  if (decision.next != NextStep::kParse) release_body();
  if (decision.next == NextStep::kParse) {
    feeds::ParseOptions options;
    options.document_url = response.effective_url.empty() ? feed.url : response.effective_url;
    options.http_charset = CharsetOf(response.content_type);
    std::optional<std::size_t> previous_hash;
    if (memory.hashed_url == feed.url && feed.status == storage::FeedStatus::kOk) {
      previous_hash = memory.body_hash;
    }
    const bool may_discover = feed.entry_count == 0 && feed.status == storage::FeedStatus::kNew;
    // `response` lives in this coroutine's frame, suspended until the job returns.
    auto parse = [&response, options, previous_hash, may_discover]() {
      return ParseOffLoop(response.body, options, previous_hash, may_discover);
    };
    job.emplace(co_await RunOn(cpu_, std::move(parse)));
    // The body is parsed: its memory goes back now, not after the ingest, which may wait
    // behind other feeds' on the writer.
    std::string().swap(response.body);
    if (job->unchanged) {
      // The same bytes as last time, from a server without validators: nothing to parse.
      decision.next = NextStep::kNotModified;
      fetcher_.Hosts().NoteUnchanged(response.host);
      memory.last_body_bytes = response.bytes_received;
    }
  }

  if (decision.next == NextStep::kParse) {
    const std::size_t body_hash = job->body_hash;
    auto& parsed = *job->parsed;
    if (!parsed) {
      if (metrics_ != nullptr) metrics_->RecordParseError();
      const bool is_html = job->is_html;
      outcome = ParseFailureOutcome(parsed.error().message, is_html, feed, now, bounds_, Jitter());
      // A page that links a feed, subscribed moments ago: move the subscription to the feed
      // it advertises (what `feedctl add https://blog.example/` means).
      if (is_html && feed.entry_count == 0 && feed.status == storage::FeedStatus::kNew) {
        const auto& links = job->links;
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
      std::function ingest = [id, &parsed, now](storage::Store& store) {
        return store.Ingest(id, parsed->feed, now);
      };
      auto stats = co_await batch_->Run(std::move(ingest));
      if (!stats) {
        outcome.status = storage::FeedStatus::kError;
        outcome.stage = storage::FetchStage::kStore;
        outcome.error = stats.error().message;
        spdlog::error("feed {} ({}): store: {}", id, shown_url, stats.error().message);
      } else {
        memory.hints = HintsFromFeed(parsed->feed, now);
        hints = memory.hints;
        hints.user_interval = FixedInterval(feed);
        outcome.next_fetch =
            NextAfterSuccess(now, bounds_, hints, HttpFreshness(response, now), Jitter());
        memory.body_hash = body_hash;
        memory.hashed_url = feed.url;
        memory.last_body_bytes = response.bytes_received;
        result.inserted = stats->inserted;
        result.updated = stats->updated;
        if (metrics_ != nullptr) metrics_->RecordIngest(stats->inserted, stats->updated);
        if (parsed->feed.title != feed.feed_title || parsed->feed.link != feed.site_link) {
          if (on_feed_described_anew_) {
            on_feed_described_anew_(id, parsed->feed.title, parsed->feed.link);
          }
        }
        if (stats->inserted + stats->updated > 0) {
          spdlog::info("feed {} ({}): {} new, {} updated entries", id, shown_url, stats->inserted,
                       stats->updated);
          if (on_entries_changed_) on_entries_changed_();
        }
      }
    }
  }
  release_body();
  ApplyRedirects(memory, response, feed, outcome);
  if (outcome.status == storage::FeedStatus::kError) {
    spdlog::warn("feed {} ({}): {} failed: {}", id, shown_url,
                 storage::FetchStageName(outcome.stage), outcome.error.value_or("unknown error"));
  } else if (outcome.status == storage::FeedStatus::kGone) {
    spdlog::warn("feed {} ({}): gone (410); it will not be fetched again", id, shown_url);
  }

  if (metrics_ != nullptr) {
    metrics_->RecordFetchResult(ClassifyFetch(outcome, response.http_status));
  }
  // `outcome` lives in this coroutine's frame, suspended until the write returns.
  std::function record = [id, &outcome](storage::Store& store) {
    return store.RecordFetch(id, outcome);
  };
  auto recorded = co_await batch_->Run(std::move(record));
  if (!recorded) {
    spdlog::error("feed {} ({}): cannot record the fetch: {}", id, shown_url,
                  recorded.error().message);
  }
  result.status = outcome.status;
  result.next_fetch = outcome.next_fetch;
  co_return result;
}

void FeedUpdater::ApplyRedirects(FeedMemory& memory, const FetchResponse& response,
                                 const FeedRecord& feed, FetchOutcome& outcome) {
  for (const auto& hop : response.redirects) {
    memory.redirect_history.push_back(std::to_string(hop.status) + " " + RedactUrl(hop.location));
  }
  if (memory.redirect_history.size() > kRedirectHistory) {
    memory.redirect_history.erase(
        memory.redirect_history.begin(),
        memory.redirect_history.end() - static_cast<std::ptrdiff_t>(kRedirectHistory));
  }
  const auto target = PermanentTarget(response);
  // Move only a feed that worked at the new place, and only once the permanent redirect has
  // been seen on two fetches in a row (a misconfigured server flapping does not move it).
  if (!target || *target == feed.url || outcome.status != storage::FeedStatus::kOk ||
      outcome.new_url) {
    memory.permanent_target.reset();
    return;
  }
  if (memory.permanent_target == target) {
    spdlog::info("feed {} ({}): permanent redirect seen twice in a row; the feed moves to {}",
                 feed.id, RedactUrl(feed.url), RedactUrl(*target));
    outcome.new_url = *target;
    memory.permanent_target.reset();
    memory.hashed_url.clear();
    return;
  }
  spdlog::info("feed {} ({}): permanent redirect to {}; it moves if the next fetch agrees", feed.id,
               RedactUrl(feed.url), RedactUrl(*target));
  memory.permanent_target = target;
}

std::vector<std::string> FeedUpdater::RedirectHistory(storage::FeedId id) const {
  const auto found = memory_.find(id);
  if (found == memory_.end()) return {};
  return found->second.redirect_history;
}

}  // namespace feedd::daemon
