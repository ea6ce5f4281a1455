// Shared state and helpers of the XML feed readers (RSS 0.9x/1.0/2.0 and Atom 0.3/1.0): the
// walk context, competing-field slots, base URLs and date handling.
#pragma once

#include <climits>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/feeds/model.h"
#include "feedd/feeds/parse.h"
#include "parse/field_rules.h"
#include "parse/namespaces.h"

namespace feedd::feeds::parse {

struct ReadContext {
  NamespaceScope scope;
  std::vector<std::string>* warnings = nullptr;
  FeedFormat format = FeedFormat::kUnknown;
  std::string where;  // "entry 3" or "feed", for warnings
  EntryHtml entry_html = EntryHtml::kSanitize;
};

// `html` as the model stores it: sanitised with `base` for its URLs (or kept raw when the
// options say so); nullopt when nothing is left.
std::optional<std::string> EntryHtmlValue(std::string html, const std::string& base,
                                          EntryHtml handling);

// One model field that several source elements compete for: the lowest priority wins, and
// among equals the first in document order.
template <typename T>
struct Slot {
  std::optional<T> value;
  int priority = INT_MAX;

  bool Wants(int candidate) const { return candidate < priority; }
  // For fields where the last of equals wins (links, as feedparser reads them).
  bool WantsLast(int candidate) const { return candidate <= priority; }
  void Set(T v, int candidate) {
    value = std::move(v);
    priority = candidate;
  }
};

// The base URL in effect inside `element`: its xml:base resolved against `parent`. Returns
// `parent` itself (no copy) when there is no xml:base; `storage` holds a new value.
const std::string& ElementBase(const pugi::xml_node& element, const std::string& parent,
                               std::string& storage);

// `reference` made absolute against `base`; nullopt when empty.
std::optional<std::string> ResolveLink(std::string_view base, std::string_view reference);

// Parses a date; on failure adds "<where>: unparseable date '...'" to the warnings.
std::optional<Timestamp> ReadDate(std::string_view text, ReadContext& context);

// Reads one <item> or <entry> into `entry`; `base` is the base URL in effect inside it
// (its own xml:base applied).
void ReadEntry(const pugi::xml_node& element, const std::string& base, ReadContext& context,
               Entry& entry);

// Splits an RSS author ("jo@example.org (Jo Bloggs)") into name and email.
Author ParseRssAuthor(std::string_view text);

}  // namespace feedd::feeds::parse

namespace feedd::feeds::parse {

// Reads an RSS or Atom document whose tree is `document`. Returns false when its root is no
// feed; `error` then says what it is. Entries go to `*sink` when it is given, else to
// result.feed.entries.
bool ReadXmlFeed(const pugi::xml_document& document, const ParseOptions& options,
                 const EntrySink* sink, ParseResult& result, std::string& error);

}  // namespace feedd::feeds::parse
