// HTTP requests and responses as plain values, so routing and handlers are functions over
// values, tested without sockets. The Beast code in http_server.cc converts to and from these.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
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
};

// The path of a target without its query ("/v1/entries?limit=5" -> "/v1/entries").
std::string PathOf(std::string_view target);
// The decoded value of a query parameter, or "" when absent.
std::string QueryParameter(std::string_view target, std::string_view name);
bool HasQueryParameter(std::string_view target, std::string_view name);
// Percent-decoding; '+' is a space in queries. Returns false on malformed escapes.
bool PercentDecode(std::string_view text, std::string& out, bool plus_is_space);

}  // namespace feedd::daemon
