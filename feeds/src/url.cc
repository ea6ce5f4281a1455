// URL resolution and canonical forms over libcurl's URL API (CURLU), which follows RFC 3986
// and is the same parser the fetcher uses, so what we resolve is what we would fetch.
#include "feedd/feeds/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace feedd::feeds {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// Accept what browsers accept: spaces and non-ASCII are percent-encoded rather than refused,
// and a scheme we do not know is still a URL (mailto:, tag:).
constexpr unsigned kSetFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;

std::optional<std::string> GetPart(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
  CurlString owned(raw);
  return std::string(owned.get());
}

std::string Trim(std::string_view text) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

bool IsTrackingParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kExact = {
      "fbclid", "gclid",  "dclid", "gclsrc",  "msclkid",     "mc_eid",     "mc_cid",  "yclid",
      "igshid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid"};
  if (name.rfind("utm_", 0) == 0) return true;
  return std::find(kExact.begin(), kExact.end(), name) != kExact.end();
}

std::string LowerAscii(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// curl keeps the host's case; URLs compare better with it lowered (RFC 3986 6.2.2.1).
std::optional<std::string> WithLowerHost(CURLU* url) {
  if (auto host = GetPart(url, CURLUPART_HOST)) {
    if (std::any_of(host->begin(), host->end(),
                    [](unsigned char c) { return std::isupper(c) != 0; })) {
      curl_url_set(url, CURLUPART_HOST, LowerAscii(*host).c_str(), 0);
    }
  }
  return GetPart(url, CURLUPART_URL);
}

}  // namespace

std::optional<std::string> ResolveUrl(std::string_view base, std::string_view reference) {
  const std::string ref = Trim(reference);
  if (ref.empty()) return std::nullopt;
  CurlUrl url(curl_url());
  if (!url) return std::nullopt;
  const std::string trimmed_base = Trim(base);
  // A fragment-only reference is the base document itself (RFC 3986 5.2.2); libcurl 7.88
  // drops the base's last segment for it.
  if (ref.front() == '#' && !trimmed_base.empty() && trimmed_base.find(':') != std::string::npos) {
    if (auto resolved = ResolveUrl("", trimmed_base.substr(0, trimmed_base.find('#')))) {
      return *resolved + ref;
    }
  }
  if (!trimmed_base.empty() &&
      curl_url_set(url.get(), CURLUPART_URL, trimmed_base.c_str(), kSetFlags) == CURLUE_OK) {
    if (curl_url_set(url.get(), CURLUPART_URL, ref.c_str(), kSetFlags) != CURLUE_OK) {
      return ref;
    }
    return WithLowerHost(url.get());
  }
  // No usable base: an absolute reference is normalised, a relative one returned as is.
  if (curl_url_set(url.get(), CURLUPART_URL, ref.c_str(), kSetFlags) == CURLUE_OK) {
    if (auto full = WithLowerHost(url.get())) return full;
  }
  return ref;
}

std::string UrlScheme(std::string_view url) {
  const std::string text = Trim(url);
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  for (std::size_t i = 0; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool ok = std::isalpha(c) != 0 ||
                    (i > 0 && (std::isdigit(c) != 0 || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
  }
  return LowerAscii(text.substr(0, colon));
}

std::string StripTrackingParameters(std::string_view url_text) {
  const std::string text(url_text);
  const auto query_start = text.find('?');
  if (query_start == std::string::npos) return text;
  const auto fragment_start = text.find('#', query_start);
  const std::string query = text.substr(query_start + 1, fragment_start == std::string::npos
                                                             ? std::string::npos
                                                             : fragment_start - query_start - 1);
  std::string kept;
  bool removed_any = false;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find_first_of("&;", start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const std::string name = pair.substr(0, pair.find('='));
    if (!pair.empty() && IsTrackingParameter(LowerAscii(name))) {
      removed_any = true;
    } else if (!pair.empty()) {
      if (!kept.empty()) kept += '&';
      kept += pair;
    }
    start = end + 1;
  }
  if (!removed_any) return text;
  std::string result = text.substr(0, query_start);
  if (!kept.empty()) result += "?" + kept;
  if (fragment_start != std::string::npos) result += text.substr(fragment_start);
  return result;
}

std::optional<std::string> CanonicalUrl(std::string_view url_text) {
  const std::string scheme = UrlScheme(url_text);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  CurlUrl url(curl_url());
  const std::string stripped = StripTrackingParameters(Trim(url_text));
  if (!url || curl_url_set(url.get(), CURLUPART_URL, stripped.c_str(), kSetFlags) != CURLUE_OK) {
    return std::nullopt;
  }
  curl_url_set(url.get(), CURLUPART_FRAGMENT, nullptr, 0);
  auto host = GetPart(url.get(), CURLUPART_HOST);
  if (!host) return std::nullopt;
  curl_url_set(url.get(), CURLUPART_HOST, LowerAscii(*host).c_str(), 0);
  // GetPart without CURLU_DEFAULT_PORT omits a port equal to the scheme's default.
  auto port = GetPart(url.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
  if (!port) curl_url_set(url.get(), CURLUPART_PORT, nullptr, 0);
  return GetPart(url.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
}

}  // namespace feedd::feeds
