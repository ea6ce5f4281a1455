// Character references: the HTML named entities XML does not define (&nbsp; &eacute; ...),
// numeric references, and UTF-8 encoding of code points. Knows nothing of feeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feedd/feeds/utf8.h"

namespace feedd::feeds::parse {

// The code point of an HTML 4 named entity ("eacute" -> U+00E9), nullopt when unknown.
std::optional<char32_t> LookupHtmlEntity(std::string_view name);

// Decodes one reference at the start of `text` (which begins with '&'). On success returns
// the number of bytes consumed and appends the decoded text to `out`.
std::size_t DecodeReference(std::string_view text, std::string& out);

// Decodes every reference in `text` (unknown or malformed ones are kept as written).
std::string DecodeEntities(std::string_view text);

// Prepares an XML document for pugixml: named entities XML does not define become numeric
// references and a '&' that starts no reference becomes "&amp;". CDATA sections and comments
// are left alone. Returns false (leaving `out` untouched) when nothing needed rewriting, else
// true with the rewritten document in `out`.
bool RewriteUndefinedEntities(std::string_view xml, std::string& out);

}  // namespace feedd::feeds::parse
