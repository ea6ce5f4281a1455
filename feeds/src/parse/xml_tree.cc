// Strict first, then a few targeted repairs at the offset pugixml reports (an unescaped '<',
// a stray end tag, a broken comment), each retried on a fresh copy, keeping whichever attempt
// read furthest. pugixml keeps the part of the tree it built before an error, so a truncated
// feed still yields the entries before the cut.
#include "parse/xml_tree.h"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "parse/entities.h"

namespace feedd::feeds::parse {
namespace {

// parse_default minus nothing dangerous: pugixml has no external entities; parse_doctype is
// off so a DTD (with its entity declarations) is skipped, never processed.
constexpr unsigned kParseOptions =
    pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute;
constexpr int kMaxRepairs = 24;

pugi::xml_parse_result ParseInPlace(XmlTree& tree) {
  return tree.doc.load_buffer_inplace(tree.buffer.Data(), tree.buffer.Size(), kParseOptions,
                                      pugi::encoding_utf8);
}

// Rewrites `text` so that the fault pugixml reported at `offset` goes away; false when there
// is no repair for it. `shift` receives how much the text before the fault grew or shrank.
bool Repair(std::string& text, const pugi::xml_parse_result& result, std::ptrdiff_t& shift) {
  if (result.offset < 0) return false;
  std::size_t offset = static_cast<std::size_t>(result.offset);
  if (offset >= text.size()) return false;
  const std::string_view view(text);
  switch (result.status) {
    case pugi::status_unrecognized_tag:
    case pugi::status_bad_start_element:
    case pugi::status_bad_attribute:
    case pugi::status_bad_pi:
    case pugi::status_bad_comment:
    case pugi::status_bad_cdata:
    case pugi::status_bad_doctype: {
      // The '<' that started what could not be read is text.
      const std::size_t lt = view.rfind('<', offset);
      if (lt == std::string_view::npos || offset - lt > 4096) return false;
      text.replace(lt, 1, "&lt;");
      shift = 3;
      return true;
    }
    case pugi::status_end_element_mismatch:
    case pugi::status_bad_end_element: {
      // A stray end tag (or the end of a truncated document): drop the tag.
      const std::size_t lt = view.rfind("</", offset);
      if (lt == std::string_view::npos || offset - lt > 4096) return false;
      const std::size_t gt = view.find('>', lt);
      if (gt == std::string_view::npos) return false;
      text.erase(lt, gt - lt + 1);
      shift = -static_cast<std::ptrdiff_t>(gt - lt + 1);
      return true;
    }
    default:
      return false;
  }
}

// An XML declaration after whitespace or a comment is an error for pugixml (and any strict
// parser); it carries nothing we still need (the encoding is settled), so it is blanked.
// Returns false when `text` has none; else `out` is `text` with it blanked.
bool BlankLateXmlDeclaration(std::string_view text, std::string& out) {
  if (text.rfind("<?xml", 0) == 0) return false;
  const std::size_t start = text.find("<?xml");
  if (start == std::string_view::npos || start > 4096) return false;
  if (start + 5 < text.size() && text[start + 5] != ' ' && text[start + 5] != '\t' &&
      text[start + 5] != '\n' && text[start + 5] != '\r' && text[start + 5] != '?') {
    return false;
  }
  const std::size_t end = text.find("?>", start);
  if (end == std::string_view::npos) return false;
  out.assign(text);
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(start),
            out.begin() + static_cast<std::ptrdiff_t>(end + 2), ' ');
  return true;
}

}  // namespace

std::unique_ptr<XmlTree> LoadXml(std::string_view utf8, std::vector<std::string>& warnings) {
  // `text` is what pugixml reads; it stays intact (pugixml writes into its own copy), so the
  // repairs below start again from it.
  std::string_view text = utf8;
  std::string blanked;
  if (BlankLateXmlDeclaration(text, blanked)) {
    text = blanked;
    warnings.emplace_back("XML declaration not at the start of the document");
  }
  std::string rewritten;
  if (RewriteUndefinedEntities(text, rewritten)) {
    text = rewritten;
    warnings.emplace_back("document uses entities XML does not define (read as HTML entities)");
  }
  auto tree = std::make_unique<XmlTree>();
  tree->buffer = DocumentBuffer::CopyOf(text);
  pugi::xml_parse_result result = ParseInPlace(*tree);
  if (result) return tree;
  std::string pristine(text);
  warnings.push_back(std::string("not well-formed XML at offset ") + std::to_string(result.offset) +
                     ": " + result.description());
  tree->well_formed = false;
  // Progress is measured in offsets of the text as it was before any repair.
  std::ptrdiff_t total_shift = 0;
  std::ptrdiff_t reached = result.offset;
  for (int attempt = 0; attempt < kMaxRepairs; ++attempt) {
    std::ptrdiff_t shift = 0;
    if (!Repair(pristine, result, shift)) break;
    total_shift += shift;
    auto retry = std::make_unique<XmlTree>();
    retry->buffer = DocumentBuffer::CopyOf(pristine);
    retry->well_formed = false;
    const pugi::xml_parse_result next = ParseInPlace(*retry);
    if (next) {
      warnings.emplace_back("read after repairing the markup");
      return retry;
    }
    result = next;
    if (next.offset - total_shift <= reached) continue;
    reached = next.offset - total_shift;
    tree = std::move(retry);
  }
  return tree;
}

}  // namespace feedd::feeds::parse
