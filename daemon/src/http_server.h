// A small HTTP/1.1 server on a unix socket (control API) or TCP (public listener): one
// coroutine per connection that owns its socket and buffers, bounded reads, idle timeouts.
// Request handling is a function over values (HttpRequest -> HttpResponse).
// Lives on the io_context thread.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "feedd/base/result.h"
#include "http_types.h"

namespace feedd::daemon {

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest)>;

struct HttpServerLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::chrono::seconds idle_timeout{30};
  // Requests may take this long to answer (e.g. refresh --wait) before the socket times out.
  std::chrono::seconds handler_timeout{600};
  int max_connections = 1024;
};

struct UnixSocketOptions {
  std::filesystem::path path;
  unsigned mode = 0660;
  std::string group;  // "" keeps the process's group
};

// Raises the process's soft open-files limit to its hard limit (at most 65536), so
// max_connections clients fit beside the fetcher's sockets; a daemon calls it once at start.
void RaiseOpenFileLimit();

class HttpServer {
 public:
  // Binds a unix socket. A stale socket file (no one listening) is replaced; a live one is an
  // error, so two daemons never share a socket.
  static Result<std::unique_ptr<HttpServer>> ListenUnix(boost::asio::any_io_executor executor,
                                                        const UnixSocketOptions& options,
                                                        HttpHandler handler,
                                                        HttpServerLimits limits);
  // Adopts an already listening unix socket (systemd socket activation).
  static Result<std::unique_ptr<HttpServer>> AdoptUnix(boost::asio::any_io_executor executor,
                                                       int fd, HttpHandler handler,
                                                       HttpServerLimits limits);
  // Binds "host:port" ("127.0.0.1:0" picks a free port; see LocalAddress()).
  static Result<std::unique_ptr<HttpServer>> ListenTcp(boost::asio::any_io_executor executor,
                                                       const std::string& host_port,
                                                       HttpHandler handler,
                                                       HttpServerLimits limits);

  virtual ~HttpServer() = default;
  // Starts accepting connections.
  virtual void Start() = 0;
  // Stops accepting and closes open connections; removes a unix socket file it created.
  virtual void Stop() = 0;
  // "127.0.0.1:8088" or the socket path.
  virtual std::string LocalAddress() const = 0;
};

}  // namespace feedd::daemon
