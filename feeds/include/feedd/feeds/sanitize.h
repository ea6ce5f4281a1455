// The HTML sanitiser: entry HTML is hostile input. It is parsed as HTML5 (gumbo, so browsers
// and we agree on the tree) and rebuilt from an allowlist of elements and attributes.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds {

struct SanitizeOptions {
  // Base for relative URLs in href/src/srcset/poster; empty leaves them relative.
  std::string base_url;
  // Markup the HTML tree builder takes as written (most entries) is built by a fast path
  // instead of gumbo, with the same result. false: gumbo parses everything (for the test that
  // compares the two, and for benchmarks).
  bool fast_path = true;
};

// Returns safe, well-formed HTML (a fragment) that serialises safely into XML and JSON.
// Idempotent: SanitizeHtml(SanitizeHtml(x)) == SanitizeHtml(x). Never throws; bounded
// time and memory on any input (deep nesting included).
std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options);

// Whether SanitizeHtml's fast path takes `html` (else gumbo parses it): for the test that
// compares the two paths and for benchmarks that report how much of a corpus it covers.
bool SanitizeFastPathTakes(std::string_view html);

// Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed.
// For titles and names given as HTML, and for search indexing.
std::string HtmlToText(std::string_view html);

}  // namespace feedd::feeds
