// URL rules of the sanitiser. Scheme checks happen on the cleaned text (what the browser
// will parse) and again on the resolved result, so an obfuscation that survives one step
// is caught by the other.
#include "sanitize/url_policy.h"

#include <algorithm>
#include <array>
#include <vector>

#include "feedd/feeds/url.h"
#include "sanitize/html_writer.h"

namespace feedd::feeds::sanitize {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-'; }
bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool SchemeAllowed(std::string_view scheme, UrlUse use) {
  return scheme == "http" || scheme == "https" || (use == UrlUse::kLink && scheme == "mailto");
}

struct HttpParts {
  std::string scheme;
  std::string host;  // lower-case
  std::string path;
  std::string query;  // without '?'
};

// Splits an absolute http(s) URL; nullopt for userinfo, a non-default port or anything odd.
std::optional<HttpParts> SplitHttpUrl(std::string_view url) {
  HttpParts parts;
  parts.scheme = SchemeOf(url);
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(parts.scheme.size() + 1);
  if (rest.substr(0, 2) != "//") return std::nullopt;
  rest.remove_prefix(2);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    if (!port.empty() && port != "443" && port != "80") return std::nullopt;
    authority = authority.substr(0, colon);
  }
  parts.host = Lower(authority);
  const auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  const auto question = rest.find('?');
  parts.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) parts.query = std::string(rest.substr(question + 1));
  return parts;
}

// The value of `name` in a query string, or "".
std::string QueryValue(std::string_view query, std::string_view name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return "";
}

bool IsVideoId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), IsIdChar);
}

bool IsDigits(std::string_view text) {
  return !text.empty() && text.size() <= 9 && std::all_of(text.begin(), text.end(), IsDigit);
}

