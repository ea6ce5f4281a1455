// The quirk files of tests/data/parse: one small document per real-world problem.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "feedd/feeds/parse.h"

namespace feedd::feeds {
namespace {

ParseResult ParseFile(const std::string& name, std::string document_url = "") {
  std::ifstream in(std::string(FEEDD_TEST_DATA) + "/parse/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing " << name);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ParseOptions options;
  options.document_url = std::move(document_url);
  auto result = ParseFeed(bytes.str(), options);
  REQUIRE_MESSAGE(result.has_value(), (result ? std::string() : result.error().message));
  return std::move(*result);
}

TEST_CASE("atom_relative_xml_base: relative xml:base nests, in links and in content") {
  const auto result = ParseFile("atom_relative_xml_base.xml", "https://feeds.example/atom");
  CHECK(result.feed.link == "https://example.org/blog/");
  const Entry& entry = result.feed.entries.at(0);
  CHECK(entry.link == "https://example.org/blog/2024/05/first-post.html");
  REQUIRE(entry.content);
  CHECK(entry.content->find("https://example.org/blog/about.html") != std::string::npos);
  CHECK(entry.content->find("https://example.org/blog/2024/05/pic.png") != std::string::npos);
}

TEST_CASE("rss_windows1252_html_entities: declared windows-1252 with HTML entities") {
  const auto result = ParseFile("rss_windows1252_html_entities.xml");
  CHECK(result.feed.title ==
        "Caf\xC3\xA9 \xC2\xA0&\xC3\xA9\xE2\x80\xA6 \xE2\x80\x9Cquoted\xE2\x80\x9D");
  CHECK(result.feed.entries.at(0).title == "R&D \xE2\x80\x94 done");
}

TEST_CASE("rss_truncated: the entries before the cut survive") {
  const auto result = ParseFile("rss_truncated.xml");
  REQUIRE(result.feed.entries.size() >= 2);
  CHECK(result.feed.entries[1].link == "https://example.org/2");
  CHECK_FALSE(result.warnings.empty());
}

TEST_CASE("xml_billion_laughs: entities are not expanded") {
  const auto start = std::chrono::steady_clock::now();
  const auto result = ParseFile("xml_billion_laughs.xml");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(result.feed.title.value_or("").size() < 64);
  CHECK(result.feed.entries.at(0).title.value_or("").size() < 64);
}

TEST_CASE("xml_external_entity: no file or network is read") {
  const auto result = ParseFile("xml_external_entity.xml");
  const std::string title = result.feed.title.value_or("");
  CHECK(title.find("root") == std::string::npos);
  CHECK(title.find("before") == 0);
  CHECK(title.size() < 40);
}

}  // namespace
}  // namespace feedd::feeds
