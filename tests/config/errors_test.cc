// ParseConfig's errors: "PATH:LINE: message" for unknown keys (with suggestions), wrong types,
// out-of-range values, bad names and URLs, and conflicts between keys.
#include <doctest/doctest.h>

#include <string>

#include "feedd/config/config.h"

using feedd::config::ParseConfig;

namespace {

std::string ErrorOf(const std::string& text) {
  const auto result = ParseConfig(text, "/etc/feedd/feedd.toml");
  if (result) return "(no error)";
  return result.error().message;
}

struct Row {
  const char* text;
  const char* error;
};

void CheckRows(std::initializer_list<Row> rows) {
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(ErrorOf(row.text) == std::string("/etc/feedd/feedd.toml:") + row.error);
  }
}

}  // namespace

TEST_CASE("an unknown key names the file, line and key, and suggests the close one") {
  CheckRows({
      {"[fetch]\nconcurrency = 4\nper_hots = 2\n",
       "3: unknown key 'fetch.per_hots' (did you mean 'per_host'?)"},
      {"[http]\nlisen = \"\"\n", "2: unknown key 'http.lisen' (did you mean 'listen'?)"},
      {"[fetch]\nlisten = \"x\"\n", "2: unknown key 'fetch.listen' (it belongs in [http])"},
      {"[log]\ncolour = true\n", "2: unknown key 'log.colour'"},
      {"[[feed]]\nurl = \"https://a.example/\"\ntag = [\"x\"]\n",
       "3: unknown key 'feed.tag' (did you mean 'tags'?)"},
      {"[[output]]\nname = \"x\"\nlimt = 3\n",
       "3: unknown key 'output.limt' (did you mean 'limit'?)"},
      {"\n[fecth]\n", "2: unknown table 'fecth' (did you mean 'fetch'?)"},
      {"[[feeds]]\nurl = \"https://a.example/\"\n",
       "1: unknown table 'feeds' (did you mean 'feed'?)"},
      {"listen = \"x\"\n", "1: unknown table 'listen' ('listen' is a key: it belongs in [http])"},
  });
}

TEST_CASE("a value of the wrong type is an error naming the expected type") {
  CheckRows({
      {"[fetch]\nper_host = \"2\"\n", "2: fetch.per_host must be an integer"},
      {"[fetch]\nallow_private = \"yes\"\n", "2: fetch.allow_private must be true or false"},
      {"[fetch]\nallow_hosts = \"127.0.0.1\"\n",
       "2: fetch.allow_hosts must be an array of strings"},
      {"[fetch]\nallow_hosts = [1]\n", "2: fetch.allow_hosts must be an array of strings"},
      {"[storage]\npath = 3\n", "2: storage.path must be a string (a path)"},
      {"[http]\nlisten = 8088\n", "2: http.listen must be a string"},
      {"[fetch]\nmin_interval = true\n",
       "2: fetch.min_interval must be a duration like \"90s\", \"10m\", \"1h30m\", \"1d\" or a "
       "number of seconds"},
      {"[fetch]\nmin_interval = \"10 minutes\"\n",
       "2: fetch.min_interval must be a duration like \"90s\", \"10m\", \"1h30m\", \"1d\" or a "
       "number of seconds (got \"10 minutes\")"},
      {"[fetch]\nmax_body_bytes = \"lots\"\n",
       "2: fetch.max_body_bytes must be a size like \"32MiB\" or a number of bytes (got \"lots\")"},
      {"[control]\nmode = \"rw\"\n", "2: control.mode must be an octal mode like \"0660\""},
      {"[control]\nmode = 680\n", "2: control.mode must be an octal mode like \"0660\""},
      {"fetch = 3\n", "1: fetch must be a table: write [fetch]"},
      {"[feed]\nurl = \"https://a.example/\"\n",
       "1: feed must be an array of tables: write [[feed]]"},
  });
}

