// The SSRF guard's address classification and allowlist.
#include "address_guard.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <cstring>

using feedd::daemon::AddressGuard;
using feedd::daemon::AddressRange;
using feedd::daemon::ParseAddressRange;

namespace {

std::array<std::uint8_t, 16> Address(const char* text) {
  auto range = ParseAddressRange(text);
  REQUIRE(range.has_value());
  return range->bytes;
}

}  // namespace

TEST_CASE("non-global IPv4 and IPv6 addresses are refused by default") {
  const AddressGuard guard(false, {});
  for (const char* text :
       {"127.0.0.1",       "127.255.0.9",     "10.1.2.3",      "172.16.0.1", "172.31.255.254",
        "192.168.1.1",     "169.254.169.254", "100.64.0.1",    "0.0.0.0",    "224.0.0.1",
        "255.255.255.255", "192.0.0.192",     "198.18.0.1",    "::1",        "::",
        "fe80::1",         "fc00::1",         "fd00:ec2::254", "ff02::1",    "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a00:1",  "2002:a00:1::",  "::127.0.0.1"}) {
    CAPTURE(text);
    CHECK_FALSE(guard.Allows(Address(text)));
  }
}

TEST_CASE("global addresses are allowed") {
  const AddressGuard guard(false, {});
  for (const char* text : {"93.184.216.34", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    CAPTURE(text);
    CHECK(guard.Allows(Address(text)));
  }
}

TEST_CASE("allow_private allows everything and allow_hosts only the listed ranges") {
  CHECK(AddressGuard(true, {}).Allows(Address("127.0.0.1")));
  const AddressGuard guard(false,
                           {*ParseAddressRange("127.0.0.2"), *ParseAddressRange("10.0.0.0/8")});
  CHECK(guard.Allows(Address("127.0.0.2")));
  CHECK_FALSE(guard.Allows(Address("127.0.0.1")));
  CHECK(guard.Allows(Address("10.200.0.1")));
  CHECK_FALSE(guard.Allows(Address("192.168.0.1")));
}

TEST_CASE("the guard reads socket addresses of both families") {
  const AddressGuard guard(false, {});
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "192.168.0.1", &v4.sin_addr);
  CHECK_FALSE(guard.Allows(reinterpret_cast<sockaddr*>(&v4), sizeof v4));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "2606:4700::1111", &v6.sin6_addr);
  CHECK(guard.Allows(reinterpret_cast<sockaddr*>(&v6), sizeof v6));
}

TEST_CASE("malformed address ranges are errors") {
  CHECK_FALSE(ParseAddressRange("not-an-address").has_value());
  CHECK_FALSE(ParseAddressRange("10.0.0.0/33").has_value());
  CHECK_FALSE(ParseAddressRange("10.0.0.0/x").has_value());
}
