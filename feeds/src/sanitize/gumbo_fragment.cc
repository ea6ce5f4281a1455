// GumboFragment (RAII over GumboOutput) and the pre-parse nesting limiter.
// The limiter exists because gumbo's tree builder walks the open-element stack for most
// start tags: 100,000 nested <div>s cost minutes. It must not know any sanitising policy.
#include "sanitize/gumbo_fragment.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <unordered_map>
#include <vector>

namespace feedd::feeds::sanitize {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsTagSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsVoid(std::string_view name) {
  static constexpr std::array<std::string_view, 18> kVoid = {
      "area",  "base", "basefont", "bgsound", "br",   "col",  "embed", "frame",  "hr",
      "image", "img",  "input",    "keygen",  "link", "meta", "param", "source", "track"};
  return name == "wbr" || std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end();
}

// Elements whose content the tokenizer reads as text up to the matching end tag.
bool IsRawText(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kRaw = {
      "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"};
  return std::find(kRaw.begin(), kRaw.end(), name) != kRaw.end();
}

// Elements a sibling of the same family closes; popping them keeps the depth honest for
// old-style HTML ("<p>one<p>two") without modelling the whole tree builder.
bool ClosesSameFamily(std::string_view top, std::string_view name) {
  if (top == name) {
    return name == "p" || name == "li" || name == "option" || name == "tr" || name == "a" ||
           name == "td" || name == "th" || name == "dd" || name == "dt" || name == "rt" ||
           name == "rp" || name == "tbody" || name == "thead" || name == "tfoot";
  }
  auto either = [&](std::string_view x, std::string_view y) {
    return (top == x && name == y) || (top == y && name == x);
  };
  return either("dd", "dt") || either("td", "th") || either("rt", "rp");
}

// Index just past the '>' ending the tag that starts at `pos` ('<'), honouring quoted
// attribute values; html.size() when the tag never ends.
std::size_t TagEnd(std::string_view html, std::size_t pos) {
  std::size_t i = pos + 1;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '>') return i + 1;
    if (c == '=') {
      ++i;
      while (i < html.size() && IsTagSpace(html[i])) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        const auto close = html.find(html[i], i + 1);
        if (close == std::string_view::npos) return html.size();
        i = close + 1;
      }
      continue;
    }
    ++i;
  }
  return html.size();
}

std::string ReadName(std::string_view html, std::size_t start) {
  std::string name;
  for (std::size_t i = start; i < html.size(); ++i) {
    const char c = html[i];
    if (IsTagSpace(c) || c == '/' || c == '>') break;
    name += LowerAscii(c);
  }
  return name;
}

// Position of "</name" (case-insensitive) at or after `from`, or npos.
std::size_t FindEndTag(std::string_view html, std::size_t from, std::string_view name) {
  for (std::size_t i = html.find("</", from); i != std::string_view::npos;
       i = html.find("</", i + 2)) {
    if (i + 2 + name.size() > html.size()) return std::string_view::npos;
    bool same = true;
    for (std::size_t k = 0; k < name.size() && same; ++k) {
      same = LowerAscii(html[i + 2 + k]) == name[k];
    }
    if (same) return i;
  }
  return std::string_view::npos;
}

}  // namespace

bool IsFormattingElement(std::string_view tag) {
  static constexpr std::array<std::string_view, 14> kFormatting = {
      "a",    "b", "big",   "code",   "em",     "font", "i",
      "nobr", "s", "small", "strike", "strong", "tt",   "u"};
  return std::find(kFormatting.begin(), kFormatting.end(), tag) != kFormatting.end();
}

