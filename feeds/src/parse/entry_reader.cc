// Reading one RSS <item> or Atom <entry>: every child element is looked up in the entry
// table (field_rules.cc) and offered to its field; the entry is finished (links resolved,
// HTML sanitised, categories deduplicated) at the end.
#include <algorithm>
#include <cstring>

#include "parse/categories.h"
#include "parse/reader.h"
#include "parse/text.h"
#include "parse/xml_content.h"

namespace feedd::feeds::parse {
namespace {

constexpr int kMaxGroupDepth = 4;
// Hostile entries with thousands of authors stay cheap (duplicates are found by linear
// search, among at most this many).
constexpr std::size_t kMaxAuthors = 32;

struct HtmlSlot {
  std::string html;
  std::string base;
  int priority = INT_MAX;
};

struct EntryDraft {
  Slot<std::string> title;
  Slot<std::string> link;
  Slot<std::string> id;
  Slot<Timestamp> published;
  Slot<Timestamp> updated;
  HtmlSlot summary;
  HtmlSlot content;
  std::optional<std::string> guid_link;  // a permalink guid, used when there is no link
  std::vector<Author> authors;
  CategoryList categories;
  std::vector<Enclosure> enclosures;
  std::optional<std::string> thumbnail;
  std::optional<std::string> comments;
  std::optional<std::string> source_url;
};

bool IsHttpUrl(std::string_view url) {
  url = TrimView(url);
  return url.size() > 7 && (EqualsIgnoreCase(url.substr(0, 7), "http://") ||
                            EqualsIgnoreCase(url.substr(0, 8), "https://"));
}

void OfferHtml(HtmlSlot& slot, std::string html, const std::string& base, int priority) {
  if (priority >= slot.priority || TrimView(html).empty()) return;
  slot.html = std::move(html);
  slot.base = base;
  slot.priority = priority;
}

void OfferText(Slot<std::string>& slot, std::string text, int priority) {
  if (!slot.Wants(priority) || text.empty()) return;
  slot.Set(std::move(text), priority);
}

void AddCategory(EntryDraft& draft, std::string_view raw) { draft.categories.Add(raw); }

void AddAuthor(EntryDraft& draft, Author author) {
  if (!author.name && !author.email && !author.uri) return;
  if (draft.authors.size() >= kMaxAuthors) return;
  for (const Author& known : draft.authors) {
    if (known == author) return;
  }
  draft.authors.push_back(std::move(author));
}

std::optional<std::string> NonEmpty(std::string text) {
  if (text.empty()) return std::nullopt;
  return text;
}

Author ReadPerson(const pugi::xml_node& element, const std::string& base, ReadContext& context) {
  Author author;
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const QualifiedName name = context.scope.Resolve(child.name());
    const std::string text = CollapseWhitespace(ElementText(child));
    if (name.local == "name" && !author.name) author.name = NonEmpty(text);
    if (name.local == "email" && !author.email) author.email = NonEmpty(text);
    if ((name.local == "uri" || name.local == "url") && !author.uri) {
      author.uri = ResolveLink(base, text);
    }
  }
  return author;
}

std::optional<std::int64_t> ReadLength(std::string_view text) {
  text = TrimView(text);
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

void ReadAtomLink(const pugi::xml_node& element, const std::string& base, EntryDraft& draft) {
  const std::string_view href = element.attribute("href").value();
  if (TrimView(href).empty()) return;
  std::string_view rel = TrimView(element.attribute("rel").value());
  if (rel.empty()) rel = "alternate";
  const std::string_view type = TrimView(element.attribute("type").value());
  if (rel == "alternate") {
    const bool html = type.empty() || EqualsIgnoreCase(type, "text/html") ||
                      EqualsIgnoreCase(type, "application/xhtml+xml");
    // Only links to web pages count, and the last of them wins (as feedparser reads them).
    if (html && draft.link.WantsLast(1)) {
      if (auto url = ResolveLink(base, href)) draft.link.Set(std::move(*url), 1);
    }
  } else if (rel == "enclosure") {
    if (auto url = ResolveLink(base, href)) {
      Enclosure enclosure{std::move(*url), std::nullopt,
                          ReadLength(element.attribute("length").value())};
      if (!type.empty()) enclosure.type = std::string(type);
      draft.enclosures.push_back(std::move(enclosure));
    }
  } else if (rel == "replies" && !draft.comments &&
             (type.empty() || EqualsIgnoreCase(type, "text/html"))) {
    draft.comments = ResolveLink(base, href);
  }
}

void ReadEnclosure(const pugi::xml_node& element, const std::string& base, EntryDraft& draft) {
  auto url = ResolveLink(base, element.attribute("url").value());
  if (!url) return;
  Enclosure enclosure{std::move(*url), std::nullopt,
                      ReadLength(element.attribute("length").value())};
  const std::string_view type = TrimView(element.attribute("type").value());
  if (!type.empty()) enclosure.type = std::string(type);
  draft.enclosures.push_back(std::move(enclosure));
}

void ReadSource(const pugi::xml_node& element, const std::string& base, ReadContext& context,
                EntryDraft& draft) {
  if (auto url = ResolveLink(base, element.attribute("url").value())) {
    draft.source_url = std::move(url);
    return;
  }
  // Atom <source>: its alternate link, else its id. Its other children describe the source
  // feed, not this entry, so they are not read.
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const QualifiedName name = context.scope.Resolve(child.name());
    if (name.local == "link") {
      const std::string_view rel = child.attribute("rel").value();
      if (rel.empty() || rel == "alternate") {
        draft.source_url = ResolveLink(base, child.attribute("href").value());
        if (draft.source_url) return;
      }
    } else if (name.local == "id" && !draft.source_url) {
      draft.source_url = NonEmpty(std::string(TrimView(ElementText(child))));
    }
  }
}

void ReadChildren(const pugi::xml_node& parent, const std::string& parent_base,
                  ReadContext& context, EntryDraft& draft, int group_depth);

void ReadField(const pugi::xml_node& element, FieldRule rule, const std::string& base,
               ReadContext& context, EntryDraft& draft, int group_depth) {
  const int priority = rule.priority;
  switch (rule.field) {
    case Field::kTitle:
      if (draft.title.Wants(priority)) {
        OfferText(draft.title, ToPlainText(RssText(element, TextKind::kPlain)), priority);
      }
      break;
    case Field::kAtomTitle:
      if (draft.title.Wants(priority))
        OfferText(draft.title, ToPlainText(AtomText(element)), priority);
      break;
    case Field::kLink:
      if (draft.link.WantsLast(priority)) {
        if (auto url = ResolveLink(base, ElementText(element)))
          draft.link.Set(std::move(*url), priority);
      }
      break;
    case Field::kAtomLink:
      ReadAtomLink(element, base, draft);
      break;
    case Field::kId:
      OfferText(draft.id, std::string(TrimView(ElementText(element))), priority);
      break;
    case Field::kGuid: {
      std::string guid(TrimView(ElementText(element)));
      const bool permalink =
          !EqualsIgnoreCase(TrimView(element.attribute("isPermaLink").value()), "false");
      if (permalink && !draft.guid_link && IsHttpUrl(guid)) draft.guid_link = guid;
      OfferText(draft.id, std::move(guid), priority);
      break;
    }
    case Field::kPublished:
      if (draft.published.WantsLast(priority)) {
        if (auto date = ReadDate(ElementText(element), context))
          draft.published.Set(*date, priority);
      }
      break;
    case Field::kUpdated:
      if (draft.updated.WantsLast(priority)) {
        if (auto date = ReadDate(ElementText(element), context)) draft.updated.Set(*date, priority);
      }
      break;
    case Field::kAuthor:
      if (element.find_child(
              [](const pugi::xml_node& n) { return n.type() == pugi::node_element; })) {
        AddAuthor(draft, ReadPerson(element, base, context));
      } else {
        AddAuthor(draft, ParseRssAuthor(ElementText(element)));
      }
      break;
    case Field::kPerson:
      AddAuthor(draft, ReadPerson(element, base, context));
      break;
    case Field::kCategory:
      AddCategory(draft, ElementText(element));
      break;
    case Field::kAtomCategory: {
      const char* term = element.attribute("term").value();
      AddCategory(draft, *term != '\0' ? term : element.attribute("label").value());
      break;
    }
    case Field::kItunesCategory:
      AddCategory(draft, element.attribute("text").value());
      break;
    case Field::kKeywords: {
      const std::string keywords = ElementText(element);
      std::size_t start = 0;
      while (start <= keywords.size()) {
        std::size_t comma = keywords.find(',', start);
        if (comma == std::string::npos) comma = keywords.size();
        AddCategory(draft, std::string_view(keywords).substr(start, comma - start));
        start = comma + 1;
      }
      break;
    }
    case Field::kSummary:
      if (priority < draft.summary.priority) {
        OfferHtml(draft.summary, ToHtml(RssText(element, TextKind::kHtml)), base, priority);
      }
      break;
    case Field::kAtomSummary:
      if (priority < draft.summary.priority)
        OfferHtml(draft.summary, ToHtml(AtomText(element)), base, priority);
      break;
    case Field::kContent:
      if (priority < draft.content.priority) {
        OfferHtml(draft.content, ToHtml(RssText(element, TextKind::kHtml)), base, priority);
      }
      break;
    case Field::kAtomContent: {
      if (priority * 2 >= draft.content.priority) break;
      // Out-of-line content (src=) has no text here; the link stands in for it.
      if (*element.attribute("src").value() != '\0') break;
      // Of several contents, HTML beats plain text (as feedparser chooses).
      TextValue text = AtomText(element);
      const int adjusted = priority * 2 + (text.kind == TextKind::kHtml ? 0 : 1);
      OfferHtml(draft.content, ToHtml(std::move(text)), base, adjusted);
      break;
    }
    case Field::kXhtmlBody:
      if (priority < draft.content.priority) {
        std::string html;
        SerialiseChildren(element, html);
        OfferHtml(draft.content, std::move(html), base, priority);
      }
      break;
    case Field::kEnclosure:
      ReadEnclosure(element, base, draft);
      break;
    case Field::kThumbnail:
      if (!draft.thumbnail) draft.thumbnail = ResolveLink(base, element.attribute("url").value());
      break;
    case Field::kMediaGroup:
      if (group_depth < kMaxGroupDepth)
        ReadChildren(element, base, context, draft, group_depth + 1);
      break;
    case Field::kComments:
      if (!draft.comments) draft.comments = ResolveLink(base, ElementText(element));
      break;
    case Field::kSource:
      if (!draft.source_url) ReadSource(element, base, context, draft);
      break;
    default:
      break;
  }
}

void ReadChildren(const pugi::xml_node& parent, const std::string& parent_base,
                  ReadContext& context, EntryDraft& draft, int group_depth) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const std::size_t mark = context.scope.Enter(child);
    const FieldRule rule = EntryRule(context.scope.Resolve(child.name()));
    std::string storage;
    if (rule.field == Field::kSkip) {
      // not ours to read
    } else if (rule.field != Field::kNone) {
      const std::string& base = ElementBase(child, parent_base, storage);
      ReadField(child, rule, base, context, draft, group_depth);
    } else if (group_depth < kMaxGroupDepth && child.first_child() &&
               child.first_child().type() == pugi::node_element) {
      // Unknown wrappers (<categories><category>...) are transparent, as feedparser reads them.
      const std::string& base = ElementBase(child, parent_base, storage);
      ReadChildren(child, base, context, draft, group_depth + 1);
    }
    context.scope.Leave(mark);
  }
}

