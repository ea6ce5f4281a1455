// OPML 2.0 subscription lists in and out. Folders (outlines without xmlUrl) become tags of
// the feeds inside them, titles are kept; export writes each feed in the folder of its first
// tag with every tag in `category`, so an export imports back to the same feeds, titles and
// tags. Pure: bytes in, values out. URLs are NOT validated here: whoever subscribes them
// checks each one exactly as a single `add` would.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feedd/base/result.h"

namespace feedd::feeds {

struct OpmlFeed {
  std::string url;                // xmlUrl, verbatim (trimmed)
  std::string title;              // title, else text; "" when none or equal to the URL
  std::string site_url;           // htmlUrl
  std::vector<std::string> tags;  // enclosing folders (outermost first), then categories
};

struct OpmlDocument {
  std::string title;
  std::vector<OpmlFeed> feeds;  // document order; a URL listed twice appears once, tags merged
  std::vector<std::string> warnings;  // outlines skipped, depth cut, ...
};

// Fails only when the bytes are not an OPML document at all (no <opml> root with a <body>).
Result<OpmlDocument> ParseOpml(std::string_view bytes);

// An OPML 2.0 document (UTF-8, with an XML declaration). `feeds` are written in the order
// given, grouped under a folder per first tag.
std::string WriteOpml(const OpmlDocument& document);

}  // namespace feedd::feeds
