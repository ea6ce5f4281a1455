// The element and attribute allowlist of the sanitiser, as tables, plus the recognisers of
// content that must go although its tag is allowed (hidden elements, ad slots, pixels).
#pragma once

#include <gumbo.h>

#include <span>
#include <string>
#include <string_view>

namespace feedd::feeds::sanitize {

enum class ElementAction {
  kKeep,    // written, with its allowed attributes
  kUnwrap,  // tag dropped, children kept (unknown and presentational elements)
  kDrop,    // dropped with everything inside
};

struct ElementRule {
  ElementAction action = ElementAction::kUnwrap;
  std::string_view output_tag;  // the tag written for kKeep (renames sectioning to div)
};

// The rule for a lower-case HTML tag name; unknown names unwrap.
ElementRule RuleFor(std::string_view tag);

enum class AttributeKind {
  kText,      // free text (title, alt)
  kLinkUrl,   // http, https, mailto
  kMediaUrl,  // http, https
  kSrcset,
  kNumber,        // 0-99999
  kSignedNumber,  // ol start, li value
  kBoolean,       // written as name=""
  kToken,         // a short value of letters, digits and -_.:/+;= (lang, type, datetime)
  kDirection,     // ltr, rtl, auto
};

struct AttributeSpec {
  std::string_view name;
  AttributeKind kind;
};

// The attributes output element `tag` may carry besides the global ones, in writing order.
std::span<const AttributeSpec> AllowedAttributes(std::string_view tag);
// title, lang, dir: allowed on every kept element, written after the specific ones.
std::span<const AttributeSpec> GlobalAttributes();

// True when an element must go with its content whatever its tag: `hidden`, an inline
// style hiding it, an ad slot by class/id (adsbygoogle, ad-slot, advert...) or data-ad-*.
bool IsHiddenOrAdSlot(const GumboElement& element);

// True for an <img> that is a tracking pixel by size (0x0, 1x1) or hidden by style.
bool IsPixelImage(const GumboElement& element);

// Membership in the tree builder's categories the serialiser must respect.
bool ClosesParagraph(std::string_view tag);  // starting it closes an open <p>
bool IsButtonScopeBoundary(std::string_view tag);
bool IsSpecial(std::string_view tag);  // the HTML spec's "special" category
bool IsHeading(std::string_view tag);
bool IsTableContainer(std::string_view tag);  // table, tbody, thead, tfoot, tr

}  // namespace feedd::feeds::sanitize
