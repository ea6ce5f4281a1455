// SanitizeHtml: walks gumbo's tree iteratively and rebuilds it from the allowlist into an
// OutputTree. Besides the policy, each kept element is checked against the HTML tree
// builder's nesting rules on the *output* tree (a <div> under a <p>, an <li> under an <li>,
// an <a> under an <a>, table parts out of place...): what the parser would restructure on
// re-reading is unwrapped here instead, which makes the result idempotent.
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "feedd/feeds/sanitize.h"
#include "sanitize/element_policy.h"
#include "sanitize/gumbo_fragment.h"
#include "sanitize/html_writer.h"
#include "sanitize/simple_fragment.h"
#include "sanitize/url_policy.h"

namespace feedd::feeds {
namespace {

using sanitize::AttributeKind;
using sanitize::ElementAction;
using sanitize::OutputTree;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A kept element would be closed or ignored by the parser at this place of the output.
bool MisplacedInOutput(const OutputTree& tree, int parent, std::string_view tag) {
  const std::string& parent_tag = tree.Tag(parent);
  if (tag == "caption" || tag == "thead" || tag == "tbody" || tag == "tfoot") {
    return parent_tag != "table";
  }
  if (tag == "tr") return parent_tag != "tbody" && parent_tag != "thead" && parent_tag != "tfoot";
  if (tag == "td" || tag == "th") return parent_tag != "tr";
  if (tag == "rt" || tag == "rp") return parent_tag != "ruby";
  if (sanitize::IsHeading(tag) && sanitize::IsHeading(parent_tag)) return true;
  if (sanitize::ClosesParagraph(tag)) {
    for (int id = parent; id != -1; id = tree.Parent(id)) {
      if (tree.Tag(id) == "p") return true;
      if (sanitize::IsButtonScopeBoundary(tree.Tag(id))) break;
    }
  }
  if (tag == "li" || tag == "dd" || tag == "dt") {
    for (int id = parent; id != -1; id = tree.Parent(id)) {
      const std::string& t = tree.Tag(id);
      if (tag == "li" ? t == "li" : (t == "dd" || t == "dt")) return true;
      if (sanitize::IsSpecial(t) && t != "div" && t != "p") break;
    }
  }
  if (sanitize::IsFormattingElement(tag)) {
    int formatting = 0;
    for (int id = parent; id != -1; id = tree.Parent(id)) {
      formatting += sanitize::IsFormattingElement(tree.Tag(id)) ? 1 : 0;
    }
    if (formatting >= sanitize::kMaxFormattingDepth) return true;
  }
  if (tag == "a") {
    for (int id = parent; id != -1; id = tree.Parent(id)) {
      const std::string& t = tree.Tag(id);
      if (t == "a") return true;
      if (t == "td" || t == "th" || t == "caption") break;
    }
  }
  return false;
}

bool AllowedInTableContainer(std::string_view container, std::string_view tag) {
  if (container == "table") {
    return tag == "caption" || tag == "thead" || tag == "tbody" || tag == "tfoot";
  }
  if (container == "tr") return tag == "td" || tag == "th";
  return tag == "tr";
}

std::optional<std::string> CleanToken(std::string_view value) {
  std::string out;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '-' ||
                    c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == ';' ||
                    c == '=' || c == ',' || c == ' ';
    if (!ok) return std::nullopt;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  if (out.empty() || out.size() > 200) return std::nullopt;
  return out;
}

std::optional<std::string> CleanNumber(std::string_view value, bool allow_sign) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size() && value[i] == ' ') ++i;
  if (allow_sign && i < value.size() && value[i] == '-') out += value[i++];
  const std::size_t digits_start = out.size();
  while (i < value.size() && IsDigit(value[i]) && out.size() < digits_start + 5) out += value[i++];
  if (out.size() == digits_start) return std::nullopt;
  return out;
}

