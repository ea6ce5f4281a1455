// libFuzzer target: ParseFeed on arbitrary bytes (XML path and everything before it) must not
// crash, hang or leak, and whatever it returns must print as valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "feedd/feeds/parse.h"
#include "feedd/feeds/parsed_feed_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  feedd::feeds::ParseOptions options;
  options.document_url = "https://example.test/feed.xml";
  auto result = feedd::feeds::ParseFeed(document, options);
  if (!result) return 0;
  const std::string json = feedd::feeds::ParsedFeedToJson(*result, -1);
  if (!nlohmann::json::accept(json)) std::abort();
  return 0;
}
