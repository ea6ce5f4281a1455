// Userinfo is found textually (scheme "://" up to the first '@' before the path), so even a
// URL that no parser accepts is redacted.
#include "redact.h"

namespace feedd::daemon {

std::string RedactUrl(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority_start = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  const std::string_view authority = url.substr(
      authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string redacted(url.substr(0, authority_start));
  redacted += "***@";
  redacted += url.substr(authority_start + at + 1);
  return redacted;
}

}  // namespace feedd::daemon
