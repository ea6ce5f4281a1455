// PLACEHOLDER until the parser lands.
#include "feedd/feeds/discover.h"
namespace feedd::feeds {
std::vector<DiscoveredFeed> DiscoverFeedLinks(std::string_view, std::string_view) { return {}; }
std::vector<std::string> CommonFeedPaths(std::string_view) { return {}; }
bool LooksLikeHtml(std::string_view) { return false; }
}  // namespace feedd::feeds
