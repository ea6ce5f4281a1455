// Control API handlers. Requests are validated here (bad JSON, unknown ids, bad URLs give a
// JSON error with a fitting status); the daemon's state is only touched through the workers
// and the scheduler.
#include "control_api.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "feed_url.h"
#include "feedd/feeds/dates.h"
#include "json_views.h"
#include "redact.h"
#include "version.h"

namespace feedd::daemon {
namespace {

using nlohmann::json;
using storage::Timestamp;

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// Splits "/v1/feeds/12" into {"v1", "feeds", "12"}.
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

HttpResponse StorageError(const Error& error) {
  spdlog::error("control: storage: {}", error.message);
  return ErrorResponse(500, "storage", error.message);
}

// "2024-08-16T11:12:54Z" or a duration back from now ("2h", "7d").
std::optional<Timestamp> ParseSince(const std::string& text) {
  if (auto absolute = feeds::ParseDate(text)) return absolute;
  std::int64_t amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc() || end == text.data() + text.size() || amount < 0) return std::nullopt;
  const std::string unit(end, text.data() + text.size());
  std::int64_t unit_seconds = 0;
  if (unit == "s") unit_seconds = 1;
  if (unit == "m") unit_seconds = 60;
  if (unit == "h") unit_seconds = 3600;
  if (unit == "d") unit_seconds = 86400;
  if (unit == "w") unit_seconds = 7 * 86400;
  if (unit_seconds == 0) return std::nullopt;
  return Now() - std::chrono::seconds(amount * unit_seconds);
}

std::optional<int> ParseLimit(const HttpRequest& request, int fallback, int maximum) {
  if (!HasQueryParameter(request.target, "limit")) return fallback;
  auto value = ParseId(QueryParameter(request.target, "limit"));
  if (!value || *value > maximum) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace

boost::asio::awaitable<HttpResponse> ControlApi::Handle(HttpRequest request) {
  const std::string path = PathOf(request.target);
  const auto parts = Segments(path);
  const std::string& method = request.method;
  if (parts.empty() || parts[0] != "v1") {
    co_return ErrorResponse(404, "not_found", "no such endpoint: " + path + " (the API is under /v1/)");
  }
  const auto is = [&](std::initializer_list<const char*> shape) {
    if (shape.size() != parts.size()) return false;
    std::size_t i = 0;
    for (const char* want : shape) {
      if (std::string_view(want) != "*" && parts[i] != want) return false;
      ++i;
    }
    return true;
  };
  const auto allow = [&](std::string_view allowed) -> std::optional<HttpResponse> {
    if (method == allowed) return std::nullopt;
    auto response = ErrorResponse(405, "method_not_allowed",
                                  method + " is not allowed on " + path + "; use " + std::string(allowed));
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
  };

  if (is({"v1", "status"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await Status();
  }
  if (is({"v1", "feeds"})) {
    if (method == "GET") co_return co_await ListFeeds();
    if (method == "POST") co_return co_await AddFeed(request);
    co_return *allow("GET, POST");
  }
  if (is({"v1", "feeds", "*"})) {
    auto id = ParseId(parts[2]);
    if (!id) co_return ErrorResponse(400, "bad_id", "'" + parts[2] + "' is not a feed id");
    if (method == "GET") co_return co_await ShowFeed(*id);
    if (method == "DELETE") co_return co_await RemoveFeed(*id);
    co_return *allow("GET, DELETE");
  }
  if (is({"v1", "refresh"})) {
    if (auto refused = allow("POST")) co_return *refused;
    co_return co_await Refresh(request);
  }
  if (is({"v1", "entries"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await ListEntries(request);
  }
  if (is({"v1", "entries", "*"})) {
    if (auto refused = allow("GET")) co_return *refused;
    auto id = ParseId(parts[2]);
    if (!id) co_return ErrorResponse(400, "bad_id", "'" + parts[2] + "' is not an entry id");
    co_return co_await ShowEntry(*id);
  }
  if (is({"v1", "search"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await Search(request);
  }
  co_return ErrorResponse(404, "not_found", "no such endpoint: " + path);
}

boost::asio::awaitable<HttpResponse> ControlApi::Status() {
  auto counts = co_await context_.reader.Call(&storage::Store::Counts);
  if (!counts) co_return StorageError(counts.error());
  auto feeds = co_await context_.reader.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return StorageError(feeds.error());
  json last_errors = json::array();
  for (const auto& feed : *feeds) {
    if (feed.status != storage::FeedStatus::kError) continue;
    last_errors.push_back({{"feed_id", feed.id},
                           {"url", RedactUrl(feed.url)},
                           {"error", feed.last_error.value_or("")},
                           {"stage", std::string(storage::FetchStageName(feed.error_stage))},
                           {"at", TimeJson(feed.last_fetch)}});
  }
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - context_.started);
  const auto fetcher = context_.fetcher.Stats();
  const std::string public_address = context_.public_address ? context_.public_address() : "";
  co_return JsonResponse(
      200, json{{"version", Version()},
                {"uptime_seconds", uptime.count()},
                {"feeds", counts->feeds},
                {"entries", counts->entries},
                {"stories", counts->stories},
                {"failing_feeds", counts->failing_feeds},
                {"fetches_in_flight", fetcher.in_flight},
                {"fetches_queued", fetcher.queued},
                {"updates_running", context_.scheduler.InFlight()},
                {"public_address", public_address.empty() ? json(nullptr) : json(public_address)},
                {"last_errors", last_errors}});
}

boost::asio::awaitable<HttpResponse> ControlApi::ListFeeds() {
  auto feeds = co_await context_.reader.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return StorageError(feeds.error());
  json list = json::array();
  for (const auto& feed : *feeds) list.push_back(FeedJson(feed));
  co_return JsonResponse(200, list);
}

boost::asio::awaitable<HttpResponse> ControlApi::AddFeed(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    co_return ErrorResponse(400, "bad_json", "the body must be a JSON object like {\"url\": \"https://...\"}");
  }
  if (!body.contains("url") || !body["url"].is_string()) {
    co_return ErrorResponse(400, "missing_url", "\"url\" (a string) is required");
  }
  auto url = ValidateFeedUrl(body["url"].get<std::string>());
  if (!url) co_return ErrorResponse(400, "bad_url", url.error().message);
  storage::NewFeed feed;
  feed.url = *url;
  if (body.contains("title")) {
    if (!body["title"].is_string()) co_return ErrorResponse(400, "bad_title", "\"title\" must be a string");
    if (!body["title"].get<std::string>().empty()) feed.title = body["title"].get<std::string>();
  }
  if (body.contains("tags")) {
    if (!body["tags"].is_array()) co_return ErrorResponse(400, "bad_tags", "\"tags\" must be an array of strings");
    for (const auto& tag : body["tags"]) {
      if (!tag.is_string() || tag.get<std::string>().empty()) {
        co_return ErrorResponse(400, "bad_tags", "\"tags\" must be an array of non-empty strings");
      }
      feed.tags.push_back(tag.get<std::string>());
    }
  }
  auto added = co_await context_.writer.Call(&storage::Store::AddFeed, feed);
  if (!added) co_return StorageError(added.error());
  if (added->created) {
    spdlog::info("feed {} added: {}", added->feed.id, RedactUrl(added->feed.url));
    context_.scheduler.Schedule(added->feed.id, Now());
  }
  json answer = FeedJson(added->feed);
  answer["created"] = added->created;
  co_return JsonResponse(added->created ? 201 : 200, answer);
}

boost::asio::awaitable<HttpResponse> ControlApi::ShowFeed(storage::FeedId id) {
  auto feed = co_await context_.reader.Call(&storage::Store::GetFeed, id);
  if (!feed) co_return StorageError(feed.error());
  if (!feed->has_value()) co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  co_return JsonResponse(200, FeedJson(**feed));
}

boost::asio::awaitable<HttpResponse> ControlApi::RemoveFeed(storage::FeedId id) {
  auto removed = co_await context_.writer.Call(&storage::Store::RemoveFeed, id);
  if (!removed) co_return StorageError(removed.error());
  if (!*removed) co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  context_.scheduler.Remove(id);
  if (context_.on_entries_changed) context_.on_entries_changed();
  spdlog::info("feed {} removed", id);
  co_return JsonResponse(200, json{{"removed", id}});
}

boost::asio::awaitable<HttpResponse> ControlApi::Refresh(const HttpRequest& request) {
  json body = json::object();
  if (!request.body.empty()) {
    body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) co_return ErrorResponse(400, "bad_json", "the body must be a JSON object");
  }
  std::vector<storage::FeedId> ids;
  if (body.contains("feeds")) {
    if (!body["feeds"].is_array()) co_return ErrorResponse(400, "bad_feeds", "\"feeds\" must be an array of ids");
    for (const auto& value : body["feeds"]) {
      if (!value.is_number_integer()) co_return ErrorResponse(400, "bad_feeds", "\"feeds\" must be an array of ids");
      ids.push_back(value.get<storage::FeedId>());
    }
  }
  auto feeds = co_await context_.reader.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return StorageError(feeds.error());
  std::vector<storage::FeedId> chosen;
  if (ids.empty()) {
    for (const auto& feed : *feeds) {
      if (feed.status != storage::FeedStatus::kGone) chosen.push_back(feed.id);
    }
  } else {
    for (const auto id : ids) {
      const bool known = std::any_of(feeds->begin(), feeds->end(),
                                     [id](const auto& feed) { return feed.id == id; });
      if (!known) co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
      chosen.push_back(id);
    }
  }
  const bool wait = body.value("wait", false);
  if (!wait) {
    for (const auto id : chosen) context_.scheduler.Schedule(id, Now());
    co_return JsonResponse(202, json{{"refreshing", chosen}});
  }
  co_await context_.scheduler.RefreshNow(chosen);
  auto after = co_await context_.reader.Call(&storage::Store::ListFeeds);
  if (!after) co_return StorageError(after.error());
  json results = json::array();
  for (const auto& feed : *after) {
    if (std::find(chosen.begin(), chosen.end(), feed.id) != chosen.end()) results.push_back(FeedJson(feed));
  }
  co_return JsonResponse(200, json{{"refreshed", results}});
}

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
      co_return ErrorResponse(400, "bad_since", "since must be RFC 3339 (2024-08-16T11:12:54Z) or an age like 2h, 7d");
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
  if (!entry->has_value()) co_return ErrorResponse(404, "no_such_entry", "no entry with id " + std::to_string(id));
  co_return JsonResponse(200, EntryJson(**entry));
}

boost::asio::awaitable<HttpResponse> ControlApi::Search(const HttpRequest& request) {
  const std::string text = QueryParameter(request.target, "q");
  if (text.empty()) co_return ErrorResponse(400, "missing_query", "q (the search query) is required");
  auto limit = ParseLimit(request, 20, 1000);
  if (!limit) co_return ErrorResponse(400, "bad_limit", "limit must be 1..1000");
  const int count = *limit;
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

}  // namespace feedd::daemon
