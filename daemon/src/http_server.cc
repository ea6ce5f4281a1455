// Beast HTTP/1.1 servers for the control socket and the public listener. One coroutine per
// connection; every read is bounded in size and time; a handler's exception becomes a 500.
// Beast parses requests; responses are one gathered write of a head formatted into the
// connection's reused buffer and the body as it is (a cached body is never copied).
#include "http_server.h"

#include <grp.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <system_error>
#include <type_traits>

#include "feedd/feeds/dates.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

HttpRequest ToValue(const http::request<http::string_body>& request) {
  HttpRequest value;
  value.method = std::string(request.method_string());
  value.target = std::string(request.target());
  for (const auto& field : request) {
    value.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  value.body = request.body();
  return value;
}

HttpResponse PlainError(int status, std::string_view code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" +
                  std::string(message) + "\"}}";
  return response;
}

template <typename Protocol>
class BasicHttpServer final : public HttpServer {
 public:
  using Acceptor = typename Protocol::acceptor;
  using Socket = typename Protocol::socket;
  using Stream = beast::basic_stream<Protocol>;

  BasicHttpServer(Acceptor acceptor, HttpHandler handler, HttpServerLimits limits,
                  std::string address, std::filesystem::path unlink_on_stop)
      : acceptor_(std::move(acceptor)),
        handler_(std::move(handler)),
        limits_(limits),
        address_(std::move(address)),
        unlink_on_stop_(std::move(unlink_on_stop)) {}

  ~BasicHttpServer() override { Stop(); }

  void Start() override {
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("http: accept loop ended: {}", e.what());
      }
    });
  }

  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& connection : connections_) {
      beast::get_lowest_layer(*connection.stream).socket().close(ignored);
    }
    if (!unlink_on_stop_.empty()) {
      std::error_code ec;
      std::filesystem::remove(unlink_on_stop_, ec);
    }
  }

  std::string LocalAddress() const override { return address_; }

 private:
  asio::awaitable<void> AcceptLoop() {
    while (!stopped_) {
      auto [error, socket] = co_await acceptor_.async_accept(kUseTuple);
      if (error) {
        if (error == asio::error::operation_aborted || stopped_) co_return;
        // Out of file descriptors (or similar): the pending connection stays queued, so
        // back off instead of spinning on accept.
        spdlog::warn("http {}: accept failed: {}", address_, error.message());
        asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
        co_await pause.async_wait(kUseTuple);
        continue;
      }
      if (static_cast<int>(connections_.size()) >= limits_.max_connections && !EvictIdle()) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
        // A response's last partial segment must not wait for the client's delayed ACK of
        // the one before (Nagle): on keep-alive connections that costs up to 40 ms each.
        boost::system::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      }
      asio::co_spawn(acceptor_.get_executor(), Serve(std::move(socket)),
                     [address = address_](std::exception_ptr error_ptr) {
                       if (!error_ptr) return;
                       try {
                         std::rethrow_exception(error_ptr);
                       } catch (const std::exception& e) {
                         spdlog::warn("http {}: connection ended: {}", address, e.what());
                       }
                     });
    }
  }

  struct Connection {
    Stream* stream = nullptr;
    bool idle = true;  // waiting for a request with nothing of it read yet
  };

  // At the connection limit, the connection idle longest (the list is in accept order, and a
  // connection goes back to the end when it becomes idle) makes room for a new one, so idle
  // clients cannot lock others out. false: every connection is busy.
  bool EvictIdle() {
    for (auto& connection : connections_) {
      if (!connection.idle) continue;
      boost::system::error_code ignored;
      beast::get_lowest_layer(*connection.stream).socket().close(ignored);
      connection.idle = false;  // closing; its coroutine removes it
      return true;
    }
    return false;
  }

  // The current HTTP-date, formatted once a second.
  std::string_view Date() {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (now != date_second_) {
      date_second_ = now;
      date_ = feeds::FormatHttpDate(now);
    }
    return date_;
  }

  // One response: the head (formatted into `head`, the connection's buffer) and the body in
  // one gathered write. `answer` and `head` live in the caller's frame until this returns.
  // false: the write failed.
  asio::awaitable<bool> Write(Stream& stream, const HttpResponse& answer, unsigned version,
                              KeepAlive keep_alive, std::string& head) {
    head.clear();
    FormatResponseHead(answer, version, keep_alive, Date(), head);
    const bool bodiless =
        answer.head_only || answer.status < 200 || answer.status == 204 || answer.status == 304;
    const std::string_view body = bodiless ? std::string_view() : answer.BodyBytes();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                    asio::buffer(body.data(), body.size())};
    auto [error, written] = co_await asio::async_write(stream, buffers, kUseTuple);
    (void)written;
    co_return !error;
  }

  // Writes the headers, then each piece of the stream until it ends, the client hangs up or a
  // write stalls past the idle timeout. The connection closes afterwards.
  asio::awaitable<void> ServeStream(Stream& stream, const HttpResponse& answer) {
    std::string head;
    FormatResponseHead(answer, 11, KeepAlive::kNo, Date(), head);
    stream.expires_after(limits_.idle_timeout);
    auto [head_error, head_bytes] =
        co_await asio::async_write(stream, asio::buffer(head), kUseTuple);
    (void)head_bytes;
    if (head_error) co_return;
    // A readable socket means the client hung up (or sent bytes it should not): either way
    // the stream ends, and a Next() that is waiting is cancelled at once.
    auto body = answer.stream;
    auto gone = std::make_shared<bool>(false);
    beast::get_lowest_layer(stream).socket().async_wait(Socket::wait_read,
                                                        [body, gone](boost::system::error_code) {
                                                          *gone = true;
                                                          body->Cancel();
                                                        });
    while (!*gone && !stopped_) {
      auto piece = co_await body->Next();
      if (!piece || *gone || stopped_) break;
      stream.expires_after(limits_.idle_timeout);
      auto [write_error, written] =
          co_await asio::async_write(stream, asio::buffer(*piece), kUseTuple);
      (void)written;
      if (write_error) break;
    }
    body->Cancel();
  }

  asio::awaitable<void> Serve(Socket socket) {
    Stream stream(std::move(socket));
    connections_.push_back(Connection{&stream, true});
    auto registration = connections_.end();
    --registration;
    beast::flat_buffer buffer(limits_.max_header_bytes + 1024);
    std::string head;  // each response's head; its capacity is reused
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
      parser.body_limit(limits_.max_body_bytes);
      stream.expires_after(limits_.idle_timeout);
      if (buffer.size() == 0) {
        // Idle until the first byte arrives: evictable, and queued behind older idle ones.
        // The read is tried at once (the next request of a keep-alive client is often there
        // already) and is bounded by the stream's idle timeout; eviction or Stop() closes
        // the socket under it.
        connections_.splice(connections_.end(), connections_, registration);
        registration->idle = true;
        auto [wait_error, first_bytes] = co_await stream.async_read_some(
            buffer.prepare(std::min<std::size_t>(buffer.max_size(), 8192)), kUseTuple);
        buffer.commit(first_bytes);
        if (wait_error || stopped_ || !beast::get_lowest_layer(stream).socket().is_open()) break;
      }
      registration->idle = false;
      auto [read_error, bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      (void)bytes;
      if (read_error) {
        if (read_error != http::error::end_of_stream && read_error != beast::error::timeout &&
            read_error != asio::error::operation_aborted &&
            read_error != asio::error::connection_reset && !stopped_) {
          // A malformed or oversized request: say so, then close.
          HttpResponse answer = PlainError(read_error == http::error::body_limit ? 413 : 400,
                                           "bad_request", read_error.message());
          stream.expires_after(std::chrono::seconds(5));
          co_await Write(stream, answer, 11, KeepAlive::kNo, head);
        }
        break;
      }
      auto request = parser.release();
      const bool keep_alive = request.keep_alive();
      const unsigned version = request.version();
      HttpResponse answer;
      try {
        stream.expires_after(limits_.handler_timeout);
        answer = co_await handler_(ToValue(request));
      } catch (const std::exception& e) {
        spdlog::error("http {}: handler failed on {}: {}", address_, std::string(request.target()),
                      e.what());
        answer = PlainError(500, "internal", "internal error");
      }
      if (stopped_) break;
      if (answer.stream) {
        co_await ServeStream(stream, answer);
        break;
      }
      stream.expires_after(limits_.idle_timeout);
      const bool written = co_await Write(stream, answer, version == 10 ? 10 : 11,
                                          keep_alive ? KeepAlive::kYes : KeepAlive::kNo, head);
      if (!written || !keep_alive || stopped_) break;
    }
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(Socket::shutdown_both, ignored);
    connections_.erase(registration);
  }

  Acceptor acceptor_;
  HttpHandler handler_;
  HttpServerLimits limits_;
  std::string address_;
  std::filesystem::path unlink_on_stop_;
  std::list<Connection> connections_;  // live connections, closed on Stop()
  bool stopped_ = false;
  std::chrono::sys_seconds date_second_{};
  std::string date_;
};

