// Control API routing: path and method to handler. The handlers live in control_status.cc,
// control_feeds.cc, control_opml.cc and control_entries.cc; shared helpers in
// control_helpers.h. Unknown paths are 404, wrong methods 405 with Allow.
#include "control_api.h"

#include "control_helpers.h"
#include "host_report_json.h"
#include "json_views.h"
#include "metrics.h"

namespace feedd::daemon {

boost::asio::awaitable<HttpResponse> ControlApi::Handle(HttpRequest request) {
  const std::string path = PathOf(request.target);
  const auto parts = Segments(path);
  const std::string& method = request.method;
  if (path == "/metrics" && metrics_) {
    if (method != "GET" && method != "HEAD") {
      auto response =
          ErrorResponse(405, "method_not_allowed", method + " is not allowed on /metrics; use GET");
      response.headers.emplace_back("Allow", "GET, HEAD");
      co_return response;
    }
    HttpResponse response;
    response.content_type = std::string(kPrometheusContentType);
    response.body = metrics_();
    response.head_only = method == "HEAD";
    co_return response;
  }
  if (parts.empty() || parts[0] != "v1") {
    co_return ErrorResponse(404, "not_found",
                            "no such endpoint: " + path + " (the API is under /v1/)");
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
  const auto refuse = [&](std::string_view allowed) {
    auto response =
        ErrorResponse(405, "method_not_allowed",
                      method + " is not allowed on " + path + "; use " + std::string(allowed));
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
  };
  const auto allow = [&](std::string_view allowed) -> std::optional<HttpResponse> {
    if (method == allowed) return std::nullopt;
    return refuse(allowed);
  };

  if (is({"v1", "status"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await Status();
  }
  if (is({"v1", "hosts"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return JsonResponse(
        200, HostsJson(context_.fetcher.Hosts().Report(std::chrono::system_clock::now())));
  }
  if (is({"v1", "feeds"})) {
    if (method == "GET") co_return co_await ListFeeds();
    if (method == "POST") co_return co_await AddFeed(request);
    co_return refuse("GET, POST");
  }
  if (is({"v1", "feeds", "*"})) {
    auto id = ParseId(parts[2]);
    if (!id) co_return ErrorResponse(400, "bad_id", "'" + parts[2] + "' is not a feed id");
    if (method == "GET") co_return co_await ShowFeed(*id);
    if (method == "PATCH") co_return co_await UpdateFeed(*id, request);
    if (method == "DELETE") co_return co_await RemoveFeed(*id);
    co_return refuse("GET, PATCH, DELETE");
  }
  if (is({"v1", "refresh"})) {
    if (auto refused = allow("POST")) co_return *refused;
    co_return co_await Refresh(request);
  }
  if (is({"v1", "import"})) {
    if (auto refused = allow("POST")) co_return *refused;
    co_return co_await ImportFeeds(request);
  }
  if (is({"v1", "export"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await ExportFeeds();
  }
  if (is({"v1", "entries"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await ListEntries(request);
  }
  if (is({"v1", "entries", "stream"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await FollowEntries(request);
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
  if (is({"v1", "outputs"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await ListOutputs();
  }
  if (is({"v1", "outputs", "*"})) {
    if (auto refused = allow("GET")) co_return *refused;
    co_return co_await ShowOutput(parts[2]);
  }
  if (is({"v1", "backup"})) {
    if (auto refused = allow("POST")) co_return *refused;
    co_return co_await Backup(request);
  }
  co_return ErrorResponse(404, "not_found", "no such endpoint: " + path);
}

}  // namespace feedd::daemon
