// ParseFeed with an EntrySink: the same entries, warnings and feed fields as ParseFeed, the
// entries handed over one at a time. Set FEEDD_STREAM_CORPUS to a folder of feeds (e.g. the
// conformance corpus) to compare every file in it too.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feedd/feeds/parse.h"
#include "feedd/feeds/parsed_feed_json.h"

namespace feedd::feeds {
namespace {

struct Both {
  Result<ParseResult> collected;
  Result<ParseResult> streamed;
  std::vector<Entry> entries;  // what the sink received
};

Both ParseBothWays(std::string_view document, EntryHtml entry_html = EntryHtml::kSanitize,
                   std::string document_url = "https://example.test/feed") {
  ParseOptions options;
  options.document_url = std::move(document_url);
  options.entry_html = entry_html;
  Both both{ParseFeed(document, options), Fail("unset"), {}};
  both.streamed = ParseFeed(document, options,
                            [&both](Entry&& entry) { both.entries.push_back(std::move(entry)); });
  return both;
}

// The streamed result with the sink's entries put back, as JSON; "error: ..." on failure.
std::string StreamedJson(Both& both) {
  if (!both.streamed) return "error: " + both.streamed.error().message;
  ParseResult copy = *both.streamed;
  copy.feed.entries = both.entries;
  return ParsedFeedToJson(copy);
}

std::string CollectedJson(const Both& both) {
  if (!both.collected) return "error: " + both.collected.error().message;
  return ParsedFeedToJson(*both.collected);
}

void CheckSame(std::string_view document, EntryHtml entry_html = EntryHtml::kSanitize) {
  Both both = ParseBothWays(document, entry_html);
  REQUIRE(both.collected.has_value() == both.streamed.has_value());
  if (both.streamed) CHECK(both.streamed->feed.entries.empty());
  if (!both.streamed) CHECK(both.entries.empty());
  CHECK(StreamedJson(both) == CollectedJson(both));
}

TEST_CASE("Streamed RSS entries equal collected ones, with feed fields after the items") {
  const std::string doc =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
      "<item><title>one</title><link>/1</link><pubDate>Tomorrow</pubDate>"
      "<description>&lt;p&gt;a &lt;a href=\"x\"&gt;link&lt;/a&gt;&lt;/p&gt;</description></item>"
      "<item><title>two</title><guid>g2</guid><category>c</category><category>c</category></item>"
      "<title>late title</title><link>https://example.org/</link><ttl>30</ttl>"
      "</channel></rss>";
  Both both = ParseBothWays(doc);
  REQUIRE(both.streamed.has_value());
  REQUIRE(both.entries.size() == 2);
  CHECK(both.entries[0].title == "one");
  CHECK(both.entries[1].title == "two");
  CHECK(both.streamed->feed.title == "late title");
  CHECK(both.streamed->warnings == both.collected->warnings);
  CHECK_FALSE(both.streamed->warnings.empty());  // "entry 1: unparseable date 'Tomorrow'"
  CHECK(StreamedJson(both) == CollectedJson(both));
  CheckSame(doc, EntryHtml::kKeepRaw);
}

TEST_CASE("Streamed Atom, JSON Feed and repaired documents equal collected ones") {
  CheckSame(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>a</title>"
      "<entry><title>e1</title><id>1</id><content "
      "type=\"html\">&lt;b&gt;x&lt;/b&gt;</content></entry>"
      "<entry><title>e2</title><id>2</id><updated>2024-01-01T00:00:00Z</updated></entry>"
      "<updated>2024-02-01T00:00:00Z</updated></feed>");
  CheckSame(R"({"version": "https://jsonfeed.org/version/1.1", "title": "j",
               "items": [{"id": "1", "content_html": "<p>x</p>", "tags": ["a", "a", "b"]},
                         "not an object", {"id": "2", "date_published": "never"}]})");
  // Truncated and with a stray '<': read as far as it goes, with warnings.
  CheckSame(
      "<rss version=\"2.0\"><channel><title>t</title><item><title>a < b</title></item>"
      "<item><title>cut");
}

TEST_CASE("A document that is no feed delivers no entry") {
  CheckSame("<html><head><title>x</title></head><body><p>hi</p></body></html>");
  CheckSame("");
  CheckSame("{\"items\": [{\"id\": \"1\"}]}");  // no version: no JSON Feed
}

TEST_CASE("An empty sink collects the entries as ParseFeed does") {
  const std::string doc =
      "<rss version=\"2.0\"><channel><item><title>a</title></item></channel></rss>";
  auto result = ParseFeed(doc, ParseOptions{}, EntrySink{});
  REQUIRE(result.has_value());
  REQUIRE(result->feed.entries.size() == 1);
  CHECK(result->feed.entries[0].title == "a");
}

TEST_CASE("Streamed entries equal collected ones on every file of FEEDD_STREAM_CORPUS") {
  const char* folder = std::getenv("FEEDD_STREAM_CORPUS");
  std::vector<std::filesystem::path> files;
  for (const auto& item :
       std::filesystem::directory_iterator(std::string(FEEDD_TEST_DATA) + "/parse")) {
    files.push_back(item.path());
  }
  if (folder != nullptr) {
    for (const auto& item : std::filesystem::recursive_directory_iterator(folder)) {
      if (item.is_regular_file()) files.push_back(item.path());
    }
  }
  const std::string note =
      folder != nullptr ? std::string(" incl. ") + folder : " (FEEDD_STREAM_CORPUS unset)";
  MESSAGE("comparing " << files.size() << " files" << note);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    Both both = ParseBothWays(bytes.str());
    INFO(path.string());
    CHECK(StreamedJson(both) == CollectedJson(both));
  }
}

}  // namespace
}  // namespace feedd::feeds
