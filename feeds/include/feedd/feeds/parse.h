// Parsing one feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) into the model.
// Pure: bytes in, model out. The same function serves the daemon and `feedctl parse`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/base/result.h"
#include "feedd/feeds/model.h"

namespace feedd::feeds {

// What happens to entry summary/content HTML. kSanitize is the model's invariant and what the
// daemon uses; kKeepRaw leaves the document's HTML untouched (made absolute by nothing) and
// exists for benchmarks and debugging tools only: never store or serve its output.
enum class EntryHtml { kSanitize, kKeepRaw };

struct ParseOptions {
  // The URL the document was fetched from: the base for relative links (after xml:base).
  // Empty: links stay as the document gives them unless the feed's own link gives a base.
  std::string document_url;
  // The charset of the HTTP Content-Type, if any. It is a hint: a BOM wins over it, and it
  // wins over the XML declaration (RFC 7303).
  std::string http_charset;
  EntryHtml entry_html = EntryHtml::kSanitize;
};

struct ParseResult {
  Feed feed;
  // Non-fatal problems, one line each ("entry 3: unparseable date 'Tomorrow'").
  std::vector<std::string> warnings;
};

// Parses `document`. A broken feed is data: what can be read is returned with warnings.
// Fails only when there is no feed in the document at all (e.g. an HTML page, an empty
// body); the error then says what the document looked like ("not a feed: HTML page").
// Never throws; bounded time and memory on hostile input (no entity expansion, no DTD, no
// file or network access).
Result<ParseResult> ParseFeed(std::string_view document, const ParseOptions& options);

// Receives a feed's entries one at a time, in document order. Must not throw.
using EntrySink = std::function<void(Entry&& entry)>;

// ParseFeed, but every entry goes to `sink` as soon as it is read instead of into
// result.feed.entries (which stays empty), so a consumer that stores or writes entries one by
// one holds one entry at a time instead of the whole feed (45 MB of entry HTML for a 50 MB
// feed). The entries and warnings are the same as ParseFeed's. The feed-level fields are in the
// result, complete only when it returns: a document may put them after its entries. When the
// result is an error, no entry has been delivered, except on resource exhaustion mid-walk.
Result<ParseResult> ParseFeed(std::string_view document, const ParseOptions& options,
                              const EntrySink& sink);

}  // namespace feedd::feeds
