// Parsing HTTP response header lines as libcurl hands them over, one line at a time.
// Pure functions over strings; the fetcher keeps one ResponseHeaders per response.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace feedd::daemon {

struct ResponseHeaders {
  long status = 0;
  std::size_t header_bytes = 0;
  std::size_t header_lines = 0;
  std::optional<std::string> location;
  std::optional<std::string> content_type;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> retry_after;
  std::optional<std::string> cache_control;
  std::optional<std::string> expires;
  std::optional<std::string> content_encoding;
};

// "HTTP/1.1 200 OK", "HTTP/2 304"
bool IsStatusLine(std::string_view line);
long ParseStatusCode(std::string_view line);

// Records the header if it is one the fetcher keeps; values are stored verbatim (trimmed).
void AddHeaderLine(ResponseHeaders& headers, std::string_view line);

// The charset parameter of a Content-Type ("text/xml; charset=ISO-8859-1" -> "ISO-8859-1").
std::string CharsetOf(std::string_view content_type);

}  // namespace feedd::daemon
