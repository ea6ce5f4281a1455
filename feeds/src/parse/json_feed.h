// JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) into the model.
#pragma once

#include <string>
#include <string_view>

#include "feedd/feeds/parse.h"

namespace feedd::feeds::parse {

// True when the document starts (after a BOM and whitespace) with '{' or '['.
bool LooksLikeJson(std::string_view document);

// Reads a JSON Feed. Returns false when the document is no JSON Feed; `error` says why.
// Entries go to `*sink` when it is given, else to result.feed.entries.
bool ReadJsonFeed(std::string_view utf8, const ParseOptions& options, const EntrySink* sink,
                  ParseResult& result, std::string& error);

}  // namespace feedd::feeds::parse
