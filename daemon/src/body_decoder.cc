// zlib inflate in bounded slices: each call produces at most what is left under the cap, so
// a gzip bomb costs at most `max_output` bytes of work and memory, wherever it stops.
#include "body_decoder.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace feedd::daemon {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

constexpr std::size_t kSlice = 64 * 1024;

}  // namespace

Result<ContentCoding> ParseContentCoding(std::string_view content_encoding) {
  const std::string value = Lower(Trim(content_encoding));
  if (value.find(',') != std::string::npos) {
    return Fail("content encoding '" + value + "': chained encodings are refused");
  }
  if (value.empty() || value == "identity") return ContentCoding::kIdentity;
  if (value == "gzip" || value == "x-gzip") return ContentCoding::kGzip;
  if (value == "deflate") return ContentCoding::kDeflate;
  return Fail("content encoding '" + value + "': not one feedd asked for (gzip, deflate)");
}

struct BodyDecoder::Stream {
  z_stream z{};
  bool initialised = false;
  ~Stream() {
    if (initialised) inflateEnd(&z);
  }
};

BodyDecoder::BodyDecoder(ContentCoding coding, std::size_t max_output)
    : coding_(coding), max_output_(max_output) {}

BodyDecoder::~BodyDecoder() = default;

BodyDecoder::Status BodyDecoder::Append(std::string_view input, std::string& out) {
  std::size_t consumed = 0;
  return AppendSome(input, out, std::numeric_limits<std::size_t>::max(), consumed);
}

BodyDecoder::Status BodyDecoder::AppendSome(std::string_view input, std::string& out,
                                            std::size_t budget, std::size_t& consumed) {
  consumed = 0;
  if (coding_ == ContentCoding::kIdentity) {
    if (out.size() + input.size() > max_output_) return Status::kTooLarge;
    out.append(input);
    consumed = input.size();
    return Status::kOk;
  }
  return Inflate(input, out, budget, consumed);
}

BodyDecoder::Status BodyDecoder::Inflate(std::string_view input, std::string& out,
                                         std::size_t budget, std::size_t& consumed) {
  if (ended_ || input.empty()) {  // bytes after the end marker are ignored
    consumed = input.size();
    return Status::kOk;
  }
  if (!stream_) {
    stream_ = std::make_unique<Stream>();
    int window = 15 + 16;  // gzip
    if (coding_ == ContentCoding::kDeflate) {
      // "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate.
      const auto b0 = static_cast<unsigned char>(input[0]);
      const auto b1 = input.size() > 1 ? static_cast<unsigned char>(input[1]) : 0u;
      const bool zlib_header = (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
      window = zlib_header ? 15 : -15;
    }
    if (inflateInit2(&stream_->z, window) != Z_OK) return Status::kCorrupt;
    stream_->initialised = true;
  }
  z_stream& z = stream_->z;
  // zlib's API takes non-const input; it never writes through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  std::array<char, kSlice> buffer;
  std::size_t produced_here = 0;
  auto used = [&] { return input.size() - z.avail_in; };
  while (z.avail_in > 0 && produced_here < budget) {
    const std::size_t room = max_output_ - std::min(max_output_, out.size());
    // One byte more than the room: producing it proves the body is over the cap.
    const std::size_t want = std::min(kSlice, room + 1);
    z.next_out = reinterpret_cast<Bytef*>(buffer.data());
    z.avail_out = static_cast<uInt>(want);
    const int status = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = want - z.avail_out;
    consumed = used();
    if (produced > room) return Status::kTooLarge;
    out.append(buffer.data(), produced);
    produced_here += produced;
    if (status == Z_STREAM_END) {
      ended_ = true;
      consumed = input.size();
      return Status::kOk;
    }
    if (status == Z_BUF_ERROR && produced == 0) {  // needs more input
      consumed = input.size();
      return Status::kOk;
    }
    if (status != Z_OK) return Status::kCorrupt;
  }
  consumed = used();
  return Status::kOk;
}

BodyDecoder::Status BodyDecoder::Finish() const {
  if (coding_ == ContentCoding::kIdentity || stream_ == nullptr) return Status::kOk;
  return ended_ ? Status::kOk : Status::kCorrupt;
}

namespace {

// Skips the prolog (XML declaration, PIs, comments, DOCTYPE) and returns the root element's
// name, or "" when none is found.
std::string_view RootName(std::string_view text) {
  while (!text.empty()) {
    text = Trim(text);
    if (text.rfind("<?", 0) == 0) {
      const auto end = text.find("?>");
      if (end == std::string_view::npos) return "";
      text.remove_prefix(end + 2);
    } else if (text.rfind("<!--", 0) == 0) {
      const auto end = text.find("-->");
      if (end == std::string_view::npos) return "";
      text.remove_prefix(end + 3);
    } else if (text.rfind("<!", 0) == 0) {
      const auto bracket = text.find('[');
      const auto close = text.find('>');
      if (close == std::string_view::npos) return "";
      std::size_t end = close;
      if (bracket != std::string_view::npos && bracket < close) {
        end = text.find("]>", bracket);
        if (end == std::string_view::npos) return "";
        ++end;
      }
      text.remove_prefix(end + 1);
    } else if (text.rfind('<', 0) == 0) {
      std::size_t end = 1;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
             text[end] != '>' && text[end] != '/') {
        ++end;
      }
      return text.substr(1, end - 1);
    } else {
      return "";
    }
  }
  return "";
}

// Drops trailing comments and PIs (caches append "<!-- generated in 0.2s -->").
std::string_view StripTrailingMisc(std::string_view text) {
  for (int i = 0; i < 16; ++i) {
    text = Trim(text);
    if (text.size() >= 3 && text.substr(text.size() - 3) == "-->") {
      const auto start = text.rfind("<!--");
      if (start == std::string_view::npos) return text;
      text = text.substr(0, start);
    } else if (text.size() >= 2 && text.substr(text.size() - 2) == "?>") {
      const auto start = text.rfind("<?");
      if (start == std::string_view::npos) return text;
      text = text.substr(0, start);
    } else {
      return text;
    }
  }
  return text;
}

}  // namespace

bool LooksTruncated(std::string_view body) {
  if (body.rfind("\xEF\xBB\xBF", 0) == 0) body.remove_prefix(3);
  const std::string_view text = Trim(body);
  if (text.empty()) return false;
  if (text.front() == '{') return text.back() != '}';
  if (text.front() != '<') return false;
  const std::string_view root = RootName(text);
  if (root.empty()) return false;
  if (Lower(root) == "html") return false;  // pages are the discovery's business
  const std::string_view tail = StripTrailingMisc(text);
  if (tail.empty() || tail.back() != '>') return true;
  // A self-closed root (<rss/>) is the whole document.
  const auto open = tail.rfind('<');
  if (open == std::string_view::npos) return true;
  std::string_view last = tail.substr(open);
  if (last.rfind("</", 0) != 0) {
    return !(last.size() > root.size() + 2 && last.substr(1, root.size()) == root &&
             last.substr(last.size() - 2) == "/>" && open == text.find('<' + std::string(root)));
  }
  last.remove_prefix(2);
  last.remove_suffix(1);
  return Trim(last) != root;
}

}  // namespace feedd::daemon
