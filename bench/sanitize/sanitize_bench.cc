// Throughput of the sanitiser (MB/s, 10^6 bytes of input HTML per second), next to its floor:
// gumbo parsing the same HTML and nothing else, and the sanitiser without its fast path
// (SanitizeOptions::fast_path = false, gumbo for every input). Cases: the seed article (one entry
// at a time, the daemon's case) and, with --corpus-list, every summary and content of the given
// feed files (read raw with ParseFeed's kKeepRaw, then sanitised one entry at a time). Each case
// prints wall-clock and CPU-time rates: on a shared machine the CPU rate is the stable one.
//
//   sanitize_bench [--seconds S] [--seed RSS_FILE] [--corpus-list FILE] [--files N]
#include <gumbo.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "feedd/feeds/parse.h"
#include "feedd/feeds/sanitize.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::string out;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return out;
  char buffer[65536];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) {
    out.append(buffer, got);
  }
  std::fclose(file);
  return out;
}

std::string ContentEncoded(const std::string& rss) {
  const std::string open = "<content:encoded><![CDATA[";
  const auto start = rss.find(open);
  const auto end = rss.find("]]></content:encoded>");
  if (start == std::string::npos || end == std::string::npos) return "";
  return rss.substr(start + open.size(), end - start - open.size());
}

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Runs `work` over all `inputs` repeatedly for at least `seconds` of CPU time; prints the
// rates. `work` returns the output size (kept so the optimiser cannot drop the call).
void Measure(const char* name, const std::vector<std::string>& inputs, double seconds,
             const std::function<std::size_t(const std::string&)>& work) {
  std::size_t bytes = 0, sink = 0, runs = 0, items = 0;
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  double cpu = 0;
  do {
    for (const std::string& input : inputs) {
      sink += work(input);
      bytes += input.size();
      ++items;
    }
    ++runs;
    cpu = CpuSeconds() - cpu_start;
  } while (cpu < seconds);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf(
      "%-28s inputs=%zu runs=%zu MB=%.1f cpu_s=%.2f wall_s=%.2f MBps_cpu=%.1f "
      "MBps_wall=%.1f us_per_input_cpu=%.1f out_ratio=%.3f\n",
      name, inputs.size(), runs, mb, cpu, wall, mb / cpu, mb / wall,
      cpu * 1e6 / static_cast<double>(items),
      static_cast<double>(sink) / static_cast<double>(bytes));
}

std::size_t GumboOnly(const std::string& html) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  const std::size_t children = output->root->v.element.children.length;
  gumbo_destroy_output(&options, output);
  return children;
}

// Every non-empty summary and content of the first `limit` files of `list`.
std::vector<std::string> CorpusHtml(const std::string& list, std::size_t limit) {
  std::vector<std::string> html;
  std::ifstream in(list);
  std::size_t files = 0;
  for (std::string path; std::getline(in, path) && files < limit;) {
    if (path.empty()) continue;
    ++files;
    feedd::feeds::ParseOptions options;
    options.entry_html = feedd::feeds::EntryHtml::kKeepRaw;
    auto result = feedd::feeds::ParseFeed(ReadFile(path), options);
    if (!result) continue;
    for (auto& entry : result->feed.entries) {
      if (entry.summary) html.push_back(std::move(*entry.summary));
      if (entry.content) html.push_back(std::move(*entry.content));
    }
  }
  return html;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  std::string seed_path = FEEDD_SANITIZE_SEED;
  std::string corpus_list;
  std::size_t corpus_files = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = std::atof(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      seed_path = argv[i + 1];
    } else if (std::strcmp(argv[i], "--corpus-list") == 0) {
      corpus_list = argv[i + 1];
    } else if (std::strcmp(argv[i], "--files") == 0) {
      corpus_files = static_cast<std::size_t>(std::atol(argv[i + 1]));
    } else {
      std::fprintf(stderr, "sanitize_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  const std::string article = ContentEncoded(ReadFile(seed_path));
  if (article.empty()) {
    std::fprintf(stderr, "sanitize_bench: no content:encoded in %s\n", seed_path.c_str());
    return 66;
  }
  feedd::feeds::SanitizeOptions options;
  options.base_url = "https://tech-haven.techidaily.com/";
  auto sanitize = [&](const std::string& html) {
    return feedd::feeds::SanitizeHtml(html, options).size();
  };
  feedd::feeds::SanitizeOptions gumbo_options = options;
  gumbo_options.fast_path = false;
  auto sanitize_gumbo = [&](const std::string& html) {
    return feedd::feeds::SanitizeHtml(html, gumbo_options).size();
  };
  // How many inputs (and bytes) the fast path takes.
  auto report_fast_path = [](const char* name, const std::vector<std::string>& inputs) {
    std::size_t taken = 0, bytes = 0, taken_bytes = 0;
    for (const auto& html : inputs) {
      bytes += html.size();
      if (feedd::feeds::SanitizeFastPathTakes(html)) {
        ++taken;
        taken_bytes += html.size();
      }
    }
    std::printf(
        "%-28s fast path takes %zu of %zu inputs (%.1f%% of bytes)\n", name, taken, inputs.size(),
        100.0 * static_cast<double>(taken_bytes) / static_cast<double>(bytes == 0 ? 1 : bytes));
  };
  auto to_text = [](const std::string& html) { return feedd::feeds::HtmlToText(html).size(); };

  const std::vector<std::string> seed{article};
  Measure("gumbo only, seed", seed, seconds, GumboOnly);
  report_fast_path("seed", seed);
  Measure("SanitizeHtml, seed", seed, seconds, sanitize);
  Measure("SanitizeHtml gumbo, seed", seed, seconds, sanitize_gumbo);
  Measure("HtmlToText, seed", seed, seconds, to_text);
  if (!corpus_list.empty()) {
    const std::vector<std::string> corpus = CorpusHtml(corpus_list, corpus_files);
    if (corpus.empty()) {
      std::fprintf(stderr, "sanitize_bench: no entry HTML in %s\n", corpus_list.c_str());
      return 66;
    }
    Measure("gumbo only, corpus", corpus, seconds, GumboOnly);
    report_fast_path("corpus", corpus);
    Measure("SanitizeHtml, corpus", corpus, seconds, sanitize);
    Measure("SanitizeHtml gumbo, corpus", corpus, seconds, sanitize_gumbo);
  }
  return 0;
}
