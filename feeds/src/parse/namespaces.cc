// Namespace URIs compared case-insensitively and without a trailing '/' or '#', so
// "http://search.yahoo.com/mrss" and "http://www.itunes.com/DTDs/Podcast-1.0.dtd" match too.
#include "parse/namespaces.h"

#include <cstring>
#include <string>

#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

struct UriEntry {
  std::string_view uri;  // lower-case, no scheme, no trailing '/' or '#'
  Ns ns;
};

constexpr UriEntry kUris[] = {
    {"purl.org/rss/1.0", Ns::kRss},
    {"my.netscape.com/rdf/simple/0.9", Ns::kRss},
    {"www.w3.org/1999/02/22-rdf-syntax-ns", Ns::kRdf},
    {"www.w3.org/2005/atom", Ns::kAtom},
    {"purl.org/atom/ns", Ns::kAtom},
    {"purl.org/dc/elements/1.1", Ns::kDc},
    {"purl.org/dc/elements/1.0", Ns::kDc},
    {"purl.org/dc/terms", Ns::kDcTerms},
    {"purl.org/rss/1.0/modules/content", Ns::kContent},
    {"search.yahoo.com/mrss", Ns::kMedia},
    {"video.search.yahoo.com/mrss", Ns::kMedia},
    {"tools.search.yahoo.com/mrss", Ns::kMedia},
    {"www.itunes.com/dtds/podcast-1.0.dtd", Ns::kItunes},
    {"itunes.apple.com/dtds/podcast-1.0.dtd", Ns::kItunes},
    {"purl.org/rss/1.0/modules/slash", Ns::kSlash},
    {"wellformedweb.org/commentapi", Ns::kWfw},
    {"purl.org/rss/1.0/modules/syndication", Ns::kSy},
    {"www.w3.org/1999/xhtml", Ns::kXhtml},
    {"www.georss.org/georss", Ns::kGeoRss},
    {"www.w3.org/xml/1998/namespace", Ns::kXml},
    {"backend.userland.com/rss2", Ns::kNone},
    {"blogs.law.harvard.edu/tech/rss", Ns::kNone},
};

struct PrefixEntry {
  std::string_view prefix;
  Ns ns;
};

constexpr PrefixEntry kPrefixes[] = {
    {"dc", Ns::kDc},       {"dcterms", Ns::kDcTerms}, {"content", Ns::kContent},
    {"media", Ns::kMedia}, {"itunes", Ns::kItunes},   {"slash", Ns::kSlash},
    {"wfw", Ns::kWfw},     {"sy", Ns::kSy},           {"atom", Ns::kAtom},
    {"atom10", Ns::kAtom}, {"xhtml", Ns::kXhtml},     {"georss", Ns::kGeoRss},
    {"rdf", Ns::kRdf},     {"xml", Ns::kXml},
};

}  // namespace

Ns NamespaceFromUri(std::string_view uri) {
  uri = TrimView(uri);
  if (uri.empty()) return Ns::kNone;  // xmlns="" undeclares the default namespace
  for (std::string_view scheme : {"http://", "https://", "HTTP://", "HTTPS://"}) {
    if (uri.substr(0, scheme.size()) == scheme) {
      uri.remove_prefix(scheme.size());
      break;
    }
  }
  while (!uri.empty() && (uri.back() == '/' || uri.back() == '#')) uri.remove_suffix(1);
  for (const UriEntry& entry : kUris) {
    if (EqualsIgnoreCase(uri, entry.uri)) return entry.ns;
  }
  return Ns::kOther;
}

Ns NamespaceFromConventionalPrefix(std::string_view prefix) {
  for (const PrefixEntry& entry : kPrefixes) {
    if (EqualsIgnoreCase(prefix, entry.prefix)) return entry.ns;
  }
  return Ns::kOther;
}

NamespaceScope::NamespaceScope() {
  undo_.reserve(32);
  Bind("", Ns::kNone);
  Bind("xml", Ns::kXml);
}

void NamespaceScope::Bind(std::string_view prefix, Ns ns) {
  auto [it, inserted] = bound_.try_emplace(prefix, ns);
  undo_.push_back({prefix, inserted ? std::nullopt : std::optional<Ns>(it->second)});
  it->second = ns;
}

std::size_t NamespaceScope::Enter(const pugi::xml_node& element) {
  const std::size_t mark = undo_.size();
  for (pugi::xml_attribute attr = element.first_attribute(); attr; attr = attr.next_attribute()) {
    const char* name = attr.name();
    if (std::strncmp(name, "xmlns", 5) != 0) continue;
    if (name[5] == '\0') {
      Bind("", NamespaceFromUri(attr.value()));
    } else if (name[5] == ':') {
      Bind(std::string_view(name + 6), NamespaceFromUri(attr.value()));
    }
  }
  return mark;
}

void NamespaceScope::Leave(std::size_t mark) {
  while (undo_.size() > mark) {
    const Undo& undo = undo_.back();
    if (undo.hidden) {
      bound_[undo.prefix] = *undo.hidden;
    } else {
      bound_.erase(undo.prefix);
    }
    undo_.pop_back();
  }
}

Ns NamespaceScope::Lookup(std::string_view prefix) const {
  if (const auto it = bound_.find(prefix); it != bound_.end()) return it->second;
  return prefix.empty() ? Ns::kNone : NamespaceFromConventionalPrefix(prefix);
}

QualifiedName NamespaceScope::Resolve(const char* qualified_name) const {
  const std::string_view name(qualified_name);
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) {
    // An unknown default namespace is most likely a misspelt core one (RSS 0.9 has several).
    const Ns ns = Lookup("");
    return {ns == Ns::kOther ? Ns::kNone : ns, name};
  }
  return {Lookup(name.substr(0, colon)), name.substr(colon + 1)};
}

QualifiedName NamespaceScope::ResolveAttribute(const char* qualified_name) const {
  const std::string_view name(qualified_name);
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) return {Ns::kNone, name};
  return {Lookup(name.substr(0, colon)), name.substr(colon + 1)};
}

}  // namespace feedd::feeds::parse