std::optional<std::string> Sanitised(HtmlSlot& slot, EntryHtml handling) {
  if (slot.priority == INT_MAX) return std::nullopt;
  return EntryHtmlValue(std::move(slot.html), slot.base, handling);
}

}  // namespace

void ReadEntry(const pugi::xml_node& element, const std::string& base, ReadContext& context,
               Entry& entry) {
  EntryDraft draft;
  ReadChildren(element, base, context, draft, 0);
  // RSS 1.0 items name themselves with rdf:about.
  if (!draft.id.value) {
    for (pugi::xml_attribute attr = element.first_attribute(); attr; attr = attr.next_attribute()) {
      const QualifiedName name = context.scope.ResolveAttribute(attr.name());
      if (name.ns == Ns::kRdf && name.local == "about") {
        OfferText(draft.id, std::string(TrimView(attr.value())), 9);
      }
    }
  }
  // CDF items keep their link and date in attributes.
  if (const char* href = element.attribute("HREF").value(); *href != '\0' && !draft.link.value) {
    draft.link.value = ResolveLink(base, href);
  }
  if (const char* lastmod = element.attribute("LASTMOD").value();
      *lastmod != '\0' && !draft.updated.value) {
    draft.updated.value = ReadDate(lastmod, context);
  }
  entry.id = std::move(draft.id.value);
  entry.title = std::move(draft.title.value);
  entry.link = std::move(draft.link.value);
  if (!entry.link && draft.guid_link) entry.link = ResolveLink(base, *draft.guid_link);
  if (!entry.link && entry.id && IsHttpUrl(*entry.id) &&
      (context.format == FeedFormat::kAtom10 || context.format == FeedFormat::kAtom03)) {
    entry.link = ResolveLink(base, *entry.id);
  }
  entry.published = draft.published.value;
  entry.updated = draft.updated.value;
  entry.authors = std::move(draft.authors);
  entry.summary = Sanitised(draft.summary, context.entry_html);
  entry.content = Sanitised(draft.content, context.entry_html);
  entry.categories = draft.categories.Take();
  entry.enclosures = std::move(draft.enclosures);
  entry.thumbnail = std::move(draft.thumbnail);
  entry.comments = std::move(draft.comments);
  entry.source_url = std::move(draft.source_url);
}

}  // namespace feedd::feeds::parse
