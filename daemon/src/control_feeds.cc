// Control API: feeds (list, add, show, update, remove) and refresh. Requests are validated
// here; the daemon's state is only touched through the workers and the scheduler.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "control_api.h"
#include "control_helpers.h"
#include "json_views.h"
#include "redact.h"

namespace feedd::daemon {

using nlohmann::json;

namespace {
// Entries given their story per writer call when a refresh waits (as the maintenance task
// does).
constexpr int kStoryBatch = 2000;
}  // namespace

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
    co_return ErrorResponse(400, "bad_json",
                            "the body must be a JSON object like {\"url\": \"https://...\"}");
  }
  storage::NewFeed feed;
  if (auto refused = ReadNewFeed(body, feed)) {
    co_return ErrorResponse(400, refused->code, refused->message);
  }
  auto added = co_await context_.writer.Call(&storage::Store::AddFeed, feed);
  if (!added) co_return StorageError(added.error());
  if (added->created) {
    spdlog::info("feed {} added: {}", added->feed.id, RedactUrl(added->feed.url));
    context_.scheduler.Schedule(added->feed.id, ControlNow());
  }
  json answer = FeedJson(added->feed);
  answer["created"] = added->created;
  co_return JsonResponse(added->created ? 201 : 200, answer);
}

boost::asio::awaitable<HttpResponse> ControlApi::ShowFeed(storage::FeedId id) {
  auto feed = co_await context_.reader.Call(&storage::Store::GetFeed, id);
  if (!feed) co_return StorageError(feed.error());
  if (!feed->has_value())
    co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  co_return JsonResponse(200, FeedJson(**feed));
}

// PATCH {"title": "..."|null, "tags": [...], "add_tags": [...], "remove_tags": [...],
//        "interval": 3600|"2h"|null}. Every field is checked before anything is written.
boost::asio::awaitable<HttpResponse> ControlApi::UpdateFeed(storage::FeedId id,
                                                            const HttpRequest& request) {
  HttpResponse refusal;
  auto parsed = ParseObjectBody(request, /*empty_ok=*/false, refusal);
  if (!parsed) co_return refusal;
  const json& body = *parsed;
  static constexpr const char* kKnown[] = {"title", "tags", "add_tags", "remove_tags", "interval"};
  for (const auto& [key, value] : body.items()) {
    if (std::none_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return key == k; })) {
      co_return ErrorResponse(
          400, "unknown_field",
          "unknown field \"" + key + "\" (title, tags, add_tags, remove_tags, interval)");
    }
  }
  auto current = co_await context_.reader.Call(&storage::Store::GetFeed, id);
  if (!current) co_return StorageError(current.error());
  if (!current->has_value())
    co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  const storage::FeedRecord& feed = **current;

  std::optional<std::optional<std::string>> title;
  if (body.contains("title")) {
    if (body["title"].is_null() ||
        (body["title"].is_string() && body["title"].get<std::string>().empty())) {
      title = std::optional<std::string>();
    } else if (body["title"].is_string()) {
      title = body["title"].get<std::string>();
    } else {
      co_return ErrorResponse(400, "bad_title", "\"title\" must be a string or null");
    }
  }
  std::optional<std::vector<std::string>> tags;
  if (body.contains("tags")) {
    tags = ParseTags(body["tags"]);
    if (!tags)
      co_return ErrorResponse(400, "bad_tags", "\"tags\" must be an array of non-empty strings");
  }
  for (const char* key : {"add_tags", "remove_tags"}) {
    if (!body.contains(key)) continue;
    auto change = ParseTags(body[key]);
    if (!change) {
      co_return ErrorResponse(400, "bad_tags",
                              std::string("\"") + key + "\" must be an array of non-empty strings");
    }
    if (!tags) tags = feed.tags;
    for (const auto& tag : *change) {
      const auto at = std::find(tags->begin(), tags->end(), tag);
      if (std::string_view(key) == "add_tags" && at == tags->end()) tags->push_back(tag);
      if (std::string_view(key) == "remove_tags" && at != tags->end()) tags->erase(at);
    }
  }
  std::optional<std::optional<std::int64_t>> interval;
  if (body.contains("interval")) {
    if (body["interval"].is_null()) {
      interval = std::optional<std::int64_t>();
    } else if (auto seconds = ParseInterval(body["interval"])) {
      interval = *seconds;
    } else {
      co_return ErrorResponse(
          400, "bad_interval",
          "\"interval\" must be seconds or an age like \"30m\", \"2h\" (1m..30d), or null");
    }
  }

  if (title) {
    auto done = co_await context_.writer.Call(&storage::Store::SetFeedTitle, id, *title);
    if (!done) co_return StorageError(done.error());
  }
  if (tags) {
    auto done = co_await context_.writer.Call(&storage::Store::SetFeedTags, id, *tags);
    if (!done) co_return StorageError(done.error());
  }
  if (interval) {
    auto done = co_await context_.writer.Call(&storage::Store::SetFeedInterval, id, *interval);
    if (!done) co_return StorageError(done.error());
  }
  if ((title || tags) && context_.on_feeds_changed) context_.on_feeds_changed();
  auto after = co_await context_.reader.Call(&storage::Store::GetFeed, id);
  if (!after) co_return StorageError(after.error());
  if (!after->has_value())
    co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  spdlog::info("feed {} updated", id);
  co_return JsonResponse(200, FeedJson(**after));
}

