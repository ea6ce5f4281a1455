// JSON Feed 1.0 and 1.1 into the model.
#include <doctest/doctest.h>

#include <string>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/parse.h"
#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

TEST_CASE("JSON Feed 1.1 fields are read") {
  const auto result = MustParse(R"({
    "version": "https://jsonfeed.org/version/1.1", "title": "JF", "home_page_url": "https://example.org/",
    "feed_url": "https://example.org/feed.json", "icon": "/icon.png", "language": "en",
    "items": [
      {"id": 42, "url": "/p/1", "title": "One", "content_text": "a < b",
       "summary": "sum", "date_published": "2024-08-16T11:12:54+02:00", "date_modified": "2024-08-17T00:00:00",
       "authors": [{"name": "Ann", "url": "https://ann.example/"}], "tags": ["x", "y", "x"],
       "attachments": [{"url": "/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10}],
       "image": "/t.jpg"},
      {"id": "2", "content_html": "<p>Two</p>", "date_published": "yesterday"}
    ]})",
                                "https://example.org/feed.json");
  CHECK(result.feed.format == FeedFormat::kJson11);
  CHECK(result.feed.title == "JF");
  CHECK(result.feed.image == "https://example.org/icon.png");
  REQUIRE(result.feed.entries.size() == 2);
  const Entry& first = result.feed.entries[0];
  CHECK(first.id == "42");
  CHECK(first.link == "https://example.org/p/1");
  CHECK(FormatRfc3339(first.published.value()) == "2024-08-16T09:12:54Z");
  CHECK(FormatRfc3339(first.updated.value()) == "2024-08-17T00:00:00Z");
  CHECK(first.authors.at(0).name == "Ann");
  CHECK(first.categories == std::vector<std::string>{"x", "y"});
  CHECK(first.enclosures.at(0).url == "https://example.org/a.mp3");
  CHECK(first.enclosures.at(0).length == 10);
  CHECK(first.thumbnail == "https://example.org/t.jpg");
  REQUIRE(first.content);
  CHECK(first.content->find("a &lt; b") != std::string::npos);
  CHECK_FALSE(result.feed.entries[1].published.has_value());
  CHECK(HasWarningContaining(result, "entry 2: unparseable date 'yesterday'"));
}

TEST_CASE("JSON Feed 1.0 uses the single author object") {
  const auto result = MustParse(R"({"version": "https://jsonfeed.org/version/1", "title": "Old",
    "items": [{"id": "1", "author": {"name": "Solo"}}]})");
  CHECK(result.feed.format == FeedFormat::kJson10);
  CHECK(result.feed.entries.at(0).authors.at(0).name == "Solo");
}

TEST_CASE("JSON that is no JSON Feed is not a feed") {
  ParseOptions options;
  auto plain = ParseFeed(R"({"title": "no version"})", options);
  REQUIRE_FALSE(plain.has_value());
  CHECK(plain.error().message.find("not a feed") == 0);
  auto broken = ParseFeed(R"({"version": "https://jsonfeed.org/version/1.1", )", options);
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().message == "not a feed: invalid JSON");
}

TEST_CASE("Deeply nested JSON is rejected or read without crashing") {
  std::string deep = R"({"version": "https://jsonfeed.org/version/1.1", "x": )";
  deep += std::string(100000, '[');
  deep += std::string(100000, ']');
  deep += "}";
  ParseOptions options;
  auto result = ParseFeed(deep, options);
  CHECK(result.has_value());
}

}  // namespace
}  // namespace feedd::feeds