bool HostIs(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

// A srcset descriptor: "2x", "1.5x", "640w", "480h".
bool IsDescriptor(std::string_view text) {
  if (text.size() < 2) return false;
  const char unit = text.back();
  if (unit != 'x' && unit != 'w' && unit != 'h') return false;
  const std::string_view number = text.substr(0, text.size() - 1);
  bool dot = false;
  for (char c : number) {
    if (c == '.' && !dot && unit == 'x') {
      dot = true;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  return IsDigit(number.front()) && number.size() <= 8;
}

// Non-ASCII bytes, spaces and controls percent-encoded, as a URL parser would; keeps a
// relative reference that starts with, say, U+2028 from looking like a scheme to anyone.
std::string PercentEncodeUnsafe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0fU];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string CleanUrlText(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  auto is_strip = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  const auto first = std::find_if_not(out.begin(), out.end(), is_strip);
  const auto last = std::find_if_not(out.rbegin(), out.rend(), is_strip).base();
  return first < last ? std::string(first, last) : std::string();
}

std::string SchemeOf(std::string_view cleaned) {
  if (cleaned.empty() || !IsAlpha(cleaned.front())) return "";
  for (std::size_t i = 1; i < cleaned.size(); ++i) {
    const char c = cleaned[i];
    if (c == ':') return Lower(cleaned.substr(0, i));
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return "";
  }
  return "";
}

namespace {

std::optional<std::string> SafeUrlOnce(std::string_view raw, UrlUse use, std::string_view base) {
  std::string cleaned = CleanUrlText(raw);
  if (cleaned.empty()) return std::nullopt;
  const std::string scheme = SchemeOf(cleaned);
  if (!scheme.empty() && !SchemeAllowed(scheme, use)) return std::nullopt;
  if (scheme == "mailto") return cleaned;
  // Browsers read '\' as '/' in http(s) URLs ("/\evil.example" is host-relative there).
  std::replace(cleaned.begin(), cleaned.end(), '\\', '/');
  std::string url;
  if (!scheme.empty() || !base.empty()) {
    // An absolute reference ignores the base (RFC 3986 5.2.2): skip parsing the base.
    auto resolved = ResolveUrl(scheme.empty() ? base : std::string_view(), cleaned);
    if (!resolved) return std::nullopt;
    url = std::move(*resolved);
  } else {
    url = cleaned;
  }
  if (SchemeOf(url).empty()) url = PercentEncodeUnsafe(url);
  url = StripTrackingParameters(url);
  const std::string final_scheme = SchemeOf(url);
  if (!final_scheme.empty() && !SchemeAllowed(final_scheme, use)) return std::nullopt;
  if (final_scheme.empty() && !scheme.empty()) return std::nullopt;
  // What we write must be what the browser reads.
  if (url.empty() || CleanUrlText(url) != url) return std::nullopt;
  // Nor bytes the writer would filter: a host's "%ec" comes back from curl as a raw byte,
  // which is not UTF-8 (sanitize_fuzz: the second pass made it U+FFFD, not idempotent).
  if (FilterCharacters(url) != url) return std::nullopt;
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return std::nullopt;
  }
  return url;
}

}  // namespace

std::optional<std::string> SafeUrl(std::string_view raw, UrlUse use, std::string_view base) {
  // URL normalisation is not always a fixed point at once (an empty fragment "x#" loses its
  // '#' only on the second round), and the sanitiser must be: settle it here.
  auto once = SafeUrlOnce(raw, use, base);
  // Already in normal form (most absolute URLs): SafeUrlOnce(once) would give `once` again.
  if (once && *once == raw) return once;
  for (int round = 0; once && round < 3; ++round) {
    auto again = SafeUrlOnce(*once, use, base);
    if (again == once) return once;
    once = std::move(again);
  }
  return std::nullopt;
}

std::optional<std::string> SafeSrcset(std::string_view raw, std::string_view base) {
  std::vector<std::string> kept;
  std::size_t i = 0;
  while (i < raw.size()) {
    while (i < raw.size() && (IsHtmlSpace(raw[i]) || raw[i] == ',')) ++i;
    if (i >= raw.size()) break;
    std::size_t url_end = i;
    while (url_end < raw.size() && !IsHtmlSpace(raw[url_end])) ++url_end;
    std::string_view url = raw.substr(i, url_end - i);
    std::string descriptor;
    i = url_end;
    if (!url.empty() && url.back() == ',') {
      while (!url.empty() && url.back() == ',') url.remove_suffix(1);
    } else {
      int parens = 0;
      while (i < raw.size() && (raw[i] != ',' || parens > 0)) {
        if (raw[i] == '(') ++parens;
        if (raw[i] == ')' && parens > 0) --parens;
        descriptor += raw[i];
        ++i;
      }
    }
    // Collapse the descriptor to single tokens; keep the candidate only if all are valid.
    std::string tokens;
    bool valid = true;
    std::size_t d = 0;
    while (d < descriptor.size()) {
      while (d < descriptor.size() && IsHtmlSpace(descriptor[d])) ++d;
      std::size_t e = d;
      while (e < descriptor.size() && !IsHtmlSpace(descriptor[e])) ++e;
      if (e > d) {
        const std::string_view token = std::string_view(descriptor).substr(d, e - d);
        valid = valid && IsDescriptor(token);
        tokens += ' ';
        tokens += token;
      }
      d = e;
    }
    if (!valid) continue;
    auto safe = SafeUrl(url, UrlUse::kMedia, base);
    if (!safe || safe->back() == ',' || safe->front() == ',' ||
        std::any_of(safe->begin(), safe->end(), IsHtmlSpace)) {
      continue;
    }
    kept.push_back(*safe + tokens);
  }
  if (kept.empty()) return std::nullopt;
  std::string out;
  for (const auto& candidate : kept) {
    if (!out.empty()) out += ", ";
    out += candidate;
  }
  return out;
}

std::optional<std::string> VideoEmbedUrl(std::string_view raw) {
  std::string cleaned = CleanUrlText(raw);
  if (cleaned.substr(0, 2) == "//") cleaned = "https:" + cleaned;
  if (cleaned.find('\\') != std::string::npos) return std::nullopt;
  const auto parts = SplitHttpUrl(cleaned);
  if (!parts) return std::nullopt;
  const std::string& host = parts->host;
  const std::string_view path = parts->path;
  auto id_after = [&](std::string_view prefix) -> std::string {
    if (path.substr(0, prefix.size()) != prefix) return "";
    std::string_view id = path.substr(prefix.size());
    if (!id.empty() && id.back() == '/') id.remove_suffix(1);
    return IsVideoId(id) ? std::string(id) : std::string();
  };
  if (host == "youtube.com" || host == "www.youtube.com" || host == "m.youtube.com" ||
      host == "youtube-nocookie.com" || host == "www.youtube-nocookie.com") {
    const std::string id = id_after("/embed/");
    if (id.empty()) return std::nullopt;
    std::string url = "https://www.youtube-nocookie.com/embed/" + id;
    const std::string start = QueryValue(parts->query, "start");
    if (IsDigits(start)) url += "?start=" + start;
    return url;
  }
  if (host == "player.vimeo.com") {
    const std::string id = id_after("/video/");
    if (!IsDigits(id)) return std::nullopt;
    return "https://player.vimeo.com/video/" + id + "?dnt=1";
  }
  if (host == "www.dailymotion.com" || host == "dailymotion.com") {
    const std::string id = id_after("/embed/video/");
    if (id.empty()) return std::nullopt;
    return "https://www.dailymotion.com/embed/video/" + id;
  }
  if (host == "geo.dailymotion.com" && path == "/player.html") {
    const std::string id = QueryValue(parts->query, "video");
    if (!IsVideoId(id)) return std::nullopt;
    return "https://geo.dailymotion.com/player.html?video=" + id;
  }
  return std::nullopt;
}

bool IsBeaconUrl(std::string_view url) {
  const auto parts = SplitHttpUrl(url);
  if (!parts) return false;
  // Hosts that serve only beacons or ads.
  static constexpr std::array<std::string_view, 24> kHosts = {"pixel.wp.com",
                                                              "stats.wp.com",
                                                              "stats.wordpress.com",
                                                              "google-analytics.com",
                                                              "pixel.quantserve.com",
                                                              "scorecardresearch.com",
                                                              "pi.feedsportal.com",
                                                              "da.feedsportal.com",
                                                              "bat.bing.com",
                                                              "px.ads.linkedin.com",
                                                              "analytics.twitter.com",
                                                              "certify.alexametrics.com",
                                                              "imp.pxf.io",
                                                              "doubleclick.net",
                                                              "googlesyndication.com",
                                                              "googleadservices.com",
                                                              "api.mixpanel.com",
                                                              "ct.pinterest.com",
                                                              "sp.analytics.yahoo.com",
                                                              "pixel.mathtag.com",
                                                              "a.impactradius-go.com",
                                                              "adservice.google.com",
                                                              "amazon-adsystem.com",
                                                              "ads.pinterest.com"};
  for (std::string_view domain : kHosts) {
    if (HostIs(parts->host, domain)) return true;
  }
  const std::string path = Lower(parts->path);
  // Feedburner / FeedBlitz per-item beacons, Facebook's pixel, Medium's stat pixel.
  if (HostIs(parts->host, "feedburner.com") && path.find("/~4/") != std::string::npos) return true;
  if (HostIs(parts->host, "feedblitz.com") && path.find("/~/i/") != std::string::npos) return true;
  if (HostIs(parts->host, "facebook.com") && path == "/tr") return true;
  if (HostIs(parts->host, "medium.com") && path.rfind("/_/stat", 0) == 0) return true;
  return false;
}

}  // namespace feedd::feeds::sanitize
