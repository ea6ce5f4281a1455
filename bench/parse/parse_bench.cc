// parse_bench: runs feedd's ParseFeed (decoding, XML, feed semantics, dates, URL resolution,
// HTML sanitising) over files in one process and prints MB/s and entries/s, timed like
// ../shared/bench/pugi_count.cpp (reading each file is inside the timed loop). Prints the
// process CPU time too: on a shared machine it is the steadier figure.
//
//   parse_bench [--raw-html] [--stream] [--read auto|map|buffer] [--warmup N] [--repeat N] [--list
//   FILE] PATH...
//
// A PATH may be a folder. --raw-html skips the HTML sanitiser (EntryHtml::kKeepRaw) to show
// the parser's own cost. --warmup N parses everything N times before the clock starts: a
// long-running daemon parses with memory the allocator has already faulted in, and on a VM
// first-touch page faults can cost more than the parse itself (bench/parse/linear.py warms
// every size alike so that sizes compare). --stream hands each entry to a sink that drops it
// (the ParseFeed overload with an EntrySink) instead of collecting the whole feed's entries.
// --read: how files are read (see FileBytes); auto maps files of 1 MiB or more.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "feedd/feeds/parse.h"

namespace {

// How files are read: into one reused buffer, or mapped read-only and populated in one call
// (MAP_POPULATE). A large file is mapped: the parse copies the document once anyway (pugixml
// parses in place), and a fresh 50 MB read buffer costs ~12,000 first-touch page faults, more
// CPU than the copy itself on a VM. Small files are read: the reused buffer is already faulted
// in, and a mapping per file costs an mmap/munmap pair and its page-table work.
enum class ReadMode { kAuto, kBuffer, kMap };
constexpr std::size_t kMapThreshold = std::size_t{1} << 20;

class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() { Unmap(); }

  bool Open(const std::string& path, ReadMode mode) {
    Unmap();
    size_ = 0;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat info {};
    bool ok = fstat(fd, &info) == 0;
    const std::size_t size = ok && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
    const bool map = mode == ReadMode::kMap || (mode == ReadMode::kAuto && size >= kMapThreshold);
    if (ok && size > 0 && map) {
      void* address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      ok = address != MAP_FAILED;
      if (ok) {
        mapped_ = static_cast<const char*>(address);
        size_ = size;
      }
    } else if (ok && size > 0) {
      if (size > buffer_.size()) buffer_.resize(size);
      while (ok && size_ < size) {
        const ssize_t got = read(fd, buffer_.data() + size_, size - size_);
        ok = got > 0;
        if (ok) size_ += static_cast<std::size_t>(got);
      }
    }
    close(fd);
    return ok;
  }
  std::string_view View() const { return {mapped_ != nullptr ? mapped_ : buffer_.data(), size_}; }

 private:
  void Unmap() {
    if (mapped_ != nullptr) munmap(const_cast<char*>(mapped_), size_);
    mapped_ = nullptr;
  }
  std::vector<char> buffer_;
  const char* mapped_ = nullptr;
  std::size_t size_ = 0;
};

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
              bool stream, ReadMode read_mode, FileBytes& file, Totals& totals) {
  for (const std::string& path : files) {
    if (!file.Open(path, read_mode)) {
      ++totals.failed;
      continue;
    }
    feedd::feeds::ParseOptions options;
    options.entry_html = entry_html;
    options.document_url =
        "https://example.test/" + std::filesystem::path(path).filename().string();
    const std::string_view document = file.View();
    unsigned long long streamed = 0;
    auto result = stream
                      ? feedd::feeds::ParseFeed(document, options,
                                                [&streamed](feedd::feeds::Entry&&) { ++streamed; })
                      : feedd::feeds::ParseFeed(document, options);
    totals.bytes += document.size();
    if (!result) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), result.error().message.c_str());
      ++totals.failed;
      continue;
    }
    totals.entries += result->feed.entries.size() + streamed;
    totals.warnings += result->warnings.size();
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  int repeat = 1;
  int warmup = 0;
  bool stream = false;
  ReadMode read_mode = ReadMode::kAuto;
  feedd::feeds::EntryHtml entry_html = feedd::feeds::EntryHtml::kSanitize;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--raw-html") == 0) {
      entry_html = feedd::feeds::EntryHtml::kKeepRaw;
    } else if (std::strcmp(argv[i], "--read") == 0 && i + 1 < argc) {
      ++i;
      read_mode = std::strcmp(argv[i], "map") == 0      ? ReadMode::kMap
                  : std::strcmp(argv[i], "buffer") == 0 ? ReadMode::kBuffer
                                                        : ReadMode::kAuto;
    } else if (std::strcmp(argv[i], "--stream") == 0) {
      stream = true;
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
    std::fprintf(stderr,
                 "usage: parse_bench [--raw-html] [--stream] [--read auto|map|buffer] [--warmup N] "
                 "[--repeat N] [--list FILE] PATH...\n");
    return 2;
  }
  FileBytes file;
  Totals warm;
  for (int round = 0; round < warmup; ++round)
    ParseAll(files, entry_html, stream, read_mode, file, warm);
  Totals totals;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  for (int round = 0; round < repeat; ++round)
    ParseAll(files, entry_html, stream, read_mode, file, totals);
  const auto& [bytes, entries, warnings, failed] = totals;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  std::printf(
      "files=%zu failed=%d bytes=%llu entries=%llu warnings=%llu seconds=%.3f cpu_s=%.3f "
      "MBps=%.1f MBps_cpu=%.1f entries_per_s=%.0f entries_per_cpu_s=%.0f\n",
      files.size() * static_cast<std::size_t>(repeat), failed, bytes, entries, warnings, seconds,
      cpu, static_cast<double>(bytes) / 1e6 / seconds, static_cast<double>(bytes) / 1e6 / cpu,
      static_cast<double>(entries) / seconds, static_cast<double>(entries) / cpu);
  return failed != 0 ? 1 : 0;
}
