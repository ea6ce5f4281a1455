// Header-line parsing for the fetcher. Header names are case-insensitive (RFC 9110).
#include "http_header_parse.h"

#include <algorithm>
#include <cctype>

namespace feedd::daemon {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool IsStatusLine(std::string_view line) { return line.rfind("HTTP/", 0) == 0; }

long ParseStatusCode(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  long code = 0;
  int digits = 0;
  for (std::size_t i = space + 1; i < line.size() && digits < 3; ++i, ++digits) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return 0;
    code = code * 10 + (line[i] - '0');
  }
  return digits == 3 ? code : 0;
}

void AddHeaderLine(ResponseHeaders& headers, std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string_view name = Trim(line.substr(0, colon));
  const std::string value(Trim(line.substr(colon + 1)));
  if (EqualsNoCase(name, "location")) {
    headers.location = value;
  } else if (EqualsNoCase(name, "content-type")) {
    headers.content_type = value;
  } else if (EqualsNoCase(name, "etag")) {
    headers.etag = value;
  } else if (EqualsNoCase(name, "last-modified")) {
    headers.last_modified = value;
  } else if (EqualsNoCase(name, "retry-after")) {
    headers.retry_after = value;
  } else if (EqualsNoCase(name, "cache-control")) {
    headers.cache_control = value;
  } else if (EqualsNoCase(name, "expires")) {
    headers.expires = value;
  } else if (EqualsNoCase(name, "content-encoding")) {
    // Repeated fields are one list (RFC 9110 5.3): "gzip" twice is a chain of two.
    headers.content_encoding =
        headers.content_encoding ? *headers.content_encoding + ", " + value : value;
  }
}

std::string CharsetOf(std::string_view content_type) {
  std::string lower(content_type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = lower.find("charset=");
  if (at == std::string::npos) return "";
  std::string_view value = std::string_view(content_type).substr(at + 8);
  value = value.substr(0, value.find(';'));
  value = Trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

}  // namespace feedd::daemon