std::optional<std::string> AttributeOutput(AttributeKind kind, const char* raw,
                                           const SanitizeOptions& options) {
  const std::string_view value(raw);
  switch (kind) {
    case AttributeKind::kText: {
      std::string text = sanitize::FilterCharacters(value);
      if (text.empty()) return std::nullopt;
      return text;
    }
    case AttributeKind::kLinkUrl:
      return sanitize::SafeUrl(value, sanitize::UrlUse::kLink, options.base_url);
    case AttributeKind::kMediaUrl:
      return sanitize::SafeUrl(value, sanitize::UrlUse::kMedia, options.base_url);
    case AttributeKind::kSrcset:
      return sanitize::SafeSrcset(value, options.base_url);
    case AttributeKind::kNumber:
      return CleanNumber(value, false);
    case AttributeKind::kSignedNumber:
      return CleanNumber(value, true);
    case AttributeKind::kBoolean:
      return std::string();
    case AttributeKind::kToken:
      return CleanToken(value);
    case AttributeKind::kDirection:
      if (value == "ltr" || value == "rtl" || value == "auto") return std::string(value);
      return std::nullopt;
  }
  return std::nullopt;
}

OutputTree::Attributes KeptAttributes(const GumboElement& element, std::string_view tag,
                                      const SanitizeOptions& options) {
  OutputTree::Attributes out;
  auto add = [&](std::span<const sanitize::AttributeSpec> specs) {
    for (const auto& spec : specs) {
      const std::string name(spec.name);
      const char* raw = sanitize::AttributeValue(element, name.c_str());
      if (raw == nullptr) continue;
      if (auto value = AttributeOutput(spec.kind, raw, options)) out.emplace_back(name, *value);
    }
  };
  add(sanitize::AllowedAttributes(tag));
  add(sanitize::GlobalAttributes());
  return out;
}

bool Has(const OutputTree::Attributes& attributes, std::string_view name) {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const auto& pair) { return pair.first == name; });
}

std::string Value(const OutputTree::Attributes& attributes, std::string_view name) {
  for (const auto& [key, value] : attributes) {
    if (key == name) return value;
  }
  return "";
}

struct Decision {
  ElementAction action = ElementAction::kDrop;
  std::string tag;
  OutputTree::Attributes attributes;
};

// Decides what becomes of `element` under output node `parent`.
Decision Decide(const GumboElement& element, const OutputTree& tree, int parent,
                const SanitizeOptions& options) {
  Decision decision;
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return decision;
  const std::string name = sanitize::TagName(element);
  const sanitize::ElementRule rule = sanitize::RuleFor(name);
  if (rule.action == ElementAction::kDrop || sanitize::IsHiddenOrAdSlot(element)) return decision;
  decision.action = rule.action;
  if (rule.action == ElementAction::kUnwrap) return decision;
  decision.tag = std::string(rule.output_tag);
  const std::string& tag = decision.tag;

  if (tag == "iframe") {
    const char* src = sanitize::AttributeValue(element, "src");
    auto embed = src == nullptr ? std::nullopt : sanitize::VideoEmbedUrl(src);
    if (!embed) return Decision{};
    decision.attributes.emplace_back("src", *embed);
    for (const char* dimension : {"width", "height"}) {
      if (const char* raw = sanitize::AttributeValue(element, dimension)) {
        if (auto number = CleanNumber(raw, false))
          decision.attributes.emplace_back(dimension, *number);
      }
    }
    if (const char* title = sanitize::AttributeValue(element, "title")) {
      std::string text = sanitize::FilterCharacters(title);
      if (!text.empty()) decision.attributes.emplace_back("title", text);
    }
    if (sanitize::AttributeValue(element, "allowfullscreen") != nullptr) {
      decision.attributes.emplace_back("allowfullscreen", "");
    }
    decision.attributes.emplace_back("sandbox", "allow-scripts allow-same-origin allow-popups");
    decision.attributes.emplace_back("referrerpolicy", "no-referrer");
  } else {
    decision.attributes = KeptAttributes(element, tag, options);
  }

  if (tag == "img") {
    if (sanitize::IsPixelImage(element)) return Decision{};
    if (!Has(decision.attributes, "src") && !Has(decision.attributes, "srcset")) return Decision{};
    if (sanitize::IsBeaconUrl(Value(decision.attributes, "src"))) return Decision{};
    decision.attributes.emplace_back("loading", "lazy");
  } else if (tag == "source") {
    if (!Has(decision.attributes, "src") && !Has(decision.attributes, "srcset")) return Decision{};
  } else if (tag == "a") {
    if (!Has(decision.attributes, "href")) {
      decision.action = ElementAction::kUnwrap;
      return decision;
    }
    decision.attributes.emplace_back("rel", "noopener noreferrer");
  }

  // Where the parser would not keep it here, the element goes (table context) or unwraps.
  const std::string& parent_tag = tree.Tag(parent);
  if (sanitize::IsTableContainer(parent_tag) && !AllowedInTableContainer(parent_tag, tag)) {
    return Decision{};
  }
  const bool is_void = sanitize::IsVoidElement(tag);
  const int room = sanitize::kMaxDepth - tree.Depth(parent);
  if (MisplacedInOutput(tree, parent, tag) || (!is_void && room <= 0) ||
      (tag == "table" && room <= 4)) {
    decision.action = is_void || tag == "iframe" ? ElementAction::kDrop : ElementAction::kUnwrap;
  }
  return decision;
}

