// Rendering merged outgoing feeds (Atom 1.0, RSS 2.0, JSON Feed 1.1) and their HTML pages from
// model values. Pure: values in, bytes out. Entry HTML is expected to be sanitised already; text
// fields are escaped here, and anything XML cannot carry (C0 controls, lone surrogates) is dropped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/feeds/model.h"

namespace feedd::feeds {

// Where an item came from: the subscribed feed that carried it.
struct ItemOrigin {
  std::string feed_title;
  std::string feed_url;                   // the URL feedd fetches
  std::optional<std::string> site_link;   // the feed's home page
  std::optional<std::string> entry_link;  // the item's link in that feed
};

struct OutputItem {
  Entry entry;
  std::string id;       // stable per story: never changes across re-fetches, edits, merges
  Timestamp published;  // effective (entry's, else first seen)
  Timestamp updated;    // effective (last edit of the source, else published)
  ItemOrigin origin;
  std::vector<ItemOrigin> also_in;  // other subscribed feeds that carried the same story
};

struct OutputDocument {
  std::string name;  // output name, [a-z0-9_-]+
  std::string title;
  std::string id;        // stable feed id (e.g. a tag: URI)
  std::string self_url;  // absolute URL of this document, when known (else "")
  std::string html_url;  // the human page for this output, when known
  std::string hub_url;   // WebSub hub, when configured
  std::optional<std::string> prev_archive_url;  // RFC 5005
  std::string current_url;  // RFC 5005: from an archive page, the subscription document ("")
  bool is_archive = false;  // RFC 5005 <fh:archive/>
  Timestamp updated;
  std::vector<OutputItem> items;  // in the order to publish (newest first)
};

std::string RenderAtom(const OutputDocument& document);
std::string RenderRss(const OutputDocument& document);
std::string RenderJsonFeed(const OutputDocument& document);

// One output as listed on the HTML index. URLs are as the page should link them: absolute
// http(s), or relative to the page ("/feeds/all.atom"); any other scheme is not linked.
struct OutputLink {
  std::string name;
  std::string title;
  std::string atom_url;
  std::string rss_url;
  std::string json_url;
  std::size_t item_count = 0;
  std::optional<Timestamp> updated;  // newest item, when there is one
  std::string html_url;              // the output's own HTML page, "" when none
};

// An HTML5 page listing the outputs, with <link rel="alternate"> autodiscovery for each
// format of each output. Self-contained: inline CSS, no scripts, no external resources.
std::string RenderHtmlIndex(const std::vector<OutputLink>& outputs, std::string_view site_title);
// A readable HTML5 page of one output (titles linked, dates, origin, the sanitised content),
// with autodiscovery links to its feeds (URLs as for OutputLink; "" leaves one out).
std::string RenderHtmlPage(const OutputDocument& document, std::string_view atom_url,
                           std::string_view rss_url, std::string_view json_url);

}  // namespace feedd::feeds
