// Subscription URL checks.
#include "feed_url.h"

#include <doctest/doctest.h>

using feedd::daemon::PolitenessHost;
using feedd::daemon::ValidateFeedUrl;

TEST_CASE("http and https URLs with a host are accepted") {
  auto url = ValidateFeedUrl("  https://Example.org/feed.xml  ");
  REQUIRE(url.has_value());
  CHECK(*url == "https://example.org/feed.xml");
  CHECK(ValidateFeedUrl("http://127.0.0.1:8080/x").has_value());
}

TEST_CASE("other schemes and non-URLs are refused with a reason") {
  for (const char* text : {"file:///etc/passwd", "gopher://x/", "feed:https://x/", "javascript:x",
                           "example.org/feed", "", "http://"}) {
    CAPTURE(text);
    auto url = ValidateFeedUrl(text);
    CHECK_FALSE(url.has_value());
  }
  CHECK(ValidateFeedUrl("ftp://example.org/").error().message.find("only http and https") !=
        std::string::npos);
}

TEST_CASE("refusals never show credentials") {
  auto url = ValidateFeedUrl("ftp://user:secret@example.org/");
  REQUIRE_FALSE(url.has_value());
  CHECK(url.error().message.find("secret") == std::string::npos);
}

TEST_CASE("the politeness host is the URL's host, lower-cased, without port or userinfo") {
  CHECK(PolitenessHost("https://Blog.Example.ORG:8443/feed.xml") == "blog.example.org");
  CHECK(PolitenessHost("http://user:secret@example.com/x") == "example.com");
  CHECK(PolitenessHost("http://[::1]:8080/") == "[::1]");
  CHECK(PolitenessHost("not a url") == "");
}
