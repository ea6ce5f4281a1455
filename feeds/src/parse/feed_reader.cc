// Reading an RSS or Atom document: the format from the root element (and its namespace and
// version), the feed-level fields from the feed table, and every item/entry in order.
#include <algorithm>
#include <cstring>

#include "feedd/feeds/parse.h"
#include "parse/reader.h"
#include "parse/text.h"
#include "parse/xml_content.h"

namespace feedd::feeds::parse {
namespace {

constexpr int kMaxContainerDepth = 8;
// Entries reserved at most before the walk (a hint: the vector still grows past it).
constexpr std::size_t kMaxReservedEntries = std::size_t{1} << 16;

struct FeedDraft {
  Slot<std::string> title;
  Slot<std::string> link;
  Slot<std::string> id;
  Slot<std::string> description;
  Slot<std::string> language;
  Slot<Timestamp> updated;
  Slot<std::string> image;
  std::optional<std::string> feed_url;
  std::optional<std::string> hub;
};

std::string_view LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon != nullptr ? std::string_view(colon + 1) : std::string_view(name);
}

std::string RootNamespaceUri(const pugi::xml_node& root) {
  const std::string_view name(root.name());
  const std::size_t colon = name.find(':');
  const std::string attr =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  return root.attribute(attr.c_str()).value();
}

FeedFormat RssVersion(std::string_view version) {
  version = TrimView(version);
  if (version.empty()) return FeedFormat::kUnknown;
  if (version.substr(0, 2) == "2.") return FeedFormat::kRss20;
  if (version == "0.90" || version == "0.91" || version == "0.92" || version == "0.93" ||
      version == "0.94") {
    return FeedFormat::kRss09x;
  }
  return FeedFormat::kUnknown;
}

// The format of a document whose root is `root`; nullopt when it is no feed.
std::optional<FeedFormat> DetectFormat(const pugi::xml_node& root) {
  const std::string_view local = LocalName(root.name());
  const std::string uri = RootNamespaceUri(root);
  if (EqualsIgnoreCase(local, "rss")) return RssVersion(root.attribute("version").value());
  if (local == "RDF") {
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
      if (LocalName(child.name()) != "channel") continue;
      const std::string_view name(child.name());
      const std::size_t colon = name.find(':');
      const std::string attr =
          colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
      const std::string_view ns = child.attribute(attr.c_str())
                                      ? child.attribute(attr.c_str()).value()
                                      : root.attribute(attr.c_str()).value();
      if (ns.find("netscape.com/rdf/simple/0.9") != std::string_view::npos)
        return FeedFormat::kRss09x;
      return FeedFormat::kRss10;
    }
    return FeedFormat::kRss10;
  }
  if (local == "feed") {
    if (NamespaceFromUri(uri) == Ns::kAtom && uri.find("2005") != std::string::npos) {
      return FeedFormat::kAtom10;
    }
    const std::string_view version = TrimView(root.attribute("version").value());
    if (version == "0.3" || version == "0.2" || version == "0.1") return FeedFormat::kAtom03;
    if (uri.find("purl.org/atom") != std::string::npos) return FeedFormat::kAtom03;
    return FeedFormat::kUnknown;
  }
  if (EqualsIgnoreCase(local, "channel")) return FeedFormat::kUnknown;  // also CDF
  // Any other root that holds a channel, items or entries is read as a feed of unknown
  // version (feedparser does the same).
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    const std::string_view name = LocalName(child.name());
    if (name == "channel" || name == "item" || name == "entry") return FeedFormat::kUnknown;
  }
  return std::nullopt;
}

// The format reported for a feed whose exact version cannot be told (<rss> without a version
// attribute, an un-namespaced <feed>, a bare <channel>): the contract names one of seven
// formats, so such a feed is reported as the current version of its family (RSS 2.0 reads
// 0.9x documents; Atom 1.0 is the only Atom with a spec). Reading rules keep kUnknown.
FeedFormat ReportedFormat(FeedFormat detected, const pugi::xml_node& root) {
  if (detected != FeedFormat::kUnknown) return detected;
  if (LocalName(root.name()) == "feed") return FeedFormat::kAtom10;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (LocalName(child.name()) == "entry") return FeedFormat::kAtom10;
  }
  return FeedFormat::kRss20;
}

