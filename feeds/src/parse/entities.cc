// HTML named entities and character references. The table is HTML 4's 252 entities plus
// &apos;, sorted by name for binary search: enough for what feeds actually write.
#include "parse/entities.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace feedd::feeds::parse {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t code_point;
};

constexpr NamedEntity kEntities[] = {
    {"AElig", 0xC6},     {"Aacute", 0xC1},   {"Acirc", 0xC2},     {"Agrave", 0xC0},
    {"Alpha", 0x391},    {"Aring", 0xC5},    {"Atilde", 0xC3},    {"Auml", 0xC4},
    {"Beta", 0x392},     {"Ccedil", 0xC7},   {"Chi", 0x3A7},      {"Dagger", 0x2021},
    {"Delta", 0x394},    {"ETH", 0xD0},      {"Eacute", 0xC9},    {"Ecirc", 0xCA},
    {"Egrave", 0xC8},    {"Epsilon", 0x395}, {"Eta", 0x397},      {"Euml", 0xCB},
    {"Gamma", 0x393},    {"Iacute", 0xCD},   {"Icirc", 0xCE},     {"Igrave", 0xCC},
    {"Iota", 0x399},     {"Iuml", 0xCF},     {"Kappa", 0x39A},    {"Lambda", 0x39B},
    {"Mu", 0x39C},       {"Ntilde", 0xD1},   {"Nu", 0x39D},       {"OElig", 0x152},
    {"Oacute", 0xD3},    {"Ocirc", 0xD4},    {"Ograve", 0xD2},    {"Omega", 0x3A9},
    {"Omicron", 0x39F},  {"Oslash", 0xD8},   {"Otilde", 0xD5},    {"Ouml", 0xD6},
    {"Phi", 0x3A6},      {"Pi", 0x3A0},      {"Prime", 0x2033},   {"Psi", 0x3A8},
    {"Rho", 0x3A1},      {"Scaron", 0x160},  {"Sigma", 0x3A3},    {"THORN", 0xDE},
    {"Tau", 0x3A4},      {"Theta", 0x398},   {"Uacute", 0xDA},    {"Ucirc", 0xDB},
    {"Ugrave", 0xD9},    {"Upsilon", 0x3A5}, {"Uuml", 0xDC},      {"Xi", 0x39E},
    {"Yacute", 0xDD},    {"Yuml", 0x178},    {"Zeta", 0x396},     {"aacute", 0xE1},
    {"acirc", 0xE2},     {"acute", 0xB4},    {"aelig", 0xE6},     {"agrave", 0xE0},
    {"alefsym", 0x2135}, {"alpha", 0x3B1},   {"amp", 0x26},       {"and", 0x2227},
    {"ang", 0x2220},     {"apos", 0x27},     {"aring", 0xE5},     {"asymp", 0x2248},
    {"atilde", 0xE3},    {"auml", 0xE4},     {"bdquo", 0x201E},   {"beta", 0x3B2},
    {"brvbar", 0xA6},    {"bull", 0x2022},   {"cap", 0x2229},     {"ccedil", 0xE7},
    {"cedil", 0xB8},     {"cent", 0xA2},     {"chi", 0x3C7},      {"circ", 0x2C6},
    {"clubs", 0x2663},   {"cong", 0x2245},   {"copy", 0xA9},      {"crarr", 0x21B5},
    {"cup", 0x222A},     {"curren", 0xA4},   {"dArr", 0x21D3},    {"dagger", 0x2020},
    {"darr", 0x2193},    {"deg", 0xB0},      {"delta", 0x3B4},    {"diams", 0x2666},
    {"divide", 0xF7},    {"eacute", 0xE9},   {"ecirc", 0xEA},     {"egrave", 0xE8},
    {"empty", 0x2205},   {"emsp", 0x2003},   {"ensp", 0x2002},    {"epsilon", 0x3B5},
    {"equiv", 0x2261},   {"eta", 0x3B7},     {"eth", 0xF0},       {"euml", 0xEB},
    {"euro", 0x20AC},    {"exist", 0x2203},  {"fnof", 0x192},     {"forall", 0x2200},
    {"frac12", 0xBD},    {"frac14", 0xBC},   {"frac34", 0xBE},    {"frasl", 0x2044},
    {"gamma", 0x3B3},    {"ge", 0x2265},     {"gt", 0x3E},        {"hArr", 0x21D4},
    {"harr", 0x2194},    {"hearts", 0x2665}, {"hellip", 0x2026},  {"iacute", 0xED},
    {"icirc", 0xEE},     {"iexcl", 0xA1},    {"igrave", 0xEC},    {"image", 0x2111},
    {"infin", 0x221E},   {"int", 0x222B},    {"iota", 0x3B9},     {"iquest", 0xBF},
    {"isin", 0x2208},    {"iuml", 0xEF},     {"kappa", 0x3BA},    {"lArr", 0x21D0},
    {"lambda", 0x3BB},   {"lang", 0x2329},   {"laquo", 0xAB},     {"larr", 0x2190},
    {"lceil", 0x2308},   {"ldquo", 0x201C},  {"le", 0x2264},      {"lfloor", 0x230A},
    {"lowast", 0x2217},  {"loz", 0x25CA},    {"lrm", 0x200E},     {"lsaquo", 0x2039},
    {"lsquo", 0x2018},   {"lt", 0x3C},       {"macr", 0xAF},      {"mdash", 0x2014},
    {"micro", 0xB5},     {"middot", 0xB7},   {"minus", 0x2212},   {"mu", 0x3BC},
    {"nabla", 0x2207},   {"nbsp", 0xA0},     {"ndash", 0x2013},   {"ne", 0x2260},
    {"ni", 0x220B},      {"not", 0xAC},      {"notin", 0x2209},   {"nsub", 0x2284},
    {"ntilde", 0xF1},    {"nu", 0x3BD},      {"oacute", 0xF3},    {"ocirc", 0xF4},
    {"oelig", 0x153},    {"ograve", 0xF2},   {"oline", 0x203E},   {"omega", 0x3C9},
    {"omicron", 0x3BF},  {"oplus", 0x2295},  {"or", 0x2228},      {"ordf", 0xAA},
    {"ordm", 0xBA},      {"oslash", 0xF8},   {"otilde", 0xF5},    {"otimes", 0x2297},
    {"ouml", 0xF6},      {"para", 0xB6},     {"part", 0x2202},    {"permil", 0x2030},
    {"perp", 0x22A5},    {"phi", 0x3C6},     {"pi", 0x3C0},       {"piv", 0x3D6},
    {"plusmn", 0xB1},    {"pound", 0xA3},    {"prime", 0x2032},   {"prod", 0x220F},
    {"prop", 0x221D},    {"psi", 0x3C8},     {"quot", 0x22},      {"rArr", 0x21D2},
    {"radic", 0x221A},   {"rang", 0x232A},   {"raquo", 0xBB},     {"rarr", 0x2192},
    {"rceil", 0x2309},   {"rdquo", 0x201D},  {"real", 0x211C},    {"reg", 0xAE},
    {"rfloor", 0x230B},  {"rho", 0x3C1},     {"rlm", 0x200F},     {"rsaquo", 0x203A},
    {"rsquo", 0x2019},   {"sbquo", 0x201A},  {"scaron", 0x161},   {"sdot", 0x22C5},
    {"sect", 0xA7},      {"shy", 0xAD},      {"sigma", 0x3C3},    {"sigmaf", 0x3C2},
    {"sim", 0x223C},     {"spades", 0x2660}, {"sub", 0x2282},     {"sube", 0x2286},
    {"sum", 0x2211},     {"sup", 0x2283},    {"sup1", 0xB9},      {"sup2", 0xB2},
    {"sup3", 0xB3},      {"supe", 0x2287},   {"szlig", 0xDF},     {"tau", 0x3C4},
    {"there4", 0x2234},  {"theta", 0x3B8},   {"thetasym", 0x3D1}, {"thinsp", 0x2009},
    {"thorn", 0xFE},     {"tilde", 0x2DC},   {"times", 0xD7},     {"trade", 0x2122},
    {"uArr", 0x21D1},    {"uacute", 0xFA},   {"uarr", 0x2191},    {"ucirc", 0xFB},
    {"ugrave", 0xF9},    {"uml", 0xA8},      {"upsih", 0x3D2},    {"upsilon", 0x3C5},
    {"uuml", 0xFC},      {"weierp", 0x2118}, {"xi", 0x3BE},       {"yacute", 0xFD},
    {"yen", 0xA5},       {"yuml", 0xFF},     {"zeta", 0x3B6},     {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsXmlPredefined(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
}

// Length of a well-formed numeric reference at the start of `text` ("&#233;", "&#xE9;"), or 0.
std::size_t NumericReferenceLength(std::string_view text, char32_t* value) {
  if (text.size() < 4 || text[1] != '#') return 0;
  std::size_t i = 2;
  const bool hex = text[i] == 'x' || text[i] == 'X';
  if (hex) ++i;
  std::uint32_t code = 0;
  const std::size_t digits_start = i;
  for (; i < text.size() && i < digits_start + 8; ++i) {
    const char c = text[i];
    std::uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      break;
    }
    code = code * (hex ? 16U : 10U) + digit;
  }
  if (i == digits_start || i >= text.size() || text[i] != ';') return 0;
  if (value != nullptr) *value = code;
  return i + 1;
}

// Length of "&name;" at the start of `text` (name = [A-Za-z0-9]{1,31}), or 0.
std::size_t NamedReferenceLength(std::string_view text) {
  std::size_t i = 1;
  while (i < text.size() && i < 33 && IsNameChar(text[i])) ++i;
  if (i == 1 || i >= text.size() || text[i] != ';') return 0;
  return i + 1;
}

}  // namespace