// Elements removed when nothing is left inside them.
bool RemoveWhenEmpty(std::string_view tag) {
  return tag != "td" && tag != "th" && tag != "li" && tag != "dd" && tag != "dt" &&
         tag != "iframe" && tag != "video" && tag != "audio" && !sanitize::IsVoidElement(tag);
}

}  // namespace

bool SanitizeFastPathTakes(std::string_view html) {
  return sanitize::SimpleFragment::Parse(html) != nullptr;
}

std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options) {
  // Text without markup, references, CR or NUL: gumbo would return it as one text node,
  // unchanged when it is valid UTF-8 with nothing to filter. Skip the parse for it.
  if (html.find_first_of(std::string_view("<&\r\0", 4)) == std::string_view::npos) {
    std::string filtered = sanitize::FilterCharacters(html);
    if (filtered.size() == html.size()) {
      OutputTree text_only;
      text_only.AddText(OutputTree::kRoot, filtered);
      return text_only.Serialize();
    }
  }
  // The same tree either way (simple_fragment.h); gumbo for whatever the fast path refuses.
  std::unique_ptr<sanitize::SimpleFragment> simple;
  if (options.fast_path) simple = sanitize::SimpleFragment::Parse(html);
  std::optional<sanitize::GumboFragment> parsed;
  if (!simple) parsed.emplace(html);
  const GumboNode* root = simple ? simple->Root() : parsed->Root();
  OutputTree tree;
  struct Frame {
    const GumboNode* node;
    unsigned next;
    int out;     // the output node children go to
    bool owned;  // out was created for this node (closed when the node is done)
  };
  std::vector<Frame> stack{{root, 0, OutputTree::kRoot, false}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector& children = frame.node->v.element.children;
    if (frame.next >= children.length) {
      if (frame.owned) {
        const std::string& tag = tree.Tag(frame.out);
        const bool keep_media =
            (tag == "video" || tag == "audio") && tree.HasAttribute(frame.out, "src");
        tree.Close(frame.out,
                   RemoveWhenEmpty(tag) || ((tag == "video" || tag == "audio") && !keep_media));
      }
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
    const int parent = frame.out;
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
        if (!sanitize::IsTableContainer(tree.Tag(parent))) {
          tree.AddText(parent, sanitize::FilterCharacters(child->v.text.text));
        }
        break;
      case GUMBO_NODE_ELEMENT: {
        Decision decision = Decide(child->v.element, tree, parent, options);
        if (decision.action == ElementAction::kUnwrap) {
          stack.push_back(Frame{child, 0, parent, false});
        } else if (decision.action == ElementAction::kKeep) {
          const int id = tree.AddElement(parent, decision.tag, std::move(decision.attributes));
          if (!sanitize::IsVoidElement(decision.tag) && decision.tag != "iframe") {
            stack.push_back(Frame{child, 0, id, true});
          }
        }
        break;
      }
      default:  // comments, CDATA (foreign content only), templates
        break;
    }
  }
  return tree.Serialize();
}

}  // namespace feedd::feeds
