// URL resolution and canonical forms (feeds/src/url.cc over libcurl's URL API).
#include "feedd/feeds/url.h"

#include <doctest/doctest.h>

#include <string>

namespace feedd::feeds {
namespace {

TEST_CASE("References resolve against a base as RFC 3986 says") {
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"https://x.org/p", "https://x.org/p"},
  };
  for (const auto& [reference, expected] : cases) {
    const std::string ref = reference;
    CAPTURE(ref);
    CHECK(ResolveUrl("http://a/b/c/d;p?q", reference).value_or("nullopt") == std::string(expected));
  }
}

TEST_CASE("Without a base a relative reference is kept and an absolute one normalised") {
  CHECK(ResolveUrl("", "/relative/path") == "/relative/path");
  CHECK(ResolveUrl("", "HTTP://Example.ORG") == "http://example.org/");
  CHECK_FALSE(ResolveUrl("https://e.org/", "   ").has_value());
}

TEST_CASE("Spaces and non-ASCII in links are percent-encoded") {
  CHECK(ResolveUrl("https://e.org/", "a b.html") == "https://e.org/a%20b.html");
}

TEST_CASE("Schemes, tracking parameters and canonical URLs") {
  CHECK(UrlScheme("HTTPS://e.org") == "https");
  CHECK(UrlScheme("/path") == "");
  CHECK(StripTrackingParameters("https://e.org/p?utm_source=x&id=3&fbclid=y#f") ==
        "https://e.org/p?id=3#f");
  CHECK(StripTrackingParameters("https://e.org/p?id=3") == "https://e.org/p?id=3");
  CHECK(CanonicalUrl("HTTPS://WWW.E.org:443/p?utm_medium=rss#top") == "https://www.e.org/p");
  CHECK_FALSE(CanonicalUrl("mailto:a@b.c").has_value());
}

}  // namespace
}  // namespace feedd::feeds
