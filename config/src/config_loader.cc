// Reads the TOML file into Config by walking the key table (config_keys.cc): unknown keys,
// wrong types and bad values become "PATH:LINE: message" problems; then cross-key checks.
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "config_keys.h"
#include "decode.h"
#include "feedd/config/config.h"
#include "key_suggestions.h"

namespace feedd::config {
namespace {

using internal::KeySpec;
using internal::Target;

constexpr std::size_t kMaxConfigBytes = 1 << 20;
constexpr std::size_t kMaxSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1 on Linux

struct Problem {
  std::int64_t line = 0;  // 0: not tied to a line
  std::string message;
};

std::int64_t LineOf(const toml::source_region& region) {
  return static_cast<std::int64_t>(region.begin.line);
}

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

class Loader {
 public:
  Loader(std::filesystem::path source, std::filesystem::path base_dir)
      : base_dir_(std::move(base_dir)) {
    config_ = DefaultConfig(base_dir_);
    config_.source = std::move(source);
    config_.outputs.clear();  // the default "all" only when the file declares none
  }

  void Read(const toml::table& root) {
    for (const auto& [key, node] : root) ReadTopLevel(key, node);
    CheckAcrossKeys();
    if (config_.outputs.empty()) config_.outputs = DefaultConfig(base_dir_).outputs;
  }

  void Add(std::int64_t line, std::string message) {
    problems_.push_back({line, std::move(message)});
  }

  Config& config() { return config_; }
  std::vector<Problem>& problems() { return problems_; }

 private:
  void ReadTopLevel(const toml::key& key, const toml::node& node) {
    const std::string name(key.str());
    const std::int64_t line = LineOf(key.source());
    const auto tables = internal::TableNames();
    if (std::find(tables.begin(), tables.end(), name) == tables.end()) {
      Add(line, "unknown table " + Quoted(name) + TopLevelHint(name));
      return;
    }
    if (internal::IsArrayTable(name)) {
      const toml::array* entries = node.as_array();
      if (entries == nullptr || (!entries->empty() && !entries->is_array_of_tables())) {
        Add(line, name + " must be an array of tables: write [[" + name + "]]");
        return;
      }
      for (const toml::node& entry : *entries) ReadEntry(name, *entry.as_table());
      return;
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      Add(line, name + " must be a table: write [" + name + "]");
      return;
    }
    Target target{base_dir_, &config_, nullptr, nullptr};
    ReadKeys(name, *table, target, &key_lines_);
  }

  // [[feed]] and [[output]] entries: keys as for plain tables, then required keys.
  void ReadEntry(const std::string& table_name, const toml::table& table) {
    const std::int64_t line = LineOf(table.source());
    std::map<std::string, std::int64_t> seen;
    if (table_name == "feed") {
      FeedConfig feed;
      feed.line = static_cast<int>(line);
      ReadKeys(table_name, table, Target{base_dir_, &config_, &feed, nullptr}, &seen);
      if (!seen.contains("feed.url")) Add(line, "[[feed]] has no url");
      config_.feeds.push_back(std::move(feed));
      return;
    }
    OutputConfig output;
    output.line = static_cast<int>(line);
    ReadKeys(table_name, table, Target{base_dir_, &config_, nullptr, &output}, &seen);
    if (!seen.contains("output.name")) Add(line, "[[output]] has no name");
    if (!seen.contains("output.title")) output.title = output.name;
    config_.outputs.push_back(std::move(output));
  }

  void ReadKeys(const std::string& table_name, const toml::table& table, const Target& target,
                std::map<std::string, std::int64_t>* lines) {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      const std::int64_t line = LineOf(key.source());
      const KeySpec* spec = internal::FindKey(table_name, name);
      if (spec == nullptr) {
        Add(line, "unknown key " + Quoted(table_name + "." + name) + KeyHint(table_name, name));
        continue;
      }
      const std::string full_name = table_name + "." + name;
      (*lines)[full_name] = line;
      internal::Value value;
      std::string problem = internal::Decode(node, *spec, value);
      if (problem.empty()) problem = spec->set(target, value);
      if (!problem.empty()) Add(line, full_name + " " + problem);
    }
  }

  static std::string KeyHint(const std::string& table_name, const std::string& name) {
    const std::vector<std::string_view> keys = internal::KeysOf(table_name);
    const std::string close = internal::Suggest(name, keys);
    if (!close.empty()) return " (did you mean " + Quoted(close) + "?)";
    for (std::string_view other : internal::TableNames()) {
      if (other != table_name && internal::FindKey(other, name) != nullptr) {
        return " (it belongs in [" + std::string(other) + "])";
      }
    }
    return {};
  }

  static std::string TopLevelHint(const std::string& name) {
    const std::string close = internal::Suggest(name, internal::TableNames());
    if (!close.empty()) return " (did you mean " + Quoted(close) + "?)";
    for (std::string_view table : internal::TableNames()) {
      if (internal::FindKey(table, name) != nullptr) {
        return " (" + Quoted(name) + " is a key: it belongs in [" + std::string(table) + "])";
      }
    }
    return {};
  }

