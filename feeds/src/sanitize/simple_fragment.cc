// SimpleFragment: one pass that tokenizes and builds the tree, following the HTML parsing
// algorithm ("in body" insertion mode of a fragment in a <div>) only as far as the elements
// of kTags need, and refusing the input at the first thing outside that. Every refusal is a
// `return false` in SimpleBuilder; gumbo then parses the input, so a refusal costs time,
// never correctness.
#include "sanitize/simple_fragment.h"

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "feedd/feeds/utf8.h"
#include "parse/entities.h"
#include "sanitize/gumbo_fragment.h"

namespace feedd::feeds::sanitize {
namespace {

// How an element takes part in tree construction (HTML Living Standard, 13.2.6.4.7).
enum class Kind : std::uint8_t {
  kVoid,        // no children, no end tag
  kBlock,       // starting it closes an open <p>; its end tag first closes li/dd/dt/p
  kListItem,    // li, dd, dt: also closes an open one of its family
  kParagraph,   // p
  kHeading,     // h1-h6: a block that cannot start inside another heading
  kFormatting,  // a, b, em...: end tags run the adoption agency; we accept them only exact
  kPhrase,      // span, sub...: "any other end tag"; accepted only exact
  kRawText,     // iframe, script, style: text up to the matching end tag
  // Tables, only as well-formed structure: table > (thead|tbody|tfoot)? > tr > (td|th). In
  // the first three only whitespace text and the next level may appear (anything else is
  // foster-parented out of the table); a cell's content follows the "in body" rules.
  kTable,
  kTableSection,  // thead, tbody, tfoot
  kTableRow,      // tr
  kTableCell,     // td, th
};

struct TagInfo {
  std::string_view name;
  Kind kind;
  bool special;  // the standard's "special" category (stops the list item search)
};

// The elements the fast path builds. Anything else (script, style, textarea, table, form,
// select, svg, math, iframe, object, template, font, nobr...) goes to gumbo.
constexpr std::array<TagInfo, 62> kTags = {{
    {"a", Kind::kFormatting, false},      {"abbr", Kind::kPhrase, false},
    {"address", Kind::kBlock, true},      {"article", Kind::kBlock, true},
    {"aside", Kind::kBlock, true},        {"b", Kind::kFormatting, false},
    {"bdi", Kind::kPhrase, false},        {"bdo", Kind::kPhrase, false},
    {"blockquote", Kind::kBlock, true},   {"br", Kind::kVoid, true},
    {"cite", Kind::kPhrase, false},       {"code", Kind::kFormatting, false},
    {"dd", Kind::kListItem, true},        {"del", Kind::kPhrase, false},
    {"dfn", Kind::kPhrase, false},        {"div", Kind::kBlock, true},
    {"dl", Kind::kBlock, true},           {"dt", Kind::kListItem, true},
    {"em", Kind::kFormatting, false},     {"figcaption", Kind::kBlock, true},
    {"figure", Kind::kBlock, true},       {"footer", Kind::kBlock, true},
    {"h1", Kind::kHeading, true},         {"h2", Kind::kHeading, true},
    {"h3", Kind::kHeading, true},         {"h4", Kind::kHeading, true},
    {"h5", Kind::kHeading, true},         {"h6", Kind::kHeading, true},
    {"header", Kind::kBlock, true},       {"hr", Kind::kVoid, true},
    {"i", Kind::kFormatting, false},      {"img", Kind::kVoid, true},
    {"ins", Kind::kPhrase, false},        {"kbd", Kind::kPhrase, false},
    {"li", Kind::kListItem, true},        {"main", Kind::kBlock, true},
    {"mark", Kind::kPhrase, false},       {"nav", Kind::kBlock, true},
    {"ol", Kind::kBlock, true},           {"p", Kind::kParagraph, true},
    {"pre", Kind::kBlock, true},          {"q", Kind::kPhrase, false},
    {"s", Kind::kFormatting, false},      {"samp", Kind::kPhrase, false},
    {"section", Kind::kBlock, true},      {"small", Kind::kFormatting, false},
    {"span", Kind::kPhrase, false},       {"strong", Kind::kFormatting, false},
    {"sub", Kind::kPhrase, false},        {"sup", Kind::kPhrase, false},
    {"u", Kind::kFormatting, false},      {"ul", Kind::kBlock, true},
    {"iframe", Kind::kRawText, true},     {"script", Kind::kRawText, true},
    {"style", Kind::kRawText, true},      {"table", Kind::kTable, true},
    {"thead", Kind::kTableSection, true}, {"tbody", Kind::kTableSection, true},
    {"tfoot", Kind::kTableSection, true}, {"tr", Kind::kTableRow, true},
    {"td", Kind::kTableCell, true},       {"th", Kind::kTableCell, true},
}};

const TagInfo* FindTag(std::string_view name) {
  for (const auto& info : kTags) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

// A named character reference (with its ';') from the parser's table of HTML 4 names, which
// HTML5 and gumbo keep with the same code points, except &lang; and &rang; (HTML5 moved them
// to U+27E8/U+27E9): those, and every name outside the table, go to gumbo.
std::optional<char32_t> NamedCodePoint(std::string_view name) {
  if (name == "lang" || name == "rang") return std::nullopt;
  return parse::LookupHtmlEntity(name);
}

// Code points the parser passes through untouched (no replacement, no parse-error rule that
// changes them): tab, line feed, printable ASCII and the rest of Unicode without controls,
// surrogates and noncharacters.
bool PassesThrough(char32_t c) {
  if (c == U'\t' || c == U'\n') return true;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return false;
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  if (c >= 0xFDD0 && c <= 0xFDEF) return false;
  if ((c & 0xFFFE) == 0xFFFE) return false;
  return c <= 0x10FFFF;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

// Where the parser's "in table", "in table body" and "in row" modes apply: text there must
// be whitespace, and only the next level of the table may start.
bool IsTableStructure(Kind kind) {
  return kind == Kind::kTable || kind == Kind::kTableSection || kind == Kind::kTableRow;
}

// Nesting bounds well inside LimitNesting's (kMaxDepth, kMaxFormattingDepth), so the input
// is exactly what gumbo would have parsed.
constexpr int kMaxOpen = 64;
constexpr int kMaxFormatting = 8;

}  // namespace

class SimpleBuilder {
 public:
  SimpleBuilder(SimpleFragment& out, std::string_view html) : out_(out), html_(html) {}

  bool Run() {
    auto [root, root_children] = NewElement(GUMBO_TAG_HTML);
    open_.push_back(Open{root, root_children, nullptr});
    while (pos_ < html_.size()) {
      const char c = html_[pos_];
      if (c == '<') {
        if (!FlushText() || !Markup()) return false;
      } else if (c == '&') {
        if (!Reference(text_)) return false;
      } else if (!AsciiRun(text_, html_.size(), /*in_text=*/true) && !RawCharacter(text_)) {
        return false;
      }
    }
    if (!FlushText()) return false;
    for (auto& [node, list] : finished_) {
      node->v.element.children.data = list->empty() ? nullptr : list->data();
      node->v.element.children.length = static_cast<unsigned>(list->size());
      node->v.element.children.capacity = static_cast<unsigned>(list->size());
    }
    return true;
  }

 private:
  struct Open {
    GumboNode* node;
    std::vector<void*>* children;
    const TagInfo* info;  // null for the root
  };

  // A node appended to `parent`'s children (none for the root).
  GumboNode& NewNode(GumboNodeType type, GumboNode* parent, std::vector<void*>* siblings) {
    GumboNode& node = out_.nodes_.emplace_back();
    node = GumboNode{};
    node.type = type;
    node.parent = parent;
    if (siblings != nullptr) {
      node.index_within_parent = siblings->size();
      siblings->push_back(&node);
    }
    return node;
  }

  // A new child of the current element (or the root), and the list its own children go to
  // (made its GumboVector at the end).
  std::pair<GumboNode*, std::vector<void*>*> NewElement(GumboTag tag) {
    GumboNode* parent = open_.empty() ? nullptr : open_.back().node;
    std::vector<void*>* siblings = open_.empty() ? nullptr : open_.back().children;
    GumboNode& node = NewNode(GUMBO_NODE_ELEMENT, parent, siblings);
    node.v.element.tag = tag;
    node.v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
    std::vector<void*>& children = out_.children_.emplace_back();
    finished_.emplace_back(&node, &children);
    return {&node, &children};
  }

  // A run of printable ASCII, tabs and newlines from pos_ up to `end`, appended at once (the
  // bulk of most text, which RawCharacter would take a byte at a time); in text, '<' and '&'
  // end it. False when the run is empty.
  bool AsciiRun(std::string& into, std::size_t end, bool in_text) {
    const std::size_t start = pos_;
    while (pos_ < end) {
      const char c = html_[pos_];
      const bool plain = (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n';
      if (!plain || (in_text && (c == '<' || c == '&'))) break;
      ++pos_;
    }
    into.append(html_.substr(start, pos_ - start));
    return pos_ > start;
  }

  // One raw character of text or of an attribute value: valid UTF-8 of a code point that
  // passes through the parser unchanged.
  bool RawCharacter(std::string& into) {
    const auto byte = static_cast<unsigned char>(html_[pos_]);
    std::size_t length = 1;
    char32_t c = byte;
    if (byte >= 0x80) {
      if (byte >= 0xC2 && byte <= 0xDF) {
        length = 2;
        c = byte & 0x1F;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        length = 3;
        c = byte & 0x0F;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        length = 4;
        c = byte & 0x07;
      } else {
        return false;
      }
      if (pos_ + length > html_.size()) return false;
      for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(html_[pos_ + k]);
        if ((next & 0xC0) != 0x80) return false;
        c = (c << 6) | (next & 0x3F);
      }
      // Overlong forms.
      if ((length == 3 && c < 0x800) || (length == 4 && c < 0x10000)) return false;
    }
    if (!PassesThrough(c)) return false;
    // A byte order mark at the very start may be taken for an encoding signature.
    if (c == 0xFEFF && pos_ == 0) return false;
    into.append(html_.substr(pos_, length));
    pos_ += length;
    return true;
  }

  // A character reference at pos_ ('&'): a named one of the tables above or a numeric one,
  // each with its ';'. An '&' that cannot start a reference (followed by neither a letter,
  // a digit nor '#') is the character itself.
  bool Reference(std::string& into) {
    if (pos_ + 1 >= html_.size() || (!IsAsciiAlpha(html_[pos_ + 1]) &&
                                     !IsAsciiDigit(html_[pos_ + 1]) && html_[pos_ + 1] != '#')) {
      into += '&';
      ++pos_;
      return true;
    }
    const std::size_t semicolon = html_.find(';', pos_ + 1);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 10) return false;
    const std::string_view body = html_.substr(pos_ + 1, semicolon - pos_ - 1);
    char32_t c = 0;
    if (!body.empty() && body[0] == '#') {
      const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
      const std::string_view digits = body.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 6) return false;
      for (char d : digits) {
        int value = -1;
        if (IsAsciiDigit(d)) value = d - '0';
        if (hex && d >= 'a' && d <= 'f') value = d - 'a' + 10;
        if (hex && d >= 'A' && d <= 'F') value = d - 'A' + 10;
        if (value < 0) return false;
        c = c * (hex ? 16 : 10) + static_cast<char32_t>(value);
      }
    } else {
      const auto found = NamedCodePoint(body);
      if (!found) return false;
      c = *found;
    }
    if (!PassesThrough(c)) return false;
    AppendUtf8(into, c);
    pos_ = semicolon + 1;
    return true;
  }

