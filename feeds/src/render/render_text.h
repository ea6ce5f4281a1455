// Private text helpers shared by the renderers: UTF-8 repair, XML/HTML escaping, dates in the
// output formats, and plain-text excerpts. Knows nothing of any one output format.
#pragma once

#include <string>
#include <string_view>

#include "feedd/feeds/model.h"

namespace feedd::feeds::render_internal {

// Valid UTF-8 that XML 1.0, HTML and JSON can all carry: invalid sequences (overlong forms,
// encoded surrogates, code points past U+10FFFF, truncated sequences) become U+FFFD; C0
// controls other than tab, LF and CR, and U+FFFE/U+FFFF, are dropped.
std::string CleanText(std::string_view text);

// Appends `text`, cleaned as by CleanText, escaped for XML character data: & < > and CR as
// references ('>' always, so "]]>" never appears).
void AppendXmlText(std::string& out, std::string_view text);
// Same for an attribute value in double quotes: also " and tab/LF/CR as references, so
// attribute-value normalisation gives back exactly the text.
void AppendXmlAttribute(std::string& out, std::string_view text);
// Appends `text`, cleaned, escaped for HTML text or a double-quoted attribute (& < > " ').
void AppendHtmlEscaped(std::string& out, std::string_view text);
std::string HtmlEscape(std::string_view text);

// True for an absolute http(s) URL: the only links the outputs carry (no javascript:, data:,
// or relative URLs that would resolve against feedd's own site).
bool IsHttpUrl(std::string_view url);

// dates.h's formats, times clamped to years 0001..9999. "2024-08-16T11:12:54Z"
std::string Rfc3339(Timestamp time);
// "Fri, 16 Aug 2024 11:12:54 +0000"
std::string Rfc822(Timestamp time);
// "2024-08-16 11:12 UTC", for people.
std::string HumanDate(Timestamp time);

// Plain text of an HTML fragment, for excerpts: the sanitiser's HtmlToText (script-like
// content skipped, references decoded, whitespace collapsed), cleaned as by CleanText.
std::string HtmlToPlainText(std::string_view html);
// `text` cut to at most about `max_chars` code points at a word boundary, with "…" when cut.
std::string Excerpt(std::string_view text, std::size_t max_chars);
// Excerpt of HtmlToPlainText(html) that reads only the first 64 KiB of `html`, so a huge entry
// costs no more than a small one.
std::string PlainTextExcerpt(std::string_view html, std::size_t max_chars);

}  // namespace feedd::feeds::render_internal
