// Reading the content of one XML element as feeds mean it: plain text, escaped or CDATA
// HTML, inline XHTML (serialised back to markup), Atom text constructs and Atom 0.3 modes.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace feedd::feeds::parse {

enum class TextKind { kPlain, kHtml };

struct TextValue {
  std::string value;
  TextKind kind = TextKind::kPlain;
};

// Direct text of `element` (text and CDATA children concatenated). When the element holds
// child elements (unescaped HTML in an RSS description), they are serialised as markup.
std::string ElementText(const pugi::xml_node& element);

// Element content read as HTML when `html` is kHtml (RSS description), otherwise as text that
// becomes HTML only when it looks like HTML (RSS title).
TextValue RssText(const pugi::xml_node& element, TextKind kind);

// An Atom text construct (type="text|html|xhtml" or a MIME type; Atom 0.3 mode="escaped|
// base64|xml"). `default_kind` applies when there is no type attribute.
TextValue AtomText(const pugi::xml_node& element);

// Plain text for a text field (title, description): markup stripped when it is HTML.
std::string ToPlainText(const TextValue& text);
// HTML for summary/content: plain text is escaped.
std::string ToHtml(TextValue text);

// Children of `element` serialised as markup (XHTML content), prefixes dropped. Text nodes
// are escaped (kText) or copied as they are because they hold HTML source (kMarkup).
enum class TextIs { kText, kMarkup };
void SerialiseChildren(const pugi::xml_node& element, std::string& out, int depth = 0,
                       TextIs text_is = TextIs::kText);

}  // namespace feedd::feeds::parse
