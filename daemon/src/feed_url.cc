// Subscription URL checks with libcurl's URL parser, the same one the fetcher uses, so what
// we accept is exactly what we will fetch.
#include "feed_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "redact.h"

namespace feedd::daemon {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct TextDeleter {
  void operator()(char* text) const { curl_free(text); }
};

}  // namespace

Result<std::string> ValidateFeedUrl(std::string_view url_text) {
  std::string text(url_text);
  text.erase(0, text.find_first_not_of(" \t\r\n"));
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  const std::string shown = RedactUrl(text);
  if (text.empty()) return Fail("empty URL");
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) return Fail("out of memory");
  const auto code = curl_url_set(url.get(), CURLUPART_URL, text.c_str(),
                                 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE);
  if (code != CURLUE_OK) {
    return Fail(shown + ": not a valid absolute URL (" + curl_url_strerror(code) + ")");
  }
  char* raw = nullptr;
  curl_url_get(url.get(), CURLUPART_SCHEME, &raw, 0);
  std::unique_ptr<char, TextDeleter> scheme(raw);
  std::string scheme_text = scheme ? scheme.get() : "";
  std::transform(scheme_text.begin(), scheme_text.end(), scheme_text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme_text != "http" && scheme_text != "https") {
    return Fail(shown + ": only http and https feeds are fetched");
  }
  raw = nullptr;
  if (curl_url_get(url.get(), CURLUPART_HOST, &raw, 0) != CURLUE_OK || raw == nullptr) {
    return Fail(shown + ": no host");
  }
  std::unique_ptr<char, TextDeleter> host(raw);
  // Host names are case-insensitive: one spelling, so one feed is subscribed once.
  std::string lower_host = host.get();
  std::transform(lower_host.begin(), lower_host.end(), lower_host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  curl_url_set(url.get(), CURLUPART_HOST, lower_host.c_str(), 0);
  raw = nullptr;
  curl_url_get(url.get(), CURLUPART_URL, &raw, 0);
  std::unique_ptr<char, TextDeleter> normalised(raw);
  if (!normalised) return Fail(shown + ": not a valid URL");
  return std::string(normalised.get());
}

std::string PolitenessHost(std::string_view url) {
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
  std::string host;
  const std::string text(url);
  if (handle && curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) == CURLUE_OK) {
    char* part = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_HOST, &part, 0) == CURLUE_OK && part != nullptr) {
      host = part;
      curl_free(part);
    }
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

}  // namespace feedd::daemon
