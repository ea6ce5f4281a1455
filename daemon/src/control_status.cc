// Control API: the daemon's status, the merged outputs (list, show) and backups.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

#include "control_api.h"
#include "control_helpers.h"
#include "entry_stream.h"
#include "json_views.h"
#include "lease_scheduler.h"
#include "maintenance_task.h"
#include "output_service.h"
#include "redact.h"
#include "version.h"

namespace feedd::daemon {

using nlohmann::json;

namespace {

// The database file plus its WAL: what the store occupies on disk.
json DatabaseBytes(const std::filesystem::path& database) {
  if (database.empty()) return nullptr;
  std::error_code error;
  const auto main_size = std::filesystem::file_size(database, error);
  if (error) return nullptr;
  std::uintmax_t total = main_size;
  auto wal = database;
  wal += "-wal";
  const auto wal_size = std::filesystem::file_size(wal, error);
  if (!error) total += wal_size;
  return total;
}

json OutputJson(const config::OutputConfig& output, const std::string& public_address) {
  json paths = json::object();
  for (const char* extension : {"atom", "rss", "json", "html"}) {
    const std::string path = "/feeds/" + output.name + "." + extension;
    paths[extension] = public_address.empty() ? path : "http://" + public_address + path;
  }
  json feeds = json::array();
  for (const auto& url : output.feeds) feeds.push_back(RedactUrl(url));
  return json{{"name", output.name},
              {"title", output.title},
              {"tags", output.tags},
              {"feeds", feeds},
              {"query", output.query},
              {"limit", output.limit},
              {"window_seconds", output.window ? json(output.window->count()) : json(nullptr)},
              {"urls", paths}};
}

}  // namespace

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
  json status{
      {"version", Version()},
      {"uptime_seconds", uptime.count()},
      {"feeds", counts->feeds},
      {"entries", counts->entries},
      {"stories", counts->stories},
      {"failing_feeds", counts->failing_feeds},
      {"fetches_in_flight", fetcher.in_flight},
      {"fetches_queued", fetcher.queued},
      {"updates_running", context_.scheduler.InFlight()},
      {"followers", context_.entry_stream ? json(context_.entry_stream->Followers()) : json(0)},
      {"database_bytes", DatabaseBytes(context_.database)},
      {"public_address", public_address.empty() ? json(nullptr) : json(public_address)},
      {"last_errors", last_errors},
      // Deferred work that fails (a story pass that cannot write, say) leaves entries out of
      // merged outputs and search: say so here, not only in the log.
      {"maintenance_errors",
       context_.maintenance ? json(context_.maintenance->Failing()) : json::object()}};
  if (const LeaseScheduler* leases = context_.scheduler.leases()) {
    // Shared store: this instance's id and every instance heard from lately with its leases.
    const auto now = ControlNow();
    const auto live_after = now - 3 * leases->HeartbeatEvery();
    auto instances = co_await context_.reader.Call(&storage::Store::ListInstances, now,
                                                   now - std::chrono::minutes(10));
    if (!instances) co_return StorageError(instances.error());
    json list = json::array();
    for (const auto& instance : *instances) {
      list.push_back({{"id", instance.holder},
                      {"host", instance.host},
                      {"pid", instance.pid},
                      {"started", TimeJson(instance.started)},
                      {"last_seen", TimeJson(instance.last_seen)},
                      {"live", instance.last_seen >= live_after},
                      {"leases", instance.leases}});
    }
    status["instance"] = leases->settings().holder;
    status["lease_seconds"] = leases->settings().lease.count();
    status["instances"] = list;
  }
  co_return JsonResponse(200, status);
}

boost::asio::awaitable<HttpResponse> ControlApi::ListOutputs() {
  if (context_.outputs == nullptr)
    co_return ErrorResponse(503, "unavailable", "outputs are not configured");
  const std::string public_address = context_.public_address ? context_.public_address() : "";
  json list = json::array();
  for (const auto& output : context_.outputs->Outputs())
    list.push_back(OutputJson(output, public_address));
  co_return JsonResponse(200, list);
}

boost::asio::awaitable<HttpResponse> ControlApi::ShowOutput(const std::string& name) {
  if (context_.outputs == nullptr)
    co_return ErrorResponse(503, "unavailable", "outputs are not configured");
  const std::string public_address = context_.public_address ? context_.public_address() : "";
  for (const auto& output : context_.outputs->Outputs()) {
    if (output.name != name) continue;
    json answer = OutputJson(output, public_address);
    // The JSON Feed rendering says what a reader subscribed to it sees right now.
    auto rendered = co_await context_.outputs->Get(name, OutputFormat::kJson);
    json items = json::array();
    std::size_t count = 0;
    if (rendered) {
      const json document = json::parse(rendered->body(), nullptr, /*allow_exceptions=*/false);
      if (document.is_object() && document.contains("items") && document["items"].is_array()) {
        count = document["items"].size();
        for (const auto& item : document["items"]) {
          if (items.size() >= 10) break;
          items.push_back({{"title", item.value("title", json(nullptr))},
                           {"url", item.value("url", json(nullptr))},
                           {"date_published", item.value("date_published", json(nullptr))}});
        }
      }
      answer["etag"] = rendered->etag();
      answer["last_modified"] = rendered->last_modified;
    }
    answer["item_count"] = count;
    answer["newest"] = items;
    co_return JsonResponse(200, answer);
  }
  co_return ErrorResponse(404, "no_such_output", "no output named '" + name + "'");
}

// POST {"path": "/absolute/file.db"}: a consistent copy taken on the reader connection, so
// writes go on meanwhile. The daemon writes as its own user; the client resolves the path.
boost::asio::awaitable<HttpResponse> ControlApi::Backup(const HttpRequest& request) {
  HttpResponse refusal;
  auto parsed = ParseObjectBody(request, /*empty_ok=*/false, refusal);
  if (!parsed) co_return refusal;
  if (!parsed->contains("path") || !(*parsed)["path"].is_string()) {
    co_return ErrorResponse(400, "missing_path", "\"path\" (an absolute file path) is required");
  }
  const std::filesystem::path path((*parsed)["path"].get<std::string>());
  if (!path.is_absolute()) {
    co_return ErrorResponse(400, "bad_path", "the backup path must be absolute: " + path.string());
  }
  std::error_code error;
  const auto status = std::filesystem::symlink_status(path, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    co_return ErrorResponse(400, "bad_path", path.string() + ": exists and is not a regular file");
  }
  if (!std::filesystem::is_directory(path.parent_path(), error)) {
    co_return ErrorResponse(400, "bad_path", path.parent_path().string() + ": no such directory");
  }
  if (!context_.database.empty() && std::filesystem::equivalent(path, context_.database, error)) {
    co_return ErrorResponse(400, "bad_path", path.string() + " is the live database");
  }
  const auto started = std::chrono::steady_clock::now();
  auto done = co_await context_.reader.Call(&storage::Store::Backup, path);
  if (!done) co_return ErrorResponse(500, "backup_failed", done.error().message);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  const auto bytes = std::filesystem::file_size(path, error);
  spdlog::info("backup written to {} in {} ms", path.string(), took.count());
  co_return JsonResponse(200, json{{"path", path.string()},
                                   {"bytes", error ? json(nullptr) : json(bytes)},
                                   {"milliseconds", took.count()}});
}

}  // namespace feedd::daemon
