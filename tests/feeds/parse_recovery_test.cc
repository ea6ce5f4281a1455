// Broken and hostile documents: recovery keeps what can be read, "not a feed" is the only
// error, and XML bombs neither expand nor read files.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "feedd/feeds/parse.h"
#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

std::string NotAFeedMessage(std::string_view document) {
  ParseOptions options;
  auto result = ParseFeed(document, options);
  return result ? std::string("parsed") : result.error().message;
}

TEST_CASE("A truncated feed keeps the entries before the cut") {
  const auto result = MustParse(R"(<rss version="2.0"><channel><title>t</title>
    <item><title>one</title></item><item><title>two</title></item><item><title>thr)");
  REQUIRE(result.feed.entries.size() >= 2);
  CHECK(result.feed.entries[0].title == "one");
  CHECK(result.feed.entries[1].title == "two");
  CHECK(HasWarningContaining(result, "not well-formed"));
}

TEST_CASE("An unescaped less-than sign is repaired") {
  const auto result = MustParse(R"(<rss version="2.0"><channel><title>t</title>
    <item><title>if a < b then</title></item><item><title>next</title></item></channel></rss>)");
  REQUIRE(result.feed.entries.size() == 2);
  CHECK(result.feed.entries[0].title == "if a < b then");
  CHECK(result.feed.entries[1].title == "next");
}

TEST_CASE("Control characters, bare ampersands and a late XML declaration are tolerated") {
  const auto result = MustParse(
      "\n\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>A & B\x01</title>"
      "<item><title>x</title></item></channel></rss>");
  CHECK(result.feed.title.value_or("").find("A & B") == 0);
  CHECK(result.feed.entries.size() == 1);
}

TEST_CASE("Only documents without any feed are errors") {
  CHECK(NotAFeedMessage("") == "not a feed: empty document");
  CHECK(NotAFeedMessage("   \n ") == "not a feed: empty document");
  CHECK(NotAFeedMessage("<!DOCTYPE html><html><head><title>x</title></head><body></body></html>") ==
        "not a feed: HTML page");
  CHECK(NotAFeedMessage("<html><body><p>hi</p></body></html>") == "not a feed: HTML page");
  CHECK(NotAFeedMessage("<note><to>x</to></note>").find("not a feed") == 0);
  CHECK(NotAFeedMessage("just some text").find("not a feed") == 0);
}

TEST_CASE("Billion laughs does not expand and parses in bounded time") {
  std::string bomb = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;&lol9;</title></item></channel></rss>)";
  const auto start = std::chrono::steady_clock::now();
  ParseOptions options;
  auto result = ParseFeed(bomb, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(1));
  REQUIRE(result.has_value());
  CHECK(result->feed.title.value_or("").size() < 100);
  CHECK(result->feed.entries.at(0).title.value_or("").size() < 100);
}

TEST_CASE("External entities are never read") {
  const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>x&xxe;y</title></channel></rss>)";
  ParseOptions options;
  auto result = ParseFeed(xxe, options);
  REQUIRE(result.has_value());
  const std::string title = result->feed.title.value_or("");
  CHECK(title.find("root:") == std::string::npos);
  CHECK(title.size() < 20);
}

TEST_CASE("Quadratic blow-up: a 1 MB entity used 10,000 times is not expanded") {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [ <!ENTITY a \"";
  bomb.append(1 << 20, 'a');
  bomb += "\"> ]>\n<rss version=\"2.0\"><channel><title>t</title><item><description>";
  for (int i = 0; i < 10000; ++i) bomb += "&a;";
  bomb += "</description></item></channel></rss>";
  const auto start = std::chrono::steady_clock::now();
  ParseOptions options;
  auto result = ParseFeed(bomb, options);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  REQUIRE(result.has_value());
  REQUIRE(result->feed.entries.size() == 1);
  // Expanded, the description would be 10 GB; unexpanded references stay as short text.
  CHECK(result->feed.entries[0].summary.value_or("").size() < 200000);
}

TEST_CASE("An external DTD and parameter entities are never fetched or applied") {
  const std::string document = R"(<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd" [
 <!ENTITY % remote SYSTEM "file:///etc/hostname"> %remote;
 <!ENTITY title "from the DTD">
]>
<rss version="2.0"><channel><title>plain &title; text</title>
<item><title>one</title></item></channel></rss>)";
  ParseOptions options;
  auto result = ParseFeed(document, options);
  REQUIRE(result.has_value());
  CHECK(result->feed.entries.size() == 1);
  // The internal subset is skipped, so &title; stays unexpanded text.
  CHECK(result->feed.title.value_or("").find("from the DTD") == std::string::npos);
}

TEST_CASE("Deep nesting parses without exhausting the stack") {
  std::string deep = "<rss version=\"2.0\"><channel><title>t</title><item><description>";
  for (int i = 0; i < 200000; ++i) deep += "<div>";
  deep += "x";
  for (int i = 0; i < 200000; ++i) deep += "</div>";
  deep += "</description></item></channel></rss>";
  ParseOptions options;
  auto result = ParseFeed(deep, options);
  CHECK(result.has_value());
}

}  // namespace
}  // namespace feedd::feeds
