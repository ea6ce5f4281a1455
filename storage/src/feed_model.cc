// Names of the feed model's states and their parsing, shared by the SQLite and PostgreSQL
// stores (feed_model.h, store.h).
#include "feed_model.h"

#include <algorithm>

namespace feedd::storage {

std::string_view FeedStatusName(FeedStatus status) {
  switch (status) {
    case FeedStatus::kNew:
      return "new";
    case FeedStatus::kOk:
      return "ok";
    case FeedStatus::kError:
      return "error";
    case FeedStatus::kGone:
      return "gone";
  }
  return "new";
}

std::string_view FetchStageName(FetchStage stage) {
  switch (stage) {
    case FetchStage::kNone:
      return "";
    case FetchStage::kPolicy:
      return "policy";
    case FetchStage::kDns:
      return "dns";
    case FetchStage::kConnect:
      return "connect";
    case FetchStage::kTls:
      return "tls";
    case FetchStage::kHttp:
      return "http";
    case FetchStage::kNotAFeed:
      return "not-a-feed";
    case FetchStage::kParse:
      return "parse";
    case FetchStage::kStore:
      return "store";
  }
  return "";
}

FeedStatus ParseFeedStatus(std::string_view text) {
  for (const auto status : {FeedStatus::kOk, FeedStatus::kError, FeedStatus::kGone}) {
    if (FeedStatusName(status) == text) return status;
  }
  return FeedStatus::kNew;
}

FetchStage ParseFetchStage(std::string_view text) {
  for (const auto stage :
       {FetchStage::kPolicy, FetchStage::kDns, FetchStage::kConnect, FetchStage::kTls,
        FetchStage::kHttp, FetchStage::kNotAFeed, FetchStage::kParse, FetchStage::kStore}) {
    if (FetchStageName(stage) == text) return stage;
  }
  return FetchStage::kNone;
}

std::vector<std::string> CleanTags(const std::vector<std::string>& tags) {
  std::vector<std::string> clean;
  for (const auto& tag : tags) {
    if (tag.empty()) continue;
    if (std::find(clean.begin(), clean.end(), tag) == clean.end()) clean.push_back(tag);
  }
  return clean;
}

std::string FeedRecord::DisplayTitle() const {
  if (user_title && !user_title->empty()) return *user_title;
  if (feed_title && !feed_title->empty()) return *feed_title;
  return url;
}

}  // namespace feedd::storage
