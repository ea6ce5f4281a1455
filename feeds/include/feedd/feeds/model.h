// The feed model: what any feed document (RSS, Atom, JSON Feed) becomes after parsing and
// normalisation. Plain values only; knows nothing of storage, network or the daemon.
//
// Invariants the parser guarantees (and renderers and storage rely on):
//  - text fields (titles, names, description) are plain text, whitespace collapsed, trimmed;
//  - summary/content are sanitised HTML with absolute URLs;
//  - URLs are absolute where a base was known;
//  - times are UTC at whole seconds.
// An absent value is std::nullopt (or an empty vector), never an empty string.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds {

using Timestamp = std::chrono::sys_seconds;

enum class FeedFormat {
  kUnknown,  // a feed whose exact version could not be told (e.g. <rss> without version)
  kRss09x,
  kRss10,
  kRss20,
  kAtom03,
  kAtom10,
  kJson10,
  kJson11,
};

// "rss2.0", "atom1.0", ... as in spec/parsed-feed-json.md; kUnknown gives "".
std::string_view FormatName(FeedFormat format);

struct Author {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> uri;

  bool operator==(const Author&) const = default;
};

struct Enclosure {
  std::string url;
  std::optional<std::string> type;
  std::optional<std::int64_t> length;  // bytes

  bool operator==(const Enclosure&) const = default;
};

struct Entry {
  std::optional<std::string> id;  // guid / atom:id / JSON Feed id, as written (trimmed)
  std::optional<std::string> title;
  std::optional<std::string> link;
  std::optional<Timestamp> published;
  std::optional<Timestamp> updated;
  std::vector<Author> authors;
  std::optional<std::string> summary;   // sanitised HTML
  std::optional<std::string> content;   // sanitised HTML
  std::vector<std::string> categories;  // document order, no duplicates
  std::vector<Enclosure> enclosures;
  std::optional<std::string> thumbnail;
  std::optional<std::string> comments;
  // Where the entry originally came from, when the feed says so (Atom <source> link or id,
  // RSS <source url>): lets storage group copies of one story across feeds.
  std::optional<std::string> source_url;

  bool operator==(const Entry&) const = default;
};

// Hints a feed gives about how often to poll it (used by the scheduler).
struct UpdateHints {
  std::optional<std::chrono::seconds> ttl;  // RSS <ttl>, or sy:updatePeriod/updateFrequency
  std::vector<int> skip_hours;              // RSS <skipHours>, 0-23 (UTC)
  std::vector<int> skip_days;               // RSS <skipDays>, 0 = Sunday .. 6 = Saturday

  bool operator==(const UpdateHints&) const = default;
};

struct Feed {
  FeedFormat format = FeedFormat::kUnknown;
  std::optional<std::string> title;
  std::optional<std::string> link;      // the site's home page
  std::optional<std::string> feed_url;  // rel="self" / JSON Feed feed_url
  std::optional<std::string> id;        // atom:id
  std::optional<std::string> description;
  std::optional<std::string> language;
  std::optional<Timestamp> updated;
  std::optional<std::string> image;
  std::optional<std::string> hub;  // WebSub hub (rel="hub")
  UpdateHints hints;
  std::vector<Entry> entries;  // document order

  bool operator==(const Feed&) const = default;
};

}  // namespace feedd::feeds
