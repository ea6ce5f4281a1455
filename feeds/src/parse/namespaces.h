// XML namespaces the readers know, matched on their URIs (with the common wrong spellings
// feeds use), plus the prefix scope that maps an element's prefix to one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace feedd::feeds::parse {

enum class Ns : std::uint8_t {
  kNone,  // no namespace: RSS 0.9x/2.0 core elements
  kRss,   // RSS 1.0 (purl.org/rss/1.0/) and RSS 0.90 (my.netscape.com/rdf/simple/0.9/)
  kRdf,
  kAtom,  // Atom 1.0 and 0.3 (the readers tell them apart by the root)
  kDc,    // Dublin Core elements
  kDcTerms,
  kContent,  // content:encoded
  kMedia,
  kItunes,
  kSlash,
  kWfw,
  kSy,
  kXhtml,
  kGeoRss,
  kXml,  // the xml: prefix
  kOther,
};

// The namespace a URI names; kOther for URIs we do not read.
Ns NamespaceFromUri(std::string_view uri);

// For prefixes used without a declaration: the namespace the prefix conventionally means.
Ns NamespaceFromConventionalPrefix(std::string_view prefix);

struct QualifiedName {
  Ns ns;
  std::string_view local;
};

// The in-scope prefix bindings while walking down the tree. Push an element's declarations
// with Enter (returns a mark), resolve names, and Leave(mark) on the way back up. Each
// operation is O(1) per declaration or name, however many prefixes are in scope (a document
// declaring thousands of them must not make every element cost thousands of comparisons).
// The prefixes are views into the document, which must outlive the scope.
class NamespaceScope {
 public:
  NamespaceScope();
  std::size_t Enter(const pugi::xml_node& element);
  void Leave(std::size_t mark);
  // Makes unprefixed names mean `ns` (Atom documents written without their namespace).
  void BindDefault(Ns ns) { Bind("", ns); }
  QualifiedName Resolve(const char* qualified_name) const;
  // Resolves an attribute name ("xml:base", "rdf:about"); unprefixed attributes are kNone.
  QualifiedName ResolveAttribute(const char* qualified_name) const;

 private:
  // One binding made, with what it hid, so that Leave can restore it.
  struct Undo {
    std::string_view prefix;  // "" for the default namespace
    std::optional<Ns> hidden;
  };
  void Bind(std::string_view prefix, Ns ns);
  Ns Lookup(std::string_view prefix) const;
  std::unordered_map<std::string_view, Ns> bound_;
  std::vector<Undo> undo_;
};

}  // namespace feedd::feeds::parse
