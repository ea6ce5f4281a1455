// HTTP requests and responses as plain values, so routing and handlers are functions over
// values, tested without sockets. The Beast code in http_server.cc converts to and from these.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedd::daemon {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header with this name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

// A response body written piece by piece after the headers (Server-Sent Events). The server
// writes each piece Next() returns until it returns nullopt or the client goes away; then the
// connection closes. Cancel() is called (on the io thread) when the client hangs up, so a
// Next() that is waiting returns promptly.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual boost::asio::awaitable<std::optional<std::string>> Next() = 0;
  virtual void Cancel() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool head_only = false;  // answer to HEAD: headers with the body's length, no body
  // Set: `body` is ignored; the body is streamed until the stream ends (Connection: close).
  std::shared_ptr<BodyStream> stream;
  // Set: `body` is ignored and these immutable bytes (a cached rendering) are written as they
  // are, without a copy; the pointer keeps them alive until the write ends.
  std::shared_ptr<const std::string> shared_body;
  // Set: header lines formatted ahead ("Name: value\r\n" each), sent after `headers`, so a
  // cached response costs no formatting per request. The producer vouches for their syntax.
  std::shared_ptr<const std::string> header_lines;

  // The bytes of the body: *shared_body when set, else body.
  std::string_view BodyBytes() const {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
};

enum class KeepAlive { kYes, kNo };

// Appends the status line and headers of `response` to `out`, ending with the blank line:
// "HTTP/1.x STATUS REASON", Server, `date` (an HTTP-date, omitted when empty), Content-Type,
// `headers` (CR and LF dropped, so no value can add a line), `header_lines`, Content-Length
// (the body's length; none for 1xx, 204 and 304, nor for a stream, which closes), and
// Connection as HTTP/1.0 and 1.1 need it to mean `keep_alive`. `version` is 10 or 11.
void FormatResponseHead(const HttpResponse& response, unsigned version, KeepAlive keep_alive,
                        std::string_view date, std::string& out);

// The path of a target without its query ("/v1/entries?limit=5" -> "/v1/entries").
std::string PathOf(std::string_view target);
// The decoded value of a query parameter, or "" when absent.
std::string QueryParameter(std::string_view target, std::string_view name);
bool HasQueryParameter(std::string_view target, std::string_view name);
// Percent-decoding; '+' is a space in queries. Returns false on malformed escapes.
bool PercentDecode(std::string_view text, std::string& out, bool plus_is_space);

}  // namespace feedd::daemon
