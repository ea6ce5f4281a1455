// ParseConfig: every key read into Config, relative paths, and the defaults it starts from.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "feedd/config/config.h"

using namespace std::chrono_literals;
using feedd::config::Config;
using feedd::config::DefaultConfig;
using feedd::config::ParseConfig;

namespace {

constexpr const char* kSource = "/etc/feedd/feedd.toml";

Config MustParse(const std::string& text) {
  auto result = ParseConfig(text, kSource);
  if (!result) FAIL("unexpected error: " << result.error().message);
  return std::move(result).value();
}

}  // namespace

TEST_CASE("an empty file gives the documented defaults") {
  const Config config = MustParse("");
  CHECK(config.source == kSource);
  CHECK(config.storage.path == "/etc/feedd/var/feedd.db");
  CHECK(config.storage.url.empty());
  CHECK(config.control.socket == "/etc/feedd/var/run/feedd.sock");
  CHECK(config.control.group.empty());
  CHECK(config.control.mode == 0660);
  CHECK(config.http.listen == "127.0.0.1:8088");
  CHECK(config.http.public_dir == "/etc/feedd/var/public");
  CHECK(config.http.base_url.empty());
  CHECK(config.http.websub_hub.empty());
  CHECK_FALSE(config.http.metrics);
  CHECK_FALSE(config.fetch.allow_private);
  CHECK(config.fetch.allow_hosts.empty());
  CHECK(config.fetch.min_interval == 10min);
  CHECK(config.fetch.max_interval == 24h);
  CHECK(config.fetch.concurrency == 32);
  CHECK(config.fetch.per_host == 2);
  CHECK(config.fetch.connect_timeout == 10s);
  CHECK(config.fetch.timeout == 60s);
  CHECK(config.fetch.host_spacing == 1s);
  CHECK(config.fetch.max_body_bytes == 32 * 1024 * 1024);
  CHECK(config.fetch.max_redirects == 5);
  CHECK(config.fetch.user_agent.empty());
  CHECK(config.log.level == "info");
  CHECK(config.feeds.empty());
}

TEST_CASE("with no [[output]] one output named all covers every feed") {
  for (const char* text : {"", "[[feed]]\nurl = \"https://a.example/feed\"\n", "output = []\n"}) {
    const Config config = MustParse(text);
    REQUIRE(config.outputs.size() == 1);
    CHECK(config.outputs[0].name == "all");
    CHECK(config.outputs[0].title == "All feeds");
    CHECK(config.outputs[0].limit == 100);
    CHECK(config.outputs[0].tags.empty());
    CHECK(config.outputs[0].feeds.empty());
    CHECK(config.outputs[0].query.empty());
    CHECK_FALSE(config.outputs[0].window.has_value());
  }
}

TEST_CASE("DefaultConfig equals the parse of an empty file") {
  Config parsed = MustParse("");
  parsed.source.clear();
  CHECK(parsed == DefaultConfig("/etc/feedd"));
}