Result<void> PrepareSocketPath(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Fail("create " + path.parent_path().string() + ": " + ec.message());
  if (!std::filesystem::exists(path, ec)) return Ok();
  if (!std::filesystem::is_socket(path, ec)) {
    return Fail("control socket " + path.string() + ": exists and is not a socket");
  }
  // Someone listening? Then another daemon owns it; otherwise it is stale.
  asio::io_context probe_context;
  asio::local::stream_protocol::socket probe(probe_context);
  boost::system::error_code connect_error;
  probe.connect(asio::local::stream_protocol::endpoint(path.string()), connect_error);
  if (!connect_error) {
    return Fail("control socket " + path.string() + ": another feedd is listening there");
  }
  std::filesystem::remove(path, ec);
  if (ec) return Fail("remove stale socket " + path.string() + ": " + ec.message());
  return Ok();
}

}  // namespace

void RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t want =
      limit.rlim_max == RLIM_INFINITY ? 65536 : std::min<rlim_t>(limit.rlim_max, 65536);
  if (limit.rlim_cur >= want) return;
  limit.rlim_cur = want;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("raise the open-files limit: {}", std::generic_category().message(errno));
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::ListenUnix(asio::any_io_executor executor,
                                                           const UnixSocketOptions& options,
                                                           HttpHandler handler,
                                                           HttpServerLimits limits) {
  using Local = asio::local::stream_protocol;
  if (auto prepared = PrepareSocketPath(options.path); !prepared) {
    return Unexpected(prepared.error());
  }
  const std::string path = options.path.string();
  Local::acceptor acceptor(executor);
  boost::system::error_code error;
  acceptor.open(Local(), error);
  // Bind with a restrictive umask so the socket never exists with looser permissions.
  const mode_t old_mask = ::umask(0177);
  if (!error) acceptor.bind(Local::endpoint(path), error);
  ::umask(old_mask);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Fail("listen on " + path + ": " + error.message());
  if (!options.group.empty()) {
    struct group* entry = ::getgrnam(options.group.c_str());
    if (entry == nullptr) return Fail("control socket group '" + options.group + "': unknown");
    if (::chown(path.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0) {
      return Fail("chown " + path + ": " + std::generic_category().message(errno));
    }
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(options.mode)) != 0) {
    return Fail("chmod " + path + ": " + std::generic_category().message(errno));
  }
  return std::unique_ptr<HttpServer>(std::make_unique<BasicHttpServer<Local>>(
      std::move(acceptor), std::move(handler), limits, path, options.path));
}

