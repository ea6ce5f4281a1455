// Address classification for the SSRF guard. Ranges follow the IANA special-purpose address
// registries (RFC 6890 and successors); anything not plainly global is refused.
#include "address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace feedd::daemon {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes MapV4(const std::uint8_t* v4) {
  Bytes out{};
  out[10] = 0xff;
  out[11] = 0xff;
  std::memcpy(out.data() + 12, v4, 4);
  return out;
}

bool IsV4Mapped(const Bytes& a) {
  for (int i = 0; i < 10; ++i) {
    if (a[static_cast<std::size_t>(i)] != 0) return false;
  }
  return a[10] == 0xff && a[11] == 0xff;
}

bool InRange(const Bytes& address, const AddressRange& range) {
  int bits = range.prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const int take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((address[i] & mask) != (range.bytes[i] & mask)) return false;
  }
  return true;
}

bool IsNonGlobalV4(const std::uint8_t* a) {
  const unsigned b0 = a[0], b1 = a[1], b2 = a[2];
  if (b0 == 0 || b0 == 10 || b0 == 127) return true;    // this-network, private, loopback
  if (b0 == 100 && (b1 & 0xc0) == 64) return true;      // 100.64/10 CGNAT
  if (b0 == 169 && b1 == 254) return true;              // link-local, cloud metadata
  if (b0 == 172 && (b1 & 0xf0) == 16) return true;      // 172.16/12
  if (b0 == 192 && b1 == 0 && b2 == 0) return true;     // 192.0.0/24 IETF
  if (b0 == 192 && b1 == 0 && b2 == 2) return true;     // TEST-NET-1
  if (b0 == 192 && b1 == 88 && b2 == 99) return true;   // 6to4 relay anycast
  if (b0 == 192 && b1 == 168) return true;              // 192.168/16
  if (b0 == 198 && (b1 & 0xfe) == 18) return true;      // 198.18/15 benchmarking
  if (b0 == 198 && b1 == 51 && b2 == 100) return true;  // TEST-NET-2
  if (b0 == 203 && b1 == 0 && b2 == 113) return true;   // TEST-NET-3
  if (b0 >= 224) return true;                           // multicast, reserved, broadcast
  return false;
}

}  // namespace

Result<AddressRange> ParseAddressRange(std::string_view text) {
  std::string address(text);
  int prefix = -1;
  if (const auto slash = address.find('/'); slash != std::string::npos) {
    const std::string bits = address.substr(slash + 1);
    address.resize(slash);
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (ec != std::errc() || end != bits.data() + bits.size()) {
      return Fail("address range '" + std::string(text) + "': bad prefix length");
    }
  }
  AddressRange range;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    range.bytes = MapV4(reinterpret_cast<const std::uint8_t*>(&v4));
    if (prefix > 32) return Fail("address range '" + std::string(text) + "': prefix over 32");
    range.prefix_bits = prefix < 0 ? 128 : 96 + prefix;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::memcpy(range.bytes.data(), &v6, 16);
    if (prefix > 128) return Fail("address range '" + std::string(text) + "': prefix over 128");
    range.prefix_bits = prefix < 0 ? 128 : prefix;
  } else {
    return Fail("address range '" + std::string(text) + "': not an IPv4 or IPv6 address");
  }
  return range;
}

bool IsNonGlobalAddress(const Bytes& a) {
  if (IsV4Mapped(a)) return IsNonGlobalV4(a.data() + 12);
  bool all_zero_but_last4 = true;
  for (int i = 0; i < 12; ++i) all_zero_but_last4 &= a[static_cast<std::size_t>(i)] == 0;
  if (all_zero_but_last4) return true;  // ::, ::1 and deprecated IPv4-compatible ::a.b.c.d
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) {
    return IsNonGlobalV4(a.data() + 12);  // NAT64 64:ff9b::/96 embeds an IPv4 address
  }
  if (a[0] == 0x20 && a[1] == 0x02) return IsNonGlobalV4(a.data() + 2);  // 6to4 2002::/16
  if ((a[0] & 0xfe) == 0xfc) return true;                                // fc00::/7 unique-local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;                // fe80::/10 link-local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return true;                // fec0::/10 site-local
  if (a[0] == 0xff) return true;                                         // multicast
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return true;  // docs
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00) return true;  // Teredo
  if (a[0] == 0x01 && a[1] == 0x00 && a[2] == 0 && a[3] == 0) return true;  // discard 100::/64
  // Only 2000::/3 is global unicast today.
  return (a[0] & 0xe0) != 0x20;
}

std::string AddressToString(const Bytes& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(address)) {
    inet_ntop(AF_INET, address.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
  }
  return text;
}

AddressGuard::AddressGuard(bool allow_private, std::vector<AddressRange> allowed)
    : allow_private_(allow_private), allowed_(std::move(allowed)) {}

bool AddressGuard::Allows(const Bytes& address) const {
  if (allow_private_) return true;
  for (const auto& range : allowed_) {
    if (InRange(address, range)) return true;
  }
  return !IsNonGlobalAddress(address);
}

bool AddressGuard::Allows(const sockaddr* address, socklen_t length) const {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return Allows(MapV4(reinterpret_cast<const std::uint8_t*>(&v4.sin_addr)));
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    Bytes bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, 16);
    return Allows(bytes);
  }
  return false;  // only IP sockets are ever opened for feeds
}

}  // namespace feedd::daemon
