// The field tables. RSS 1.0/0.90 elements are looked up as RSS core (Ns::kNone). Priorities
// follow what publishers mean: the full text (content:encoded) beats the teaser
// (description); the RSS core element beats its Dublin Core twin.
#include "parse/field_rules.h"

namespace feedd::feeds::parse {
namespace {

struct Rule {
  Ns ns;
  std::string_view local;
  Field field;
  std::uint8_t priority;
};

constexpr Rule kEntryRules[] = {
    {Ns::kNone, "image", Field::kSkip, 0},
    {Ns::kAtom, "image", Field::kSkip, 0},
    {Ns::kNone, "textinput", Field::kSkip, 0},
    {Ns::kNone, "textInput", Field::kSkip, 0},
    {Ns::kItunes, "owner", Field::kSkip, 0},
    {Ns::kNone, "title", Field::kTitle, 0},
    {Ns::kNone, "link", Field::kLink, 0},
    {Ns::kNone, "guid", Field::kGuid, 0},
    {Ns::kNone, "pubDate", Field::kPublished, 0},
    {Ns::kNone, "description", Field::kSummary, 0},
    {Ns::kNone, "author", Field::kAuthor, 0},
    {Ns::kNone, "category", Field::kCategory, 0},
    {Ns::kNone, "enclosure", Field::kEnclosure, 0},
    {Ns::kNone, "comments", Field::kComments, 0},
    {Ns::kNone, "source", Field::kSource, 0},
    {Ns::kNone, "id", Field::kId, 1},
    {Ns::kNone, "modified", Field::kUpdated, 4},
    {Ns::kAtom, "title", Field::kAtomTitle, 0},
    {Ns::kAtom, "link", Field::kAtomLink, 0},
    {Ns::kAtom, "id", Field::kId, 0},
    {Ns::kAtom, "published", Field::kPublished, 0},
    {Ns::kAtom, "issued", Field::kPublished, 1},
    {Ns::kAtom, "updated", Field::kUpdated, 0},
    {Ns::kAtom, "modified", Field::kUpdated, 1},
    {Ns::kAtom, "summary", Field::kAtomSummary, 0},
    {Ns::kAtom, "content", Field::kAtomContent, 0},
    {Ns::kAtom, "author", Field::kPerson, 0},
    {Ns::kAtom, "category", Field::kAtomCategory, 0},
    {Ns::kAtom, "source", Field::kSource, 0},
    {Ns::kContent, "encoded", Field::kContent, 0},
    {Ns::kXhtml, "body", Field::kXhtmlBody, 1},
    {Ns::kNone, "body", Field::kXhtmlBody, 1},
    {Ns::kNone, "fullitem", Field::kContent, 1},
    {Ns::kNone, "TITLE", Field::kTitle, 3},
    {Ns::kNone, "ABSTRACT", Field::kSummary, 6},
    {Ns::kXhtml, "div", Field::kXhtmlBody, 2},
    {Ns::kDc, "title", Field::kTitle, 1},
    {Ns::kDc, "date", Field::kUpdated, 2},
    {Ns::kDc, "creator", Field::kAuthor, 1},
    {Ns::kDc, "author", Field::kAuthor, 1},
    {Ns::kDc, "subject", Field::kCategory, 0},
    {Ns::kDc, "description", Field::kSummary, 1},
    {Ns::kDcTerms, "issued", Field::kPublished, 2},
    {Ns::kDcTerms, "modified", Field::kUpdated, 3},
    {Ns::kItunes, "author", Field::kAuthor, 2},
    {Ns::kItunes, "summary", Field::kSummary, 3},
    {Ns::kItunes, "category", Field::kItunesCategory, 0},
    {Ns::kItunes, "keywords", Field::kKeywords, 0},
    {Ns::kMedia, "description", Field::kSummary, 5},
    {Ns::kMedia, "title", Field::kTitle, 2},
    {Ns::kMedia, "thumbnail", Field::kThumbnail, 0},
    {Ns::kMedia, "group", Field::kMediaGroup, 0},
    {Ns::kMedia, "content", Field::kMediaGroup, 0},
    {Ns::kMedia, "category", Field::kCategory, 0},
    {Ns::kMedia, "keywords", Field::kKeywords, 0},
};

constexpr Rule kFeedRules[] = {
    {Ns::kNone, "textinput", Field::kSkip, 0},
    {Ns::kNone, "textInput", Field::kSkip, 0},
    {Ns::kItunes, "owner", Field::kSkip, 0},
    {Ns::kAtom, "author", Field::kSkip, 0},
    {Ns::kAtom, "contributor", Field::kSkip, 0},
    {Ns::kAtom, "source", Field::kSkip, 0},
    {Ns::kNone, "channel", Field::kChannel, 0},
    {Ns::kNone, "item", Field::kItem, 0},
    {Ns::kAtom, "entry", Field::kItem, 0},
    {Ns::kNone, "title", Field::kTitle, 0},
    {Ns::kNone, "link", Field::kLink, 0},
    {Ns::kNone, "description", Field::kDescription, 0},
    {Ns::kNone, "language", Field::kLanguage, 0},
    {Ns::kNone, "lastBuildDate", Field::kUpdated, 1},
    {Ns::kNone, "image", Field::kImage, 0},
    {Ns::kNone, "ttl", Field::kTtl, 0},
    {Ns::kNone, "skipHours", Field::kSkipHours, 0},
    {Ns::kNone, "skipDays", Field::kSkipDays, 0},
    {Ns::kAtom, "title", Field::kAtomTitle, 0},
    {Ns::kAtom, "link", Field::kAtomLink, 0},
    {Ns::kAtom, "id", Field::kId, 0},
    {Ns::kAtom, "updated", Field::kUpdated, 0},
    {Ns::kAtom, "modified", Field::kUpdated, 0},
    {Ns::kAtom, "subtitle", Field::kAtomSubtitle, 0},
    {Ns::kAtom, "tagline", Field::kAtomSubtitle, 0},
    {Ns::kAtom, "logo", Field::kLogo, 1},
    {Ns::kDc, "title", Field::kTitle, 1},
    {Ns::kDc, "language", Field::kLanguage, 1},
    {Ns::kDc, "date", Field::kUpdated, 2},
    {Ns::kDc, "description", Field::kDescription, 1},
    {Ns::kDcTerms, "modified", Field::kUpdated, 3},
    {Ns::kItunes, "subtitle", Field::kDescription, 2},
    {Ns::kItunes, "summary", Field::kDescription, 3},
    {Ns::kItunes, "image", Field::kItunesImage, 2},
    {Ns::kItunes, "link", Field::kItunesImage, 3},
    {Ns::kNone, "ITEM", Field::kItem, 0},
    {Ns::kNone, "TITLE", Field::kTitle, 3},
    {Ns::kNone, "ABSTRACT", Field::kDescription, 4},
    {Ns::kSy, "updatePeriod", Field::kSyPeriod, 0},
    {Ns::kSy, "updateFrequency", Field::kSyFrequency, 0},
};

template <std::size_t N>
FieldRule Find(const Rule (&rules)[N], QualifiedName name) {
  const Ns ns = name.ns == Ns::kRss ? Ns::kNone : name.ns;
  for (const Rule& rule : rules) {
    if (rule.ns == ns && rule.local == name.local) return {rule.field, rule.priority};
  }
  // RSS and Atom core names mixed into the other format (<enclosure> in Atom 0.3, <updated>
  // in RSS) are still understood, below the format's own elements.
  if (ns == Ns::kNone || ns == Ns::kAtom) {
    const Ns other = ns == Ns::kNone ? Ns::kAtom : Ns::kNone;
    for (const Rule& rule : rules) {
      if (rule.ns == other && rule.local == name.local) {
        return {rule.field, static_cast<std::uint8_t>(rule.priority + 5)};
      }
    }
  }
  return {};
}

}  // namespace

FieldRule EntryRule(QualifiedName name) { return Find(kEntryRules, name); }
FieldRule FeedRule(QualifiedName name) { return Find(kFeedRules, name); }

}  // namespace feedd::feeds::parse