void OfferText(Slot<std::string>& slot, std::string text, int priority) {
  if (!text.empty() && slot.Wants(priority)) slot.Set(std::move(text), priority);
}

std::vector<int> ReadNumbers(const pugi::xml_node& element, int low, int high) {
  std::vector<int> out;
  static constexpr const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view text = TrimView(child.text().get());
    int value = -1;
    if (high == 6) {
      for (int day = 0; day < 7; ++day) {
        if (EqualsIgnoreCase(text, kDays[day])) value = day;
      }
    } else if (!text.empty() && text.size() <= 2 &&
               text.find_first_not_of("0123456789") == std::string_view::npos) {
      value = std::stoi(std::string(text));
      if (value == 24) value = 0;
    }
    if (value >= low && value <= high) out.push_back(value);
  }
  return out;
}

std::optional<long> ReadCount(std::string_view text) {
  text = TrimView(text);
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stol(std::string(text));
}

struct Walk {
  ReadContext context;
  FeedDraft draft;
  ParseResult* result = nullptr;
  const EntrySink* sink = nullptr;  // entries go here when set, else to result->feed.entries
  std::size_t entry_count = 0;
  std::optional<std::chrono::seconds> sy_period;
  long sy_frequency = 1;
};

void ReadFeedChildren(const pugi::xml_node& parent, const std::string& parent_base, Walk& walk,
                      int depth);

