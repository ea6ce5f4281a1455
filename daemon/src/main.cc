// feedd's entry point: arguments, config, logging, then the Daemon. Startup failures exit
// non-zero with one clear line on stderr (sysexits codes).
#include <spdlog/spdlog.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "curl_handles.h"
#include "daemon.h"
#include "feedd/config/config.h"
#include "log_setup.h"
#include "systemd_notify.h"
#include "version.h"

namespace {

using namespace feedd;

constexpr const char* kUsage =
    "usage: feedd [--config PATH] [--check-config] [--version]\n"
    "  --config PATH    config file (default: $FEEDD_CONFIG, else /etc/feedd/feedd.toml)\n"
    "  --check-config   validate the config file and exit (0 ok, 78 errors)\n"
    "  --version        print the version (and whether systemd support is built in) and exit\n";

// Feed bodies are buffered whole, up to fetch.max_body_bytes (32 MiB by default; a gzip bomb
// or an endless body reaches it). glibc's default mmap threshold is dynamic: once such a
// buffer is freed it rises to the buffer's size, and the trim threshold to twice that, so
// the next big buffers come from the heap and their freed space stays resident. The F-C7
// soak measured it: live heap 6-7 MiB throughout, RSS up 32 MiB after the third capped body
// and never back. A fixed threshold gives every block of 1 MiB or more its own mapping,
// returned to the system when freed; small blocks keep using the heap, trimmed past 1 MiB.
//
// Arenas: glibc gives each thread that meets a locked arena one of its own, up to eight per
// core. Blocks freed in one (a body received on the io thread, parsed on the pool, its entries
// freed by the writer) stay resident there as free space the other threads cannot reuse. Two
// arenas for the four busy threads (io, two parsers, the writer) halved the peak RSS of a cold
// cycle of 1,000 feeds (146-152 -> 72-73 MiB, fetch_bench) for about 5% more CPU; one arena
// gave 69-84 MiB and 15-20% more CPU (lock contention).
void TuneMalloc() {
#if defined(__GLIBC__)
  constexpr int kMmapThreshold = 1 << 20;
  constexpr int kArenas = 2;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kMmapThreshold);
  // MALLOC_ARENA_MAX in the environment (glibc's own knob) is the operator's to set.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, kArenas);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  TuneMalloc();
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--version") {
      // "+systemd": notify, watchdog and socket activation are built in (tests look for it).
      std::cout << "feedd " << daemon::Version()
                << (daemon::HasSystemdSupport() ? " +systemd" : " -systemd") << '\n';
      return 0;
    }
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = std::string(arg.substr(9));
    } else {
      std::cerr << "feedd: unknown argument '" << arg << "'\n" << kUsage;
      return 64;  // EX_USAGE
    }
  }
  if (config_path.empty()) {
    const char* from_env = std::getenv("FEEDD_CONFIG");
    config_path = from_env != nullptr && *from_env != '\0' ? from_env : "/etc/feedd/feedd.toml";
  }

  if (check_only) {
    const auto problems = config::CheckConfigFile(config_path);
    for (const auto& problem : problems) std::cerr << problem << '\n';
    if (!problems.empty()) return daemon::kExitConfig;
    std::cout << config_path << ": ok\n";
    return 0;
  }

  auto loaded = config::LoadConfigFile(config_path);
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return daemon::kExitConfig;
  }
  daemon::SetUpLogging(loaded->log.level);
  spdlog::info("feedd {} starting with {}", daemon::Version(), config_path);

  daemon::CurlGlobal curl;
  daemon::StartupError error;
  auto instance = daemon::Daemon::Create(std::move(*loaded), error);
  if (!instance) {
    std::cerr << "feedd: " << error.message << '\n';
    return error.exit_code;
  }
  return instance->Run();
}
