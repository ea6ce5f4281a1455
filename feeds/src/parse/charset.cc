// Encoding detection and conversion. glibc iconv does the conversions; windows-1252 is done
// here because iconv refuses its five undefined bytes, which real feeds contain.
#include "parse/charset.h"

#include <iconv.h>

#include <cerrno>
#include <memory>

#include "parse/entities.h"
#include "parse/text.h"

namespace feedd::feeds::parse {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

struct IconvDeleter {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvHandle = std::unique_ptr<void, IconvDeleter>;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string NormaliseName(std::string_view name) {
  std::string out(TrimView(name));
  LowerAsciiInPlace(out);
  for (char& c : out) {
    if (c == '_') c = '-';  // Python spells "windows_1251" too
  }
  // Python codec names glibc iconv spells differently.
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"cp-is", "cp861"},           {"maccentraleurope", "mac-centraleurope"},
      {"macroman", "macintosh"},    {"mac-roman", "macintosh"},
      {"maciceland", "mac-is"},     {"maccyrillic", "mac-cyrillic"},
      {"x-mac-roman", "macintosh"}, {"shift-jis", "shift_jis"},
  };
  for (const auto& [from, to] : kAliases) {
    if (out == from) return std::string(to);
  }
  if (out == "utf8") return "utf-8";
  if (out == "latin1" || out == "latin-1") return "iso-8859-1";
  if (out == "cp1252" || out == "win-1252") return "windows-1252";
  if (out == "maclatin2" || out == "mac-latin2" || out == "mac_latin2") return "mac-centraleurope";
  return out;
}

bool IsUtf8Name(std::string_view name) {
  return name == "utf-8" || name == "us-ascii" || name == "ascii" || name.empty();
}

// Converts with iconv; each undecodable unit becomes U+FFFD. Returns false when iconv does
// not know the encoding. `errors` counts replacements.
bool ConvertWithIconv(std::string_view bytes, const std::string& from, std::size_t unit,
                      std::string& out, std::size_t& errors) {
  iconv_t raw = iconv_open("UTF-8", from.c_str());
  if (raw == reinterpret_cast<iconv_t>(-1)) return false;
  IconvHandle cd(raw);
  out.clear();
  out.reserve(bytes.size() + bytes.size() / 2);
  errors = 0;
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char buffer[16384];
  while (in_left > 0) {
    char* out_ptr = buffer;
    std::size_t out_left = sizeof(buffer);
    const std::size_t rc = iconv(raw, &in_ptr, &in_left, &out_ptr, &out_left);
    out.append(buffer, sizeof(buffer) - out_left);
    if (rc != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    // EILSEQ or EINVAL (truncated input): replace one unit and go on.
    ++errors;
    out += kReplacement;
    const std::size_t skip = in_left < unit ? in_left : unit;
    in_ptr += skip;
    in_left -= skip;
    iconv(raw, nullptr, nullptr, nullptr, nullptr);
  }
  return true;
}

DecodedDocument Converted(std::string text, std::string encoding) {
  return {std::move(text), {}, std::move(encoding)};
}

DecodedDocument Unchanged(std::string_view bytes) { return {std::nullopt, bytes, "utf-8"}; }

std::string DecodeWindows1252(std::string_view bytes) {
  static constexpr char32_t kHigh[32] = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      AppendUtf8(out, kHigh[b - 0x80]);
    } else {
      AppendUtf8(out, b);
    }
  }
  return out;
}

// How many valid multi-byte UTF-8 sequences and how many invalid bytes `bytes` holds.
void CountUtf8(std::string_view bytes, std::size_t& valid_multibyte, std::size_t& invalid) {
  valid_multibyte = 0;
  invalid = 0;
  std::string copy;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = n != 0 && i + n <= bytes.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      // Let the full validator judge overlongs and surrogates.
      copy.assign(bytes.substr(i, n));
      ok = !RepairUtf8(copy);
    }
    if (ok) {
      ++valid_multibyte;
      i += n;
    } else {
      ++invalid;
      ++i;
    }
  }
}

// Bytes declared (or assumed) to be UTF-8 that are not: a document with no valid multi-byte
// sequence at all is windows-1252 written without a declaration; otherwise the bad bytes are
// replaced.
DecodedDocument DecodeInvalidUtf8(std::string_view bytes, std::vector<std::string>& warnings) {
  std::size_t valid = 0, invalid = 0;
  CountUtf8(bytes, valid, invalid);
  if (invalid > valid) {
    warnings.emplace_back("document is not valid UTF-8; read as windows-1252");
    return Converted(DecodeWindows1252(bytes), "windows-1252");
  }
  std::string text(bytes);
  RepairUtf8(text);
  warnings.push_back("document has " + std::to_string(invalid) +
                     " invalid UTF-8 byte(s), replaced with U+FFFD");
  return Converted(std::move(text), "utf-8");
}

