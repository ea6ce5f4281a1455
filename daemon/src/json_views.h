// The control API's JSON shapes for feeds, entries and errors (documented in docs/api.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "feedd/storage/store.h"
#include "http_types.h"

namespace feedd::daemon {

nlohmann::json FeedJson(const storage::FeedRecord& feed);
// The parsed-feed entry fields plus entry_id, feed_id, story_id and fetched.
nlohmann::json EntryJson(const storage::StoredEntry& entry);

// {"error": {"code": code, "message": message}} with the given status.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);
HttpResponse JsonResponse(int status, const nlohmann::json& body);

// RFC 3339 UTC or null.
nlohmann::json TimeJson(const std::optional<storage::Timestamp>& time);

}  // namespace feedd::daemon
