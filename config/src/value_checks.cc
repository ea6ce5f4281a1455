// Single-value checks for the config table. Uses inet_pton for addresses; nothing of TOML.
#include "value_checks.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <string>

namespace feedd::config::internal {
namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

bool IsPort(std::string_view text) {
  if (!IsDigits(text) || text.size() > 5) return false;
  return std::stoi(std::string(text)) <= 65535;
}

bool IsHostName(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.') return false;
  }
  return true;
}

bool IsAddress(std::string_view text, int family) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(family, std::string(text).c_str(), buffer.data()) == 1;
}

}  // namespace

bool IsListenAddress(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    return IsAddress(text.substr(1, close - 1), AF_INET6) && IsPort(text.substr(close + 2));
  }
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view host = text.substr(0, colon);
  if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 needs brackets
  return IsHostName(host) && IsPort(text.substr(colon + 1));
}

bool IsHttpUrl(std::string_view text) {
  std::string lowered(text.substr(0, 8));
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t scheme_end = 0;
  if (lowered.rfind("http://", 0) == 0) {
    scheme_end = 7;
  } else if (lowered.rfind("https://", 0) == 0) {
    scheme_end = 8;
  } else {
    return false;
  }
  if (!IsPrintable(text) || text.find(' ') != std::string_view::npos) return false;
  const std::string_view rest = text.substr(scheme_end);
  const std::size_t host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return !authority.empty() && authority.front() != ':';
}

bool IsOutputName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsAddressOrCidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  const int family = address.find(':') != std::string_view::npos ? AF_INET6 : AF_INET;
  if (!IsAddress(address, family)) return false;
  if (slash == std::string_view::npos) return true;
  const std::string_view prefix = text.substr(slash + 1);
  if (!IsDigits(prefix) || prefix.size() > 3) return false;
  return std::stoi(std::string(prefix)) <= (family == AF_INET6 ? 128 : 32);
}

bool IsLogLevel(std::string_view text) {
  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (text == level) return true;
  }
  return false;
}

bool IsPrintable(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

}  // namespace feedd::config::internal
