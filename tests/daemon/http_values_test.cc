// Request values, header parsing, public paths, gzip and redaction: the pure parts of the
// daemon's HTTP handling.
#include <doctest/doctest.h>

#include "gzip.h"
#include "http_header_parse.h"
#include "http_types.h"
#include "public_api.h"
#include "redact.h"

using namespace feedd::daemon;

TEST_CASE("query parameters are decoded") {
  CHECK(QueryParameter("/v1/search?q=rust%20async&limit=5", "q") == "rust async");
  CHECK(QueryParameter("/v1/search?q=a+b", "q") == "a b");
  CHECK(QueryParameter("/v1/search?limit=5", "q").empty());
  CHECK(HasQueryParameter("/v1/entries?tag=", "tag"));
  CHECK(PathOf("/v1/entries?limit=5") == "/v1/entries");
  std::string out;
  CHECK_FALSE(PercentDecode("%2", out, false));
  CHECK_FALSE(PercentDecode("%zz", out, false));
}

TEST_CASE("only well-formed output paths reach an output name") {
  auto parsed = ParseOutputPath("/feeds/all.atom");
  REQUIRE(parsed.has_value());
  CHECK(parsed->first == "all");
  CHECK(parsed->second == "atom");
  for (const char* path :
       {"/feeds/../../etc/passwd", "/feeds/%2e%2e%2fx.atom", "/feeds/a%00.rss", "/feeds/ALL.atom",
        "/feeds/all.exe", "/feeds/.atom", "/feeds/a/b.rss", "/feeds/all", "/other/all.atom"}) {
    CAPTURE(path);
    CHECK_FALSE(ParseOutputPath(path).has_value());
  }
}

TEST_CASE("response headers are kept verbatim and status lines recognised") {
  ResponseHeaders headers;
  AddHeaderLine(headers, "ETag: \"abc\"\r\n");
  AddHeaderLine(headers, "last-modified:  Tue, 15 Nov 1994 08:12:31 GMT \r\n");
  AddHeaderLine(headers, "Content-Type: text/xml; charset=\"ISO-8859-1\"\r\n");
  CHECK(headers.etag == "\"abc\"");
  CHECK(headers.last_modified == "Tue, 15 Nov 1994 08:12:31 GMT");
  CHECK(CharsetOf(*headers.content_type) == "ISO-8859-1");
  CHECK(IsStatusLine("HTTP/2 304\r\n"));
  CHECK(ParseStatusCode("HTTP/1.1 301 Moved Permanently\r\n") == 301);
  CHECK(ParseStatusCode("HTTP/1.1 abc") == 0);
}

TEST_CASE("gzip is offered only when accepted") {
  CHECK(AcceptsGzip("gzip, deflate, br"));
  CHECK(AcceptsGzip("*"));
  CHECK_FALSE(AcceptsGzip("gzip;q=0"));
  CHECK_FALSE(AcceptsGzip("br"));
  CHECK_FALSE(AcceptsGzip(""));
  const std::string text(10000, 'x');
  auto compressed = GzipCompress(text);
  REQUIRE(compressed.has_value());
  CHECK(compressed->size() < text.size());
  CHECK(static_cast<unsigned char>((*compressed)[0]) == 0x1f);
}

TEST_CASE("credentials in URLs are redacted") {
  CHECK(RedactUrl("https://user:secret@example.org/feed") == "https://***@example.org/feed");
  CHECK(RedactUrl("https://example.org/a@b") == "https://example.org/a@b");
  CHECK(RedactUrl("not a url") == "not a url");
}
