// The one typed table of config keys (Redis's static_configs[] in spirit): for each key its
// table, type, documented default, reload behaviour, bounds and setter. The loader, the docs
// test and RestartRequiredChanges all walk it, so a key cannot exist in one and not another.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feedd/config/config.h"

namespace feedd::config::internal {

// A TOML value decoded according to its key's type; only the matching field is meaningful.
struct Value {
  std::string text;                       // kString, kPath
  bool flag = false;                      // kBool
  std::int64_t number = 0;                // kInteger, kSize (bytes), kMode (permission bits)
  std::chrono::milliseconds duration{0};  // kDuration
  std::vector<std::string> list;          // kStringList
};

// Where a setter writes: the whole config, plus the [[feed]] or [[output]] entry being read.
struct Target {
  std::filesystem::path base_dir;  // relative paths resolve against it
  Config* config = nullptr;
  FeedConfig* feed = nullptr;
  OutputConfig* output = nullptr;
};

// Stores the value; returns "" or what is wrong with it, phrased to follow the key's name
// ("must be an http or https URL").
using Setter = std::string (*)(const Target& target, const Value& value);

struct KeySpec {
  KeyInfo info;
  // Inclusive bounds, checked before the setter: for kInteger and kSize the number, for
  // kDuration milliseconds.
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  Setter set = nullptr;
  // Only for Reload::kRestart keys: whether two configs disagree on this key.
  bool (*differs)(const Config& a, const Config& b) = nullptr;
};

std::span<const KeySpec> KeyTable();

// `path` against `base_dir` when relative, lexically normalised; "" stays "" (means off).
std::filesystem::path ResolvePath(const std::filesystem::path& base_dir,
                                  const std::filesystem::path& path);

// The spec of `table`.`key`, or nullptr.
const KeySpec* FindKey(std::string_view table, std::string_view key);

// The keys of one table, for suggestions.
std::vector<std::string_view> KeysOf(std::string_view table);

// "storage", "control", "http", "fetch", "log" (plain tables) and "feed", "output" ([[...]]).
std::span<const std::string_view> TableNames();
bool IsArrayTable(std::string_view table);

}  // namespace feedd::config::internal
