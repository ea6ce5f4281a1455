// A small XML writer for the Atom and RSS renderers: indented elements, every text and
// attribute value cleaned and escaped (see render_text.h), so any input gives well-formed XML.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds::render_internal {

struct XmlAttribute {
  std::string_view name;
  std::string_view value;
};
using XmlAttributes = std::vector<XmlAttribute>;

class XmlWriter {
 public:
  // Starts the document with the XML declaration (UTF-8).
  XmlWriter();

  // <name a="v">, to be closed by Close(). Names are trusted (written by the renderers).
  void Open(std::string_view name, const XmlAttributes& attributes = {});
  void Close();
  // <name a="v">text</name>
  void TextElement(std::string_view name, std::string_view text,
                   const XmlAttributes& attributes = {});
  // <name a="v"/>
  void EmptyElement(std::string_view name, const XmlAttributes& attributes = {});

  // Closes whatever is still open and returns the document.
  std::string Finish() &&;

 private:
  void StartTag(std::string_view name, const XmlAttributes& attributes);
  void Indent();

  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace feedd::feeds::render_internal
