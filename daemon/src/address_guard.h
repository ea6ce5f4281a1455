// The SSRF guard: decides whether feedd may connect to an address. It is asked for the
// address actually being connected to (after DNS and after every redirect), so names that
// resolve to internal addresses and redirects to them are caught alike.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/base/result.h"

namespace feedd::daemon {

// An IPv4 or IPv6 address in 16 bytes (IPv4 as ::ffff:a.b.c.d) plus a prefix length.
struct AddressRange {
  std::array<std::uint8_t, 16> bytes{};
  int prefix_bits = 128;
};

// "127.0.0.2", "10.0.0.0/8", "::1", "fd00::/8". Error names the text.
Result<AddressRange> ParseAddressRange(std::string_view text);

class AddressGuard {
 public:
  AddressGuard(bool allow_private, std::vector<AddressRange> allowed);

  // True when a connection to this socket address is allowed: a global unicast address,
  // or anything when allow_private, or an address inside an allowed range.
  bool Allows(const sockaddr* address, socklen_t length) const;
  bool Allows(const std::array<std::uint8_t, 16>& address) const;

 private:
  bool allow_private_;
  std::vector<AddressRange> allowed_;
};

// True for loopback, private, link-local, unique-local, multicast, unspecified, CGNAT,
// documentation, benchmarking and other non-global ranges, IPv4-mapped/compatible/NAT64/
// 6to4 embeddings of those included.
bool IsNonGlobalAddress(const std::array<std::uint8_t, 16>& address);

// The address as text, for logs ("10.0.0.1", "fd00::1").
std::string AddressToString(const std::array<std::uint8_t, 16>& address);

}  // namespace feedd::daemon
