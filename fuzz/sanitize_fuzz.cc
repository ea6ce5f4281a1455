// libFuzzer target for the HTML sanitiser. Invariants checked on every input: the output is
// a fixed point (idempotence); re-parsed with gumbo it holds only allowed elements, no
// event/style/id/name attributes and no URL with a scheme other than http, https, mailto; and
// it has no more element or text tokens than the input's own tree (Miniflux's invariant);
// where the fast path takes the input, gumbo's parse gives the same output.
#include <gumbo.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/feeds/sanitize.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& input, const std::string& output) {
  std::fprintf(stderr, "invariant broken: %s\ninput:  %s\noutput: %s\n", what, input.c_str(),
               output.c_str());
  std::abort();
}

bool AllowedTag(std::string_view tag) {
  static constexpr std::string_view kAllowed[] = {
      "p",          "div",    "h1",     "h2",         "h3",      "h4",      "h5",    "h6",
      "blockquote", "pre",    "ul",     "ol",         "li",      "dl",      "dt",    "dd",
      "hr",         "br",     "figure", "figcaption", "details", "summary", "a",     "abbr",
      "b",          "bdi",    "bdo",    "cite",       "code",    "data",    "del",   "dfn",
      "em",         "i",      "ins",    "kbd",        "mark",    "q",       "s",     "samp",
      "small",      "strong", "sub",    "sup",        "time",    "u",       "var",   "wbr",
      "ruby",       "rt",     "rp",     "table",      "caption", "thead",   "tbody", "tfoot",
      "tr",         "td",     "th",     "img",        "picture", "source",  "video", "audio",
      "iframe"};
  for (std::string_view allowed : kAllowed) {
    if (allowed == tag) return true;
  }
  return false;
}

// What a browser's URL parser sees as the scheme, after its clean-up.
std::string BrowserScheme(std::string_view raw) {
  std::string cleaned;
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') cleaned += c;
  }
  std::size_t start = 0;
  while (start < cleaned.size() && static_cast<unsigned char>(cleaned[start]) <= 0x20) ++start;
  std::string scheme;
  for (std::size_t i = start; i < cleaned.size(); ++i) {
    const char c = cleaned[i];
    if (c == ':') return scheme;
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && (i == start || !other)) return "";
    scheme += static_cast<char>(c | 0x20);
  }
  return "";
}

bool SafeScheme(std::string_view value) {
  const std::string scheme = BrowserScheme(value);
  return scheme.empty() || scheme == "http" || scheme == "https" || scheme == "mailto";
}

struct TokenCount {
  std::size_t elements = 0;
  std::size_t text_bytes = 0;
};

// Elements and non-whitespace text bytes of `html` parsed as a fragment in a <div>.
TokenCount CountTokens(const std::string& html) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  options.max_errors = 0;
  GumboOutput* parsed = gumbo_parse_with_options(&options, html.data(), html.size());
  TokenCount count;
  std::vector<const GumboNode*> pending{parsed->root};
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      for (const char* c = node->v.text.text; *c != '\0'; ++c) {
        if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != '\f') ++count.text_bytes;
      }
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    ++count.elements;
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      pending.push_back(static_cast<const GumboNode*>(node->v.element.children.data[i]));
    }
  }
  gumbo_destroy_output(&options, parsed);
  return count;
}

void CheckTree(const std::string& input, const std::string& output) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  options.max_errors = 0;
  GumboOutput* parsed = gumbo_parse_with_options(&options, output.data(), output.size());
  std::vector<const GumboNode*> pending{parsed->root};
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type == GUMBO_NODE_COMMENT) Fail("comment in output", input, output);
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    if (node != parsed->root) {
      if (element.tag_namespace != GUMBO_NAMESPACE_HTML) Fail("foreign element", input, output);
      std::string tag = gumbo_normalized_tagname(element.tag);
      if (element.tag == GUMBO_TAG_UNKNOWN) {  // e.g. <picture>, newer than gumbo 0.10
        GumboStringPiece original = element.original_tag;
        gumbo_tag_from_original_text(&original);
        tag.assign(original.data, original.length);
        for (char& c : tag) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      if (!AllowedTag(tag)) Fail("forbidden element", input, output);
      for (unsigned i = 0; i < element.attributes.length; ++i) {
        const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
        const std::string_view name = attribute->name;
        if (name.substr(0, 2) == "on" || name == "style" || name == "id" || name == "name" ||
            name == "srcdoc" || name == "target") {
          Fail("forbidden attribute", input, output);
        }
        if ((name == "href" || name == "src" || name == "cite" || name == "poster" ||
             name == "srcset") &&
            !SafeScheme(attribute->value)) {
          Fail("unsafe URL scheme", input, output);
        }
      }
      if (element.tag == GUMBO_TAG_IFRAME) {
        const GumboAttribute* src = gumbo_get_attribute(&element.attributes, "src");
        const std::string_view value = src == nullptr ? "" : src->value;
        if (value.rfind("https://www.youtube-nocookie.com/embed/", 0) != 0 &&
            value.rfind("https://player.vimeo.com/video/", 0) != 0 &&
            value.rfind("https://www.dailymotion.com/embed/video/", 0) != 0 &&
            value.rfind("https://geo.dailymotion.com/player.html?video=", 0) != 0) {
          Fail("iframe off the allowlist", input, output);
        }
        if (gumbo_get_attribute(&element.attributes, "sandbox") == nullptr) {
          Fail("iframe without sandbox", input, output);
        }
      }
    }
    for (unsigned i = 0; i < element.children.length; ++i) {
      pending.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
  gumbo_destroy_output(&options, parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  feedd::feeds::SanitizeOptions options;
  options.base_url = "https://example.org/base/";
  const std::string once = feedd::feeds::SanitizeHtml(input, options);
  const std::string twice = feedd::feeds::SanitizeHtml(once, options);
  if (once != twice) Fail("not idempotent", input, once + "\nsecond: " + twice);
  // The fast path (markup taken as written) must build gumbo's tree: the same output.
  if (feedd::feeds::SanitizeFastPathTakes(input)) {
    feedd::feeds::SanitizeOptions gumbo = options;
    gumbo.fast_path = false;
    const std::string by_gumbo = feedd::feeds::SanitizeHtml(input, gumbo);
    if (by_gumbo != once)
      Fail("fast path differs from gumbo", input, once + "\ngumbo: " + by_gumbo);
  }
  CheckTree(input, once);
  // The sanitiser only keeps, unwraps or drops what the input's tree holds; it never makes
  // elements, and text only shrinks (dropped elements) or is re-escaped, never invented.
  // (Text is compared as decoded characters; U+FFFD for a NUL or bad byte keeps the count
  // in bytes within 3x, so only elements are compared strictly.)
  const TokenCount in = CountTokens(input);
  const TokenCount out = CountTokens(once);
  if (out.elements > in.elements) Fail("more elements than the input", input, once);
  if (out.text_bytes > 3 * in.text_bytes + 16) Fail("more text than the input", input, once);
  for (char c : once) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      Fail("control character", input, once);
    }
  }
  (void)feedd::feeds::HtmlToText(input);
  return 0;
}
