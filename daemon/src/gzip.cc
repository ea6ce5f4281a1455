// zlib's deflate with a gzip wrapper (windowBits 15 + 16).
#include "gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>

namespace feedd::daemon {

std::optional<std::string> GzipCompress(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return std::nullopt;
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  const auto produced = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "q=0", "q=0.", "q=0.000" (RFC 9110 section 12.4.2): the coding is refused.
bool IsZeroWeight(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    std::string_view parameter = Trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    const auto eq = parameter.find('=');
    if (eq == std::string_view::npos || !EqualsIgnoringCase(Trim(parameter.substr(0, eq)), "q")) {
      continue;
    }
    const std::string_view weight = Trim(parameter.substr(eq + 1));
    if (weight.empty() || weight[0] != '0') return false;
    if (weight.size() == 1) return true;
    if (weight[1] != '.' || weight.size() > 5) return false;
    return std::all_of(weight.begin() + 2, weight.end(), [](char c) { return c == '0'; });
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  // An explicit "gzip" entry decides; otherwise "*" does.
  std::optional<bool> wildcard;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    const bool refused =
        semicolon != std::string_view::npos && IsZeroWeight(item.substr(semicolon + 1));
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) {
      return !refused;
    }
    if (coding == "*") wildcard = !refused;
  }
  return wildcard.value_or(false);
}

}  // namespace feedd::daemon
