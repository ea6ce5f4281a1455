// libFuzzer target for the JSON Feed path: inputs are wrapped so most of them reach the JSON
// Feed reader; ParseFeed must not crash and its JSON output must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "feedd/feeds/parse.h"
#include "feedd/feeds/parsed_feed_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string document(reinterpret_cast<const char*>(data), size);
  // Half the inputs as they are (seeds are whole JSON feeds), half as the items of a feed.
  if (size > 0 && (data[0] & 1U) != 0) {
    document =
        R"({"version":"https://jsonfeed.org/version/1.1","items":[)" + document.substr(1) + "]}";
  }
  feedd::feeds::ParseOptions options;
  options.document_url = "https://example.test/feed.json";
  auto result = feedd::feeds::ParseFeed(document, options);
  if (!result) return 0;
  const std::string json = feedd::feeds::ParsedFeedToJson(*result, -1);
  if (!nlohmann::json::accept(json)) std::abort();
  return 0;
}
