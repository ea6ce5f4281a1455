// The public listener's routes: merged outputs (/feeds/NAME.atom|.rss|.json|.html), their
// RFC 5005 archive pages (/feeds/NAME/archive/N.atom|.rss|.json), the HTML index (/), /healthz. GET
// and HEAD only, ETag/304, gzip. It never exposes the control API. Lives on the io thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "http_types.h"
#include "output_service.h"

namespace feedd::daemon {

class PublicApi {
 public:
  // `outputs` must outlive the API object.
  explicit PublicApi(OutputService& outputs) : outputs_(outputs) {}

  boost::asio::awaitable<HttpResponse> Handle(HttpRequest request);

 private:
  OutputService& outputs_;
};

// Splits "/feeds/all.atom" into {"all", "atom"}; nullopt unless the name is [a-z0-9_-]+ and
// the path has exactly that shape (so no encoding or traversal trick reaches a file name).
std::optional<std::pair<std::string, std::string>> ParseOutputPath(std::string_view path);

struct ArchivePath {
  std::string name;
  OutputFormat format = OutputFormat::kAtom;
  std::int64_t page = 0;
};
// "/feeds/all/archive/3.atom" -> {"all", kAtom, 3}; nullopt for any other shape (same name
// rules; a page number of at most 12 digits without leading zeros; no HTML archives).
std::optional<ArchivePath> ParseArchivePath(std::string_view path);

}  // namespace feedd::daemon
