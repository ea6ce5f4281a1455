// Control API: entries (list with filters and a cursor, show one), full-text search, and the
// stream of new entries behind `feedctl follow`.
#include <chrono>

#include "control_api.h"
#include "control_helpers.h"
#include "entry_stream.h"
#include "json_views.h"

namespace feedd::daemon {

using nlohmann::json;

namespace {
// Before a search looks, it indexes what is pending in batches of this many entries (as the
// maintenance task does), for at most about kCatchUpBudget: a search right after a refresh
// finds what it fetched, and a search during a big import is not held up for the whole
// backlog, which the maintenance task indexes once ingest pauses.
constexpr int kIndexBatch = 2000;
constexpr std::chrono::milliseconds kCatchUpBudget{1000};
}  // namespace

boost::asio::awaitable<HttpResponse> ControlApi::ListEntries(const HttpRequest& request) {
  storage::EntryQuery query;
  if (HasQueryParameter(request.target, "feed")) {
    auto id = ParseId(QueryParameter(request.target, "feed"));
    if (!id) co_return ErrorResponse(400, "bad_feed", "feed must be a feed id");
    query.feed_id = *id;
  }
  if (HasQueryParameter(request.target, "tag")) query.tag = QueryParameter(request.target, "tag");
  if (HasQueryParameter(request.target, "since")) {
    auto since = ParseSince(QueryParameter(request.target, "since"));
    if (!since) {
      co_return ErrorResponse(
          400, "bad_since", "since must be RFC 3339 (2024-08-16T11:12:54Z) or an age like 2h, 7d");
    }
    query.since = *since;
  }
  if (HasQueryParameter(request.target, "before")) {
    auto before = ParseId(QueryParameter(request.target, "before"));
    if (!before) co_return ErrorResponse(400, "bad_cursor", "before must be an entry id");
    query.before_id = *before;
  }
  auto limit = ParseLimit(request, 50, 10000);
  if (!limit) co_return ErrorResponse(400, "bad_limit", "limit must be 1..10000");
  query.limit = *limit;
  auto entries = co_await context_.reader.Call(&storage::Store::ListEntries, query);
  if (!entries) co_return StorageError(entries.error());
  json list = json::array();
  for (const auto& entry : *entries) list.push_back(EntryJson(entry));
  json answer{{"entries", list}};
  answer["next_before"] = static_cast<int>(entries->size()) == query.limit && !entries->empty()
                              ? json(entries->back().id)
                              : json(nullptr);
  co_return JsonResponse(200, answer);
}

boost::asio::awaitable<HttpResponse> ControlApi::ShowEntry(storage::EntryId id) {
  auto entry = co_await context_.reader.Call(&storage::Store::GetEntry, id);
  if (!entry) co_return StorageError(entry.error());
  if (!entry->has_value())
    co_return ErrorResponse(404, "no_such_entry", "no entry with id " + std::to_string(id));
  co_return JsonResponse(200, EntryJson(**entry));
}

boost::asio::awaitable<HttpResponse> ControlApi::Search(const HttpRequest& request) {
  const std::string text = QueryParameter(request.target, "q");
  if (text.empty())
    co_return ErrorResponse(400, "missing_query", "q (the search query) is required");
  auto limit = ParseLimit(request, 20, 1000);
  if (!limit) co_return ErrorResponse(400, "bad_limit", "limit must be 1..1000");
  const int count = *limit;
  const auto catch_up_ends = std::chrono::steady_clock::now() + kCatchUpBudget;
  for (int indexed = kIndexBatch;
       indexed == kIndexBatch && std::chrono::steady_clock::now() < catch_up_ends;) {
    // A failure is the maintenance task's to report and retry; the search goes on.
    auto done = co_await context_.writer.Call(&storage::Store::IndexPending, kIndexBatch);
    indexed = done ? *done : 0;
  }
  auto hits = co_await context_.reader.Call(&storage::Store::Search, std::string_view(text), count);
  if (!hits) co_return ErrorResponse(400, "bad_query", hits.error().message);
  json list = json::array();
  for (const auto& hit : *hits) {
    json value = EntryJson(hit.entry);
    value["rank"] = hit.rank;
    value["snippet"] = hit.snippet;
    list.push_back(std::move(value));
  }
  co_return JsonResponse(200, json{{"entries", list}});
}

// GET /v1/entries/stream[?after=ID]: Server-Sent Events, one per new entry. Last-Event-ID
// (sent by EventSource clients on reconnect) works like `after`.
boost::asio::awaitable<HttpResponse> ControlApi::FollowEntries(const HttpRequest& request) {
  if (context_.entry_stream == nullptr) {
    co_return ErrorResponse(503, "unavailable", "the entry stream is not running");
  }
  std::optional<storage::EntryId> after;
  std::string cursor = QueryParameter(request.target, "after");
  if (cursor.empty()) cursor = request.Header("Last-Event-ID");
  if (!cursor.empty()) {
    auto id = ParseId(cursor);
    if (!id && cursor != "0")
      co_return ErrorResponse(400, "bad_cursor", "after must be an entry id");
    after = id.value_or(0);
  }
  auto subscription = context_.entry_stream->Subscribe();
  if (!subscription) {
    auto refused = ErrorResponse(503, "too_many_followers",
                                 "too many clients are following already; try again later");
    refused.headers.emplace_back("Retry-After", "10");
    co_return refused;
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.stream =
      MakeFollowBody(std::move(subscription), context_.reader, after, std::chrono::seconds(15));
  co_return response;
}

}  // namespace feedd::daemon
