// ASCII-only character classes shared by the text extractor and the fingerprints: locale-free
// and inlined (they run over every byte ingested). Private to storage/.
#pragma once

namespace feedd::storage {

constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
constexpr bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
constexpr bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
constexpr bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr unsigned char ToLower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c | 0x20) : c;
}
constexpr bool IsWordByte(unsigned char c) { return IsAlnum(c) || c >= 0x80; }

}  // namespace feedd::storage
