// RenderHtmlIndex / RenderHtmlPage: pages parsed back with gumbo (as a browser would) and
// checked for autodiscovery links, escaped text, no scripts and no external resources.
#include <doctest/doctest.h>
#include <gumbo.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "feedd/feeds/render.h"

namespace feedd::feeds {
namespace {

using namespace std::chrono;

struct GumboDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};
using GumboTree = std::unique_ptr<GumboOutput, GumboDeleter>;

GumboTree ParseHtml(const std::string& html) {
  return GumboTree(gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
}

void Walk(const GumboNode* node, const std::function<void(const GumboElement&)>& visit) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  visit(node->v.element);
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    Walk(static_cast<const GumboNode*>(children.data[i]), visit);
  }
}

std::vector<const GumboElement*> Elements(const GumboOutput& tree, GumboTag tag) {
  std::vector<const GumboElement*> found;
  Walk(tree.root, [&](const GumboElement& element) {
    if (element.tag == tag) found.push_back(&element);
  });
  return found;
}

std::string Attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  return attribute ? attribute->value : "";
}

std::string TextOf(const GumboElement& element) {
  std::string text;
  for (unsigned i = 0; i < element.children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(element.children.data[i]);
    if (child->type == GUMBO_NODE_TEXT) text += child->v.text.text;
    if (child->type == GUMBO_NODE_ELEMENT) text += TextOf(child->v.element);
  }
  return text;
}

std::vector<std::string> AlternateHrefs(const GumboOutput& tree, const std::string& type) {
  std::vector<std::string> hrefs;
  for (const GumboElement* link : Elements(tree, GUMBO_TAG_LINK)) {
    if (Attribute(*link, "rel") == "alternate" && Attribute(*link, "type") == type) {
      hrefs.push_back(Attribute(*link, "href"));
    }
  }
  return hrefs;
}

// No script, no element that loads from elsewhere, no event handler anywhere.
void CheckSelfContained(const GumboOutput& tree) {
  CHECK(Elements(tree, GUMBO_TAG_SCRIPT).empty());
  for (const GumboElement* link : Elements(tree, GUMBO_TAG_LINK)) {
    CHECK((Attribute(*link, "rel") == "alternate" || Attribute(*link, "rel") == "icon"));
  }
  Walk(tree.root, [](const GumboElement& element) {
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      CHECK(std::string(attribute->name).rfind("on", 0) != 0);
    }
  });
}

OutputDocument PageSample() {
  OutputDocument document;
  document.name = "tech";
  document.title = "Tech <news> & more";
  document.updated = Timestamp{sys_days{year{2024} / 8 / 16} + hours{11} + minutes{12}};
  OutputItem first;
  first.id = "tag:x:1";
  first.entry.title = "Post <one>";
  first.entry.link = "https://blog.example/one";
  first.entry.content = "<p>Body <em>one</em></p>";
  first.entry.authors = {Author{"Jane", std::nullopt, std::nullopt}};
  first.published = document.updated;
  first.origin = {"Blog", "https://blog.example/feed", "https://blog.example/", std::nullopt};
  first.also_in = {
      {"Planet", "https://planet.example/rss", std::nullopt, "https://planet.example/1"}};
  OutputItem second;
  second.id = "tag:x:2";
  second.entry.title = "Post two";
  second.entry.link = "javascript:alert(1)";
  second.origin = {"Other", "https://other.example/feed", "javascript:alert(2)", std::nullopt};
  document.items = {first, second};
  return document;
}

}  // namespace

