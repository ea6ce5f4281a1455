// The XML writer used by the Atom and RSS renderers; escaping lives in render_text.cc.
#include "render/xml_writer.h"

#include <utility>

#include "render/render_text.h"

namespace feedd::feeds::render_internal {

XmlWriter::XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"; }

void XmlWriter::Indent() { out_.append(open_.size() * 2, ' '); }

void XmlWriter::StartTag(std::string_view name, const XmlAttributes& attributes) {
  Indent();
  out_ += '<';
  out_ += name;
  for (const XmlAttribute& attribute : attributes) {
    out_ += ' ';
    out_ += attribute.name;
    out_ += "=\"";
    AppendXmlAttribute(out_, attribute.value);
    out_ += '"';
  }
}

void XmlWriter::Open(std::string_view name, const XmlAttributes& attributes) {
  StartTag(name, attributes);
  out_ += ">\n";
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  if (open_.empty()) return;
  std::string name = std::move(open_.back());
  open_.pop_back();
  Indent();
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void XmlWriter::TextElement(std::string_view name, std::string_view text,
                            const XmlAttributes& attributes) {
  StartTag(name, attributes);
  out_ += '>';
  AppendXmlText(out_, text);
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void XmlWriter::EmptyElement(std::string_view name, const XmlAttributes& attributes) {
  StartTag(name, attributes);
  out_ += "/>\n";
}

std::string XmlWriter::Finish() && {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace feedd::feeds::render_internal
