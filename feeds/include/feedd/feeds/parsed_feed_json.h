// The parsed-feed JSON of spec/parsed-feed-json.md: the contract `feedctl parse --json`
// prints and the conformance kit reads. Every key is always present.
#pragma once

#include <string>

#include "feedd/feeds/parse.h"

namespace feedd::feeds {

std::string ParsedFeedToJson(const ParseResult& result, int indent = 2);
// One entry as a JSON object string (same field names), for APIs that add fields to it.
std::string EntryToJson(const Entry& entry);

}  // namespace feedd::feeds
