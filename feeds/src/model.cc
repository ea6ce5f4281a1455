// Names of the model's enumerations, as the parsed-feed JSON spells them.
#include "feedd/feeds/model.h"

namespace feedd::feeds {

std::string_view FormatName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss09x:
      return "rss0.9x";
    case FeedFormat::kRss10:
      return "rss1.0";
    case FeedFormat::kRss20:
      return "rss2.0";
    case FeedFormat::kAtom03:
      return "atom0.3";
    case FeedFormat::kAtom10:
      return "atom1.0";
    case FeedFormat::kJson10:
      return "json1.0";
    case FeedFormat::kJson11:
      return "json1.1";
    case FeedFormat::kUnknown:
      break;
  }
  return "";
}

}  // namespace feedd::feeds
