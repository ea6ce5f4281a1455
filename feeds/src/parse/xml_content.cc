// Element content to text or HTML. Serialising inline XHTML is bounded in depth: deeper
// markup keeps only its text, so hostile nesting cannot exhaust the stack.
#include "parse/xml_content.h"

#include <cstring>

#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

constexpr int kMaxMarkupDepth = 64;

std::string_view LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon != nullptr ? std::string_view(colon + 1) : std::string_view(name);
}

bool HasElementChild(const pugi::xml_node& element) {
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

bool IsVoidHtmlElement(std::string_view name) {
  for (std::string_view v : {"br", "img", "hr", "input", "meta", "link", "area", "base", "col",
                             "embed", "source", "track", "wbr", "param"}) {
    if (EqualsIgnoreCase(name, v)) return true;
  }
  return false;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string DecodeBase64(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = Base64Value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFFU);
    }
  }
  RepairUtf8(out);
  return out;
}

// All text below `element`, in document order, without recursion (for markup nested deeper
// than we serialise).
void AppendDescendantText(const pugi::xml_node& element, std::string& out, TextIs text_is) {
  pugi::xml_node current = element.first_child();
  while (current) {
    if (current.type() == pugi::node_pcdata || current.type() == pugi::node_cdata) {
      if (text_is == TextIs::kMarkup) {
        out += current.value();
      } else {
        out += EscapeHtml(current.value());
      }
    }
    if (current.type() == pugi::node_element && current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current != element && !current.next_sibling()) current = current.parent();
    if (current == element) break;
    current = current.next_sibling();
  }
}

}  // namespace

void SerialiseChildren(const pugi::xml_node& element, std::string& out, int depth, TextIs text_is) {
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (text_is == TextIs::kMarkup) {
          out += child.value();
        } else {
          out += EscapeHtml(child.value());
        }
        break;
      case pugi::node_element: {
        if (depth >= kMaxMarkupDepth) {
          AppendDescendantText(child, out, text_is);
          break;
        }
        const std::string_view name = LocalName(child.name());
        out += '<';
        out += name;
        for (pugi::xml_attribute attr = child.first_attribute(); attr;
             attr = attr.next_attribute()) {
          const std::string_view attr_name(attr.name());
          if (attr_name.substr(0, 5) == "xmlns") continue;
          out += ' ';
          out += LocalName(attr.name());
          out += "=\"";
          out += EscapeHtml(attr.value(), EscapeQuotes::kYes);
          out += '"';
        }
        if (!child.first_child() && IsVoidHtmlElement(name)) {
          out += " />";
          break;
        }
        out += '>';
        SerialiseChildren(child, out, depth + 1, text_is);
        out += "</";
        out += name;
        out += '>';
        break;
      }
      default:
        break;
    }
  }
}

std::string ElementText(const pugi::xml_node& element) {
  const pugi::xml_node first = element.first_child();
  if (!first) return "";
  std::string out;
  if (!first.next_sibling() &&
      (first.type() == pugi::node_pcdata || first.type() == pugi::node_cdata)) {
    out = first.value();  // the common case: one text or CDATA child
  } else if (HasElementChild(element)) {
    SerialiseChildren(element, out);
  } else {
    for (pugi::xml_node child = first; child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
        out += child.value();
    }
  }
  RepairDoubleEncodedUtf8(out);
  ReplaceC1Controls(out);
  return out;
}

TextValue RssText(const pugi::xml_node& element, TextKind kind) {
  TextValue text{ElementText(element), kind};
  if (kind == TextKind::kPlain && (HasElementChild(element) || TextLooksLikeHtml(text.value))) {
    text.kind = TextKind::kHtml;
  }
  return text;
}

TextValue AtomText(const pugi::xml_node& element) {
  std::string_view type = TrimView(element.attribute("type").value());
  const std::string_view mode = TrimView(element.attribute("mode").value());
  const bool html_type = EqualsIgnoreCase(type, "html") || EqualsIgnoreCase(type, "text/html");
  if (EqualsIgnoreCase(type, "xhtml") || EqualsIgnoreCase(type, "application/xhtml+xml") ||
      (mode.empty() && HasElementChild(element))) {
    // type="html" holding elements: a publisher wrapped escaped HTML in a div; the text is
    // the HTML source.
    const TextIs text_is = html_type ? TextIs::kMarkup : TextIs::kText;
    // The content is the children of one xhtml:div (some feeds omit the div).
    std::string out;
    pugi::xml_node only_element;
    int element_count = 0;
    bool other_text = false;
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) {
        ++element_count;
        only_element = child;
      } else if (child.type() == pugi::node_pcdata && !TrimView(child.value()).empty()) {
        other_text = true;
      }
    }
    if (element_count == 1 && !other_text && LocalName(only_element.name()) == "div") {
      SerialiseChildren(only_element, out, 0, text_is);
    } else {
      SerialiseChildren(element, out, 0, text_is);
    }
    return {std::move(out), TextKind::kHtml};
  }
  std::string value = ElementText(element);
  // Atom 1.0: a MIME type that is neither text nor XML means base64 (RFC 4287 4.1.3.3).
  const bool binary_type = type.find('/') != std::string_view::npos &&
                           !EqualsIgnoreCase(type.substr(0, 5), "text/") &&
                           type.find("xml") == std::string_view::npos;
  if (EqualsIgnoreCase(mode, "base64") || binary_type) value = DecodeBase64(value);
  const bool html =
      html_type || (type.empty() && EqualsIgnoreCase(mode, "escaped") && TextLooksLikeHtml(value));
  return {std::move(value), html ? TextKind::kHtml : TextKind::kPlain};
}

std::string ToPlainText(const TextValue& text) {
  return text.kind == TextKind::kHtml ? StripMarkup(text.value) : CollapseWhitespace(text.value);
}

std::string ToHtml(TextValue text) {
  return text.kind == TextKind::kHtml ? std::move(text.value) : EscapeHtml(text.value);
}

}  // namespace feedd::feeds::parse
