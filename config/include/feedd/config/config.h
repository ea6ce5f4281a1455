// feedd's configuration: the TOML file of spec/interface.md read into plain typed values.
// Every key has a default; unknown keys and wrong types are errors "PATH:LINE: message"
// (with a "did you mean" where a known key is close). No string key leaves this module.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/base/result.h"

namespace feedd::config {

struct StorageConfig {
  std::filesystem::path path = "var/feedd.db";   // SQLite; resolved against the config folder
  std::string url;                               // postgresql://... (instead of path)
  int keep_entries = 0;                          // retention: newest entries kept per feed, 0: all
  std::optional<std::chrono::seconds> keep_age;  // retention: entries older than this go
  // Work sharing (PostgreSQL only): this instance's id in leases ("" derives
  // hostname:pid:random) and how long a claimed feed stays leased without a renewal.
  std::string instance;
  std::chrono::seconds lease{120};

  bool operator==(const StorageConfig&) const = default;
};

struct ControlConfig {
  std::filesystem::path socket = "var/run/feedd.sock";
  std::string group;          // group owning the socket ("" keeps the process's group)
  std::uint32_t mode = 0660;  // socket file mode

  bool operator==(const ControlConfig&) const = default;
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8088";            // "" turns the public listener off
  std::filesystem::path public_dir = "var/public";  // "" turns file outputs off
  std::string base_url;    // public URL prefix for self links; "" derives it from listen
  std::string websub_hub;  // "" for none
  bool metrics = false;    // also serve /metrics (Prometheus) on the public listener

  bool operator==(const HttpConfig&) const = default;
};

struct FetchConfig {
  bool allow_private = false;
  std::vector<std::string> allow_hosts;  // addresses or CIDR ranges
  std::chrono::seconds min_interval{10 * 60};
  std::chrono::seconds max_interval{24 * 60 * 60};
  int concurrency = 32;
  int per_host = 2;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};                // total per request
  std::chrono::milliseconds host_spacing{1000};    // minimum gap between requests to one host
  std::int64_t max_body_bytes = 32 * 1024 * 1024;  // compressed and decompressed
  int max_redirects = 5;
  std::string user_agent;  // "" for feedd's own

  bool operator==(const FetchConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error

  bool operator==(const LogConfig&) const = default;
};

struct FeedConfig {
  std::string url;
  std::vector<std::string> tags;
  std::string title;  // "" for the feed's own
  int line = 0;       // where it was declared, for messages

  bool operator==(const FeedConfig&) const = default;
};

struct OutputConfig {
  std::string name;  // [a-z0-9_-]+
  std::string title;
  std::vector<std::string> tags;   // empty: every feed (unless feeds is set)
  std::vector<std::string> feeds;  // feed URLs
  std::string query;               // FTS5 query, "" for none
  int limit = 100;
  std::optional<std::chrono::seconds> window;
  int line = 0;

  bool operator==(const OutputConfig&) const = default;
};

struct Config {
  std::filesystem::path source;  // the file read ("" for built-in defaults)
  StorageConfig storage;
  ControlConfig control;
  HttpConfig http;
  FetchConfig fetch;
  LogConfig log;
  std::vector<FeedConfig> feeds;
  std::vector<OutputConfig> outputs;  // never empty after loading: defaults to one "all"

  bool operator==(const Config&) const = default;
};

// Reads and validates the file. Relative paths resolve against the file's folder.
Result<Config> LoadConfigFile(const std::filesystem::path& path);

// Same, from text; `source` names the file in messages and anchors relative paths.
Result<Config> ParseConfig(std::string_view toml_text, const std::filesystem::path& source);

// The built-in defaults (as if from an empty file in `base_dir`).
Config DefaultConfig(const std::filesystem::path& base_dir);

// "10m", "24h", "90s", "1d", "1h30m" -> seconds; nullopt when malformed.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

// --- Additions (config module) ---

// Every problem in the file, one "PATH:LINE: message" each, in file order; empty when the file
// is valid. For `feedd --check-config`, which shows them all (LoadConfigFile reports the first).
std::vector<std::string> CheckConfigFile(const std::filesystem::path& path);

// Like ParseDuration, also taking milliseconds ("500ms", "1s500ms"); units ms, s, m, h, d, w.
std::optional<std::chrono::milliseconds> ParseDurationMillis(std::string_view text);

// "32MiB", "512KiB", "10MB", "1GiB", "4096B", "4096" -> bytes; nullopt when malformed.
std::optional<std::int64_t> ParseByteSize(std::string_view text);

// 90s -> "1m30s", 0 -> "0s", 1500ms -> "1s500ms": the shortest form ParseDurationMillis reads.
std::string FormatDuration(std::chrono::milliseconds duration);

// The keys whose new value a SIGHUP cannot apply (storage, control socket, listener), named
// "section.key", that differ between the running config and the one just re-read. The daemon
// logs them and keeps running with the old values until restarted.
std::vector<std::string> RestartRequiredChanges(const Config& running, const Config& next);

// The key catalogue, for docs/config.md and its test (not for looking values up: use Config).
enum class KeyType { kString, kPath, kBool, kInteger, kDuration, kSize, kMode, kStringList };
enum class Reload { kOnSighup, kRestart };
struct KeyInfo {
  std::string_view table;  // "fetch", or "feed"/"output" for [[feed]]/[[output]] entries
  std::string_view key;    // "per_host"
  KeyType type;
  std::string_view default_text;  // as documented: a TOML value, or prose in parentheses
  Reload reload;
};
std::vector<KeyInfo> KeyCatalog();
std::string_view KeyTypeName(KeyType type);  // "integer", "duration", "array of strings", ...

}  // namespace feedd::config
