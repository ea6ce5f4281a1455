// URL helpers over libcurl's URL API (CURLU): resolution against a base, and the
// canonical form used to recognise one article behind differently decorated links.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::feeds {

// `reference` resolved against `base` (RFC 3986). An absolute reference is returned
// normalised; with an empty or unusable base a relative reference is returned unchanged.
// nullopt only when the result would not be a URL at all.
std::optional<std::string> ResolveUrl(std::string_view base, std::string_view reference);

// The scheme of `url` lower-cased ("https"), or "" when it has none.
std::string UrlScheme(std::string_view url);

// Removes tracking query parameters (utm_*, fbclid, gclid, mc_eid, yclid, ...).
// Returns the URL unchanged when it has none or cannot be parsed.
std::string StripTrackingParameters(std::string_view url);

// Canonical form for story matching: scheme and host lower-cased, default port and fragment
// dropped, tracking parameters removed. nullopt for a URL that is not absolute http(s).
std::optional<std::string> CanonicalUrl(std::string_view url);

}  // namespace feedd::feeds
