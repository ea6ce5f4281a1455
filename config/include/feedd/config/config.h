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
  std::filesystem::path path = "var/feedd.db";  // SQLite; resolved against the config folder
  std::string url;                               // postgresql://... (instead of path)
};

struct ControlConfig {
  std::filesystem::path socket = "var/run/feedd.sock";
  std::string group;             // group owning the socket ("" keeps the process's group)
  std::uint32_t mode = 0660;     // socket file mode
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8088";  // "" turns the public listener off
  std::filesystem::path public_dir = "var/public";  // "" turns file outputs off
  std::string base_url;      // public URL prefix for self links; "" derives it from listen
  std::string websub_hub;    // "" for none
};

struct FetchConfig {
  bool allow_private = false;
  std::vector<std::string> allow_hosts;  // addresses or CIDR ranges
  std::chrono::seconds min_interval{10 * 60};
  std::chrono::seconds max_interval{24 * 60 * 60};
  int concurrency = 32;
  int per_host = 2;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};           // total per request
  std::chrono::milliseconds host_spacing{1000};  // minimum gap between requests to one host
  std::int64_t max_body_bytes = 32 * 1024 * 1024;  // compressed and decompressed
  int max_redirects = 5;
  std::string user_agent;  // "" for feedd's own
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
};

struct FeedConfig {
  std::string url;
  std::vector<std::string> tags;
  std::string title;  // "" for the feed's own
  int line = 0;       // where it was declared, for messages
};

struct OutputConfig {
  std::string name;   // [a-z0-9_-]+
  std::string title;
  std::vector<std::string> tags;   // empty: every feed (unless feeds is set)
  std::vector<std::string> feeds;  // feed URLs
  std::string query;               // FTS5 query, "" for none
  int limit = 100;
  std::optional<std::chrono::seconds> window;
  int line = 0;
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
};

// Reads and validates the file. Relative paths resolve against the file's folder.
Result<Config> LoadConfigFile(const std::filesystem::path& path);

// Same, from text; `source` names the file in messages and anchors relative paths.
Result<Config> ParseConfig(std::string_view toml_text, const std::filesystem::path& source);

// The built-in defaults (as if from an empty file in `base_dir`).
Config DefaultConfig(const std::filesystem::path& base_dir);

// "10m", "24h", "90s", "1d", "1h30m" -> seconds; nullopt when malformed.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace feedd::config
