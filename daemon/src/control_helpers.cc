// Helpers shared by the control API handlers (control_helpers.h).
#include "control_helpers.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "feed_url.h"
#include "feedd/feeds/dates.h"
#include "json_views.h"

namespace feedd::daemon {

using nlohmann::json;
using storage::Timestamp;

Timestamp ControlNow() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

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
  if (unit_seconds == 0 || amount > 100LL * 365 * 86400 / unit_seconds) return std::nullopt;
  return ControlNow() - std::chrono::seconds(amount * unit_seconds);
}

std::optional<int> ParseLimit(const HttpRequest& request, int fallback, int maximum) {
  if (!HasQueryParameter(request.target, "limit")) return fallback;
  auto value = ParseId(QueryParameter(request.target, "limit"));
  if (!value || *value > maximum) return std::nullopt;
  return static_cast<int>(*value);
}

Result<json> ParseObjectBody(const HttpRequest& request, bool empty_ok, HttpResponse& refusal) {
  if (request.body.empty() && empty_ok) return json::object();
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    refusal = ErrorResponse(400, "bad_json", "the body must be a JSON object");
    return Fail("bad json");
  }
  return body;
}

std::optional<std::vector<std::string>> ParseTags(const json& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<std::string> tags;
  for (const auto& tag : value) {
    if (!tag.is_string() || tag.get<std::string>().empty()) return std::nullopt;
    tags.push_back(tag.get<std::string>());
  }
  return tags;
}

std::optional<FieldError> ReadNewFeed(const json& body, storage::NewFeed& feed) {
  if (!body.is_object())
    return FieldError{"bad_json", "a feed must be a JSON object like {\"url\": \"https://...\"}"};
  if (!body.contains("url") || !body["url"].is_string()) {
    return FieldError{"missing_url", "\"url\" (a string) is required"};
  }
  auto url = ValidateFeedUrl(body["url"].get<std::string>());
  if (!url) return FieldError{"bad_url", url.error().message};
  feed.url = *url;
  if (body.contains("title") && !body["title"].is_null()) {
    if (!body["title"].is_string()) return FieldError{"bad_title", "\"title\" must be a string"};
    if (!body["title"].get<std::string>().empty()) feed.title = body["title"].get<std::string>();
  }
  if (body.contains("tags")) {
    auto tags = ParseTags(body["tags"]);
    if (!tags) return FieldError{"bad_tags", "\"tags\" must be an array of non-empty strings"};
    feed.tags = std::move(*tags);
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseInterval(const json& value) {
  constexpr std::int64_t kMin = 60;
  constexpr std::int64_t kMax = 30LL * 86400;
  std::int64_t seconds = 0;
  if (value.is_number_integer()) {
    seconds = value.get<std::int64_t>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    std::int64_t amount = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (ec != std::errc() || amount <= 0 || amount > kMax) return std::nullopt;
    const std::string unit(end, text.data() + text.size());
    if (unit == "s" || unit.empty())
      seconds = amount;
    else if (unit == "m")
      seconds = amount * 60;
    else if (unit == "h")
      seconds = amount * 3600;
    else if (unit == "d")
      seconds = amount * 86400;
    else
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (seconds < kMin || seconds > kMax) return std::nullopt;
  return seconds;
}

}  // namespace feedd::daemon
