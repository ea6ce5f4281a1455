// Small helpers over HttpRequest values: headers, paths and query strings.
#include "http_types.h"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <cctype>
#include <charconv>

namespace feedd::daemon {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendNumber(std::string& out, std::size_t number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, end);
}

// Header text from a handler, without CR and LF: a value can never start a new line.
void AppendFieldText(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
}

}  // namespace

void FormatResponseHead(const HttpResponse& response, unsigned version, KeepAlive keep_alive,
                        std::string_view date, std::string& out) {
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  AppendNumber(out, static_cast<std::size_t>(response.status));
  out += ' ';
  out +=
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  out += "\r\nServer: feedd\r\n";
  if (!date.empty()) {
    out += "Date: ";
    out += date;
    out += "\r\n";
  }
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    AppendFieldText(out, response.content_type);
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    AppendFieldText(out, name);
    out += ": ";
    AppendFieldText(out, value);
    out += "\r\n";
  }
  if (response.header_lines) out += *response.header_lines;
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless && !response.stream) {
    out += "Content-Length: ";
    AppendNumber(out, response.BodyBytes().size());
    out += "\r\n";
  }
  if (keep_alive == KeepAlive::kNo || response.stream) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

bool PercentDecode(std::string_view text, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::string QueryParameter(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return "";
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    std::string key;
    if (PercentDecode(pair.substr(0, eq), key, true) && key == name) {
      std::string value;
      if (eq != std::string_view::npos && PercentDecode(pair.substr(eq + 1), value, true)) {
        return value;
      }
      return "";
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

bool HasQueryParameter(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return false;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    std::string key;
    if (PercentDecode(pair.substr(0, pair.find('=')), key, true) && key == name) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace feedd::daemon
