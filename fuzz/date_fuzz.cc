// libFuzzer target for the date parser: any text either fails or gives an instant that
// formats as RFC 3339 / RFC 822 and reads back as the same instant.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feedd/feeds/dates.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto date = feedd::feeds::ParseDate(text);
  if (!date) return 0;
  const std::string rfc3339 = feedd::feeds::FormatRfc3339(*date);
  const auto again = feedd::feeds::ParseDate(rfc3339);
  if (!again || *again != *date) {
    std::fprintf(stderr, "RFC 3339 round trip broken: %s\n", rfc3339.c_str());
    std::abort();
  }
  (void)feedd::feeds::FormatRfc822(*date);
  (void)feedd::feeds::FormatHttpDate(*date);
  return 0;
}
