// Feed discovery in HTML pages with a careful scan rather than a full HTML parse: only
// <base>, <link> and the prolog matter, and they are simple tags. Comments, scripts and
// styles are skipped so that markup inside them is not mistaken for tags.
#include "feedd/feeds/discover.h"

#include <array>

#include "feedd/feeds/url.h"
#include "parse/entities.h"
#include "parse/text.h"

namespace feedd::feeds {
namespace {

using parse::EqualsIgnoreCase;
using parse::IsXmlSpace;

struct Tag {
  std::string_view name;
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
  std::size_t end = 0;  // offset after '>'
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == ':' || c == '_';
}

// Reads the tag starting at html[pos] == '<'; attribute values are raw (entities undecoded).
Tag ReadTag(std::string_view html, std::size_t pos) {
  Tag tag;
  std::size_t p = pos + 1;
  const std::size_t name_start = p;
  while (p < html.size() && IsNameChar(html[p])) ++p;
  tag.name = html.substr(name_start, p - name_start);
  while (p < html.size() && html[p] != '>') {
    if (IsXmlSpace(html[p]) || html[p] == '/') {
      ++p;
      continue;
    }
    const std::size_t attr_start = p;
    while (p < html.size() && !IsXmlSpace(html[p]) && html[p] != '=' && html[p] != '>' &&
           html[p] != '/') {
      ++p;
    }
    const std::string_view name = html.substr(attr_start, p - attr_start);
    while (p < html.size() && IsXmlSpace(html[p])) ++p;
    std::string_view value;
    if (p < html.size() && html[p] == '=') {
      ++p;
      while (p < html.size() && IsXmlSpace(html[p])) ++p;
      if (p < html.size() && (html[p] == '"' || html[p] == '\'')) {
        const char quote = html[p];
        const std::size_t close = html.find(quote, p + 1);
        const std::size_t value_end = close == std::string_view::npos ? html.size() : close;
        value = html.substr(p + 1, value_end - p - 1);
        p = close == std::string_view::npos ? html.size() : close + 1;
      } else {
        const std::size_t value_start = p;
        while (p < html.size() && !IsXmlSpace(html[p]) && html[p] != '>') ++p;
        value = html.substr(value_start, p - value_start);
      }
    }
    if (!name.empty()) tag.attributes.emplace_back(name, value);
    if (name.empty()) ++p;
  }
  tag.end = p < html.size() ? p + 1 : html.size();
  return tag;
}

std::string Attribute(const Tag& tag, std::string_view name) {
  for (const auto& [key, value] : tag.attributes) {
    if (EqualsIgnoreCase(key, name)) return parse::DecodeEntities(value);
  }
  return "";
}

bool HasToken(std::string_view list, std::string_view token) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && IsXmlSpace(list[pos])) ++pos;
    std::size_t end = pos;
    while (end < list.size() && !IsXmlSpace(list[end])) ++end;
    if (end > pos && EqualsIgnoreCase(list.substr(pos, end - pos), token)) return true;
    pos = end;
  }
  return false;
}

std::string FeedType(std::string_view type) {
  std::string t(parse::TrimView(type.substr(0, type.find(';'))));
  parse::LowerAsciiInPlace(t);
  static constexpr std::array<std::string_view, 7> kTypes = {
      "application/rss+xml", "application/atom+xml",   "application/feed+json", "application/json",
      "application/rdf+xml", "application/x.atom+xml", "application/x-atom+xml"};
  for (std::string_view known : kTypes) {
    if (t == known) return t;
  }
  return "";
}

// Skips past the element whose start tag ended at `pos` when its content is raw text.
std::size_t SkipRawText(std::string_view html, std::size_t pos, std::string_view name) {
  const std::string closing = "</" + std::string(name);
  for (std::size_t p = html.find("</", pos); p != std::string_view::npos;
       p = html.find("</", p + 2)) {
    if (EqualsIgnoreCase(html.substr(p, closing.size()), closing)) return p;
  }
  return html.size();
}

}  // namespace

