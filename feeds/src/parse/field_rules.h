// Which source element fills which model field, and with what priority (lower wins). Where
// sources compete (content:encoded vs description, dc:date vs pubDate, title vs dc:title) the
// tables decide, not if-chains: the sfeed habit.
#pragma once

#include <cstdint>
#include <string_view>

#include "parse/namespaces.h"

namespace feedd::feeds::parse {

enum class Field : std::uint8_t {
  kNone,
  kSkip,  // a known element whose children must not be read as the container's fields
  // Containers
  kChannel,
  kItem,
  // Shared by feed and entry
  kTitle,      // RSS-style text (HTML when it looks like HTML)
  kAtomTitle,  // Atom text construct
  kLink,       // RSS <link> text
  kAtomLink,   // Atom <link rel href>
  kId,         // guid / atom:id (text)
  kGuid,       // RSS guid (isPermaLink)
  kPublished,
  kUpdated,
  kAuthor,        // text: "email (Name)" or a name
  kPerson,        // Atom person construct (name/email/uri)
  kCategory,      // text
  kAtomCategory,  // term / label attributes
  kItunesCategory,
  kKeywords,  // comma-separated
  // Entry only
  kSummary,      // RSS description: HTML
  kAtomSummary,  // Atom text construct
  kContent,      // content:encoded: HTML
  kAtomContent,  // Atom content
  kXhtmlBody,    // xhtml:body: inline markup
  kEnclosure,
  kThumbnail,
  kMediaGroup,  // media:group / media:content: read their children too
  kComments,
  kSource,  // RSS <source url>, Atom <source>
  // Feed only
  kDescription,  // RSS description / itunes:summary: plain text
  kAtomSubtitle,
  kLanguage,
  kImage,        // RSS <image><url>
  kItunesImage,  // href attribute
  kLogo,
  kTtl,
  kSkipHours,
  kSkipDays,
  kSyPeriod,
  kSyFrequency,
};

struct FieldRule {
  Field field = Field::kNone;
  std::uint8_t priority = 0;
};

// The rule for an element inside an item/entry, or inside a channel/feed.
FieldRule EntryRule(QualifiedName name);
FieldRule FeedRule(QualifiedName name);

}  // namespace feedd::feeds::parse
