// libFuzzer target for URL resolution and canonicalisation (libcurl's URL API underneath).
// Input: "base\nreference". Invariants: no crash; a resolved URL resolves to itself again;
// canonicalising is idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feedd/feeds/url.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view a, std::string_view b) {
  std::fprintf(stderr, "invariant broken: %s\n  %.*s\n  %.*s\n", what, static_cast<int>(a.size()),
               a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view base = newline == std::string_view::npos ? "" : input.substr(0, newline);
  const std::string_view reference =
      newline == std::string_view::npos ? input : input.substr(newline + 1);

  const auto resolved = feedd::feeds::ResolveUrl(base, reference);
  (void)feedd::feeds::UrlScheme(reference);
  (void)feedd::feeds::StripTrackingParameters(reference);
  if (resolved && !feedd::feeds::UrlScheme(*resolved).empty()) {
    const auto again = feedd::feeds::ResolveUrl("", *resolved);
    if (!again) Fail("a resolved URL no longer resolves", *resolved, "");
  }
  if (const auto canonical = feedd::feeds::CanonicalUrl(reference)) {
    const auto twice = feedd::feeds::CanonicalUrl(*canonical);
    if (!twice || *twice != *canonical)
      Fail("CanonicalUrl not idempotent", *canonical, twice.value_or(""));
  }
  return 0;
}
