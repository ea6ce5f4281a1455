// Character encodings: finds a document's encoding (BOM, then the HTTP charset, then the XML
// declaration, else UTF-8) and converts it to UTF-8 with iconv. Knows nothing of feeds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds::parse {

struct DecodedDocument {
  // The document as valid UTF-8, BOM removed: the input bytes themselves when they already
  // were (the common case: no copy), else the converted text.
  std::string_view Utf8() const { return converted ? std::string_view(*converted) : unchanged; }

  std::optional<std::string> converted;  // set when the input had to change
  std::string_view unchanged;            // else a view of the input
  std::string encoding;  // the encoding it was read as, lower-case ("utf-8", "windows-1252")
};

// Always returns valid UTF-8; `bytes` must outlive the result. Undecodable bytes become U+FFFD;
// problems are appended to `warnings`. Like feedparser, a declared encoding that does not decode
// falls back to UTF-8, then windows-1252.
DecodedDocument DecodeToUtf8(std::string_view bytes, std::string_view http_charset,
                             std::vector<std::string>& warnings);

// The encoding named by an XML declaration at the start of `bytes` (ASCII-compatible
// encodings only), lower-cased; "" when there is none.
std::string DeclaredXmlEncoding(std::string_view bytes);

}  // namespace feedd::feeds::parse