void ReadFeedField(const pugi::xml_node& element, FieldRule rule, const std::string& base,
                   Walk& walk, int depth) {
  FeedDraft& draft = walk.draft;
  const int priority = rule.priority;
  switch (rule.field) {
    case Field::kChannel:
      if (depth < kMaxContainerDepth) ReadFeedChildren(element, base, walk, depth + 1);
      break;
    case Field::kItem: {
      walk.context.where = "entry " + std::to_string(++walk.entry_count);
      if (walk.sink != nullptr) {
        Entry entry;
        ReadEntry(element, base, walk.context, entry);
        (*walk.sink)(std::move(entry));
      } else {
        ReadEntry(element, base, walk.context, walk.result->feed.entries.emplace_back());
      }
      walk.context.where = "feed";
      break;
    }
    case Field::kTitle:
      OfferText(draft.title, ToPlainText(RssText(element, TextKind::kPlain)), priority);
      break;
    case Field::kAtomTitle:
      OfferText(draft.title, ToPlainText(AtomText(element)), priority);
      break;
    case Field::kLink:
      if (draft.link.WantsLast(priority)) {
        if (auto url = ResolveLink(base, ElementText(element))) draft.link.Set(*url, priority);
      }
      break;
    case Field::kAtomLink: {
      const std::string_view href = element.attribute("href").value();
      std::string_view rel = TrimView(element.attribute("rel").value());
      if (rel.empty()) rel = "alternate";
      const std::string_view type = TrimView(element.attribute("type").value());
      if (rel == "alternate") {
        const bool html = type.empty() || EqualsIgnoreCase(type, "text/html") ||
                          EqualsIgnoreCase(type, "application/xhtml+xml");
        if (html && draft.link.WantsLast(1)) {
          if (auto url = ResolveLink(base, href)) draft.link.Set(*url, 1);
        }
      } else if (rel == "self" && !draft.feed_url) {
        draft.feed_url = ResolveLink(base, href);
      } else if (rel == "hub" && !draft.hub) {
        draft.hub = ResolveLink(base, href);
      }
      break;
    }
    case Field::kId:
      OfferText(draft.id, std::string(TrimView(ElementText(element))), priority);
      break;
    case Field::kUpdated:
      if (draft.updated.Wants(priority)) {
        if (auto date = ReadDate(ElementText(element), walk.context))
          draft.updated.Set(*date, priority);
      }
      break;
    case Field::kDescription:
      OfferText(draft.description, ToPlainText(RssText(element, TextKind::kHtml)), priority);
      break;
    case Field::kAtomSubtitle:
      OfferText(draft.description, ToPlainText(AtomText(element)), priority);
      break;
    case Field::kLanguage:
      OfferText(draft.language, CollapseWhitespace(ElementText(element)), priority);
      break;
    case Field::kImage:
      if (draft.image.Wants(priority)) {
        for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
          if (child.type() == pugi::node_element && LocalName(child.name()) == "url") {
            if (auto url = ResolveLink(base, ElementText(child))) draft.image.Set(*url, priority);
            break;
          }
        }
      }
      break;
    case Field::kItunesImage: {
      // <itunes:image href>, also written with url=; old feeds: <itunes:link rel="image">.
      const pugi::xml_attribute rel = element.attribute("rel");
      if (rel && !EqualsIgnoreCase(TrimView(rel.value()), "image")) break;
      const char* href = element.attribute("href").value();
      if (*href == '\0') href = element.attribute("url").value();
      if (draft.image.Wants(priority)) {
        if (auto url = ResolveLink(base, href)) draft.image.Set(*url, priority);
      }
      break;
    }
    case Field::kLogo:
      if (draft.image.Wants(priority)) {
        if (auto url = ResolveLink(base, ElementText(element))) draft.image.Set(*url, priority);
      }
      break;
    case Field::kTtl:
      if (auto minutes = ReadCount(ElementText(element)); minutes && *minutes > 0) {
        walk.result->feed.hints.ttl = std::chrono::minutes(*minutes);
      }
      break;
    case Field::kSkipHours:
      walk.result->feed.hints.skip_hours = ReadNumbers(element, 0, 23);
      break;
    case Field::kSkipDays:
      walk.result->feed.hints.skip_days = ReadNumbers(element, 0, 6);
      break;
    case Field::kSyPeriod: {
      const std::string text = ElementText(element);
      const std::string_view period = TrimView(text);
      if (period == "hourly") walk.sy_period = std::chrono::hours(1);
      if (period == "daily") walk.sy_period = std::chrono::hours(24);
      if (period == "weekly") walk.sy_period = std::chrono::hours(24 * 7);
      if (period == "monthly") walk.sy_period = std::chrono::hours(24 * 30);
      if (period == "yearly") walk.sy_period = std::chrono::hours(24 * 365);
      break;
    }
    case Field::kSyFrequency:
      if (auto frequency = ReadCount(ElementText(element)); frequency && *frequency > 0) {
        walk.sy_frequency = *frequency;
      }
      break;
    default:
      break;
  }
}

void ReadFeedChildren(const pugi::xml_node& parent, const std::string& parent_base, Walk& walk,
                      int depth) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const std::size_t mark = walk.context.scope.Enter(child);
    const FieldRule rule = FeedRule(walk.context.scope.Resolve(child.name()));
    std::string storage;
    if (rule.field == Field::kSkip) {
      // not ours to read
    } else if (rule.field != Field::kNone) {
      const std::string& base = ElementBase(child, parent_base, storage);
      ReadFeedField(child, rule, base, walk, depth);
    } else if (depth < kMaxContainerDepth && child.find_child([](const pugi::xml_node& n) {
                 return n.type() == pugi::node_element;
               })) {
      // Unknown elements are transparent: an unclosed <itunes:category> must not hide the
      // items that follow it.
      const std::string& base = ElementBase(child, parent_base, storage);
      ReadFeedChildren(child, base, walk, depth + 1);
    }
    walk.context.scope.Leave(mark);
  }
}

