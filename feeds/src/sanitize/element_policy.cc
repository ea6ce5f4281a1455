// The sanitiser's tables. Element families (anything not listed unwraps: <font>, <span>,
// custom elements and typos keep their text, lose their tag):
//
//   family                         | action | elements
//   -------------------------------+--------+--------------------------------------------------
//   text structure                 | keep   | p div h1-h6 blockquote pre ul ol li dl dt dd hr br
//                                  |        | figure figcaption details summary
//   sectioning (semantics only)    | as div | article section aside header footer main nav
//                                  |        | hgroup address center search
//   phrasing                       | keep   | a abbr b bdi bdo cite code data del dfn em i ins
//                                  |        | kbd mark q s samp small strong sub sup time u var
//                                  |        | wbr ruby rt rp
//   tables                         | keep   | table caption thead tbody tfoot tr td th
//   media                          | keep   | img picture source video audio; iframe only for
//                                  |        | video hosts (decided in sanitize_html.cc)
//   script and styling             | drop   | script style noscript template link meta base
//                                  |        | head title
//   embedding and plugins          | drop   | object embed applet param frame frameset
//                                  |        | noframes noembed portal fencedframe canvas
//   form controls                  | drop   | input button select option optgroup textarea
//                                  |        | datalist keygen output progress meter
//   (form, label, fieldset, legend | unwrap | their text is content)
//   foreign content                | drop   | svg math (anything outside the HTML namespace)
//   raw text oddities              | drop   | xmp plaintext listing
//   ad and tracker markup          | drop   | amp-ad amp-analytics amp-pixel amp-embed dialog
//   table columns, image maps      | drop   | colgroup col area track
#include "sanitize/element_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

#include "sanitize/gumbo_fragment.h"

