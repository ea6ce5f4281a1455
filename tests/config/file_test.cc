// LoadConfigFile and CheckConfigFile on real files: temp dirs, missing files, every problem
// listed, and the example configs shipped in config/examples.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "feedd/config/config.h"

namespace fs = std::filesystem;
using feedd::config::CheckConfigFile;
using feedd::config::LoadConfigFile;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "feedd-config-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

  fs::path Write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path path_;
};

const fs::path kExamples = fs::path(FEEDD_TEST_DATA) / ".." / ".." / "config" / "examples";

}  // namespace

TEST_CASE("a config file's relative paths resolve against its own folder") {
  TempDir dir;
  REQUIRE_FALSE(dir.path().empty());
  const fs::path file = dir.Write("feedd.toml", "[storage]\npath = \"data/f.db\"\n");
  const auto config = LoadConfigFile(file);
  REQUIRE(config);
  CHECK(config->source == file);
  CHECK(config->storage.path == dir.path() / "data" / "f.db");
  CHECK(config->control.socket == dir.path() / "var" / "run" / "feedd.sock");
}

TEST_CASE("a missing or unreadable config file is an error naming it") {
  TempDir dir;
  const fs::path missing = dir.path() / "nope.toml";
  const auto config = LoadConfigFile(missing);
  REQUIRE_FALSE(config);
  CHECK(config.error().message ==
        missing.string() + ": cannot read config: No such file or directory");
  const auto folder = LoadConfigFile(dir.path());
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message == dir.path().string() + ": cannot read config: is a directory");
  CHECK(CheckConfigFile(missing).size() == 1);
}

TEST_CASE("CheckConfigFile lists every problem in file order") {
  TempDir dir;
  const fs::path file = dir.Write("bad.toml",
                                  "[fetch]\n"
                                  "per_host = 0\n"
                                  "concurency = 3\n"
                                  "[[output]]\n"
                                  "name = \"../x\"\n");
  const auto problems = CheckConfigFile(file);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == file.string() + ":2: fetch.per_host must be between 1 and 1000");
  CHECK(problems[1] ==
        file.string() + ":3: unknown key 'fetch.concurency' (did you mean 'concurrency'?)");
  CHECK(problems[2] ==
        file.string() + ":5: output.name must match [a-z0-9_-]+ (at most 64 characters)");
  const auto first = LoadConfigFile(file);
  REQUIRE_FALSE(first);
  CHECK(first.error().message == problems[0]);
}

TEST_CASE("a valid file has no problems") {
  TempDir dir;
  CHECK(CheckConfigFile(dir.Write("ok.toml", "[fetch]\nper_host = 1\n")).empty());
}

TEST_CASE("the dev example puts its state under the repository's var folder") {
  const auto config = LoadConfigFile(kExamples / "dev.toml");
  REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
  const fs::path repo = (kExamples / ".." / "..").lexically_normal();
  CHECK(config->storage.path == repo / "var" / "feedd.db");
  CHECK(config->control.socket == repo / "var" / "run" / "feedd.sock");
  CHECK(config->http.public_dir == repo / "var" / "public");
  CHECK(config->http.listen == "127.0.0.1:8088");
  CHECK(config->fetch.allow_private);
  CHECK(config->log.level == "info");
}

TEST_CASE("the production example is valid and uses the system paths") {
  const auto config = LoadConfigFile(kExamples / "feedd.toml");
  REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
  CHECK(config->storage.path == "/var/lib/feedd/feedd.db");
  CHECK(config->control.socket == "/run/feedd/feedd.sock");
  CHECK(config->http.public_dir == "/var/lib/feedd/public");
  CHECK_FALSE(config->fetch.allow_private);
}

TEST_CASE("a reload reports the keys that need a restart") {
  auto running = feedd::config::ParseConfig("", "/etc/feedd/feedd.toml");
  auto next = feedd::config::ParseConfig(
      "[http]\nlisten = \"127.0.0.1:9999\"\npublic_dir = \"/tmp/x\"\n[fetch]\nper_host = 5\n"
      "[storage]\npath = \"/srv/f.db\"\n[control]\nmode = \"0600\"\n",
      "/etc/feedd/feedd.toml");
  REQUIRE(running);
  REQUIRE(next);
  CHECK(feedd::config::RestartRequiredChanges(*running, *next) ==
        std::vector<std::string>{"storage.path", "control.mode", "http.listen"});
  CHECK(feedd::config::RestartRequiredChanges(*running, *running).empty());
}
