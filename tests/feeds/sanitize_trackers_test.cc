// SanitizeHtml: what goes although its tag is allowed: tracking pixels, beacons, ad slots,
// hidden elements.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "feedd/feeds/sanitize.h"

namespace {

using feedd::feeds::SanitizeHtml;
using feedd::feeds::SanitizeOptions;

// Sanitises and checks that doing it again changes nothing.
std::string Clean(std::string_view html) {
  const SanitizeOptions options{"https://example.org/"};
  std::string out = SanitizeHtml(html, options);
  CHECK(SanitizeHtml(out, options) == out);
  return out;
}

}  // namespace

TEST_CASE("Tracking pixels are removed") {
  const std::string_view images[] = {
      "<img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\">",
      "<img src=\"https://t.example/p.gif\" width=\"0\" height=\"0\">",
      "<img src=\"https://t.example/p.gif\" height=\"0\">",
      "<img src=\"https://t.example/p.gif\" width=\"1px\" height=\"1px\">",
      "<img src=\"https://t.example/p.gif\" style=\"width:1px;height:1px\">",
      "<img src=\"https://t.example/p.gif\" style=\"display: none\">",
      "<img src=\"https://t.example/p.gif\" style=\"position:absolute;visibility:hidden;\">",
      "<img src=\"https://t.example/p.gif\" hidden>",
      "<img src=\"https://feeds.feedburner.com/~r/Blog/~4/abcdef\">",
      "<img src=\"https://pixel.wp.com/b.gif?v=1\">",
      "<img src=\"https://www.google-analytics.com/collect?v=1\">",
      "<img src=\"https://imp.pxf.io/i/5597632/1922358/21553\">",
      "<img src=\"https://www.facebook.com/tr?id=1\">",
  };
  for (std::string_view image : images) {
    CAPTURE(image);
    CHECK(Clean(std::string("a") + std::string(image) + "b") == "ab");
  }
}

TEST_CASE("Small and large content images are kept") {
  CHECK(Clean("<img src=\"/icon.png\" width=\"16\" height=\"16\">") ==
        "<img src=\"https://example.org/icon.png\" width=\"16\" height=\"16\" loading=\"lazy\"/>");
  CHECK(Clean("<img src=\"/wide.png\" width=\"1\" height=\"400\">") ==
        "<img src=\"https://example.org/wide.png\" width=\"1\" height=\"400\" loading=\"lazy\"/>");
}

TEST_CASE("Ad slots are removed with their content and legit classes are not") {
  CHECK(Clean("<p>a</p><ins class=\"adsbygoogle\" data-ad-client=\"ca-pub-1\"></ins><p>b</p>") ==
        "<p>a</p><p>b</p>");
  CHECK(Clean("<div class=\"ad-slot top\"><p>Buy</p></div>x") == "x");
  CHECK(Clean("<div id=\"div-gpt-ad-123\">Buy</div>x") == "x");
  CHECK(Clean("<div class=\"advertisement\">Buy</div>x") == "x");
  CHECK(Clean("<aside class=\"sidebar ad\">Buy</aside>x") == "x");
  CHECK(Clean("<div data-ad-slot=\"1\">Buy</div>x") == "x");
  CHECK(Clean("<amp-ad type=\"x\">Buy</amp-ad>x") == "x");
  // Words that merely contain "ad" are content.
  CHECK(Clean("<div class=\"header download shadow add-to-cart\">keep</div>") == "<div>keep</div>");
  CHECK(Clean("<p><ins datetime=\"2024-01-01\">added</ins></p>") ==
        "<p><ins datetime=\"2024-01-01\">added</ins></p>");
}

TEST_CASE("Hidden elements are removed since readers would show them") {
  CHECK(Clean("<div hidden>secret</div>x") == "x");
  CHECK(Clean("<span style=\"display:none\">secret</span>x") == "x");
  CHECK(Clean("<p style=\"color: red\">shown</p>") == "<p>shown</p>");
}