boost::asio::awaitable<HttpResponse> ControlApi::RemoveFeed(storage::FeedId id) {
  auto removed = co_await context_.writer.Call(&storage::Store::RemoveFeed, id);
  if (!removed) co_return StorageError(removed.error());
  if (!*removed)
    co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
  context_.scheduler.Remove(id);
  if (context_.on_feeds_changed) context_.on_feeds_changed();
  spdlog::info("feed {} removed", id);
  co_return JsonResponse(200, json{{"removed", id}});
}

boost::asio::awaitable<HttpResponse> ControlApi::Refresh(const HttpRequest& request) {
  HttpResponse refusal;
  auto parsed = ParseObjectBody(request, /*empty_ok=*/true, refusal);
  if (!parsed) co_return refusal;
  json& body = *parsed;
  std::vector<storage::FeedId> ids;
  if (body.contains("feeds")) {
    if (!body["feeds"].is_array())
      co_return ErrorResponse(400, "bad_feeds", "\"feeds\" must be an array of ids");
    for (const auto& value : body["feeds"]) {
      if (!value.is_number_integer())
        co_return ErrorResponse(400, "bad_feeds", "\"feeds\" must be an array of ids");
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
    std::unordered_set<storage::FeedId> known;
    known.reserve(feeds->size());
    for (const auto& feed : *feeds) known.insert(feed.id);
    for (const auto id : ids) {
      if (!known.contains(id)) {
        co_return ErrorResponse(404, "no_such_feed", "no feed with id " + std::to_string(id));
      }
      chosen.push_back(id);
    }
  }
  const std::size_t listed = feeds->size();
  feeds->clear();
  feeds->shrink_to_fit();
  if (!body.contains("wait") || !body["wait"].is_boolean() || !body["wait"].get<bool>()) {
    if (body.contains("wait") && !body["wait"].is_boolean()) {
      co_return ErrorResponse(400, "bad_wait", "\"wait\" must be true or false");
    }
    for (const auto id : chosen) context_.scheduler.Schedule(id, ControlNow());
    co_return JsonResponse(202, json{{"refreshing", chosen}});
  }
  const auto began = std::chrono::steady_clock::now();
  co_await context_.scheduler.RefreshNow(chosen);
  const auto fetched = std::chrono::steady_clock::now();
  // New entries wait for the story pass before merged outputs show them, so a refresh that
  // waits also waits for that pass: when it returns, what it fetched is stored and in the
  // outputs. It does not wait for the full-text index, which stays off the fetch path (a
  // search indexes what is pending before it looks, see Search). An error here is the
  // maintenance task's to report and retry; the fetches themselves are done.
  bool changed = false;
  for (int assigned = kStoryBatch; assigned == kStoryBatch;) {
    auto done = co_await context_.writer.Call(&storage::Store::AssignPendingStories, kStoryBatch);
    assigned = done ? *done : 0;
    changed = changed || assigned > 0;
  }
  const auto assigned_all = std::chrono::steady_clock::now();
  const auto ms = [](auto span) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(span).count();
  };
  spdlog::debug("refresh of {} feeds: fetches {} ms, then stories {} ms", chosen.size(),
                ms(fetched - began), ms(assigned_all - fetched));
  if (changed && context_.on_feeds_changed) context_.on_feeds_changed();
  // The records after the fetches: a few feeds one by one, most of them in one listing.
  json results = json::array();
  if (chosen.size() * 4 < listed) {
    std::vector<storage::FeedId> order = chosen;  // by id, once each, as a listing has them
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    auto read_chosen = [&order](storage::Store& store) {
      Result<std::vector<storage::FeedRecord>> records = std::vector<storage::FeedRecord>{};
      for (const auto id : order) {
        auto feed = store.GetFeed(id);
        if (!feed) return Result<std::vector<storage::FeedRecord>>(Fail(feed.error().message));
        if (feed->has_value()) records->push_back(std::move(**feed));
      }
      return records;
    };
    auto after = co_await context_.reader.Apply(std::move(read_chosen));
    if (!after) co_return StorageError(after.error());
    for (const auto& feed : *after) results.push_back(FeedJson(feed));
  } else {
    const std::unordered_set<storage::FeedId> wanted(chosen.begin(), chosen.end());
    auto after = co_await context_.reader.Call(&storage::Store::ListFeeds);
    if (!after) co_return StorageError(after.error());
    for (const auto& feed : *after) {
      if (wanted.contains(feed.id)) results.push_back(FeedJson(feed));
    }
  }
  co_return JsonResponse(200, json{{"refreshed", results}});
}

}  // namespace feedd::daemon