  bool FlushText() {
    if (text_.empty()) return true;
    // Other text in a table is moved out in front of it ("foster parenting").
    if (InTableStructure() && !IsBlank(text_)) return false;
    AddText(std::move(text_), open_.back().node, open_.back().children);
    text_.clear();
    return true;
  }

  void AddText(std::string text, GumboNode* parent, std::vector<void*>* siblings) {
    const bool blank = IsBlank(text);
    GumboNode& node = NewNode(blank ? GUMBO_NODE_WHITESPACE : GUMBO_NODE_TEXT, parent, siblings);
    node.v.text.text = out_.strings_.emplace_back(std::move(text)).c_str();
  }

  // At '<': a comment, a start tag or an end tag.
  bool Markup() {
    const std::string_view rest = html_.substr(pos_);
    if (rest.starts_with("<!--")) return Comment();
    if (rest.size() >= 2 && rest[1] == '/') return EndTag();
    if (rest.size() >= 2 && IsAsciiAlpha(rest[1])) return StartTag();
    return false;  // "<" as text, <!DOCTYPE>, <![CDATA[, <?...
  }

  // <!-- ... -->, closed by the first "-->" and without the forms that close a comment
  // elsewhere (<!-->, <!--->, --!>). No node: the sanitiser drops comments, but the text on
  // either side stays two text nodes, as in gumbo's tree.
  bool Comment() {
    const std::size_t body = pos_ + 4;
    const std::size_t close = html_.find("-->", body);
    if (close == std::string_view::npos) return false;
    const std::string_view inside = html_.substr(body, close - body);
    if (inside.starts_with(">") || inside.starts_with("->")) return false;
    if (inside.find("--!>") != std::string_view::npos) return false;
    if (inside.find('\0') != std::string_view::npos) return false;
    pos_ = close + 3;
    return true;
  }