  std::int64_t KeyLine(const std::string& full_name) const {
    const auto found = key_lines_.find(full_name);
    return found == key_lines_.end() ? 0 : found->second;
  }

  void CheckAcrossKeys() {
    const FetchConfig& fetch = config_.fetch;
    if (fetch.min_interval > fetch.max_interval) {
      const std::int64_t line =
          std::max(KeyLine("fetch.min_interval"), KeyLine("fetch.max_interval"));
      Add(line, "fetch.min_interval (" + FormatDuration(fetch.min_interval) +
                    ") is longer than fetch.max_interval (" + FormatDuration(fetch.max_interval) +
                    ")");
    }
    if (KeyLine("storage.path") != 0 && !config_.storage.url.empty()) {
      Add(KeyLine("storage.url"), "storage.url and storage.path exclude each other: set one");
    }
    const std::string socket = config_.control.socket.string();
    if (socket.size() > kMaxSocketPath) {
      Add(KeyLine("control.socket"),
          "control.socket " + Quoted(socket) + " is " + std::to_string(socket.size()) +
              " bytes long; a unix socket path may have at most " + std::to_string(kMaxSocketPath));
    }
    std::map<std::string, int> first_feed;
    for (const FeedConfig& feed : config_.feeds) {
      if (feed.url.empty()) continue;
      const auto [it, fresh] = first_feed.emplace(feed.url, feed.line);
      if (!fresh) {
        Add(feed.line, "feed " + Quoted(feed.url) + " is declared twice (first at line " +
                           std::to_string(it->second) + ")");
      }
    }
    std::map<std::string, int> first_output;
    for (const OutputConfig& output : config_.outputs) {
      if (output.name.empty()) continue;
      const auto [it, fresh] = first_output.emplace(output.name, output.line);
      if (!fresh) {
        Add(output.line, "output " + Quoted(output.name) + " is declared twice (first at line " +
                             std::to_string(it->second) + ")");
      }
    }
  }

  std::filesystem::path base_dir_;
  Config config_;
  std::vector<Problem> problems_;
  std::map<std::string, std::int64_t> key_lines_;  // "fetch.per_host" -> line, plain tables only
};

std::filesystem::path BaseDirOf(const std::filesystem::path& source) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(source, error);
  if (error) return source.parent_path();
  return absolute.parent_path();
}

struct Outcome {
  Config config;
  std::vector<std::string> problems;  // "PATH:LINE: message", in file order
};

Outcome ParseAll(std::string_view toml_text, const std::filesystem::path& source) {
  Loader loader(source, BaseDirOf(source));
  try {
    const toml::table root = toml::parse(toml_text, source.string());
    loader.Read(root);
  } catch (const toml::parse_error& error) {
    loader.Add(LineOf(error.source()), std::string(error.description()));
  } catch (const std::exception& error) {
    loader.Add(0, std::string("cannot parse: ") + error.what());
  }
  std::vector<Problem>& problems = loader.problems();
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  Outcome outcome{std::move(loader.config()), {}};
  for (const Problem& problem : problems) {
    std::string where = source.string();
    if (problem.line > 0) where += ":" + std::to_string(problem.line);
    outcome.problems.push_back(where + ": " + problem.message);
  }
  return outcome;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Fail(path.string() + ": cannot read config: is a directory");
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Fail(path.string() + ": cannot read config: " + std::strerror(errno));
  std::string text;
  char buffer[8192];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, got);
    if (text.size() > kMaxConfigBytes) {
      return Fail(path.string() + ": cannot read config: larger than 1MiB");
    }
  }
  if (std::ferror(file.get()) != 0) {
    return Fail(path.string() + ": cannot read config: " + std::strerror(errno));
  }
  return text;
}

}  // namespace

Config DefaultConfig(const std::filesystem::path& base_dir) {
  Config config;
  config.storage.path = internal::ResolvePath(base_dir, config.storage.path);
  config.control.socket = internal::ResolvePath(base_dir, config.control.socket);
  config.http.public_dir = internal::ResolvePath(base_dir, config.http.public_dir);
  OutputConfig all;
  all.name = "all";
  all.title = "All feeds";
  all.limit = 100;
  config.outputs.push_back(std::move(all));
  return config;
}

Result<Config> ParseConfig(std::string_view toml_text, const std::filesystem::path& source) {
  Outcome outcome = ParseAll(toml_text, source);
  if (!outcome.problems.empty()) return Fail(outcome.problems.front());
  return std::move(outcome.config);
}

Result<Config> LoadConfigFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return Fail(text.error().message);
  return ParseConfig(*text, path);
}

std::vector<std::string> CheckConfigFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return {text.error().message};
  return ParseAll(*text, path).problems;
}

}  // namespace feedd::config
