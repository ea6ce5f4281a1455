// Checks on single config values (listen addresses, URLs, output names, CIDR ranges, log
// levels). Pure functions over text, shared by the key table's setters.
#pragma once

#include <string_view>

namespace feedd::config::internal {

// "host:port", "[v6addr]:port"; port 0..65535 (0: any free port, for tests).
bool IsListenAddress(std::string_view text);

// An absolute http:// or https:// URL with a host.
bool IsHttpUrl(std::string_view text);

// [a-z0-9_-]+, at most 64 characters: safe as a file name and a URL path segment.
bool IsOutputName(std::string_view text);

// An IPv4 or IPv6 address, optionally "/prefix" within the family's width.
bool IsAddressOrCidr(std::string_view text);

// trace, debug, info, warn, error, critical, off (spdlog's levels).
bool IsLogLevel(std::string_view text);

// No control characters (CR/LF would split an HTTP header).
bool IsPrintable(std::string_view text);

}  // namespace feedd::config::internal
