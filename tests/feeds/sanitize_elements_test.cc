// SanitizeHtml: element and attribute allowlist, per family, and nesting the HTML parser
// would restructure. Table-driven: input, expected output.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "feedd/feeds/sanitize.h"

namespace {

using feedd::feeds::SanitizeHtml;
using feedd::feeds::SanitizeOptions;

struct Case {
  std::string_view name;
  std::string_view input;
  std::string_view expected;
};

void Check(const Case& c) {
  CAPTURE(c.name);
  CAPTURE(c.input);
  const SanitizeOptions options{"https://example.org/dir/"};
  const std::string once = SanitizeHtml(c.input, options);
  CHECK(once == c.expected);
  CHECK(SanitizeHtml(once, options) == once);
}

}  // namespace

TEST_CASE("Text structure and phrasing elements are kept as written") {
  const Case cases[] = {
      {"paragraphs and headings", "<h2>Title</h2><p>One <b>two</b> <i>three</i></p>",
       "<h2>Title</h2><p>One <b>two</b> <i>three</i></p>"},
      {"lists", "<ul><li>a</li><li>b</li></ul><ol start=\"3\"><li>c</li></ol>",
       "<ul><li>a</li><li>b</li></ul><ol start=\"3\"><li>c</li></ol>"},
      {"definition list", "<dl><dt>t</dt><dd>d</dd></dl>", "<dl><dt>t</dt><dd>d</dd></dl>"},
      {"quote with cite", "<blockquote cite=\"/src\">q</blockquote>",
       "<blockquote cite=\"https://example.org/src\">q</blockquote>"},
      {"code block", "<pre><code>int x;</code></pre>", "<pre><code>int x;</code></pre>"},
      {"line breaks are void and self-closed", "a<br>b<hr>", "a<br/>b<hr/>"},
      {"figure", "<figure><img src=\"a.png\" alt=\"A\"><figcaption>Cap</figcaption></figure>",
       "<figure><img src=\"https://example.org/dir/a.png\" alt=\"A\" loading=\"lazy\"/>"
       "<figcaption>Cap</figcaption></figure>"},
      {"table with implied tbody",
       "<table><tr><th>h</th></tr><tr><td colspan=2>c</td></tr></table>",
       "<table><tbody><tr><th>h</th></tr><tr><td colspan=\"2\">c</td></tr></tbody></table>"},
      {"details", "<details open><summary>s</summary>x</details>",
       "<details open=\"\"><summary>s</summary>x</details>"},
      {"global attributes title lang dir", "<p title=\"t\" lang=\"en\" dir=\"rtl\">x</p>",
       "<p title=\"t\" lang=\"en\" dir=\"rtl\">x</p>"},
  };
  for (const auto& c : cases) Check(c);
}

TEST_CASE("Sectioning elements become div and unknown or presentational tags unwrap") {
  const Case cases[] = {
      {"article and section", "<article><section>x</section></article>", "<div><div>x</div></div>"},
      {"font and span unwrap", "<p><font color=red>a</font><span class=c>b</span></p>",
       "<p>ab</p>"},
      {"custom element unwraps", "<my-widget>text</my-widget>", "text"},
      {"form and label unwrap, controls go",
       "<form action=\"/x\"><label>Name <input name=n></label><button>Go</button></form>", "Name "},
  };
  for (const auto& c : cases) Check(c);
}

TEST_CASE("Script-like, embedding and foreign elements are dropped with their content") {
  const Case cases[] = {
      {"script", "a<script>alert(1)</script>b", "ab"},
      {"style", "<style>p{color:red}</style>x", "x"},
      {"noscript", "<noscript><p>n</p></noscript>x", "x"},
      {"template", "<template><p>t</p></template>x", "x"},
      {"object and embed", "<object data=\"x.swf\"><embed src=\"x.swf\">o</object>x", "x"},
      {"iframe off the allowlist", "<iframe src=\"https://evil.example/\"></iframe>x", "x"},
      {"svg", "<svg><script>alert(1)</script><text>t</text></svg>x", "x"},
      {"math", "<math><mi>x</mi></math>y", "y"},
      {"meta link base", "<meta http-equiv=refresh><link rel=stylesheet><base href=/>x", "x"},
      {"textarea and select", "<textarea>t</textarea><select><option>o</select>x", "x"},
      {"comments", "a<!-- hidden -->b", "ab"},
  };
  for (const auto& c : cases) Check(c);
}

TEST_CASE("Attributes outside the allowlist are dropped") {
  const Case cases[] = {
      {"event handlers", "<p onclick=\"x()\" onmouseover=y>t</p>", "<p>t</p>"},
      {"style attribute", "<p style=\"color:red\">t</p>", "<p>t</p>"},
      {"id and name cannot clobber", "<p id=\"cookie\"><a name=\"location\" href=\"/a\">t</a></p>",
       "<p><a href=\"https://example.org/a\" rel=\"noopener noreferrer\">t</a></p>"},
      {"class goes", "<p class=\"lead\">t</p>", "<p>t</p>"},
      {"target goes and rel is set",
       "<a href=\"https://a.example/\" target=\"_blank\" rel=\"x\">t</a>",
       "<a href=\"https://a.example/\" rel=\"noopener noreferrer\">t</a>"},
      {"numbers only in sizes", "<img src=\"/i.png\" width=\"100px\" height=\"x\">",
       "<img src=\"https://example.org/i.png\" width=\"100\" loading=\"lazy\"/>"},
      {"bad dir value", "<p dir=\"sideways\">t</p>", "<p>t</p>"},
      {"anchor without href unwraps", "<a name=\"top\">t</a>", "t"},
      {"image without usable src goes", "<img src=\"javascript:x\" alt=\"a\">t", "t"},
  };
  for (const auto& c : cases) Check(c);
}

TEST_CASE("Nesting the parser would restructure is flattened") {
  const Case cases[] = {
      {"div inside a paragraph via an unwrapped scope element",
       "<p><marquee><div>x</div></marquee></p>", "<p>x</p>"},
      {"a div closes the paragraph already in the parser", "<p><font><div>x</div></font></p>",
       "<div>x</div>"},
      {"heading inside a heading", "<h1><font><h2>x</h2></font></h1>", "<h1>x</h1>"},
      {"list item inside a list item through an unwrapped element",
       "<ul><li><marquee><li>x</li></marquee></li></ul>", "<ul><li>x</li></ul>"},
      {"nested list stays", "<ul><li>a<ul><li>b</li></ul></li></ul>",
       "<ul><li>a<ul><li>b</li></ul></li></ul>"},
      {"table cell outside a row unwraps", "<div><td>x</td></div>", "<div>x</div>"},
      {"text directly in a table is dropped", "<table>stray<tr><td>c</td></tr></table>",
       "stray<table><tbody><tr><td>c</td></tr></tbody></table>"},
      {"misnested formatting is repaired by the parser", "<b><i>x</b>y</i>",
       "<b><i>x</i></b><i>y</i>"},
      {"unclosed paragraphs", "<p>one<p>two", "<p>one</p><p>two</p>"},
      {"empty elements left by removals disappear",
       "<p><a href=\"/x\"><img src=\"/p.gif\" width=1 height=1></a></p>", ""},
      {"pre keeps its leading newline", "<pre>\n\nx</pre>", "<pre>\n\nx</pre>"},
  };
  for (const auto& c : cases) Check(c);
}
