// Loading a feed document into a pugixml tree: no DTD, no entity expansion (pugixml never
// reads external entities), undefined HTML entities rewritten first, and recovery from the
// usual faults of hand-made feeds. Knows nothing of feed formats.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <pugixml.hpp>

namespace feedd::feeds::parse {

struct XmlTree {
  std::string buffer;  // parsed in place: the tree's strings point into it
  pugi::xml_document doc;
  bool well_formed = true;
};

// Parses `utf8` in place. Always returns a tree (possibly empty or partial); faults and
// repairs are appended to `warnings`. `fresh_copy` gives `utf8` again; it is called only when
// the document is not well-formed (repairs need the text pugixml has not written over), so
// well-formed documents are never copied.
std::unique_ptr<XmlTree> LoadXml(std::string utf8, const std::function<std::string()>& fresh_copy,
                                 std::vector<std::string>& warnings);

}  // namespace feedd::feeds::parse
