// ParseFeed: bytes to UTF-8, then JSON Feed or XML (RSS/Atom) by what the document is, not by
// what it is called. Only "no feed at all" is an error; everything else is warnings.
#include <exception>

#include "feedd/feeds/discover.h"
#include "feedd/feeds/parse.h"
#include "parse/charset.h"
#include "parse/json_feed.h"
#include "parse/reader.h"
#include "parse/text.h"
#include "parse/xml_tree.h"

namespace feedd::feeds {
namespace {

Result<ParseResult> ParseDecoded(std::string_view document, const ParseOptions& options,
                                 const EntrySink* sink) {
  ParseResult result;
  if (parse::TrimView(document).empty()) return Fail("not a feed: empty document");
  const parse::DecodedDocument decoded =
      parse::DecodeToUtf8(document, options.http_charset, result.warnings);
  const std::string_view utf8 = decoded.Utf8();
  if (parse::TrimView(utf8).empty()) return Fail("not a feed: empty document");
  std::string error;
  if (parse::LooksLikeJson(utf8)) {
    if (!parse::ReadJsonFeed(utf8, options, sink, result, error)) return Fail(error);
    return result;
  }
  const bool html = LooksLikeHtml(utf8);
  auto tree = parse::LoadXml(utf8, result.warnings);
  if (!parse::ReadXmlFeed(tree->doc, options, sink, result, error)) {
    if (html) return Fail("not a feed: HTML page");
    if (!tree->well_formed && !tree->doc.document_element()) {
      return Fail("not a feed: " +
                  (result.warnings.empty() ? std::string("not XML") : result.warnings.back()));
    }
    return Fail(error);
  }
  return result;
}

}  // namespace

Result<ParseResult> ParseFeed(std::string_view document, const ParseOptions& options) {
  try {
    return ParseDecoded(document, options, nullptr);
  } catch (const std::exception& e) {
    // Only resource exhaustion can get here (std::bad_alloc and the like).
    return Fail(std::string("parse: ") + e.what());
  }
}

// An empty sink collects the entries, as the overload above does.
Result<ParseResult> ParseFeed(std::string_view document, const ParseOptions& options,
                              const EntrySink& sink) {
  try {
    return ParseDecoded(document, options, sink ? &sink : nullptr);
  } catch (const std::exception& e) {
    return Fail(std::string("parse: ") + e.what());
  }
}

}  // namespace feedd::feeds
