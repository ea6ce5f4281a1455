// XML namespaces the readers know, matched on their URIs (with the common wrong spellings
// feeds use), plus the prefix scope that maps an element's prefix to one of them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace feedd::feeds::parse {

enum class Ns : std::uint8_t {
  kNone,     // no namespace: RSS 0.9x/2.0 core elements
  kRss,      // RSS 1.0 (purl.org/rss/1.0/) and RSS 0.90 (my.netscape.com/rdf/simple/0.9/)
  kRdf,
  kAtom,     // Atom 1.0 and 0.3 (the readers tell them apart by the root)
  kDc,       // Dublin Core elements
  kDcTerms,
  kContent,  // content:encoded
  kMedia,
  kItunes,
  kSlash,
  kWfw,
  kSy,
  kXhtml,
  kGeoRss,
  kXml,      // the xml: prefix
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
// with Enter (returns a mark), resolve names, and Leave(mark) on the way back up.
class NamespaceScope {
 public:
  NamespaceScope();
  std::size_t Enter(const pugi::xml_node& element);
  void Leave(std::size_t mark) { bindings_.resize(mark); }
  // Makes unprefixed names mean `ns` (Atom documents written without their namespace).
  void BindDefault(Ns ns) { bindings_.push_back({"", ns}); }
  QualifiedName Resolve(const char* qualified_name) const;
  // Resolves an attribute name ("xml:base", "rdf:about"); unprefixed attributes are kNone.
  QualifiedName ResolveAttribute(const char* qualified_name) const;

 private:
  struct Binding {
    std::string_view prefix;  // "" for the default namespace
    Ns ns;
  };
  Ns Lookup(std::string_view prefix) const;
  std::vector<Binding> bindings_;
};

}  // namespace feedd::feeds::parse
