// Response heads as the servers write them, Accept-Encoding negotiation, and the prepared
// representations (identity and gzip) a cached output is served from.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "gzip.h"
#include "http_types.h"
#include "output_service.h"

using namespace feedd::daemon;

namespace {

std::string Head(const HttpResponse& response, unsigned version, KeepAlive keep_alive,
                 std::string_view date = "") {
  std::string out;
  FormatResponseHead(response, version, keep_alive, date, out);
  return out;
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  CHECK(status == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_CASE("a response head carries the status, headers, length and connection") {
  HttpResponse response;
  response.status = 404;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = "not found\n";
  CHECK(Head(response, 11, KeepAlive::kYes, "Thu, 26 Nov 2026 12:00:00 GMT") ==
        "HTTP/1.1 404 Not Found\r\nServer: feedd\r\nDate: Thu, 26 Nov 2026 12:00:00 GMT\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n"
        "Content-Length: 10\r\n\r\n");
  CHECK(Head(response, 11, KeepAlive::kNo)
            .ends_with("Content-Length: 10\r\nConnection: close\r\n\r\n"));
  CHECK(Head(response, 10, KeepAlive::kYes).starts_with("HTTP/1.0 404 Not Found\r\n"));
  CHECK(Head(response, 10, KeepAlive::kYes).ends_with("Connection: keep-alive\r\n\r\n"));
}

TEST_CASE("a shared body and prepared header lines are sent as they are") {
  auto body = std::make_shared<const std::string>(std::string(70000, 'x'));
  auto lines = std::make_shared<const std::string>("ETag: \"1\"\r\nVary: Accept-Encoding\r\n");
  HttpResponse response;
  response.content_type.clear();
  response.body = "ignored";
  response.shared_body = body;
  response.header_lines = lines;
  CHECK(response.BodyBytes().data() == body->data());
  CHECK(Head(response, 11, KeepAlive::kYes) ==
        "HTTP/1.1 200 OK\r\nServer: feedd\r\nETag: \"1\"\r\nVary: Accept-Encoding\r\n"
        "Content-Length: 70000\r\n\r\n");
}

TEST_CASE("a 304 and a 204 carry no Content-Length, a stream closes the connection") {
  HttpResponse not_modified;
  not_modified.status = 304;
  not_modified.content_type.clear();
  CHECK(Head(not_modified, 11, KeepAlive::kYes) ==
        "HTTP/1.1 304 Not Modified\r\nServer: feedd\r\n\r\n");
  HttpResponse empty;
  empty.status = 204;
  CHECK(Head(empty, 11, KeepAlive::kYes).find("Content-Length") == std::string::npos);
  class Silent final : public BodyStream {
   public:
    boost::asio::awaitable<std::optional<std::string>> Next() override { co_return std::nullopt; }
    void Cancel() override {}
  };
  HttpResponse streamed;
  streamed.stream = std::make_shared<Silent>();
  const std::string head = Head(streamed, 11, KeepAlive::kYes);
  CHECK(head.find("Content-Length") == std::string::npos);
  CHECK(head.ends_with("Connection: close\r\n\r\n"));
}

TEST_CASE("a header value cannot add a line to the head") {
  HttpResponse response;
  response.headers.emplace_back("Location", "/a\r\nSet-Cookie: x=1");
  const std::string head = Head(response, 11, KeepAlive::kYes);
  CHECK(head.find("Location: /aSet-Cookie: x=1\r\n") != std::string::npos);
  CHECK(head.find("\r\nSet-Cookie") == std::string::npos);
}

TEST_CASE("Accept-Encoding weights and wildcards decide gzip") {
  struct Case {
    const char* header;
    bool gzip;
  };
  for (const Case& c :
       {Case{"gzip", true}, Case{"GZIP", true}, Case{"x-gzip", true}, Case{"br, gzip;q=0.5", true},
        Case{"gzip ; q=0", false}, Case{"gzip;q=0.000", false}, Case{"gzip;q=0.001", true},
        Case{"gzip;Q=0", false}, Case{"*", true}, Case{"*;q=0", false}, Case{"*, gzip;q=0", false},
        Case{"gzip;q=0, *", false}, Case{"identity", false}, Case{"", false}, Case{",,;", false},
        Case{"deflate, br", false}}) {
    CAPTURE(c.header);
    CHECK(AcceptsGzip(c.header) == c.gzip);
  }
}

TEST_CASE("a rendering is prepared once as identity and gzip, each with its own ETag") {
  RenderedOutput rendered;
  rendered.content_type = "application/atom+xml; charset=utf-8";
  rendered.last_modified = "Thu, 19 Nov 2026 12:34:42 GMT";
  rendered.cache_control = "public, max-age=60";
  std::string body;
  for (int i = 0; i < 200; ++i)
    body += "<entry><title>item " + std::to_string(i) + "</title></entry>";
  PrepareRepresentations(rendered, body);
  CHECK(rendered.body() == body);
  REQUIRE(rendered.gzip.has_value());
  CHECK(rendered.gzip->body.size() < body.size());
  CHECK(Gunzip(rendered.gzip->body) == body);
  const std::string& etag = rendered.etag();
  CHECK(etag.size() == 18);
  CHECK(etag.front() == '"');
  CHECK(rendered.gzip->etag == etag.substr(0, 17) + "-gz\"");
  CHECK(rendered.identity.not_modified_headers ==
        "ETag: " + etag +
            "\r\nVary: Accept-Encoding\r\nCache-Control: public, max-age=60\r\n"
            "Last-Modified: Thu, 19 Nov 2026 12:34:42 GMT\r\n");
  CHECK(rendered.identity.ok_headers == "Content-Type: application/atom+xml; charset=utf-8\r\n" +
                                            rendered.identity.not_modified_headers);
  CHECK(rendered.gzip->ok_headers ==
        "Content-Type: application/atom+xml; charset=utf-8\r\nContent-Encoding: gzip\r\n" +
            rendered.gzip->not_modified_headers);
  CHECK(rendered.gzip->not_modified_headers.find("ETag: " + rendered.gzip->etag + "\r\n") == 0);

  RenderedOutput other = rendered;
  PrepareRepresentations(other, body + " ");
  CHECK(other.etag() != etag);
}

TEST_CASE("a rendering without a date says nothing of Last-Modified") {
  RenderedOutput rendered;
  rendered.content_type = "text/html; charset=utf-8";
  PrepareRepresentations(rendered, "<!doctype html><title>x</title>");
  CHECK(rendered.identity.ok_headers.find("Last-Modified") == std::string::npos);
  CHECK(rendered.identity.ok_headers.find("Cache-Control: public, max-age=60\r\n") !=
        std::string::npos);
}