namespace feedd::feeds::sanitize {
namespace {

using K = AttributeKind;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

template <std::size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

const std::unordered_map<std::string_view, ElementRule>& Rules() {
  static const auto* const kRules = [] {
    auto* rules = new std::unordered_map<std::string_view, ElementRule>();
    for (std::string_view tag :
         {"p",          "div",    "h1",     "h2",         "h3",      "h4",      "h5",    "h6",
          "blockquote", "pre",    "ul",     "ol",         "li",      "dl",      "dt",    "dd",
          "hr",         "br",     "figure", "figcaption", "details", "summary", "a",     "abbr",
          "b",          "bdi",    "bdo",    "cite",       "code",    "data",    "del",   "dfn",
          "em",         "i",      "ins",    "kbd",        "mark",    "q",       "s",     "samp",
          "small",      "strong", "sub",    "sup",        "time",    "u",       "var",   "wbr",
          "ruby",       "rt",     "rp",     "table",      "caption", "thead",   "tbody", "tfoot",
          "tr",         "td",     "th",     "img",        "picture", "source",  "video", "audio",
          "iframe"}) {
      (*rules)[tag] = ElementRule{ElementAction::kKeep, tag};
    }
    for (std::string_view tag : {"article", "section", "aside", "header", "footer", "main", "nav",
                                 "hgroup", "address", "center", "search"}) {
      (*rules)[tag] = ElementRule{ElementAction::kKeep, "div"};
    }
    for (std::string_view tag :
         {"script",      "style",         "noscript",  "template",  "link",          "meta",
          "base",        "head",          "title",     "object",    "embed",         "applet",
          "param",       "frame",         "frameset",  "noframes",  "noembed",       "portal",
          "fencedframe", "canvas",        "input",     "button",    "select",        "option",
          "optgroup",    "textarea",      "datalist",  "keygen",    "output",        "progress",
          "meter",       "svg",           "math",      "xmp",       "plaintext",     "listing",
          "amp-ad",      "amp-analytics", "amp-pixel", "amp-embed", "amp-sticky-ad", "dialog",
          "colgroup",    "col",           "area",      "track",     "menuitem",      "slot"}) {
      (*rules)[tag] = ElementRule{ElementAction::kDrop, ""};
    }
    return rules;
  }();
  return *kRules;
}

constexpr std::array<AttributeSpec, 1> kAnchor = {{{"href", K::kLinkUrl}}};
constexpr std::array<AttributeSpec, 1> kCite = {{{"cite", K::kLinkUrl}}};
constexpr std::array<AttributeSpec, 2> kEdit = {{{"cite", K::kLinkUrl}, {"datetime", K::kToken}}};
constexpr std::array<AttributeSpec, 1> kTime = {{{"datetime", K::kToken}}};
constexpr std::array<AttributeSpec, 1> kData = {{{"value", K::kText}}};
constexpr std::array<AttributeSpec, 6> kImage = {{{"src", K::kMediaUrl},
                                                  {"srcset", K::kSrcset},
                                                  {"sizes", K::kToken},
                                                  {"alt", K::kText},
                                                  {"width", K::kNumber},
                                                  {"height", K::kNumber}}};
constexpr std::array<AttributeSpec, 3> kOrderedList = {
    {{"start", K::kSignedNumber}, {"reversed", K::kBoolean}, {"type", K::kToken}}};
constexpr std::array<AttributeSpec, 1> kListItem = {{{"value", K::kSignedNumber}}};
constexpr std::array<AttributeSpec, 4> kCell = {
    {{"colspan", K::kNumber}, {"rowspan", K::kNumber}, {"scope", K::kToken}, {"abbr", K::kText}}};
constexpr std::array<AttributeSpec, 8> kVideo = {{{"src", K::kMediaUrl},
                                                  {"poster", K::kMediaUrl},
                                                  {"width", K::kNumber},
                                                  {"height", K::kNumber},
                                                  {"controls", K::kBoolean},
                                                  {"loop", K::kBoolean},
                                                  {"muted", K::kBoolean},
                                                  {"playsinline", K::kBoolean}}};
constexpr std::array<AttributeSpec, 4> kAudio = {{{"src", K::kMediaUrl},
                                                  {"controls", K::kBoolean},
                                                  {"loop", K::kBoolean},
                                                  {"muted", K::kBoolean}}};
constexpr std::array<AttributeSpec, 5> kSource = {{{"src", K::kMediaUrl},
                                                   {"srcset", K::kSrcset},
                                                   {"sizes", K::kToken},
                                                   {"type", K::kToken},
                                                   {"media", K::kText}}};
constexpr std::array<AttributeSpec, 1> kDetails = {{{"open", K::kBoolean}}};
constexpr std::array<AttributeSpec, 3> kGlobal = {
    {{"title", K::kText}, {"lang", K::kToken}, {"dir", K::kDirection}}};

// Class and id tokens of ad slots. Whole tokens (after '_' -> '-'), so "header", "shadow"
// or "download" never match.
bool IsAdToken(std::string token) {
  std::replace(token.begin(), token.end(), '_', '-');
  static constexpr std::array<std::string_view, 16> kExact = {
      "ad",         "ads",     "adsbygoogle", "advert", "advertisement", "advertising",
      "adslot",     "adunit",  "adsense",     "adbox",  "ad-box",        "sponsored-ad",
      "google-ads", "taboola", "outbrain",    "mgid"};
  static constexpr std::array<std::string_view, 12> kPrefix = {
      "adsbygoogle", "advert",     "ad-slot", "ad-unit",   "ad-container", "ad-wrapper",
      "ad-banner",   "div-gpt-ad", "gpt-ad",  "google-ad", "dfp-ad",       "ad-placement"};
  if (In(kExact, token)) return true;
  return std::any_of(kPrefix.begin(), kPrefix.end(),
                     [&](std::string_view prefix) { return token.rfind(prefix, 0) == 0; });
}

bool HasAdToken(const char* value) {
  if (value == nullptr) return false;
  const std::string text = Lower(value);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find_first_of(" \t\n\r\f", start);
    if (end == std::string::npos) end = text.size();
    if (end > start && IsAdToken(text.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// An inline style, lower-cased with whitespace removed, for simple property checks.
std::string CompactStyle(const GumboElement& element) {
  const char* style = AttributeValue(element, "style");
  if (style == nullptr) return "";
  std::string out;
  for (const char* c = style; *c != '\0'; ++c) {
    if (std::isspace(static_cast<unsigned char>(*c)) == 0) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    }
  }
  return out;
}

// The leading integer of a dimension attribute ("1", "1px", " 0 "), or -1.
long Dimension(const char* value) {
  if (value == nullptr) return -1;
  while (*value == ' ') ++value;
  if (*value < '0' || *value > '9') return -1;
  long number = 0;
  for (; *value >= '0' && *value <= '9' && number < 100000; ++value)
    number = number * 10 + (*value - '0');
  return number;
}

}  // namespace

ElementRule RuleFor(std::string_view tag) {
  const auto& rules = Rules();
  const auto it = rules.find(tag);
  return it == rules.end() ? ElementRule{} : it->second;
}

std::span<const AttributeSpec> AllowedAttributes(std::string_view tag) {
  if (tag == "a") return kAnchor;
  if (tag == "img") return kImage;
  if (tag == "blockquote" || tag == "q") return kCite;
  if (tag == "del" || tag == "ins") return kEdit;
  if (tag == "time") return kTime;
  if (tag == "data") return kData;
  if (tag == "ol") return kOrderedList;
  if (tag == "li") return kListItem;
  if (tag == "td" || tag == "th") return kCell;
  if (tag == "video") return kVideo;
  if (tag == "audio") return kAudio;
  if (tag == "source") return kSource;
  if (tag == "details") return kDetails;
  return {};
}

std::span<const AttributeSpec> GlobalAttributes() { return kGlobal; }

bool IsHiddenOrAdSlot(const GumboElement& element) {
  if (AttributeValue(element, "hidden") != nullptr) return true;
  if (AttributeValue(element, "data-ad-client") != nullptr ||
      AttributeValue(element, "data-ad-slot") != nullptr) {
    return true;
  }
  if (HasAdToken(AttributeValue(element, "class")) || HasAdToken(AttributeValue(element, "id"))) {
    return true;
  }
  const std::string style = CompactStyle(element);
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

bool IsPixelImage(const GumboElement& element) {
  const long width = Dimension(AttributeValue(element, "width"));
  const long height = Dimension(AttributeValue(element, "height"));
  if (width == 0 || height == 0) return true;
  if (width == 1 && height == 1) return true;
  const std::string style = CompactStyle(element);
  auto tiny = [&](std::string_view property) {
    for (std::string_view value : {":0;", ":0px", ":1px", ":0}"}) {
      if (style.find(std::string(property) + std::string(value)) != std::string::npos) return true;
    }
    return style.size() >= property.size() + 2 &&
           style.compare(style.size() - property.size() - 2, std::string::npos,
                         std::string(property) + ":0") == 0;
  };
  return (tiny("width") && tiny("height")) || style.find("opacity:0;") != std::string::npos ||
         (style.size() >= 9 && style.compare(style.size() - 9, 9, "opacity:0") == 0);
}

bool ClosesParagraph(std::string_view tag) {
  static constexpr std::array<std::string_view, 28> kClosers = {
      "p",          "div",     "h1",      "h2",      "h3",     "h4",         "h5",
      "h6",         "ul",      "ol",      "li",      "dl",     "dt",         "dd",
      "blockquote", "pre",     "hr",      "table",   "figure", "figcaption", "details",
      "summary",    "address", "article", "section", "aside",  "header",     "footer"};
  return In(kClosers, tag);
}

bool IsButtonScopeBoundary(std::string_view tag) {
  return tag == "table" || tag == "td" || tag == "th" || tag == "caption" || tag == "#root";
}

bool IsSpecial(std::string_view tag) {
  static constexpr std::array<std::string_view, 33> kSpecial = {
      "blockquote", "caption", "dd", "details", "div",  "dl",    "dt",
      "figcaption", "figure",  "h1", "h2",      "h3",   "h4",    "h5",
      "h6",         "hr",      "li", "ol",      "p",    "pre",   "summary",
      "table",      "tbody",   "td", "tfoot",   "th",   "thead", "tr",
      "ul",         "img",     "br", "iframe",  "#root"};
  return In(kSpecial, tag);
}

bool IsHeading(std::string_view tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

bool IsTableContainer(std::string_view tag) {
  return tag == "table" || tag == "tbody" || tag == "thead" || tag == "tfoot" || tag == "tr";
}

}  // namespace feedd::feeds::sanitize
