// The feed model's words as both backends store them: status and fetch-stage names read
// back, and the tag list a subscription keeps. The names themselves are public (store.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feedd/storage/store.h"

namespace feedd::storage {

// The inverse of FeedStatusName; anything unknown reads as kNew.
FeedStatus ParseFeedStatus(std::string_view text);
// The inverse of FetchStageName; anything unknown reads as kNone.
FetchStage ParseFetchStage(std::string_view text);
// Tags as stored: empty ones dropped, duplicates kept once, first-seen order.
std::vector<std::string> CleanTags(const std::vector<std::string>& tags);

}  // namespace feedd::storage