// The <item>s and <entry>s directly under the root or a <channel>: how many entries the walk
// will read, to size the model's vector once (growing it by doubling moves every entry, into
// fresh pages each time). Nested or foreign-namespace ones only make it a looser hint.
std::size_t CountEntries(const pugi::xml_node& root) {
  std::size_t count = 0;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    const std::string_view local = LocalName(child.name());
    if (local == "item" || local == "entry") ++count;
    if (local != "channel") continue;
    for (pugi::xml_node item = child.first_child(); item; item = item.next_sibling()) {
      const std::string_view name = LocalName(item.name());
      if (name == "item" || name == "entry") ++count;
    }
  }
  return count;
}

// The feed's own link, found before the walk: the base for relative links when the document
// URL is not known.
std::string FindSiteLink(const pugi::xml_node& root) {
  pugi::xml_node container = root;
  if (pugi::xml_node channel = root.child("channel")) container = channel;
  for (pugi::xml_node child = container.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view local = LocalName(child.name());
    if (local != "link") continue;
    std::string_view href = child.attribute("href").value();
    const std::string_view rel = child.attribute("rel").value();
    if (href.empty() && std::strchr(child.name(), ':') == nullptr) href = child.text().get();
    if (!rel.empty() && rel != "alternate") continue;
    href = TrimView(href);
    if (href.substr(0, 7) == "http://" || href.substr(0, 8) == "https://") return std::string(href);
  }
  return "";
}

}  // namespace

bool ReadXmlFeed(const pugi::xml_document& document, const ParseOptions& options,
                 const EntrySink* sink, ParseResult& result, std::string& error) {
  const pugi::xml_node root = document.document_element();
  if (!root) {
    error = "not a feed: no XML element";
    return false;
  }
  const std::optional<FeedFormat> format = DetectFormat(root);
  if (!format) {
    error = "not a feed: root element <" + std::string(root.name()) + ">";
    if (EqualsIgnoreCase(LocalName(root.name()), "html")) error = "not a feed: HTML page";
    return false;
  }
  Walk walk;
  walk.result = &result;
  walk.sink = sink;
  if (sink == nullptr)
    result.feed.entries.reserve(std::min(CountEntries(root), kMaxReservedEntries));
  walk.context.warnings = &result.warnings;
  walk.context.format = *format;
  walk.context.where = "feed";
  walk.context.entry_html = options.entry_html;
  result.feed.format = ReportedFormat(*format, root);

  std::string document_base = options.document_url;
  if (document_base.empty()) document_base = FindSiteLink(root);
  const std::size_t mark = walk.context.scope.Enter(root);
  if (LocalName(root.name()) == "feed" && walk.context.scope.Resolve(root.name()).ns == Ns::kNone) {
    walk.context.scope.BindDefault(Ns::kAtom);
  }
  std::string storage;
  const std::string& base = ElementBase(root, document_base, storage);
  ReadFeedChildren(root, base, walk, 0);
  walk.context.scope.Leave(mark);

  Feed& feed = result.feed;
  FeedDraft& draft = walk.draft;
  feed.title = std::move(draft.title.value);
  feed.link = std::move(draft.link.value);
  feed.id = std::move(draft.id.value);
  feed.description = std::move(draft.description.value);
  feed.language = std::move(draft.language.value);
  if (!feed.language) {
    const std::string_view lang = TrimView(root.attribute("xml:lang").value());
    if (!lang.empty()) feed.language = std::string(lang);
  }
  // CDF (<CHANNEL HREF LASTMOD>) keeps its link and date in attributes.
  if (!feed.link) feed.link = ResolveLink(base, root.attribute("HREF").value());
  if (!draft.updated.value && *root.attribute("LASTMOD").value() != '\0') {
    draft.updated.value = ReadDate(root.attribute("LASTMOD").value(), walk.context);
  }
  feed.updated = draft.updated.value;
  feed.image = std::move(draft.image.value);
  feed.feed_url = std::move(draft.feed_url);
  feed.hub = std::move(draft.hub);
  if (!feed.hints.ttl && walk.sy_period) {
    feed.hints.ttl =
        std::chrono::duration_cast<std::chrono::seconds>(*walk.sy_period) / walk.sy_frequency;
  }
  return true;
}

}  // namespace feedd::feeds::parse
