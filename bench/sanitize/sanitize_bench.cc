// Throughput of the sanitiser: one seed article at a time (the daemon's case), the same
// article repeated into one 1 MiB entry, and HtmlToText. Prints MB/s (10^6 bytes).
// Usage: sanitize_bench [seconds per case, default 2] [path to an RSS file with content:encoded]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "feedd/feeds/sanitize.h"

namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string ContentEncoded(const std::string& rss) {
  const std::string open = "<content:encoded><![CDATA[";
  const auto start = rss.find(open);
  const auto end = rss.find("]]></content:encoded>");
  if (start == std::string::npos || end == std::string::npos) return "";
  return rss.substr(start + open.size(), end - start - open.size());
}

// Runs `work` on `input` repeatedly for about `seconds`; prints and returns MB/s.
double Measure(const char* name, const std::string& input, double seconds,
               const std::function<std::size_t(const std::string&)>& work) {
  using Clock = std::chrono::steady_clock;
  std::size_t bytes = 0;
  std::size_t sink = 0;
  std::size_t runs = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    sink += work(input);
    bytes += input.size();
    ++runs;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const double mb_per_s = static_cast<double>(bytes) / 1e6 / elapsed;
  std::printf("%-34s %8zu bytes x %6zu runs  %8.1f MB/s  (output %zu bytes/run)\n", name,
              input.size(), runs, mb_per_s, sink / runs);
  return mb_per_s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string rss = ReadFile(argc > 2 ? argv[2] : FEEDD_SANITIZE_SEED);
  const std::string article = ContentEncoded(rss);
  if (article.empty()) {
    std::fprintf(stderr, "sanitize_bench: no content:encoded in the seed file\n");
    return 66;
  }
  std::string large;
  while (large.size() < (1U << 20)) large += article;

  const feedd::feeds::SanitizeOptions options{"https://tech-haven.techidaily.com/"};
  auto sanitize = [&](const std::string& html) {
    return feedd::feeds::SanitizeHtml(html, options).size();
  };
  auto to_text = [](const std::string& html) { return feedd::feeds::HtmlToText(html).size(); };
  Measure("SanitizeHtml seed article", article, seconds, sanitize);
  Measure("SanitizeHtml seed article x 1 MiB", large, seconds, sanitize);
  Measure("HtmlToText seed article", article, seconds, to_text);
  return 0;
}
