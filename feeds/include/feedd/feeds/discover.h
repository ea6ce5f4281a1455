// Feed discovery: given an HTML page instead of a feed, the feed URLs it advertises.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds {

struct DiscoveredFeed {
  std::string url;    // absolute
  std::string type;   // "application/atom+xml", "application/rss+xml", "application/feed+json"
  std::string title;  // may be empty
};

// `<link rel="alternate" type=...feed types...>` of the page, in document order, resolved
// against `page_url` (and <base href>). Empty when the page advertises none.
std::vector<DiscoveredFeed> DiscoverFeedLinks(std::string_view html, std::string_view page_url);

// Common feed paths to try when a page advertises nothing ("/feed", "/rss.xml", ...),
// resolved against the page URL.
std::vector<std::string> CommonFeedPaths(std::string_view page_url);

// True when the bytes look like an HTML page rather than a feed document.
bool LooksLikeHtml(std::string_view document);

}  // namespace feedd::feeds