TEST_CASE("values out of range are errors naming the range") {
  CheckRows({
      {"[fetch]\nper_host = 0\n", "2: fetch.per_host must be between 1 and 1000"},
      {"[fetch]\nconcurrency = -1\n", "2: fetch.concurrency must be between 1 and 10000"},
      {"[[output]]\nname = \"a\"\nlimit = 10001\n", "3: output.limit must be between 1 and 10000"},
      {"[[output]]\nname = \"a\"\nlimit = 0\n", "3: output.limit must be between 1 and 10000"},
      {"[fetch]\nmin_interval = \"0s\"\n", "2: fetch.min_interval must be between 1s and 365d"},
      {"[fetch]\nhost_spacing = -1\n", "2: fetch.host_spacing must be between 0s and 1h"},
      {"[fetch]\nmax_body_bytes = 10\n", "2: fetch.max_body_bytes must be between 1KiB and 4GiB"},
      {"[fetch]\nmax_redirects = 21\n", "2: fetch.max_redirects must be between 0 and 20"},
      {"[control]\nmode = \"1777\"\n", "2: control.mode must be at most 0777"},
      {"[control]\nmode = \"0060\"\n",
       "2: control.mode must let the owner read and write (0600 at least)"},
      {"[fetch]\nmin_interval = \"2d\"\n",
       "2: fetch.min_interval (2d) is longer than fetch.max_interval (1d)"},
      {"[fetch]\nmax_interval = \"5m\"\n",
       "2: fetch.min_interval (10m) is longer than fetch.max_interval (5m)"},
  });
}

TEST_CASE("output names must be safe file names") {
  CheckRows({
      {"[[output]]\nname = \"../x\"\n",
       "2: output.name must match [a-z0-9_-]+ (at most 64 characters)"},
      {"[[output]]\nname = \"Tech\"\n",
       "2: output.name must match [a-z0-9_-]+ (at most 64 characters)"},
      {"[[output]]\nname = \"a b\"\n",
       "2: output.name must match [a-z0-9_-]+ (at most 64 characters)"},
      {"[[output]]\nname = \"\"\n",
       "2: output.name must match [a-z0-9_-]+ (at most 64 characters)"},
      {"[[output]]\nname = \"x/y\"\n",
       "2: output.name must match [a-z0-9_-]+ (at most 64 characters)"},
      {"[[output]]\ntitle = \"untitled\"\n", "1: [[output]] has no name"},
      {"[[output]]\nname = \"a\"\n\n[[output]]\nname = \"a\"\n",
       "4: output 'a' is declared twice (first at line 1)"},
  });
  CHECK(ErrorOf("[[output]]\nname = \"tech_news-2\"\n") == "(no error)");
}

TEST_CASE("feed and link URLs must be http or https") {
  CheckRows({
      {"[[feed]]\nurl = \"file:///etc/passwd\"\n", "2: feed.url must be an http or https URL"},
      {"[[feed]]\nurl = \"ftp://a.example/feed\"\n", "2: feed.url must be an http or https URL"},
      {"[[feed]]\nurl = \"https://\"\n", "2: feed.url must be an http or https URL"},
      {"[[feed]]\ntags = [\"x\"]\n", "1: [[feed]] has no url"},
      {"[[feed]]\nurl = \"https://a.example/\"\n[[feed]]\nurl = \"https://a.example/\"\n",
       "3: feed 'https://a.example/' is declared twice (first at line 1)"},
      {"[[feed]]\nurl = \"https://a.example/\"\ntags = [\"\"]\n",
       "3: feed.tags must hold non-empty tags without control characters"},
      {"[[output]]\nname = \"a\"\nfeeds = [\"gopher://x\"]\n",
       "3: output.feeds must hold http or https URLs (\"gopher://x\" is not one)"},
      {"[http]\nbase_url = \"feeds.example.org\"\n",
       "2: http.base_url must be an http or https URL or \"\""},
  });
  CHECK(ErrorOf("[[feed]]\nurl = \"HTTPS://A.example/feed\"\n") == "(no error)");
}