std::vector<DiscoveredFeed> DiscoverFeedLinks(std::string_view html, std::string_view page_url) {
  std::vector<DiscoveredFeed> found;
  std::string base(parse::TrimView(page_url));
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    if (html.substr(pos, 4) == "<!--") {
      const std::size_t close = html.find("-->", pos + 4);
      if (close == std::string_view::npos) break;
      pos = close + 3;
      continue;
    }
    if (pos + 1 >= html.size() || !IsNameChar(html[pos + 1])) {
      ++pos;
      continue;
    }
    const Tag tag = ReadTag(html, pos);
    pos = tag.end;
    if (EqualsIgnoreCase(tag.name, "script") || EqualsIgnoreCase(tag.name, "style") ||
        EqualsIgnoreCase(tag.name, "textarea")) {
      pos = SkipRawText(html, pos, tag.name);
      continue;
    }
    if (EqualsIgnoreCase(tag.name, "body")) break;
    if (EqualsIgnoreCase(tag.name, "base")) {
      const std::string href = Attribute(tag, "href");
      if (!href.empty()) {
        if (auto resolved = ResolveUrl(base, href)) base = *resolved;
      }
      continue;
    }
    if (!EqualsIgnoreCase(tag.name, "link")) continue;
    if (!HasToken(Attribute(tag, "rel"), "alternate")) continue;
    const std::string type = FeedType(Attribute(tag, "type"));
    const std::string href(parse::TrimView(Attribute(tag, "href")));
    if (type.empty() || href.empty()) continue;
    auto url = ResolveUrl(base, href);
    // Only what the fetcher can follow: a javascript: or file: "feed" is no feed.
    if (!url || (UrlScheme(*url) != "http" && UrlScheme(*url) != "https")) continue;
    bool duplicate = false;
    for (const DiscoveredFeed& known : found) duplicate = duplicate || known.url == *url;
    if (duplicate) continue;
    found.push_back({std::move(*url), type, parse::CollapseWhitespace(Attribute(tag, "title"))});
  }
  return found;
}

std::vector<std::string> CommonFeedPaths(std::string_view page_url) {
  static constexpr std::array<std::string_view, 10> kPaths = {
      "/feed",      "/rss",      "/feed.xml",
      "/rss.xml",   "/atom.xml", "/index.xml",
      "/feed.json", "/atom",     "/feeds/posts/default",
      "/?feed=rss2"};
  std::vector<std::string> urls;
  for (std::string_view path : kPaths) {
    if (auto url = ResolveUrl(page_url, path)) {
      if (UrlScheme(*url) == "http" || UrlScheme(*url) == "https") urls.push_back(std::move(*url));
    }
  }
  return urls;
}

bool LooksLikeHtml(std::string_view document) {
  if (document.substr(0, 3) == "\xEF\xBB\xBF") document.remove_prefix(3);
  std::size_t pos = 0;
  // Skip the prolog: whitespace, the XML declaration, comments, processing instructions.
  for (int guard = 0; guard < 64; ++guard) {
    while (pos < document.size() && IsXmlSpace(document[pos])) ++pos;
    const std::string_view rest = document.substr(pos);
    if (rest.substr(0, 4) == "<!--") {
      const std::size_t close = document.find("-->", pos + 4);
      if (close == std::string_view::npos) return false;
      pos = close + 3;
    } else if (rest.substr(0, 2) == "<?") {
      const std::size_t close = document.find("?>", pos + 2);
      if (close == std::string_view::npos) return false;
      pos = close + 2;
    } else {
      break;
    }
  }
  const std::string_view rest = document.substr(pos);
  if (rest.size() >= 14 && EqualsIgnoreCase(rest.substr(0, 14), "<!doctype html")) return true;
  if (rest.size() >= 5 && EqualsIgnoreCase(rest.substr(0, 5), "<html")) {
    return rest.size() == 5 || !IsNameChar(rest[5]);
  }
  if (rest.size() >= 5 && (EqualsIgnoreCase(rest.substr(0, 5), "<head") ||
                           EqualsIgnoreCase(rest.substr(0, 5), "<body"))) {
    return true;
  }
  return false;
}

}  // namespace feedd::feeds
