// HtmlToText: plain text of HTML fragments for titles and search.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "feedd/feeds/sanitize.h"

using feedd::feeds::HtmlToText;

TEST_CASE("HtmlToText removes tags, decodes entities and collapses whitespace") {
  struct Case {
    std::string_view input;
    std::string_view expected;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {"<b>bold</b> and <i>italic</i>", "bold and italic"},
      {"Tom &amp; Jerry &lt;3 &eacute;t&eacute; &#8364;",
       "Tom & Jerry <3 \xc3\xa9t\xc3\xa9 \xe2\x82\xac"},
      {"  lots \n\t of   space  ", "lots of space"},
      {"a&nbsp;&nbsp;b", "a b"},
      {"<p>one</p><p>two</p>", "one two"},
      {"<h1>Title</h1>Body<br>next<li>item</li>", "Title Body next item"},
      {"<table><tr><td>a</td><td>b</td></tr></table>", "a b"},
      {"wo<b>rd</b>s", "words"},
      {"<script>alert(1)</script>after", "after"},
      {"<style>p{}</style>x<!-- comment -->y", "xy"},
      {"<img src=x alt=pic>text", "text"},
      {"", ""},
      {"<div><div></div></div>", ""},
      {"a&#x1F;b&#xFDD0;c", "abc"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(HtmlToText(c.input) == c.expected);
  }
}

TEST_CASE("HtmlToText survives deep nesting") {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep";
  CHECK(HtmlToText(html) == "deep");
}
