// parse and sanitize: exactly the daemon's feeds/ code on a local document.
#include "offline_commands.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "feedd/feeds/dates.h"
#include "feedd/feeds/parse.h"
#include "feedd/feeds/parsed_feed_json.h"
#include "feedd/feeds/sanitize.h"
#include "read_input.h"

namespace feedd::feedctl {

int RunParse(const ParseArgs& args) {
  auto bytes = ReadInput(args.input);
  if (!bytes) {
    std::cerr << "feedctl parse: " << bytes.error().message << '\n';
    return kExitIoError;
  }
  feeds::ParseOptions options;
  options.document_url = args.base_url;
  auto parsed = feeds::ParseFeed(*bytes, options);
  if (!parsed) {
    if (args.json) {
      std::cout << nlohmann::json{{"error", parsed.error().message}}.dump() << '\n';
    } else {
      std::cerr << "feedctl parse: " << parsed.error().message << '\n';
    }
    return kExitDataError;
  }
  if (args.json) {
    std::cout << feeds::ParsedFeedToJson(*parsed) << '\n';
    return kExitOk;
  }
  const feeds::Feed& feed = parsed->feed;
  std::cout << "format:  " << feeds::FormatName(feed.format) << '\n'
            << "title:   " << feed.title.value_or("") << '\n'
            << "link:    " << feed.link.value_or("") << '\n'
            << "entries: " << feed.entries.size() << '\n';
  for (const auto& entry : feed.entries) {
    const std::string when = entry.published ? feeds::FormatRfc3339(*entry.published)
                             : entry.updated ? feeds::FormatRfc3339(*entry.updated)
                                             : std::string(20, ' ');
    std::cout << "  " << when << "  " << entry.title.value_or("(untitled)") << '\n';
  }
  for (const auto& warning : parsed->warnings) std::cerr << "warning: " << warning << '\n';
  return kExitOk;
}

int RunSanitize(const SanitizeArgs& args) {
  auto html = ReadInput("-");
  if (!html) {
    std::cerr << "feedctl sanitize: " << html.error().message << '\n';
    return kExitIoError;
  }
  feeds::SanitizeOptions options;
  options.base_url = args.base_url;
  std::cout << feeds::SanitizeHtml(*html, options);
  return kExitOk;
}

}  // namespace feedd::feedctl
