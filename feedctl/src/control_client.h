// The control API client: HTTP/1.1 over the daemon's unix socket with libcurl
// (CURLOPT_UNIX_SOCKET_PATH), so feedctl speaks exactly what `curl --unix-socket` does.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace feedd::feedctl {

struct ApiReply {
  bool reached = false;  // false: no daemon answered on the socket
  std::string failure;   // why it was not reached
  long status = 0;
  nlohmann::json body;  // parsed JSON (null when the body was not JSON)
  std::string raw;      // the body as received
  std::string content_type;
};

class ControlClient {
 public:
  explicit ControlClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  // `timeout_seconds` 0 waits as long as the daemon takes (refresh --wait).
  ApiReply Request(const std::string& method, const std::string& path,
                   const nlohmann::json& body = nullptr, long timeout_seconds = 30) const;

  // A streaming GET: `on_data` gets each piece of a 2xx body as it arrives and returns false
  // to stop. The reply's `raw` holds the body only for error statuses. Returns when the
  // daemon closes the stream, on_data says stop, or the connection fails.
  ApiReply Stream(const std::string& path, const std::function<bool(std::string_view)>& on_data,
                  const std::string& accept = "text/event-stream") const;

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
};

// The socket path: --socket, else $FEEDD_SOCKET, else /run/feedd/feedd.sock.
std::string ResolveSocketPath(const std::string& from_flag);

// Percent-encodes a query value.
std::string QueryEscape(const std::string& value);

}  // namespace feedd::feedctl
