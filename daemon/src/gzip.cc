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

bool AcceptsGzip(std::string_view accept_encoding) {
  std::string lower(accept_encoding);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t start = 0;
  while (start < lower.size()) {
    auto end = lower.find(',', start);
    if (end == std::string::npos) end = lower.size();
    std::string item = lower.substr(start, end - start);
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    const auto semicolon = item.find(';');
    const std::string coding = item.substr(0, semicolon);
    if (coding == "gzip" || coding == "*") {
      const bool refused = semicolon != std::string::npos &&
                           (item.substr(semicolon) == ";q=0" || item.substr(semicolon) == ";q=0.0" ||
                            item.substr(semicolon) == ";q=0.00" || item.substr(semicolon) == ";q=0.000");
      return !refused;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace feedd::daemon
