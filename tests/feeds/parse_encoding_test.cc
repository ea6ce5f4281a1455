// Character encodings: BOMs, XML declarations, the HTTP charset, UTF-16/32, fallbacks,
// invalid sequences, and HTML entities XML does not define.
#include <doctest/doctest.h>

#include <string>

#include "feedd/feeds/parse.h"
#include "parse_test_support.h"

namespace feedd::feeds {
namespace {

using test::HasWarningContaining;
using test::MustParse;

std::string Utf16Le(std::string_view ascii, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE", 2) : std::string();
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

std::string Utf16Be(std::string_view ascii) {
  std::string out("\xFE\xFF", 2);
  for (char c : ascii) {
    out += '\0';
    out += c;
  }
  return out;
}

TEST_CASE("The XML declaration's encoding is converted to UTF-8") {
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
      "<rss version=\"2.0\"><channel><title>Caf\xE9</title></channel></rss>";
  CHECK(MustParse(doc).feed.title == "Caf\xC3\xA9");
}

TEST_CASE("The HTTP charset wins over the XML declaration and a BOM wins over both") {
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<rss version=\"2.0\"><channel><title>\xE9t\xE9</title></channel></rss>";
  CHECK(MustParse(doc, "", "iso-8859-1").feed.title == "\xC3\xA9t\xC3\xA9");
  const std::string bom =
      "\xEF\xBB\xBF<rss version=\"2.0\"><channel><title>\xC3\xA9</title></channel></rss>";
  CHECK(MustParse(bom, "", "iso-8859-1").feed.title == "\xC3\xA9");
}

TEST_CASE("UTF-16 with and without a BOM and UTF-32 are read") {
  const std::string ascii =
      "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel>"
      "<title>Wide</title></channel></rss>";
  CHECK(MustParse(Utf16Le(ascii, true)).feed.title == "Wide");
  CHECK(MustParse(Utf16Le(ascii, false)).feed.title == "Wide");
  CHECK(MustParse(Utf16Be(ascii)).feed.title == "Wide");
  std::string utf32("\xFF\xFE\0\0", 4);
  for (char c :
       std::string_view("<rss version=\"2.0\"><channel><title>W32</title></channel></rss>")) {
    utf32 += c;
    utf32.append(3, '\0');
  }
  CHECK(MustParse(utf32).feed.title == "W32");
}

TEST_CASE("Invalid UTF-8 becomes U+FFFD with a warning") {
  const std::string doc =
      "<rss version=\"2.0\"><channel><title>ok \xC3\xA9 bad \xFF end</title></channel></rss>";
  const auto result = MustParse(doc);
  CHECK(result.feed.title == "ok \xC3\xA9 bad \xEF\xBF\xBD end");
  CHECK(HasWarningContaining(result, "invalid UTF-8"));
}

TEST_CASE("Undeclared windows-1252 falls back like feedparser") {
  const std::string doc = "<rss version=\"2.0\"><channel><title>don\x92t</title></channel></rss>";
  const auto result = MustParse(doc);
  CHECK(result.feed.title == "don\xE2\x80\x99t");
  CHECK(HasWarningContaining(result, "windows-1252"));
}

TEST_CASE("HTML entities XML does not define are decoded, not fatal") {
  const auto result = MustParse(
      "<rss version=\"2.0\"><channel><title>a&nbsp;b &eacute; &copy; &bogus; AT&T"
      "</title><item><title>&#X41;&#x42;&#67;</title></item></channel></rss>");
  CHECK(result.feed.title ==
        "a\xC2\xA0"
        "b \xC3\xA9 \xC2\xA9 &bogus; AT&T");
  CHECK(result.feed.entries.at(0).title == "ABC");
}

TEST_CASE("Double-encoded UTF-8 in text is repaired") {
  const auto result =
      MustParse("<rss version=\"2.0\"><channel><title>Caf\xC3\x83\xC2\xA9</title></channel></rss>");
  CHECK(result.feed.title == "Caf\xC3\xA9");
}

}  // namespace
}  // namespace feedd::feeds
