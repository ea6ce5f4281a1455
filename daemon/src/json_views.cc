// JSON renderings of storage records. Strings that may carry invalid UTF-8 from the web are
// dumped with replacement, never with an exception.
#include "json_views.h"

#include "feedd/feeds/dates.h"
#include "feedd/feeds/parsed_feed_json.h"
#include "redact.h"

namespace feedd::daemon {

using nlohmann::json;

json TimeJson(const std::optional<storage::Timestamp>& time) {
  if (!time) return nullptr;
  return feeds::FormatRfc3339(*time);
}

namespace {

json OptionalString(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace

json FeedJson(const storage::FeedRecord& feed) {
  return json{
      {"id", feed.id},
      {"url", RedactUrl(feed.url)},
      {"title",
       feed.DisplayTitle() == feed.url ? json(nullptr) : json(RedactUrl(feed.DisplayTitle()))},
      {"user_title", OptionalString(feed.user_title)},
      {"site_link", OptionalString(feed.site_link)},
      {"tags", feed.tags},
      {"status", std::string(storage::FeedStatusName(feed.status))},
      {"error", OptionalString(feed.last_error)},
      {"error_stage", feed.error_stage == storage::FetchStage::kNone
                          ? json(nullptr)
                          : json(std::string(storage::FetchStageName(feed.error_stage)))},
      {"http_status", feed.last_http_status ? json(*feed.last_http_status) : json(nullptr)},
      {"consecutive_failures", feed.consecutive_failures},
      {"last_fetch", TimeJson(feed.last_fetch)},
      {"last_success", TimeJson(feed.last_success)},
      {"next_fetch",
       feed.status == storage::FeedStatus::kGone ? json(nullptr) : TimeJson(feed.next_fetch)},
      {"interval_seconds", feed.interval_seconds ? json(*feed.interval_seconds) : json(nullptr)},
      {"created", TimeJson(feed.created)},
      {"entries", feed.entry_count},
  };
}

json EntryJson(const storage::StoredEntry& entry) {
  json value = json::parse(feeds::EntryToJson(entry.entry), nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) value = json::object();
  value["entry_id"] = entry.id;
  value["feed_id"] = entry.feed_id;
  value["story_id"] = entry.story_id;
  value["fetched"] = feeds::FormatRfc3339(entry.fetched);
  return value;
}

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  response.body += '\n';
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return JsonResponse(status, json{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace feedd::daemon