std::optional<char32_t> LookupHtmlEntity(std::string_view name) {
  const auto* end = std::end(kEntities);
  const auto* it =
      std::lower_bound(std::begin(kEntities), end, name,
                       [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it == end || it->name != name) return std::nullopt;
  return it->code_point;
}

std::size_t DecodeReference(std::string_view text, std::string& out) {
  char32_t code = 0;
  if (const std::size_t n = NumericReferenceLength(text, &code); n != 0) {
    // Windows-1252 code points written as references (&#147;) mean the cp1252 characters.
    static constexpr char32_t kCp1252[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    if (code >= 0x80 && code < 0xA0) code = kCp1252[code - 0x80];
    AppendUtf8(out, code);
    return n;
  }
  const std::size_t n = NamedReferenceLength(text);
  if (n == 0) return 0;
  const std::string_view name = text.substr(1, n - 2);
  if (auto cp = LookupHtmlEntity(name)) {
    AppendUtf8(out, *cp);
    return n;
  }
  return 0;
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, amp - pos));
    const std::size_t used = DecodeReference(text.substr(amp), out);
    if (used == 0) {
      out += '&';
      pos = amp + 1;
    } else {
      pos = amp + used;
    }
  }
  return out;
}

bool RewriteUndefinedEntities(std::string_view xml, std::string& result) {
  std::string out;
  bool changed = false;
  std::size_t copied = 0;  // xml[0, copied) is already in `out` (once changed)
  std::size_t pos = 0;
  const std::string_view view(xml);
  std::size_t next_markup_decl = view.find("<!");
  while (pos < view.size()) {
    // Two memchr-speed searches: the next '&', and the next "<!" that may open a CDATA
    // section or comment (whose '&'s are literal and must be skipped).
    const std::size_t amp = view.find('&', pos);
    if (amp == std::string_view::npos) break;
    if (next_markup_decl < pos) next_markup_decl = view.find("<!", pos);
    if (next_markup_decl < amp) {
      const std::string_view tag = view.substr(next_markup_decl);
      const char* closer = nullptr;
      if (tag.substr(0, 9) == "<![CDATA[") closer = "]]>";
      if (tag.substr(0, 4) == "<!--") closer = "-->";
      if (closer == nullptr) {
        pos = next_markup_decl + 2;
        next_markup_decl = view.find("<!", pos);
        continue;
      }
      const std::size_t close = view.find(closer, next_markup_decl);
      if (close == std::string_view::npos) break;
      pos = close + std::strlen(closer);
      next_markup_decl = view.find("<!", pos);
      continue;
    }
    const std::string_view rest = view.substr(amp);
    std::string replacement;
    if (const std::size_t numeric = NumericReferenceLength(rest, nullptr); numeric != 0) {
      if (rest[2] == 'X') {
        // "&#X41;" is HTML, not XML: pugixml would leave it undecoded.
        if (!changed) out.reserve(xml.size() + 64);
        changed = true;
        out.append(view.substr(copied, amp - copied));
        out += "&#x";
        out.append(rest.substr(3, numeric - 3));
        copied = amp + numeric;
      }
      pos = amp + numeric;
      continue;
    }
    const std::size_t named = NamedReferenceLength(rest);
    if (named != 0) {
      const std::string_view name = rest.substr(1, named - 2);
      if (IsXmlPredefined(name)) {
        pos = amp + named;
        continue;
      }
      if (auto cp = LookupHtmlEntity(name)) {
        replacement = "&#" + std::to_string(static_cast<std::uint32_t>(*cp)) + ";";
      } else {
        replacement = "&amp;";
        replacement.append(name);
        replacement += ';';
      }
      if (!changed) out.reserve(xml.size() + 64);
      changed = true;
      out.append(view.substr(copied, amp - copied));
      out += replacement;
      copied = amp + named;
      pos = copied;
      continue;
    }
    if (!changed) out.reserve(xml.size() + 64);
    changed = true;
    out.append(view.substr(copied, amp - copied));
    out += "&amp;";
    copied = amp + 1;
    pos = copied;
  }
  if (!changed) return false;
  out.append(view.substr(copied));
  result = std::move(out);
  return true;
}

}  // namespace feedd::feeds::parse
