// gzip compression of response bodies (zlib), for clients that send Accept-Encoding: gzip.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedd::daemon {

// The gzip member of `data`; nullopt if zlib fails (the caller then sends it uncompressed).
std::optional<std::string> GzipCompress(std::string_view data);

// True when an Accept-Encoding header value accepts gzip (and does not refuse it with q=0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace feedd::daemon