  // A tag name of ASCII letters and digits, lower-cased; pos_ moves past it.
  std::string TagName() {
    std::string name;
    while (pos_ < html_.size() && (IsAsciiAlpha(html_[pos_]) || IsAsciiDigit(html_[pos_]))) {
      name += LowerAscii(html_[pos_++]);
    }
    return name;
  }

  void SkipSpace() {
    while (pos_ < html_.size() && IsSpace(html_[pos_])) ++pos_;
  }

  bool StartTag() {
    ++pos_;  // '<'
    const std::string name = TagName();
    const TagInfo* info = FindTag(name);
    if (info == nullptr || pos_ >= html_.size()) return false;
    const char after = html_[pos_];
    if (!IsSpace(after) && after != '>' && after != '/') return false;
    std::vector<void*>& attribute_list = out_.attribute_lists_.emplace_back();
    bool self_closing = false;
    for (;;) {
      SkipSpace();
      if (pos_ >= html_.size()) return false;
      if (html_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (html_[pos_] == '/') {
        if (pos_ + 1 >= html_.size() || html_[pos_ + 1] != '>') return false;
        self_closing = true;
        pos_ += 2;
        break;
      }
      if (!Attribute(attribute_list)) return false;
    }
    if (self_closing && info->kind != Kind::kVoid) return false;  // "<div/>" stays open
    const GumboTag tag = gumbo_tag_enum(name.c_str());
    if (tag == GUMBO_TAG_UNKNOWN || !BeforeInsert(*info)) return false;
    auto [node, children] = NewElement(tag);
    GumboVector& attributes = node->v.element.attributes;
    attributes.data = attribute_list.empty() ? nullptr : attribute_list.data();
    attributes.length = static_cast<unsigned>(attribute_list.size());
    attributes.capacity = attributes.length;
    if (info->kind == Kind::kVoid) return true;
    if (info->kind == Kind::kRawText) return RawTextContent(name, node, children);
    open_.push_back(Open{node, children, info});
    ++rough_depth_;
    if (info->kind == Kind::kFormatting) ++formatting_;
    if (rough_depth_ > kMaxOpen || formatting_ > kMaxFormatting) return false;
    // A line feed right after <pre> is not content. A reference that makes one would be
    // dropped the same way: gumbo decides that one.
    if (name == "pre" && pos_ < html_.size()) {
      if (html_[pos_] == '&') return false;
      if (html_[pos_] == '\n') ++pos_;
    }
    return true;
  }

  // The text of a raw text element up to its end tag, as one text node. Script content
  // with "<!--" goes to gumbo (the tokenizer's escaped states decide where it ends).
  bool RawTextContent(const std::string& name, GumboNode* element, std::vector<void*>* children) {
    std::size_t close = pos_;
    for (;;) {
      close = html_.find("</", close);
      if (close == std::string_view::npos) return false;
      std::size_t k = close + 2;
      std::size_t matched = 0;
      while (matched < name.size() && k < html_.size() && LowerAscii(html_[k]) == name[matched]) {
        ++k;
        ++matched;
      }
      if (matched == name.size() && k < html_.size() &&
          (IsSpace(html_[k]) || html_[k] == '>' || html_[k] == '/')) {
        break;
      }
      close += 2;
    }
    const std::string_view content = html_.substr(pos_, close - pos_);
    if (name == "script" && content.find("<!--") != std::string_view::npos) return false;
    std::string text;
    while (pos_ < close) {
      if (!AsciiRun(text, close, /*in_text=*/false) && !RawCharacter(text)) return false;
    }
    if (pos_ != close) return false;  // a multi-byte character across the end tag
    if (!text.empty()) AddText(std::move(text), element, children);
    pos_ = close + 2 + name.size();
    SkipSpace();
    if (pos_ >= html_.size() || html_[pos_] != '>') return false;
    ++pos_;
    return true;
  }

  // name, name=value, name="value" or name='value'; the first of two same names counts.
  bool Attribute(std::vector<void*>& list) {
    std::string name;
    while (pos_ < html_.size()) {
      const char c = html_[pos_];
      if (IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_' || c == ':' || c == '.') {
        name += LowerAscii(c);
        ++pos_;
      } else {
        break;
      }
    }
    if (name.empty() || pos_ >= html_.size()) return false;
    const char after = html_[pos_];
    if (!IsSpace(after) && after != '=' && after != '>' && after != '/') return false;
    std::string value;
    SkipSpace();
    if (pos_ < html_.size() && html_[pos_] == '=') {
      ++pos_;
      SkipSpace();
      if (pos_ >= html_.size()) return false;
      const char quote = html_[pos_];
      if (quote == '"' || quote == '\'') {
        ++pos_;
        while (pos_ < html_.size() && html_[pos_] != quote) {
          if (html_[pos_] == '&') {
            if (!Reference(value)) return false;
          } else if (!RawCharacter(value)) {
            return false;
          }
        }
        if (pos_ >= html_.size()) return false;
        ++pos_;  // the closing quote
        // "a="1"b="2"": a parse error gumbo recovers from; not ours to mimic.
        if (pos_ < html_.size() && !IsSpace(html_[pos_]) && html_[pos_] != '>' &&
            html_[pos_] != '/') {
          return false;
        }
      } else {
        while (pos_ < html_.size() && !IsSpace(html_[pos_]) && html_[pos_] != '>') {
          const char c = html_[pos_];
          if (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`' || c == '/') return false;
          if (c == '&') {
            if (!Reference(value)) return false;
          } else if (!RawCharacter(value)) {
            return false;
          }
        }
        if (value.empty()) return false;
      }
    }
    for (const void* existing : list) {
      if (static_cast<const GumboAttribute*>(existing)->name == name) return true;
    }
    GumboAttribute& attribute = out_.attributes_.emplace_back();
    attribute = GumboAttribute{};
    attribute.attr_namespace = GUMBO_ATTR_NAMESPACE_NONE;
    attribute.name = out_.strings_.emplace_back(std::move(name)).c_str();
    attribute.value = out_.strings_.emplace_back(std::move(value)).c_str();
    list.push_back(&attribute);
    return true;
  }

  const TagInfo* Current() const { return open_.back().info; }
  bool CurrentIs(Kind kind) const { return Current() != nullptr && Current()->kind == kind; }
  bool InTableStructure() const {
    return Current() != nullptr && IsTableStructure(Current()->kind);
  }
  bool HasOpen(std::string_view name) const {
    for (const auto& open : open_) {
      if (open.info != nullptr && open.info->name == name) return true;
    }
    return false;
  }

  // What the tree builder does before inserting a start tag, for the cases that only pop
  // the current element; any other restructuring refuses.
  bool BeforeInsert(const TagInfo& info) {
    if (InTableStructure()) return BeforeTableInsert(info);
    // A section, row or cell start tag outside a table is ignored by the parser.
    if (info.kind == Kind::kTableSection || info.kind == Kind::kTableRow ||
        info.kind == Kind::kTableCell) {
      return false;
    }
    if (info.kind == Kind::kListItem) {
      // An open item of the same family closes, if only <p>s are above it and no special
      // element other than address, div, p stands between.
      const bool is_li = info.name == "li";
      for (std::size_t k = open_.size() - 1; k > 0; --k) {
        const TagInfo* above = open_[k].info;
        const bool same_family =
            is_li ? above->name == "li" : (above->name == "dd" || above->name == "dt");
        if (same_family) {
          for (std::size_t j = open_.size() - 1; j > k; --j) {
            if (open_[j].info->kind != Kind::kParagraph) return false;
          }
          while (open_.size() > k) open_.pop_back();
          break;
        }
        if (above->special && above->name != "address" && above->name != "div" &&
            above->name != "p") {
          break;
        }
      }
    }
    const bool closes_p = info.kind == Kind::kBlock || info.kind == Kind::kListItem ||
                          info.kind == Kind::kParagraph || info.kind == Kind::kHeading ||
                          info.kind == Kind::kTable || info.name == "hr";
    if (closes_p && HasOpen("p")) {
      if (!CurrentIs(Kind::kParagraph)) return false;
      open_.pop_back();  // close a p element
    }
    if (info.kind == Kind::kHeading && CurrentIs(Kind::kHeading)) return false;
    if (info.name == "a" && HasOpen("a")) return false;
    return true;
  }

  // A start tag where the current node is a table, section or row: only the next level. A
  // row straight in a table gets the <tbody> the parser implies (gumbo builds it too); a
  // cell straight in a table or section would imply more, and is refused.
  bool BeforeTableInsert(const TagInfo& info) {
    switch (info.kind) {
      case Kind::kTableSection:
        return CurrentIs(Kind::kTable);
      case Kind::kTableRow:
        if (CurrentIs(Kind::kTable)) {
          auto [tbody, children] = NewElement(GUMBO_TAG_TBODY);
          // Implied, so not counted in rough_depth_ (no tag of the text opened it).
          open_.push_back(Open{tbody, children, FindTag("tbody")});
          return true;
        }
        return CurrentIs(Kind::kTableSection);
      case Kind::kTableCell:
        return CurrentIs(Kind::kTableRow);
      default:
        return false;
    }
  }

  bool EndTag() {
    pos_ += 2;  // "</"
    if (pos_ >= html_.size() || !IsAsciiAlpha(html_[pos_])) return false;
    const std::string name = TagName();
    SkipSpace();
    if (pos_ >= html_.size() || html_[pos_] != '>') return false;
    ++pos_;
    const TagInfo* info = FindTag(name);
    if (info == nullptr || info->kind == Kind::kVoid) return false;
    // Block, list item and heading end tags first generate implied end tags (here: an open
    // p, li, dd or dt above the element, other than the element's own kind for li/dd/dt).
    const bool implies = info->kind == Kind::kBlock || info->kind == Kind::kListItem ||
                         info->kind == Kind::kHeading || info->kind == Kind::kTableCell;
    while (implies && open_.size() > 1 && Current()->name != name &&
           (Current()->kind == Kind::kParagraph || Current()->kind == Kind::kListItem)) {
      if (info->kind == Kind::kListItem && Current()->kind == Kind::kListItem) return false;
      open_.pop_back();
    }
    // </table> closes an open row and section (an implied <tbody> too), </tbody> an open
    // row. A cell must be closed by its own end tag first.
    while ((info->kind == Kind::kTable || info->kind == Kind::kTableSection) && open_.size() > 1 &&
           Current()->name != name &&
           (CurrentIs(Kind::kTableRow) ||
            (info->kind == Kind::kTable && CurrentIs(Kind::kTableSection)))) {
      open_.pop_back();
    }
    if (open_.size() <= 1 || Current()->name != name) return false;
    if (info->kind == Kind::kFormatting) --formatting_;
    --rough_depth_;
    open_.pop_back();
    return true;
  }

  SimpleFragment& out_;
  std::string_view html_;
  std::size_t pos_ = 0;
  std::string text_;
  std::vector<Open> open_;
  std::vector<std::pair<GumboNode*, std::vector<void*>*>> finished_;
  int rough_depth_ = 0;  // start tags minus explicit end tags, as LimitNesting counts
  int formatting_ = 0;
};

SimpleFragment::SimpleFragment() = default;

std::unique_ptr<SimpleFragment> SimpleFragment::Parse(std::string_view html) {
  std::unique_ptr<SimpleFragment> fragment(new SimpleFragment());
  SimpleBuilder builder(*fragment, html);
  if (!builder.Run()) return nullptr;
  return fragment;
}

}  // namespace feedd::feeds::sanitize