std::string LimitNesting(std::string_view html, int max_depth) {
  std::string out;
  out.reserve(html.size());
  std::vector<std::string> open;
  std::unordered_map<std::string, std::size_t> dropped;
  // Formatting start tags not yet matched by an end tag, per name: an upper bound of what the
  // tree builder keeps in its list of active formatting elements.
  std::unordered_map<std::string, int> formatting;
  int formatting_total = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    const auto lt = html.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= html.size()) {
      out.append(html.substr(i));
      break;
    }
    out.append(html.substr(i, lt - i));
    const char next = html[lt + 1];
    std::size_t end = lt + 1;
    if (html.substr(lt, 4) == "<!--") {
      const auto close = html.find("-->", lt + 4);
      end = close == std::string_view::npos ? html.size() : close + 3;
      out.append(html.substr(lt, end - lt));
    } else if (next == '!' || next == '?') {
      end = TagEnd(html, lt);
      out.append(html.substr(lt, end - lt));
    } else if (next == '/' && lt + 2 < html.size() && IsAsciiAlpha(html[lt + 2])) {
      const std::string name = ReadName(html, lt + 2);
      end = TagEnd(html, lt);
      const auto match = std::find(open.rbegin(), open.rend(), name);
      bool keep = true;
      if (match != open.rend()) {
        open.erase(std::next(match).base(), open.end());
      } else if (auto it = dropped.find(name); it != dropped.end() && it->second > 0) {
        --it->second;
        keep = false;
      }
      if (keep) {
        out.append(html.substr(lt, end - lt));
        // A kept end tag takes its element out of the active formatting list.
        if (auto it = formatting.find(name); it != formatting.end() && it->second > 0) {
          --it->second;
          --formatting_total;
        }
      }
    } else if (IsAsciiAlpha(next)) {
      const std::string name = ReadName(html, lt + 1);
      end = TagEnd(html, lt);
      if (IsVoid(name)) {
        out.append(html.substr(lt, end - lt));
      } else {
        const bool closes_sibling =
            ClosesSameFamily(name, name) || name == "dd" || name == "th" || name == "rp";
        for (std::size_t k = 0; closes_sibling && k < 32 && k < open.size(); ++k) {
          if (ClosesSameFamily(open[open.size() - 1 - k], name)) {
            open.resize(open.size() - 1 - k);
            break;
          }
        }
        const bool is_formatting = IsFormattingElement(name);
        if (is_formatting && name == "a") {  // an <a> closes the previous one
          formatting_total -= formatting[name];
          formatting[name] = 0;
        }
        if (open.size() >= static_cast<std::size_t>(max_depth) ||
            (is_formatting && formatting_total >= kMaxFormattingDepth)) {
          ++dropped[name];
        } else {
          if (is_formatting) {
            ++formatting[name];
            ++formatting_total;
          }
          out.append(html.substr(lt, end - lt));
          open.push_back(name);
          if (name == "plaintext") {
            out.append(html.substr(end));
            break;
          }
          if (IsRawText(name)) {
            const auto close = FindEndTag(html, end, name);
            const auto stop = close == std::string_view::npos ? html.size() : close;
            out.append(html.substr(end, stop - end));
            end = stop;
          }
        }
      }
    } else {
      out += '<';
    }
    i = end;
  }
  return out;
}

namespace {

GumboOptions ArenaOptions(GumboArena& arena) {
  GumboOptions options = kGumboDefaultOptions;
  // gumbo 0.10.1 leaves the document node's doc_type_quirks_mode unset in fragment mode (only
  // the "initial" insertion mode writes it) and reads it at a <table> start tag, so the tree
  // for `<p>x<table>` depended on heap garbage. The arena's memory is zeroed, which makes it
  // GUMBO_DOCTYPE_NO_QUIRKS, what the fragment algorithm prescribes.
  options.allocator = &GumboArena::AllocateCallback;
  options.deallocator = &GumboArena::DeallocateCallback;
  options.userdata = &arena;
  return options;
}

}  // namespace

void GumboFragment::Deleter::operator()(GumboOutput* output) const {
  // Arena memory goes with the arena; only heap fallback blocks need gumbo's walk.
  if (arena != nullptr && arena->HasHeapBlocks()) {
    const GumboOptions options = ArenaOptions(*arena);
    gumbo_destroy_output(&options, output);
  }
}

GumboFragment::GumboFragment(std::string_view html)
    : text_(LimitNesting(html, kMaxDepth)), output_(nullptr, Deleter{&arena_}) {
  GumboOptions options = ArenaOptions(arena_);
  options.fragment_context = GUMBO_TAG_DIV;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  options.max_errors = 0;
  output_.reset(gumbo_parse_with_options(&options, text_.data(), text_.size()));
}

std::string TagName(const GumboElement& element) {
  std::string name;
  if (element.tag != GUMBO_TAG_UNKNOWN) {
    name = gumbo_normalized_tagname(element.tag);
  } else {
    GumboStringPiece piece = element.original_tag;
    gumbo_tag_from_original_text(&piece);
    name.assign(piece.data == nullptr ? "" : piece.data, piece.length);
  }
  std::transform(name.begin(), name.end(), name.begin(), LowerAscii);
  return name;
}

const char* AttributeValue(const GumboElement& element, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  return attribute == nullptr ? nullptr : attribute->value;
}

}  // namespace feedd::feeds::sanitize
