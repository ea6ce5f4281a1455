// parse_bench: runs feedd's ParseFeed (decoding, XML, feed semantics, dates, URL resolution,
// HTML sanitising) over files in one process and prints MB/s and entries/s, timed like
// ../shared/bench/pugi_count.cpp (reading each file is inside the timed loop). Prints the
// process CPU time too: on a shared machine it is the steadier figure.
//
//   parse_bench [--raw-html] [--warmup N] [--repeat N] [--list FILE] PATH...
//
// A PATH may be a folder. --raw-html skips the HTML sanitiser (EntryHtml::kKeepRaw) to show
// the parser's own cost. --warmup N parses everything N times before the clock starts: a
// long-running daemon parses with memory the allocator has already faulted in, and on a VM
// first-touch page faults can cost more than the parse itself (bench/parse/linear.py warms
// every size alike so that sizes compare).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "feedd/feeds/parse.h"

namespace {

// A reusable read buffer that is not zero-filled first (pugixml's load_file does not either).
struct Buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
  std::size_t size = 0;
};

bool ReadFile(const std::string& path, Buffer& out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  std::fseek(file, 0, SEEK_END);
  const long length = std::ftell(file);
  std::fseek(file, 0, SEEK_SET);
  const std::size_t size = length > 0 ? static_cast<std::size_t>(length) : 0;
  if (size > out.capacity) {
    out.data.reset(new char[size]);
    out.capacity = size;
  }
  out.size = size == 0 ? 0 : std::fread(out.data.get(), 1, size, file);
  std::fclose(file);
  return true;
}

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void AddPath(const std::string& path, std::vector<std::string>& files) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    std::vector<std::string> found;
    for (const auto& item : std::filesystem::recursive_directory_iterator(path, error)) {
      if (item.is_regular_file()) found.push_back(item.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  } else {
    files.push_back(path);
  }
}

struct Totals {
  unsigned long long bytes = 0, entries = 0, warnings = 0;
  int failed = 0;
};

void ParseAll(const std::vector<std::string>& files, feedd::feeds::EntryHtml entry_html,
              Buffer& buffer, Totals& totals) {
  for (const std::string& path : files) {
    if (!ReadFile(path, buffer)) {
      ++totals.failed;
      continue;
    }
    feedd::feeds::ParseOptions options;
    options.entry_html = entry_html;
    options.document_url = "https://example.test/" + std::filesystem::path(path).filename().string();
    const std::string_view document(buffer.data.get(), buffer.size);
    auto result = feedd::feeds::ParseFeed(document, options);
    totals.bytes += document.size();
    if (!result) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), result.error().message.c_str());
      ++totals.failed;
      continue;
    }
    totals.entries += result->feed.entries.size();
    totals.warnings += result->warnings.size();
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  int repeat = 1;
  int warmup = 0;
  feedd::feeds::EntryHtml entry_html = feedd::feeds::EntryHtml::kSanitize;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--raw-html") == 0) {
      entry_html = feedd::feeds::EntryHtml::kKeepRaw;
    } else if (std::strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
      warmup = std::max(0, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--list") == 0 && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) files.push_back(line);
      }
    } else {
      AddPath(argv[i], files);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: parse_bench [--raw-html] [--warmup N] [--repeat N] [--list FILE] PATH...\n");
    return 2;
  }
  Buffer buffer;
  Totals warm;
  for (int round = 0; round < warmup; ++round) ParseAll(files, entry_html, buffer, warm);
  Totals totals;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  for (int round = 0; round < repeat; ++round) ParseAll(files, entry_html, buffer, totals);
  const auto& [bytes, entries, warnings, failed] = totals;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  std::printf("files=%zu failed=%d bytes=%llu entries=%llu warnings=%llu seconds=%.3f cpu_s=%.3f "
              "MBps=%.1f MBps_cpu=%.1f entries_per_s=%.0f entries_per_cpu_s=%.0f\n",
              files.size() * static_cast<std::size_t>(repeat), failed, bytes, entries, warnings,
              seconds, cpu, static_cast<double>(bytes) / 1e6 / seconds,
              static_cast<double>(bytes) / 1e6 / cpu, static_cast<double>(entries) / seconds,
              static_cast<double>(entries) / cpu);
  return failed != 0 ? 1 : 0;
}
