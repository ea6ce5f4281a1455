// HtmlToText: the words of an HTML fragment for titles and search. Script-like content is
// skipped, block boundaries separate words, whitespace collapses. Iterative walk.
#include <string_view>
#include <vector>

#include "feedd/feeds/sanitize.h"
#include "sanitize/element_policy.h"
#include "sanitize/gumbo_fragment.h"
#include "sanitize/html_writer.h"

namespace feedd::feeds {
namespace {

bool IsSkipped(std::string_view tag) {
  return tag == "script" || tag == "style" || tag == "template" || tag == "noscript" ||
         tag == "head" || tag == "title" || tag == "textarea" || tag == "select" ||
         tag == "object" || tag == "embed" || tag == "iframe" || tag == "noembed" ||
         tag == "noframes" || tag == "xmp" || tag == "svg" || tag == "math";
}

bool IsInline(std::string_view tag) {
  static constexpr std::string_view kInline[] = {
      "a",     "abbr",   "b",   "bdi",  "bdo",  "cite", "code", "data",   "del",  "dfn",
      "em",    "font",   "i",   "ins",  "kbd",  "mark", "q",    "s",      "samp", "small",
      "span",  "strong", "sub", "sup",  "time", "u",    "var",  "strike", "big",  "tt",
      "label", "nobr",   "wbr", "ruby", "rb",   "rt",   "rp"};
  for (std::string_view name : kInline) {
    if (name == tag) return true;
  }
  return false;
}

// Appends `text` collapsing runs of whitespace (ASCII and no-break space) into one space.
void AppendCollapsed(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool nbsp = c == '\xc2' && i + 1 < text.size() && text[i + 1] == '\xa0';
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || nbsp) {
      if (nbsp) ++i;
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  const sanitize::GumboFragment fragment(html);
  std::string out;
  struct Frame {
    const GumboNode* node;
    unsigned next;
    bool block;
  };
  std::vector<Frame> stack{{fragment.Root(), 0, false}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector& children = frame.node->v.element.children;
    if (frame.next >= children.length) {
      if (frame.block && !out.empty() && out.back() != ' ') out += ' ';
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
        child->type == GUMBO_NODE_CDATA) {
      AppendCollapsed(sanitize::FilterCharacters(child->v.text.text), out);
    } else if (child->type == GUMBO_NODE_ELEMENT) {
      const std::string tag = sanitize::TagName(child->v.element);
      if (IsSkipped(tag)) continue;
      const bool block = !IsInline(tag);
      if (block && !out.empty() && out.back() != ' ') out += ' ';
      if (tag == "img") {
        continue;
      }
      stack.push_back(Frame{child, 0, block});
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace feedd::feeds
