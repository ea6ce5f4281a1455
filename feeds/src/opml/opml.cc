// OPML reading and writing with pugixml. Hostile input is data: nesting is bounded, a
// document without feeds is valid (and empty), odd outlines become warnings.
#include "feedd/feeds/opml.h"

#include <algorithm>
#include <map>
#include <pugixml.hpp>
#include <sstream>

namespace feedd::feeds {
namespace {

constexpr int kMaxDepth = 32;

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// OPML 2.0 `category`: comma-separated, each possibly a "/slash/path". A leading slash goes.
std::vector<std::string> Categories(std::string_view text) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string_view::npos ? text.size() : comma;
    std::string tag = Trim(text.substr(start, end - start));
    while (!tag.empty() && tag.front() == '/') tag.erase(tag.begin());
    if (!tag.empty()) tags.push_back(std::move(tag));
    start = end + 1;
  }
  return tags;
}

void AddTag(std::vector<std::string>& tags, const std::string& tag) {
  if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

struct Reader {
  OpmlDocument& document;
  std::map<std::string, std::size_t> index;  // url -> position in document.feeds

  void Walk(const pugi::xml_node& parent, std::vector<std::string>& folders, int depth) {
    for (const auto& outline : parent.children("outline")) {
      const std::string url = Trim(outline.attribute("xmlUrl").as_string());
      std::string title = Trim(outline.attribute("title").as_string());
      if (title.empty()) title = Trim(outline.attribute("text").as_string());
      if (url.empty()) {
        if (!outline.child("outline")) continue;  // an empty folder or a plain note
        if (depth >= kMaxDepth) {
          document.warnings.push_back("folders nested deeper than " + std::to_string(kMaxDepth) +
                                      " levels were skipped");
          continue;
        }
        const bool named = !title.empty();
        if (named) folders.push_back(title);
        Walk(outline, folders, depth + 1);
        if (named) folders.pop_back();
        continue;
      }
      OpmlFeed feed;
      feed.url = url;
      feed.title = title == url ? "" : title;
      feed.site_url = Trim(outline.attribute("htmlUrl").as_string());
      for (const auto& folder : folders) AddTag(feed.tags, folder);
      for (const auto& tag : Categories(outline.attribute("category").as_string())) {
        AddTag(feed.tags, tag);
      }
      if (auto seen = index.find(url); seen != index.end()) {
        OpmlFeed& first = document.feeds[seen->second];
        for (const auto& tag : feed.tags) AddTag(first.tags, tag);
        if (first.title.empty()) first.title = feed.title;
        continue;
      }
      index.emplace(url, document.feeds.size());
      document.feeds.push_back(std::move(feed));
      // A feed outline with children: OPML allows it; its children are read as siblings.
      if (outline.child("outline") && depth < kMaxDepth) Walk(outline, folders, depth + 1);
    }
  }
};

// XML 1.0 cannot carry most control characters, even escaped: they become spaces.
std::string Clean(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') c = ' ';
  }
  return out;
}

void AppendFeed(pugi::xml_node parent, const OpmlFeed& feed) {
  auto outline = parent.append_child("outline");
  const std::string title = Clean(feed.title.empty() ? feed.url : feed.title);
  outline.append_attribute("type") = "rss";
  outline.append_attribute("text") = title.c_str();
  outline.append_attribute("title") = title.c_str();
  outline.append_attribute("xmlUrl") = Clean(feed.url).c_str();
  if (!feed.site_url.empty()) outline.append_attribute("htmlUrl") = Clean(feed.site_url).c_str();
  if (!feed.tags.empty()) {
    std::string category;
    for (const auto& tag : feed.tags) category += (category.empty() ? "" : ",") + tag;
    outline.append_attribute("category") = Clean(category).c_str();
  }
}

}  // namespace

Result<OpmlDocument> ParseOpml(std::string_view bytes) {
  pugi::xml_document xml;
  // No DOCTYPE processing beyond what pugixml does (it never fetches or expands external
  // entities), so an OPML file cannot reach the network or the disk.
  const auto parsed = xml.load_buffer(bytes.data(), bytes.size(), pugi::parse_default);
  if (!parsed) return Fail(std::string("OPML: not well-formed XML: ") + parsed.description());
  const auto root = xml.child("opml");
  if (!root) return Fail("OPML: the document's root is not <opml>");
  const auto body = root.child("body");
  if (!body) return Fail("OPML: no <body>");
  OpmlDocument document;
  document.title = Trim(root.child("head").child_value("title"));
  Reader reader{document, {}};
  std::vector<std::string> folders;
  reader.Walk(body, folders, 0);
  return document;
}

std::string WriteOpml(const OpmlDocument& document) {
  pugi::xml_document xml;
  auto root = xml.append_child("opml");
  root.append_attribute("version") = "2.0";
  auto head = root.append_child("head");
  const std::string title = Clean(document.title.empty() ? "feedd subscriptions" : document.title);
  head.append_child("title").text().set(title.c_str());
  auto body = root.append_child("body");
  std::map<std::string, pugi::xml_node> folders;
  for (const auto& feed : document.feeds) {
    if (feed.tags.empty()) {
      AppendFeed(body, feed);
      continue;
    }
    auto& folder = folders[feed.tags.front()];
    if (!folder) {
      folder = body.append_child("outline");
      folder.append_attribute("text") = Clean(feed.tags.front()).c_str();
      folder.append_attribute("title") = Clean(feed.tags.front()).c_str();
    }
    AppendFeed(folder, feed);
  }
  std::ostringstream out;
  xml.save(out, "  ", pugi::format_default | pugi::format_no_declaration, pugi::encoding_utf8);
  std::string text = out.str();
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + text;
}

}  // namespace feedd::feeds