Result<std::unique_ptr<HttpServer>> HttpServer::AdoptUnix(asio::any_io_executor executor, int fd,
                                                          HttpHandler handler,
                                                          HttpServerLimits limits) {
  using Local = asio::local::stream_protocol;
  Local::acceptor acceptor(executor);
  boost::system::error_code error;
  acceptor.assign(Local(), fd, error);
  if (error) return Fail("adopt socket fd " + std::to_string(fd) + ": " + error.message());
  std::string address = "fd:" + std::to_string(fd);
  if (auto endpoint = acceptor.local_endpoint(error); !error) address = endpoint.path();
  return std::unique_ptr<HttpServer>(std::make_unique<BasicHttpServer<Local>>(
      std::move(acceptor), std::move(handler), limits, address, std::filesystem::path()));
}

Result<std::unique_ptr<HttpServer>> HttpServer::ListenTcp(asio::any_io_executor executor,
                                                          const std::string& host_port,
                                                          HttpHandler handler,
                                                          HttpServerLimits limits) {
  using Tcp = asio::ip::tcp;
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return Fail("listen '" + host_port + "': expected host:port");
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = host_port.substr(colon + 1);
  boost::system::error_code error;
  const auto address = asio::ip::make_address(host, error);
  if (error) return Fail("listen '" + host_port + "': '" + host + "' is not an IP address");
  unsigned long port_number = 0;
  try {
    port_number = std::stoul(port);
  } catch (const std::exception&) {
    port_number = 70000;
  }
  if (port_number > 65535) return Fail("listen '" + host_port + "': bad port");
  Tcp::endpoint endpoint(address, static_cast<unsigned short>(port_number));
  Tcp::acceptor acceptor(executor);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Fail("listen on " + host_port + ": " + error.message());
  const auto bound = acceptor.local_endpoint(error);
  std::string bound_text = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                   : bound.address().to_string();
  bound_text += ":" + std::to_string(bound.port());
  return std::unique_ptr<HttpServer>(std::make_unique<BasicHttpServer<Tcp>>(
      std::move(acceptor), std::move(handler), limits, bound_text, std::filesystem::path()));
}

}  // namespace feedd::daemon
