// PLACEHOLDER until the parser lands.
#include "feedd/feeds/parse.h"
namespace feedd::feeds {
Result<ParseResult> ParseFeed(std::string_view, const ParseOptions&) { return Fail("parser not built yet"); }
}  // namespace feedd::feeds