TEST_CASE("every key is read into its field") {
  const Config config = MustParse(R"(
[storage]
path = "/srv/feedd/feeds.db"
url = ""
[control]
socket = "/run/feedd/ctl.sock"
group = "feedd-users"
mode = "0600"
[http]
listen = "[::1]:9000"
public_dir = "/srv/www/feeds"
base_url = "https://feeds.example.org/"
websub_hub = "https://hub.example.org/"
metrics = true
[fetch]
allow_private = true
allow_hosts = ["127.0.0.2", "10.0.0.0/8", "fd00::/8"]
min_interval = "5m"
max_interval = 7200
concurrency = 64
per_host = 4
connect_timeout = "5s"
timeout = "2m"
host_spacing = "250ms"
max_body_bytes = "8MiB"
max_redirects = 3
user_agent = "feedd-test/1"
[log]
level = "debug"

[[feed]]
url = "https://a.example/feed.xml"
tags = ["news", "tech"]
title = "A"

[[feed]]
url = "http://b.example/rss"

[[output]]
name = "tech"
title = "Tech"
tags = ["tech"]
feeds = ["http://b.example/rss"]
query = "linux OR bsd"
limit = 50
window = "7d"
)");
  CHECK(config.storage.path == "/srv/feedd/feeds.db");
  CHECK(config.control.socket == "/run/feedd/ctl.sock");
  CHECK(config.control.group == "feedd-users");
  CHECK(config.control.mode == 0600);
  CHECK(config.http.listen == "[::1]:9000");
  CHECK(config.http.public_dir == "/srv/www/feeds");
  CHECK(config.http.base_url == "https://feeds.example.org/");
  CHECK(config.http.websub_hub == "https://hub.example.org/");
  CHECK(config.http.metrics);
  CHECK(config.fetch.allow_private);
  CHECK(config.fetch.allow_hosts ==
        std::vector<std::string>{"127.0.0.2", "10.0.0.0/8", "fd00::/8"});
  CHECK(config.fetch.min_interval == 5min);
  CHECK(config.fetch.max_interval == 2h);
  CHECK(config.fetch.concurrency == 64);
  CHECK(config.fetch.per_host == 4);
  CHECK(config.fetch.connect_timeout == 5s);
  CHECK(config.fetch.timeout == 2min);
  CHECK(config.fetch.host_spacing == 250ms);
  CHECK(config.fetch.max_body_bytes == 8 * 1024 * 1024);
  CHECK(config.fetch.max_redirects == 3);
  CHECK(config.fetch.user_agent == "feedd-test/1");
  CHECK(config.log.level == "debug");
  REQUIRE(config.feeds.size() == 2);
  CHECK(config.feeds[0].url == "https://a.example/feed.xml");
  CHECK(config.feeds[0].tags == std::vector<std::string>{"news", "tech"});
  CHECK(config.feeds[0].title == "A");
  CHECK(config.feeds[0].line == 31);
  CHECK(config.feeds[1].url == "http://b.example/rss");
  CHECK(config.feeds[1].tags.empty());
  CHECK(config.feeds[1].title.empty());
  REQUIRE(config.outputs.size() == 1);
  const auto& output = config.outputs[0];
  CHECK(output.name == "tech");
  CHECK(output.title == "Tech");
  CHECK(output.tags == std::vector<std::string>{"tech"});
  CHECK(output.feeds == std::vector<std::string>{"http://b.example/rss"});
  CHECK(output.query == "linux OR bsd");
  CHECK(output.limit == 50);
  CHECK(output.window == std::chrono::seconds(7 * 24 * 3600));
  CHECK(output.line == 39);
}

TEST_CASE("storage.url selects PostgreSQL") {
  const Config config =
      MustParse("[storage]\nurl = \"postgresql:///feedd?host=/run/postgresql\"\n");
  CHECK(config.storage.url == "postgresql:///feedd?host=/run/postgresql");
}

TEST_CASE("an output without a title is titled by its name") {
  const Config config =
      MustParse("[[output]]\nname = \"linux\"\n[[output]]\nname = \"b\"\ntitle = \"\"\n");
  REQUIRE(config.outputs.size() == 2);
  CHECK(config.outputs[0].title == "linux");
  CHECK(config.outputs[1].title.empty());
}

TEST_CASE("relative paths resolve against the config file's folder") {
  const auto parsed = ParseConfig(R"(
[storage]
path = "../../var/feedd.db"
[control]
socket = "run/./feedd.sock"
[http]
public_dir = "public"
)",
                                  "/work/repo/config/examples/dev.toml");
  REQUIRE(parsed);
  CHECK(parsed->storage.path == "/work/repo/var/feedd.db");
  CHECK(parsed->control.socket == "/work/repo/config/examples/run/feedd.sock");
  CHECK(parsed->http.public_dir == "/work/repo/config/examples/public");
}

TEST_CASE("empty listen and public_dir mean off and stay empty") {
  const Config config = MustParse("[http]\nlisten = \"\"\npublic_dir = \"\"\n");
  CHECK(config.http.listen.empty());
  CHECK(config.http.public_dir.empty());
}

TEST_CASE("control.mode takes octal strings, 0o literals and chmod-style integers") {
  CHECK(MustParse("[control]\nmode = \"0660\"\n").control.mode == 0660);
  CHECK(MustParse("[control]\nmode = \"640\"\n").control.mode == 0640);
  CHECK(MustParse("[control]\nmode = 0o600\n").control.mode == 0600);
  CHECK(MustParse("[control]\nmode = 660\n").control.mode == 0660);
}

TEST_CASE("durations and sizes also take plain numbers") {
  const Config config = MustParse(
      "[fetch]\nmin_interval = 60\nmax_interval = \"1h30m\"\nhost_spacing = 0\n"
      "max_body_bytes = 1048576\n");
  CHECK(config.fetch.min_interval == 1min);
  CHECK(config.fetch.max_interval == 90min);
  CHECK(config.fetch.host_spacing == 0ms);
  CHECK(config.fetch.max_body_bytes == 1048576);
}

TEST_CASE("dotted keys and inline tables are the same keys") {
  const Config config = MustParse("fetch.per_host = 3\nhttp = { listen = \"0.0.0.0:80\" }\n");
  CHECK(config.fetch.per_host == 3);
  CHECK(config.http.listen == "0.0.0.0:80");
}