TEST_CASE("HTML index lists every output with autodiscovery links for each format") {
  std::vector<OutputLink> outputs(2);
  outputs[0] = {"all",
                "Everything",
                "/feeds/all.atom",
                "/feeds/all.rss",
                "/feeds/all.json",
                3,
                Timestamp{sys_days{year{2024} / 1 / 2}},
                "/feeds/all.html"};
  outputs[1] = {"tech",       "", "/feeds/tech.atom", "/feeds/tech.rss", "/feeds/tech.json", 0,
                std::nullopt, ""};
  const std::string html = RenderHtmlIndex(outputs, "My <feeds>");
  const GumboTree tree = ParseHtml(html);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(AlternateHrefs(*tree, "application/atom+xml") ==
        std::vector<std::string>{"/feeds/all.atom", "/feeds/tech.atom"});
  CHECK(AlternateHrefs(*tree, "application/rss+xml") ==
        std::vector<std::string>{"/feeds/all.rss", "/feeds/tech.rss"});
  CHECK(AlternateHrefs(*tree, "application/feed+json") ==
        std::vector<std::string>{"/feeds/all.json", "/feeds/tech.json"});
  const auto titles = Elements(*tree, GUMBO_TAG_TITLE);
  REQUIRE(titles.size() == 1);
  CHECK(TextOf(*titles[0]) == "My <feeds>");
  const auto items = Elements(*tree, GUMBO_TAG_LI);
  REQUIRE(items.size() == 2);
  CHECK(TextOf(*items[0]).find("Everything") != std::string::npos);
  CHECK(TextOf(*items[0]).find("3 items") != std::string::npos);
  CHECK(TextOf(*items[1]).find("tech") != std::string::npos);  // no title: the name
  CHECK(Elements(*tree, GUMBO_TAG_STYLE).size() == 1);
  CheckSelfContained(*tree);
}

TEST_CASE("HTML index with no outputs says so") {
  const std::string html = RenderHtmlIndex({}, "");
  const GumboTree tree = ParseHtml(html);
  CHECK(html.find("No outputs") != std::string::npos);
  CHECK(AlternateHrefs(*tree, "application/atom+xml").empty());
  CheckSelfContained(*tree);
}

TEST_CASE("HTML page shows each item with its linked title, date, origin and content") {
  const std::string html = RenderHtmlPage(PageSample(), "/feeds/tech.atom", "/feeds/tech.rss",
                                          "https://feeds.example/feeds/tech.json");
  const GumboTree tree = ParseHtml(html);
  CHECK(AlternateHrefs(*tree, "application/atom+xml") ==
        std::vector<std::string>{"/feeds/tech.atom"});
  CHECK(AlternateHrefs(*tree, "application/feed+json") ==
        std::vector<std::string>{"https://feeds.example/feeds/tech.json"});
  CHECK(TextOf(*Elements(*tree, GUMBO_TAG_TITLE).at(0)) == "Tech <news> & more");
  CHECK(TextOf(*Elements(*tree, GUMBO_TAG_H1).at(0)) == "Tech <news> & more");
  const auto articles = Elements(*tree, GUMBO_TAG_ARTICLE);
  REQUIRE(articles.size() == 2);
  const auto headings = Elements(*tree, GUMBO_TAG_H2);
  REQUIRE(headings.size() == 2);
  CHECK(TextOf(*headings[0]) == "Post <one>");
  CHECK(TextOf(*headings[1]) == "Post two");
  const auto times = Elements(*tree, GUMBO_TAG_TIME);
  REQUIRE_FALSE(times.empty());
  CHECK(Attribute(*times.back(), "datetime").empty() == false);
  CHECK(Elements(*tree, GUMBO_TAG_EM).size() == 1);  // the entry's own HTML is kept as HTML
  CHECK(TextOf(*articles[0]).find("Also in: Planet") != std::string::npos);
  CHECK(TextOf(*articles[0]).find("by Jane") != std::string::npos);
  std::vector<std::string> hrefs;
  for (const GumboElement* anchor : Elements(*tree, GUMBO_TAG_A)) {
    hrefs.push_back(Attribute(*anchor, "href"));
  }
  CHECK(std::find(hrefs.begin(), hrefs.end(), "https://blog.example/one") != hrefs.end());
  CHECK(std::find(hrefs.begin(), hrefs.end(), "https://blog.example/") != hrefs.end());
  CHECK(html.find("javascript:") == std::string::npos);
  CheckSelfContained(*tree);
}

TEST_CASE("HTML page leaves out feeds whose URL is not usable") {
  const std::string html = RenderHtmlPage(PageSample(), "", "javascript:alert(1)", "x.json");
  const GumboTree tree = ParseHtml(html);
  CHECK(AlternateHrefs(*tree, "application/atom+xml").empty());
  CHECK(AlternateHrefs(*tree, "application/rss+xml").empty());
  CHECK(AlternateHrefs(*tree, "application/feed+json") == std::vector<std::string>{"x.json"});
  CHECK(html.find("javascript:") == std::string::npos);
}

}  // namespace feedd::feeds