TEST_CASE("other values are checked where they are read") {
  CheckRows({
      {"[http]\nlisten = \"8088\"\n",
       "2: http.listen must be \"host:port\" (e.g. \"127.0.0.1:8088\", \"[::1]:8088\") or \"\" for "
       "off"},
      {"[http]\nlisten = \"localhost:99999\"\n",
       "2: http.listen must be \"host:port\" (e.g. \"127.0.0.1:8088\", \"[::1]:8088\") or \"\" for "
       "off"},
      {"[http]\nlisten = \"::1:8088\"\n",
       "2: http.listen must be \"host:port\" (e.g. \"127.0.0.1:8088\", \"[::1]:8088\") or \"\" for "
       "off"},
      {"[fetch]\nallow_hosts = [\"10.0.0.0/33\"]\n",
       "2: fetch.allow_hosts must hold IP addresses or CIDR ranges (\"10.0.0.0/33\" is not one)"},
      {"[fetch]\nallow_hosts = [\"example.org\"]\n",
       "2: fetch.allow_hosts must hold IP addresses or CIDR ranges (\"example.org\" is not one)"},
      {"[log]\nlevel = \"verbose\"\n",
       "2: log.level must be one of trace, debug, info, warn, error, critical, off"},
      {"[storage]\npath = \"\"\n",
       "2: storage.path must not be empty (set storage.url for PostgreSQL instead)"},
      {"[storage]\nurl = \"mysql://x\"\n", "2: storage.url must be a postgresql:// URL or \"\""},
      {"[storage]\npath = \"a.db\"\nurl = \"postgresql:///feedd\"\n",
       "3: storage.url and storage.path exclude each other: set one"},
      {"[control]\nsocket = \"\"\n", "2: control.socket must not be empty"},
      {"[fetch]\nuser_agent = \"a\\r\\nX-Evil: 1\"\n",
       "2: fetch.user_agent must not contain control characters"},
  });
  CHECK(ErrorOf("[control]\nsocket = \"/" + std::string(120, 's') + "\"\n")
            .starts_with("/etc/feedd/feedd.toml:2: control.socket '/sss"));
}

TEST_CASE("TOML syntax errors carry the line toml++ reports") {
  const std::string error = ErrorOf("[fetch]\nper_host = 2\nconcurrency = = 3\n");
  CHECK(error.starts_with("/etc/feedd/feedd.toml:3: "));
  CHECK(ErrorOf("[fetch]\nper_host = 2\nper_host = 3\n").starts_with("/etc/feedd/feedd.toml:3: "));
}

TEST_CASE("the first problem in file order is the one reported") {
  CHECK(ErrorOf("[log]\nlevel = \"loud\"\n[fetch]\nper_host = 0\n") ==
        "/etc/feedd/feedd.toml:2: log.level must be one of trace, debug, info, warn, error, "
        "critical, off");
  CHECK(ErrorOf("[fetch]\nper_host = 0\n[log]\nlevel = \"loud\"\n") ==
        "/etc/feedd/feedd.toml:2: fetch.per_host must be between 1 and 1000");
}

TEST_CASE("truncated and corrupted files give an error or a config, never a crash") {
  const std::string good =
      "[storage]\npath = \"a.db\"\n[control]\nmode = 0o640\n[http]\nlisten = \"[::1]:80\"\n"
      "[fetch]\nmin_interval = \"1h30m\"\nmax_body_bytes = \"1MiB\"\nallow_hosts = [\"::1/128\"]\n"
      "[[feed]]\nurl = \"https://a.example/\"\ntags = [\"x\"]\n"
      "[[output]]\nname = \"x\"\nwindow = 3600\n";
  REQUIRE(ErrorOf(good) == "(no error)");
  std::size_t errors = 0;
  for (std::size_t cut = 0; cut <= good.size(); ++cut) {
    for (const char replacement : {'\0', '"', '[', '=', '\n', '\xff'}) {
      std::string text = good.substr(0, cut);
      if (cut < good.size()) text += replacement;
      const auto result = ParseConfig(text, "/etc/feedd/feedd.toml");
      if (!result) {
        ++errors;
        CHECK(result.error().message.starts_with("/etc/feedd/feedd.toml"));
      } else {
        CHECK_FALSE(result->outputs.empty());
      }
    }
  }
  CHECK(errors > 0);
}
