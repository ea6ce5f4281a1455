// Control API: OPML import and export. The client reads the OPML file and sends its
// outlines as JSON; the daemon never opens a path for an import. Every outline goes through
// ReadNewFeed, the same check as POST /v1/feeds, so an import refuses what `add` refuses.
#include <spdlog/spdlog.h>

#include "control_api.h"
#include "control_helpers.h"
#include "feedd/feeds/opml.h"
#include "json_views.h"
#include "redact.h"

namespace feedd::daemon {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxImport = 10000;
}  // namespace

// POST {"feeds": [{"url", "title"?, "tags"?}, ...]} -> 200 {"added": n, "existing": n,
// "refused": n, "results": [{"url", "id"?, "created"?, "error"?}]} (URLs redacted).
boost::asio::awaitable<HttpResponse> ControlApi::ImportFeeds(const HttpRequest& request) {
  HttpResponse refusal;
  auto parsed = ParseObjectBody(request, /*empty_ok=*/false, refusal);
  if (!parsed) co_return refusal;
  const json& body = *parsed;
  if (!body.contains("feeds") || !body["feeds"].is_array()) {
    co_return ErrorResponse(400, "missing_feeds",
                            "\"feeds\" (an array of {\"url\", \"title\", \"tags\"}) is required");
  }
  if (body["feeds"].size() > kMaxImport) {
    co_return ErrorResponse(413, "too_many_feeds",
                            "at most " + std::to_string(kMaxImport) + " feeds per import");
  }
  json results = json::array();
  int added_count = 0;
  int existing_count = 0;
  int refused_count = 0;
  for (const auto& item : body["feeds"]) {
    json result = json::object();
    const json url_value = item.is_object() ? item.value("url", json(nullptr)) : json(nullptr);
    result["url"] =
        url_value.is_string() ? json(RedactUrl(url_value.get<std::string>())) : json(nullptr);
    storage::NewFeed feed;
    if (auto refused = ReadNewFeed(item, feed)) {
      result["error"] = {{"code", refused->code}, {"message", refused->message}};
      ++refused_count;
      results.push_back(std::move(result));
      continue;
    }
    auto added = co_await context_.writer.Call(&storage::Store::AddFeed, feed);
    if (!added) co_return StorageError(added.error());
    result["id"] = added->feed.id;
    result["created"] = added->created;
    if (added->created) {
      ++added_count;
      context_.scheduler.Schedule(added->feed.id, ControlNow());
    } else {
      ++existing_count;
    }
    results.push_back(std::move(result));
  }
  spdlog::info("import: {} added, {} already subscribed, {} refused", added_count, existing_count,
               refused_count);
  co_return JsonResponse(200, json{{"added", added_count},
                                   {"existing", existing_count},
                                   {"refused", refused_count},
                                   {"results", results}});
}

// GET -> OPML 2.0 (text/x-opml): every feed with its title and tags. URLs are exported as
// stored (with credentials: the export is a backup of the subscriptions).
boost::asio::awaitable<HttpResponse> ControlApi::ExportFeeds() {
  auto feeds = co_await context_.reader.Call(&storage::Store::ListFeeds);
  if (!feeds) co_return StorageError(feeds.error());
  feeds::OpmlDocument document;
  document.title = "feedd subscriptions";
  for (const auto& feed : *feeds) {
    feeds::OpmlFeed item;
    item.url = feed.url;
    if (feed.user_title) {
      item.title = *feed.user_title;
    } else if (feed.feed_title) {
      item.title = *feed.feed_title;
    }
    item.site_url = feed.site_link.value_or("");
    item.tags = feed.tags;
    document.feeds.push_back(std::move(item));
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/x-opml; charset=utf-8";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"feedd.opml\"");
  response.body = feeds::WriteOpml(document);
  co_return response;
}

}  // namespace feedd::daemon
