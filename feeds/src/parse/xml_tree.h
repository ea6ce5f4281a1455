// Loading a feed document into a pugixml tree: no DTD, no entity expansion (pugixml never
// reads external entities), undefined HTML entities rewritten first, and recovery from the
// usual faults of hand-made feeds. Knows nothing of feed formats.
#pragma once

#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "parse/document_buffer.h"

namespace feedd::feeds::parse {

struct XmlTree {
  DocumentBuffer buffer;  // parsed in place: the tree's strings point into it
  pugi::xml_document doc;
  bool well_formed = true;
};

// Parses a copy of `utf8` in place (`utf8` itself is never written, and is what repairs
// start again from). Always returns a tree (possibly empty or partial); faults and repairs
// are appended to `warnings`.
std::unique_ptr<XmlTree> LoadXml(std::string_view utf8, std::vector<std::string>& warnings);

}  // namespace feedd::feeds::parse
