// Content-Encoding decoding of response bodies, done by feedd rather than libcurl so that the
// decompressed size is capped exactly, a truncated gzip stream is an error, and chained or
// unrequested codings are refused. Pure over bytes (zlib only); the fetcher feeds it slices.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "feedd/base/result.h"

namespace feedd::daemon {

enum class ContentCoding { kIdentity, kGzip, kDeflate };

// The coding named by a Content-Encoding value ("", "identity", "gzip", "x-gzip", "deflate").
// Fails for anything else, and for more than one coding ("gzip, gzip": CVE-2022-32206-style
// chains), since feedd only asks for gzip and deflate.
Result<ContentCoding> ParseContentCoding(std::string_view content_encoding);

class BodyDecoder {
 public:
  enum class Status { kOk, kTooLarge, kCorrupt };

  // Output beyond `max_output` bytes is never produced: Append reports kTooLarge instead.
  BodyDecoder(ContentCoding coding, std::size_t max_output);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // Decodes `input` (the next bytes of the body as received) and appends to `out`.
  Status Append(std::string_view input, std::string& out);
  // Like Append, but stops once about `budget` bytes were produced (one zlib slice may go
  // past it by up to 64 KiB) and says how many input bytes it used in `consumed`; the
  // caller hands the rest over again later. Identity bodies are always consumed whole.
  Status AppendSome(std::string_view input, std::string& out, std::size_t budget,
                    std::size_t& consumed);
  // At the end of the body: kCorrupt when a compressed stream did not reach its end (a
  // truncated gzip), kOk otherwise.
  Status Finish() const;

 private:
  struct Stream;
  Status Inflate(std::string_view input, std::string& out, std::size_t budget,
                 std::size_t& consumed);

  ContentCoding coding_;
  std::size_t max_output_;
  std::unique_ptr<Stream> stream_;
  bool ended_ = false;  // the compressed stream reached its end marker
};

// True when a body that should be a whole XML or JSON document visibly stops short of its
// end: XML whose root element is not closed, JSON whose outer object is not. A short
// Content-Length on a keep-alive connection looks exactly like this. Bodies that are neither
// (or empty) return false: the parser decides about those.
bool LooksTruncated(std::string_view body);

}  // namespace feedd::daemon
