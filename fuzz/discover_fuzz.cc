// libFuzzer target for feed discovery in HTML pages: no crash, hang or leak, and every
// discovered URL is absolute (the page URL is absolute) with a known feed type.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "feedd/feeds/discover.h"
#include "feedd/feeds/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  (void)feedd::feeds::LooksLikeHtml(html);
  const auto feeds = feedd::feeds::DiscoverFeedLinks(html, "https://blog.example/posts/");
  for (const auto& feed : feeds) {
    const std::string scheme = feedd::feeds::UrlScheme(feed.url);
    if (scheme != "http" && scheme != "https") {
      std::fprintf(stderr, "discovered a non-http(s) URL: %s\n", feed.url.c_str());
      std::abort();
    }
    if (feed.type.empty()) std::abort();
  }
  return 0;
}
