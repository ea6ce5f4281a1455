// Content-Encoding decoding: exact caps, truncation detected, chains refused; and the check
// for bodies that stop before their document does.
#include "body_decoder.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

using namespace feedd::daemon;

namespace {

std::string Compress(const std::string& text, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Gzip(const std::string& text) { return Compress(text, 15 + 16); }

}  // namespace

TEST_CASE("content codings: gzip, deflate and identity are read; chains and others refused") {
  CHECK(*ParseContentCoding("") == ContentCoding::kIdentity);
  CHECK(*ParseContentCoding(" GZIP ") == ContentCoding::kGzip);
  CHECK(*ParseContentCoding("x-gzip") == ContentCoding::kGzip);
  CHECK(*ParseContentCoding("deflate") == ContentCoding::kDeflate);
  CHECK_FALSE(ParseContentCoding("gzip, gzip").has_value());
  CHECK_FALSE(ParseContentCoding("br").has_value());
  CHECK_FALSE(ParseContentCoding("zstd").has_value());
}

TEST_CASE("a gzip body fed in small slices decodes whole and finishes clean") {
  const std::string text(100000, 'x');
  const std::string packed = Gzip(text + "<end/>");
  BodyDecoder decoder(ContentCoding::kGzip, 1 << 20);
  std::string out;
  for (std::size_t at = 0; at < packed.size(); at += 7) {
    REQUIRE(decoder.Append(std::string_view(packed).substr(at, 7), out) ==
            BodyDecoder::Status::kOk);
  }
  CHECK(out == text + "<end/>");
  CHECK(decoder.Finish() == BodyDecoder::Status::kOk);
}

TEST_CASE("a truncated gzip body is an error at the end") {
  const std::string packed = Gzip(std::string(5000, 'a') + "bcdefgh");
  BodyDecoder decoder(ContentCoding::kGzip, 1 << 20);
  std::string out;
  CHECK(decoder.Append(std::string_view(packed).substr(0, packed.size() / 2), out) ==
        BodyDecoder::Status::kOk);
  CHECK(decoder.Finish() == BodyDecoder::Status::kCorrupt);
}

TEST_CASE("a gzip bomb stops at the cap without producing more than the cap") {
  const std::string packed = Gzip(std::string(50 << 20, ' '));  // 50 MB of spaces, ~50 KB
  BodyDecoder decoder(ContentCoding::kGzip, 1 << 20);
  std::string out;
  BodyDecoder::Status status = BodyDecoder::Status::kOk;
  for (std::size_t at = 0; at < packed.size() && status == BodyDecoder::Status::kOk; at += 16384) {
    status = decoder.Append(std::string_view(packed).substr(at, 16384), out);
  }
  CHECK(status == BodyDecoder::Status::kTooLarge);
  CHECK(out.size() <= (1u << 20));
}

TEST_CASE("deflate is read zlib-wrapped and raw") {
  const std::string text = "<rss><channel></channel></rss>";
  for (const int bits : {15, -15}) {
    BodyDecoder decoder(ContentCoding::kDeflate, 1 << 20);
    std::string out;
    CHECK(decoder.Append(Compress(text, bits), out) == BodyDecoder::Status::kOk);
    CHECK(out == text);
    CHECK(decoder.Finish() == BodyDecoder::Status::kOk);
  }
}

TEST_CASE("garbage labelled gzip is corrupt") {
  BodyDecoder decoder(ContentCoding::kGzip, 1 << 20);
  std::string out;
  CHECK(decoder.Append("this is not gzip at all", out) == BodyDecoder::Status::kCorrupt);
}

TEST_CASE("identity bodies are capped too") {
  BodyDecoder decoder(ContentCoding::kIdentity, 10);
  std::string out;
  CHECK(decoder.Append("0123456789", out) == BodyDecoder::Status::kOk);
  CHECK(decoder.Append("x", out) == BodyDecoder::Status::kTooLarge);
}

TEST_CASE("documents that stop before their root closes look truncated") {
  struct Case {
    const char* body;
    bool truncated;
  };
  const Case cases[] = {
      {"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel></channel></rss>\n", false},
      {"\xEF\xBB\xBF<rss><channel></channel></rss>", false},
      {"<rss><channel></channel></rss>\n<!-- Dynamic page generated in 0.2 seconds. -->\n", false},
      {"<!DOCTYPE rss [<!ENTITY a \"b\">]><rss></rss >", false},
      {"<rdf:RDF xmlns:rdf=\"x\"><channel/></rdf:RDF>", false},
      {"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", false},
      {"<rss><channel><item><title>cut", true},
      {"<rss><channel></channel>", true},
      {"<rss><channel></channel></rs", true},
      {"<feed><entry></entry></feed><feed>", true},
      {"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", false},
      {"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [", true},
      {"<html><body>no end", false},
      {"", false},
      {"plain text", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    CHECK(LooksTruncated(c.body) == c.truncated);
  }
}

TEST_CASE("a bomb decoded with a budget stops each call near the budget and resumes exactly") {
  const std::string text = std::string(8 << 20, '\0') + "<tail/>";
  const std::string packed = Gzip(text);
  REQUIRE(packed.size() < 64 * 1024);  // one chunk of the wire holds megabytes of output
  BodyDecoder decoder(ContentCoding::kGzip, 16 << 20);
  std::string out;
  std::string_view rest(packed);
  int calls = 0;
  while (!rest.empty()) {
    std::size_t consumed = 0;
    const std::size_t before = out.size();
    REQUIRE(decoder.AppendSome(rest, out, 1 << 20, consumed) == BodyDecoder::Status::kOk);
    // A slice stops within one zlib buffer (64 KiB) past the budget.
    CHECK(out.size() - before <= (1 << 20) + 64 * 1024);
    REQUIRE(consumed <= rest.size());
    rest.remove_prefix(consumed);
    REQUIRE(++calls < 100);
  }
  CHECK(calls >= 8);
  CHECK(out == text);
  CHECK(decoder.Finish() == BodyDecoder::Status::kOk);
}

TEST_CASE("a budgeted decode still stops at the cap") {
  const std::string packed = Gzip(std::string(4 << 20, 'z'));
  BodyDecoder decoder(ContentCoding::kGzip, 3 << 20);
  std::string out;
  std::string_view rest(packed);
  BodyDecoder::Status status = BodyDecoder::Status::kOk;
  for (int i = 0; i < 100 && !rest.empty() && status == BodyDecoder::Status::kOk; ++i) {
    std::size_t consumed = 0;
    status = decoder.AppendSome(rest, out, 256 * 1024, consumed);
    rest.remove_prefix(consumed);
  }
  CHECK(status == BodyDecoder::Status::kTooLarge);
  CHECK(out.size() <= (3u << 20));
}
