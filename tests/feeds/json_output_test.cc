// The parsed-feed JSON contract (spec/parsed-feed-json.md): keys, order, nulls, normal forms.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "feedd/feeds/dates.h"
#include "feedd/feeds/parse.h"
#include "feedd/feeds/parsed_feed_json.h"

namespace feedd::feeds {
namespace {

using nlohmann::json;

TEST_CASE("Every contract key is present, in order, with null or [] when absent") {
  ParseResult result;
  result.feed.entries.emplace_back();
  const json doc = json::parse(ParsedFeedToJson(result));
  const std::vector<std::string> feed_keys = {"format", "title",       "link",     "feed_url",
                                              "id",     "description", "language", "updated",
                                              "image",  "entries",     "warnings"};
  std::vector<std::string> seen;
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(ParsedFeedToJson(result));
  for (const auto& item : ordered.items()) {
    seen.push_back(item.key());
  }
  CHECK(seen == feed_keys);
  CHECK(doc["format"].is_null());
  CHECK(doc["title"].is_null());
  CHECK(doc["warnings"] == json::array());
  const json& entry = doc["entries"][0];
  for (const char* key : {"id", "title", "link", "published", "updated", "summary", "content",
                          "thumbnail", "comments"}) {
    CAPTURE(key);
    REQUIRE(entry.contains(key));
    CHECK(entry[key].is_null());
  }
  for (const char* key : {"authors", "categories", "enclosures"}) {
    CAPTURE(key);
    CHECK(entry[key] == json::array());
  }
  CHECK(entry.size() == 12);
}

TEST_CASE("Values follow the normal forms") {
  ParseResult result;
  result.feed.format = FeedFormat::kAtom10;
  result.feed.updated = ParseDate("2024-08-17T13:12:54+02:00");
  Entry entry;
  entry.published = ParseDate("Fri, 16 Aug 2024 11:12:54 GMT");
  entry.authors.push_back({"Ann", std::nullopt, std::nullopt});
  entry.categories = {"a", "b", "a"};
  entry.enclosures.push_back({"https://e.org/a.mp3", "audio/mpeg", 1234});
  entry.enclosures.push_back({"https://e.org/b.mp3", std::nullopt, std::nullopt});
  result.feed.entries.push_back(entry);
  result.warnings.push_back("entry 1: unparseable date 'x'");
  const json doc = json::parse(ParsedFeedToJson(result));
  CHECK(doc["format"] == "atom1.0");
  CHECK(doc["updated"] == "2024-08-17T11:12:54Z");
  const json& e = doc["entries"][0];
  CHECK(e["published"] == "2024-08-16T11:12:54Z");
  CHECK(e["authors"][0] == json{{"name", "Ann"}, {"email", nullptr}, {"uri", nullptr}});
  CHECK(e["categories"] == json{"a", "b"});
  CHECK(e["enclosures"][0]["length"] == 1234);
  CHECK(e["enclosures"][0]["length"].is_number_integer());
  CHECK(e["enclosures"][1]["length"].is_null());
  CHECK(doc["warnings"][0] == "entry 1: unparseable date 'x'");
  CHECK(json::parse(EntryToJson(entry))["categories"] == json{"a", "b"});
}

TEST_CASE("Format names are the contract's") {
  const std::pair<FeedFormat, const char*> names[] = {
      {FeedFormat::kRss09x, "rss0.9x"}, {FeedFormat::kRss10, "rss1.0"},
      {FeedFormat::kRss20, "rss2.0"},   {FeedFormat::kAtom03, "atom0.3"},
      {FeedFormat::kAtom10, "atom1.0"}, {FeedFormat::kJson10, "json1.0"},
      {FeedFormat::kJson11, "json1.1"}};
  for (const auto& [format, name] : names) CHECK(FormatName(format) == name);
  CHECK(FormatName(FeedFormat::kUnknown).empty());
}

TEST_CASE("A parsed document prints as valid JSON even with hostile text") {
  ParseOptions options;
  auto result = ParseFeed(
      "<rss version=\"2.0\"><channel><title>q\"uote \\ back \x01 \xFF</title>"
      "</channel></rss>",
      options);
  REQUIRE(result.has_value());
  const json doc = json::parse(ParsedFeedToJson(*result));
  CHECK(doc["format"] == "rss2.0");
  CHECK(doc["title"].get<std::string>().find("q\"uote \\ back") == 0);
}

}  // namespace
}  // namespace feedd::feeds