DecodedDocument DecodeAsUtf8(std::string_view bytes, std::vector<std::string>& warnings) {
  if (IsValidUtf8(bytes)) return Unchanged(bytes);
  return DecodeInvalidUtf8(bytes, warnings);
}

// A wide encoding recognised by its BOM or by how "<?" is written.
std::string DetectWideEncoding(std::string_view bytes, std::size_t& bom_length) {
  bom_length = 0;
  if (StartsWith(bytes, std::string_view("\xFF\xFE\x00\x00", 4))) {
    bom_length = 4;
    return "UTF-32LE";
  }
  if (StartsWith(bytes, std::string_view("\x00\x00\xFE\xFF", 4))) {
    bom_length = 4;
    return "UTF-32BE";
  }
  if (StartsWith(bytes, "\xFF\xFE")) {
    bom_length = 2;
    return "UTF-16LE";
  }
  if (StartsWith(bytes, "\xFE\xFF")) {
    bom_length = 2;
    return "UTF-16BE";
  }
  if (StartsWith(bytes, std::string_view("<\0\0\0", 4))) return "UTF-32LE";
  if (StartsWith(bytes, std::string_view("\0\0\0<", 4))) return "UTF-32BE";
  if (StartsWith(bytes, std::string_view("<\0", 2))) return "UTF-16LE";
  if (StartsWith(bytes, std::string_view("\0<", 2))) return "UTF-16BE";
  return "";
}

}  // namespace

std::string DeclaredXmlEncoding(std::string_view bytes) {
  std::size_t start = 0;
  while (start < bytes.size() && start < 1024 && IsXmlSpace(bytes[start])) ++start;
  const std::string_view rest = bytes.substr(start);
  if (!StartsWith(rest, "<?xml")) return "";
  const std::size_t end = rest.find("?>");
  const std::string_view decl = rest.substr(0, end == std::string_view::npos ? 200 : end);
  const std::size_t key = decl.find("encoding");
  if (key == std::string_view::npos) return "";
  std::size_t i = key + 8;
  while (i < decl.size() && (IsXmlSpace(decl[i]) || decl[i] == '=')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return "";
  const char quote = decl[i];
  const std::size_t close = decl.find(quote, i + 1);
  if (close == std::string_view::npos) return "";
  return NormaliseName(decl.substr(i + 1, close - i - 1));
}

DecodedDocument DecodeToUtf8(std::string_view bytes, std::string_view http_charset,
                             std::vector<std::string>& warnings) {
  std::size_t bom_length = 0;
  const std::string wide = DetectWideEncoding(bytes, bom_length);
  if (!wide.empty()) {
    std::string out;
    std::size_t errors = 0;
    const std::size_t unit = wide.find("32") != std::string::npos ? 4 : 2;
    ConvertWithIconv(bytes.substr(bom_length), wide, unit, out, errors);
    if (errors != 0) {
      warnings.push_back("document has " + std::to_string(errors) + " invalid " + wide +
                         " sequence(s), replaced with U+FFFD");
    }
    std::string name = wide;
    LowerAsciiInPlace(name);
    return Converted(std::move(out), name);
  }
  if (StartsWith(bytes, "\xEF\xBB\xBF")) return DecodeAsUtf8(bytes.substr(3), warnings);

  std::string encoding = NormaliseName(http_charset);
  if (encoding.empty()) encoding = DeclaredXmlEncoding(bytes);
  // A document that says UTF-16 without being it is read as the bytes it is.
  if (encoding.rfind("utf-16", 0) == 0 || encoding.rfind("utf-32", 0) == 0 ||
      encoding.rfind("ucs", 0) == 0) {
    encoding = "utf-8";
  }
  if (IsUtf8Name(encoding)) return DecodeAsUtf8(bytes, warnings);
  if (encoding == "windows-1252") return Converted(DecodeWindows1252(bytes), "windows-1252");

  std::string out;
  std::size_t errors = 0;
  if (!ConvertWithIconv(bytes, encoding, 1, out, errors)) {
    warnings.push_back("unknown encoding '" + encoding + "'; read as UTF-8");
    return DecodeAsUtf8(bytes, warnings);
  }
  if (errors == 0) return Converted(std::move(out), encoding);
  // The declared encoding does not decode: UTF-8, then windows-1252 (as feedparser does).
  if (IsValidUtf8(bytes)) {
    warnings.push_back("document is not valid " + encoding + "; read as UTF-8");
    return Unchanged(bytes);
  }
  warnings.push_back("document is not valid " + encoding + "; read as windows-1252");
  return Converted(DecodeWindows1252(bytes), "windows-1252");
}

}  // namespace feedd::feeds::parse
