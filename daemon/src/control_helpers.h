// Small helpers shared by the control API's handler files: ids, times, limits, JSON bodies
// and the storage-error answer. Private to daemon/.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/storage/store.h"
#include "http_types.h"

namespace feedd::daemon {

storage::Timestamp ControlNow();
// A positive decimal id, nothing else.
std::optional<std::int64_t> ParseId(std::string_view text);
// Splits "/v1/feeds/12" into {"v1", "feeds", "12"}.
std::vector<std::string> Segments(const std::string& path);
// Logs the storage failure and answers 500.
HttpResponse StorageError(const Error& error);
// "2024-08-16T11:12:54Z" or an age back from now ("2h", "7d").
std::optional<storage::Timestamp> ParseSince(const std::string& text);
// The request's `limit` (fallback when absent); nullopt when not 1..maximum.
std::optional<int> ParseLimit(const HttpRequest& request, int fallback, int maximum);
// The body as a JSON object ("" counts as {} when `empty_ok`); a 400 answer otherwise.
Result<nlohmann::json> ParseObjectBody(const HttpRequest& request, bool empty_ok,
                                       HttpResponse& refusal);
// Tags from a JSON value: an array of non-empty strings; nullopt otherwise.
std::optional<std::vector<std::string>> ParseTags(const nlohmann::json& value);

// A refusal of a request field: the JSON error code and message.
struct FieldError {
  std::string code;
  std::string message;
};
// Reads {"url", "title"?, "tags"?} into `feed`; the URL passes ValidateFeedUrl. Used by
// POST /v1/feeds and by every outline of POST /v1/import, so both refuse the same things.
std::optional<FieldError> ReadNewFeed(const nlohmann::json& body, storage::NewFeed& feed);
// A fetch interval: seconds (an integer) or text like "30m", "2h", "1d"; 60 s .. 30 d.
std::optional<std::int64_t> ParseInterval(const nlohmann::json& value);

}  // namespace feedd::daemon
