// Which URLs may appear in sanitised HTML, and in what form: scheme allowlist after the
// browser's own clean-up, resolution against the entry's base, tracking parameters removed,
// embeds rewritten to privacy-friendly players, and beacon recognition.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::feeds::sanitize {

// data: is refused everywhere, images included: no size bound, and no way for a reader to
// tell a data: image from a data: document behind a later re-serialisation.
enum class UrlUse {
  kLink,   // a href, cite: http, https, mailto
  kMedia,  // img/video/audio/source src, srcset, poster: http, https
};

// What a browser makes of an attribute value before it parses it as a URL: ASCII tab and
// newlines removed everywhere, leading and trailing C0 controls and spaces stripped.
std::string CleanUrlText(std::string_view raw);

// The scheme as a URL parser sees it (lower-case), "" for a relative reference.
std::string SchemeOf(std::string_view cleaned);

// The URL to write for `raw`, or nullopt when it must go. Relative references are resolved
// against `base` (kept relative when `base` is empty); tracking parameters are removed.
std::optional<std::string> SafeUrl(std::string_view raw, UrlUse use, std::string_view base);

// A srcset with each candidate passed through SafeUrl (kMedia) and invalid descriptors or
// candidates dropped; nullopt when no candidate is left.
std::optional<std::string> SafeSrcset(std::string_view raw, std::string_view base);

// For an iframe src on an allowed video host (YouTube, Vimeo, Dailymotion), the https
// embed URL on the privacy-friendly host (www.youtube-nocookie.com, player.vimeo.com with
// dnt=1, ...); nullopt for anything else.
std::optional<std::string> VideoEmbedUrl(std::string_view raw);

// True for a known tracking beacon or ad-server image (already resolved URL).
bool IsBeaconUrl(std::string_view url);

}  // namespace feedd::feeds::sanitize
