// Parser behaviour that depends on size: namespace scopes with many prefixes, entries with
// many categories, documents large enough to be parsed in a mapped buffer (well-formed or
// repaired). The linear-time figures themselves are bench/parse/linear.py's job.
#include <doctest/doctest.h>

#include <string>

#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";

std::string Item(int i) {
  return "<item><title>item " + std::to_string(i) + "</title><link>https://example.org/" +
         std::to_string(i) + "</link><description>&lt;p&gt;text " + std::to_string(i) +
         " &amp;amp; more&lt;/p&gt;</description></item>\n";
}

// An RSS document of at least `min_bytes` with items numbered 0.., and `middle` inserted
// after half of them.
std::string BigFeed(std::size_t min_bytes, const std::string& middle, int& items) {
  std::string body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>\n";
  items = 0;
  while (body.size() < min_bytes / 2) body += Item(items++);
  body += middle;
  while (body.size() < min_bytes) body += Item(items++);
  return body + "</channel></rss>\n";
}

TEST_CASE("A prefix redeclared on an item means the new namespace there and the old one after") {
  const std::string doc =
      "<rss version=\"2.0\" xmlns:c=\"" + std::string(kContentNs) +
      "\"><channel><title>t</title>"
      "<item xmlns:c=\"urn:example:other\"><title>a</title>"
      "<c:encoded>not content</c:encoded></item>"
      "<item><title>b</title><c:encoded>&lt;p&gt;content&lt;/p&gt;</c:encoded></item>"
      "</channel></rss>";
  const ParseResult result = MustParse(doc);
  REQUIRE(result.feed.entries.size() == 2);
  CHECK_FALSE(result.feed.entries[0].content.has_value());
  REQUIRE(result.feed.entries[1].content.has_value());
  CHECK(result.feed.entries[1].content->find("content") != std::string::npos);
}

TEST_CASE("Thousands of namespace prefixes in scope still resolve every element") {
  std::string doc = "<rss version=\"2.0\"";
  for (int i = 0; i < 5000; ++i) {
    doc += " xmlns:p" + std::to_string(i) + "=\"urn:example:" + std::to_string(i) + "\"";
  }
  doc += " xmlns:c=\"" + std::string(kContentNs) + "\"><channel><title>t</title>";
  for (int i = 0; i < 50; ++i) {
    doc += "<item><title>" + std::to_string(i) +
           "</title><p7:x>ignored</p7:x>"
           "<c:encoded>body " +
           std::to_string(i) + "</c:encoded></item>";
  }
  doc += "</channel></rss>";
  const ParseResult result = MustParse(doc);
  REQUIRE(result.feed.entries.size() == 50);
  REQUIRE(result.feed.entries[49].content.has_value());
  CHECK(*result.feed.entries[49].content == "body 49");
}

TEST_CASE("Categories keep document order, drop repeats past the first few, and stop at 256") {
  std::string doc = "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title>";
  for (int i = 0; i < 20; ++i) doc += "<category>topic " + std::to_string(i) + "</category>";
  // Repeats of early and late terms, one with different whitespace.
  doc += "<category>topic 3</category><category>  topic\n15 </category>";
  for (int i = 20; i < 400; ++i) doc += "<category>topic " + std::to_string(i) + "</category>";
  doc += "</item></channel></rss>";
  const ParseResult result = MustParse(doc);
  REQUIRE(result.feed.entries.size() == 1);
  const auto& categories = result.feed.entries[0].categories;
  REQUIRE(categories.size() == 256);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    CHECK(categories[i] == "topic " + std::to_string(i));
  }
}

TEST_CASE("JSON Feed tags are deduplicated and capped like RSS categories") {
  std::string doc = R"({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
    {"id": "1", "tags": [)";
  for (int i = 0; i < 300; ++i) doc += "\"tag " + std::to_string(i % 280) + "\", ";
  doc += "\"\", 7, \" tag  1 \"]}]}";
  const ParseResult result = MustParse(doc);
  REQUIRE(result.feed.entries.size() == 1);
  const auto& categories = result.feed.entries[0].categories;
  REQUIRE(categories.size() == 256);
  CHECK(categories.front() == "tag 0");
  CHECK(categories.back() == "tag 255");
}

TEST_CASE("A document of more than half a megabyte reads every entry") {
  int items = 0;
  const std::string doc = BigFeed(std::size_t{3} << 20, Item(-1), items);
  REQUIRE(doc.size() > (std::size_t{3} << 20));
  const ParseResult result = MustParse(doc, "https://example.org/feed");
  REQUIRE(result.feed.entries.size() == static_cast<std::size_t>(items) + 1);
  const Entry& last = result.feed.entries.back();
  CHECK(last.title == "item " + std::to_string(items - 1));
  CHECK(last.link == "https://example.org/" + std::to_string(items - 1));
  REQUIRE(last.summary.has_value());
  CHECK(last.summary->find("text " + std::to_string(items - 1)) != std::string::npos);
  CHECK(result.warnings.empty());
}

TEST_CASE("A large document with a fault in the middle is repaired from its original text") {
  int items = 0;
  // An unescaped '<' in a title: not well-formed; the repair escapes it and parses again.
  const std::string middle =
      "<item><title>a < b</title><link>https://example.org/m</link></item>\n";
  const std::string doc = BigFeed(std::size_t{2} << 20, middle, items);
  const ParseResult result = MustParse(doc);
  CHECK(HasWarningContaining(result, "not well-formed"));
  CHECK(HasWarningContaining(result, "read after repairing"));
  REQUIRE(result.feed.entries.size() == static_cast<std::size_t>(items) + 1);
  bool found = false;
  for (const Entry& entry : result.feed.entries) {
    if (entry.link == "https://example.org/m") {
      found = true;
      CHECK(entry.title == "a < b");
    }
  }
  CHECK(found);
  CHECK(result.feed.entries.back().title == "item " + std::to_string(items - 1));
}

TEST_CASE("A large document with undefined entities and a late declaration is rewritten first") {
  int items = 0;
  const std::string middle = "<item><title>caf&eacute;&nbsp;au lait</title></item>\n";
  const std::string doc = "  \n" + BigFeed(std::size_t{1} << 20, middle, items);
  const ParseResult result = MustParse(doc);
  CHECK(HasWarningContaining(result, "XML declaration not at the start"));
  CHECK(HasWarningContaining(result, "entities XML does not define"));
  CHECK_FALSE(HasWarningContaining(result, "not well-formed"));
  REQUIRE(result.feed.entries.size() == static_cast<std::size_t>(items) + 1);
  bool found = false;
  for (const Entry& entry : result.feed.entries) {
    if (entry.title && entry.title->rfind("caf", 0) == 0) {
      found = true;
      CHECK(*entry.title ==
            "caf\xC3\xA9\xC2\xA0"
            "au lait");
    }
  }
  CHECK(found);
}

}  // namespace
}  // namespace feedd::feeds
