// Public routes. Conditional requests compare the representation's strong ETag; the gzip
// variant has its own ETag, as RFC 9110 requires of strong validators. Outputs are served from
// the rendering cache as they are: this path allocates no body and formats no header.
#include "public_api.h"

#include <algorithm>
#include <memory>

#include "gzip.h"
#include "json_views.h"

namespace feedd::daemon {
namespace {

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// True when an If-None-Match value lists `etag` (or is "*").
bool MatchesEtag(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  std::size_t start = 0;
  while (start < if_none_match.size()) {
    auto end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view candidate = if_none_match.substr(start, end - start);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.rfind("W/", 0) == 0) candidate.remove_prefix(2);
    if (candidate == etag) return true;
    start = end + 1;
  }
  return false;
}

// The cached rendering as a response: the representation the client accepts, its prepared
// header lines, and its bytes shared with the cache (the aliasing pointers keep the whole
// rendering alive until the response is written). No copy, no formatting.
HttpResponse Represent(const HttpRequest& request,
                       const std::shared_ptr<const RenderedOutput>& rendered) {
  const bool gzip = rendered->gzip && AcceptsGzip(request.Header("Accept-Encoding"));
  const Representation& chosen = gzip ? *rendered->gzip : rendered->identity;
  HttpResponse response;
  response.content_type.clear();  // in the prepared lines
  const std::string if_none_match = request.Header("If-None-Match");
  if (MatchesEtag(if_none_match, chosen.etag) ||
      (if_none_match.empty() && !rendered->last_modified.empty() &&
       request.Header("If-Modified-Since") == rendered->last_modified)) {
    response.status = 304;
    response.header_lines =
        std::shared_ptr<const std::string>(rendered, &chosen.not_modified_headers);
    return response;
  }
  response.header_lines = std::shared_ptr<const std::string>(rendered, &chosen.ok_headers);
  response.shared_body = std::shared_ptr<const std::string>(rendered, &chosen.body);
  response.head_only = request.method == "HEAD";
  return response;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> ParseOutputPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/feeds/";
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::string_view file = path.substr(kPrefix.size());
  const auto dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view name = file.substr(0, dot);
  const std::string_view extension = file.substr(dot + 1);
  if (name.size() > 64 || !std::all_of(name.begin(), name.end(), IsNameChar)) return std::nullopt;
  if (!OutputFormatFromExtension(extension)) return std::nullopt;
  return std::pair{std::string(name), std::string(extension)};
}

std::optional<ArchivePath> ParseArchivePath(std::string_view path) {
  // "/feeds/NAME/archive/N.EXT": NAME as in ParseOutputPath, N decimal without leading zeros.
  constexpr std::string_view kPrefix = "/feeds/";
  constexpr std::string_view kMiddle = "/archive/";
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::string_view rest = path.substr(kPrefix.size());
  const auto middle = rest.find(kMiddle);
  if (middle == std::string_view::npos || middle == 0 || middle > 64) return std::nullopt;
  const std::string_view name = rest.substr(0, middle);
  if (!std::all_of(name.begin(), name.end(), IsNameChar)) return std::nullopt;
  const std::string_view file = rest.substr(middle + kMiddle.size());
  const auto dot = file.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12) return std::nullopt;
  const std::string_view number = file.substr(0, dot);
  if (number.size() > 1 && number[0] == '0') return std::nullopt;
  std::int64_t page = 0;
  for (const char c : number) {
    if (c < '0' || c > '9') return std::nullopt;
    page = page * 10 + (c - '0');
  }
  const auto format = OutputFormatFromExtension(file.substr(dot + 1));
  if (!format || *format == OutputFormat::kHtml) return std::nullopt;
  return ArchivePath{std::string(name), *format, page};
}

boost::asio::awaitable<HttpResponse> PublicApi::Handle(HttpRequest request) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse refused = TextResponse(405, "only GET and HEAD are allowed here\n");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    co_return refused;
  }
  const std::string path = PathOf(request.target);
  HttpResponse response;
  if (path == "/healthz") {
    response = TextResponse(200, "ok\n");
    response.headers.emplace_back("Cache-Control", "no-store");
  } else if (path == "/" || path == "/index.html") {
    response = Represent(request, outputs_.Index());
  } else if (auto archive = ParseArchivePath(path)) {
    auto rendered = co_await outputs_.GetArchive(archive->name, archive->format, archive->page);
    response = rendered ? Represent(request, rendered) : TextResponse(404, "no such archive\n");
  } else if (auto output = ParseOutputPath(path)) {
    auto rendered =
        co_await outputs_.Get(output->first, *OutputFormatFromExtension(output->second));
    if (!rendered) {
      response = TextResponse(404, "no such output\n");
    } else {
      response = Represent(request, rendered);
    }
  } else {
    response = TextResponse(404, "not found\n");
  }
  if (request.method == "HEAD") response.head_only = true;
  co_return response;
}

}  // namespace feedd::daemon
