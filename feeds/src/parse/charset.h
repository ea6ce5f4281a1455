// Character encodings: finds a document's encoding (BOM, then the HTTP charset, then the XML
// declaration, else UTF-8) and converts it to UTF-8 with iconv. Knows nothing of feeds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds::parse {

struct DecodedDocument {
  std::string utf8;       // the document as valid UTF-8, BOM removed
  std::string encoding;   // the encoding it was read as, lower-case ("utf-8", "windows-1252")
};

// Always returns valid UTF-8. Undecodable bytes become U+FFFD; problems are appended to
// `warnings`. Like feedparser, a declared encoding that does not decode falls back to UTF-8,
// then windows-1252.
DecodedDocument DecodeToUtf8(std::string_view bytes, std::string_view http_charset,
                             std::vector<std::string>& warnings);

// The encoding named by an XML declaration at the start of `bytes` (ASCII-compatible
// encodings only), lower-cased; "" when there is none.
std::string DeclaredXmlEncoding(std::string_view bytes);

}  // namespace feedd::feeds::parse
