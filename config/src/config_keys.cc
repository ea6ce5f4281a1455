// The table of every config key: type, documented default, reload behaviour, bounds, setter.
// Adding a key means one row here and one line in docs/config.md (a test checks both).
#include "config_keys.h"

#include <array>

#include "value_checks.h"

namespace feedd::config::internal {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr std::int64_t kSecond = 1000;  // durations are bounded in milliseconds

std::string CheckTags(const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    if (tag.empty() || !IsPrintable(tag)) {
      return "must hold non-empty tags without control characters";
    }
  }
  return {};
}

std::string CheckUrls(const std::vector<std::string>& urls) {
  for (const std::string& url : urls) {
    if (!IsHttpUrl(url)) return "must hold http or https URLs (\"" + url + "\" is not one)";
  }
  return {};
}

std::string CheckOptionalUrl(const std::string& url) {
  return url.empty() || IsHttpUrl(url) ? std::string() : "must be an http or https URL or \"\"";
}

const KeySpec kKeys[] = {
    // [storage]
    {.info = {"storage", "path", KeyType::kPath, "\"var/feedd.db\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (v.text.empty()) return "must not be empty (set storage.url for PostgreSQL instead)";
       t.config->storage.path = ResolvePath(t.base_dir, v.text);
       return {};
     },
     .differs = [](const Config& a, const Config& b) { return a.storage.path != b.storage.path; }},
    {.info = {"storage", "url", KeyType::kString, "\"\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!v.text.empty() && v.text.rfind("postgresql://", 0) != 0 &&
           v.text.rfind("postgres://", 0) != 0) {
         return "must be a postgresql:// URL or \"\"";
       }
       t.config->storage.url = v.text;
       return {};
     },
     .differs = [](const Config& a, const Config& b) { return a.storage.url != b.storage.url; }},
    {.info = {"storage", "keep_entries", KeyType::kInteger, "0", Reload::kOnSighup},
     .min = 0,
     .max = 100000000,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->storage.keep_entries = static_cast<int>(v.number);
       return {};
     }},
    {.info = {"storage", "keep_age", KeyType::kDuration, "(none)", Reload::kOnSighup},
     .min = 3600 * kSecond,
     .max = std::int64_t{100} * 365 * 24 * 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->storage.keep_age = duration_cast<seconds>(v.duration);
       return {};
     }},
    {.info = {"storage", "instance", KeyType::kString, "\"\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsPrintable(v.text) || v.text.size() > 200) {
         return "must be printable and at most 200 bytes";
       }
       t.config->storage.instance = v.text;
       return {};
     },
     .differs = [](const Config& a,
                   const Config& b) { return a.storage.instance != b.storage.instance; }},
    {.info = {"storage", "lease", KeyType::kDuration, "\"2m\"", Reload::kRestart},
     .min = 2 * kSecond,
     .max = 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->storage.lease = duration_cast<seconds>(v.duration);
       return {};
     },
     .differs = [](const Config& a,
                   const Config& b) { return a.storage.lease != b.storage.lease; }},
    // [control]
    {.info = {"control", "socket", KeyType::kPath, "\"var/run/feedd.sock\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (v.text.empty()) return "must not be empty";
       t.config->control.socket = ResolvePath(t.base_dir, v.text);
       return {};
     },
     .differs = [](const Config& a,
                   const Config& b) { return a.control.socket != b.control.socket; }},
    {.info = {"control", "group", KeyType::kString, "\"\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsPrintable(v.text) || v.text.find_first_of(" :/") != std::string::npos) {
         return "must be a group name";
       }
       t.config->control.group = v.text;
       return {};
     },
     .differs = [](const Config& a,
                   const Config& b) { return a.control.group != b.control.group; }},
    {.info = {"control", "mode", KeyType::kMode, "\"0660\"", Reload::kRestart},
     .max = 0777,
     .set = [](const Target& t, const Value& v) -> std::string {
       if ((v.number & 0600) != 0600) return "must let the owner read and write (0600 at least)";
       t.config->control.mode = static_cast<std::uint32_t>(v.number);
       return {};
     },
     .differs = [](const Config& a, const Config& b) { return a.control.mode != b.control.mode; }},
    // [http]
    {.info = {"http", "listen", KeyType::kString, "\"127.0.0.1:8088\"", Reload::kRestart},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!v.text.empty() && !IsListenAddress(v.text)) {
         return "must be \"host:port\" (e.g. \"127.0.0.1:8088\", \"[::1]:8088\") or \"\" for off";
       }
       t.config->http.listen = v.text;
       return {};
     },
     .differs = [](const Config& a, const Config& b) { return a.http.listen != b.http.listen; }},
    {.info = {"http", "public_dir", KeyType::kPath, "\"var/public\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->http.public_dir = ResolvePath(t.base_dir, v.text);
       return {};
     }},
    {.info = {"http", "base_url", KeyType::kString, "\"\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->http.base_url = v.text;
       return CheckOptionalUrl(v.text);
     }},
    {.info = {"http", "websub_hub", KeyType::kString, "\"\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->http.websub_hub = v.text;
       return CheckOptionalUrl(v.text);
     }},
    {.info = {"http", "metrics", KeyType::kBool, "false", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->http.metrics = v.flag;
       return {};
     }},
    // [fetch]
    {.info = {"fetch", "allow_private", KeyType::kBool, "false", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.allow_private = v.flag;
       return {};
     }},
    {.info = {"fetch", "allow_hosts", KeyType::kStringList, "[]", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       for (const std::string& host : v.list) {
         if (!IsAddressOrCidr(host)) {
           return "must hold IP addresses or CIDR ranges (\"" + host + "\" is not one)";
         }
       }
       t.config->fetch.allow_hosts = v.list;
       return {};
     }},
    {.info = {"fetch", "min_interval", KeyType::kDuration, "\"10m\"", Reload::kOnSighup},
     .min = kSecond,
     .max = 365LL * 24 * 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.min_interval = duration_cast<seconds>(v.duration);
       return {};
     }},
    {.info = {"fetch", "max_interval", KeyType::kDuration, "\"24h\"", Reload::kOnSighup},
     .min = kSecond,
     .max = 365LL * 24 * 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.max_interval = duration_cast<seconds>(v.duration);
       return {};
     }},
    {.info = {"fetch", "concurrency", KeyType::kInteger, "32", Reload::kOnSighup},
     .min = 1,
     .max = 10000,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.concurrency = static_cast<int>(v.number);
       return {};
     }},
    {.info = {"fetch", "per_host", KeyType::kInteger, "2", Reload::kOnSighup},
     .min = 1,
     .max = 1000,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.per_host = static_cast<int>(v.number);
       return {};
     }},
    {.info = {"fetch", "connect_timeout", KeyType::kDuration, "\"10s\"", Reload::kOnSighup},
     .min = kSecond,
     .max = 600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.connect_timeout = duration_cast<seconds>(v.duration);
       return {};
     }},
    {.info = {"fetch", "timeout", KeyType::kDuration, "\"60s\"", Reload::kOnSighup},
     .min = kSecond,
     .max = 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.timeout = duration_cast<seconds>(v.duration);
       return {};
     }},
    {.info = {"fetch", "host_spacing", KeyType::kDuration, "\"1s\"", Reload::kOnSighup},
     .min = 0,
     .max = 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.host_spacing = v.duration;
       return {};
     }},
    {.info = {"fetch", "max_body_bytes", KeyType::kSize, "\"32MiB\"", Reload::kOnSighup},
     .min = 1024,
     .max = std::int64_t{4} << 30,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.max_body_bytes = v.number;
       return {};
     }},
    {.info = {"fetch", "max_redirects", KeyType::kInteger, "5", Reload::kOnSighup},
     .min = 0,
     .max = 20,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.config->fetch.max_redirects = static_cast<int>(v.number);
       return {};
     }},
    {.info = {"fetch", "user_agent", KeyType::kString, "\"\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsPrintable(v.text)) return "must not contain control characters";
       t.config->fetch.user_agent = v.text;
       return {};
     }},
    // [log]
    {.info = {"log", "level", KeyType::kString, "\"info\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsLogLevel(v.text)) {
         return "must be one of trace, debug, info, warn, error, critical, off";
       }
       t.config->log.level = v.text;
       return {};
     }},
    // [[feed]]
    {.info = {"feed", "url", KeyType::kString, "(required)", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsHttpUrl(v.text)) return "must be an http or https URL";
       t.feed->url = v.text;
       return {};
     }},
    {.info = {"feed", "tags", KeyType::kStringList, "[]", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.feed->tags = v.list;
       return CheckTags(v.list);
     }},
    {.info = {"feed", "title", KeyType::kString, "\"\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.feed->title = v.text;
       return {};
     }},
    // [[output]]
    {.info = {"output", "name", KeyType::kString, "(required)", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       if (!IsOutputName(v.text)) return "must match [a-z0-9_-]+ (at most 64 characters)";
       t.output->name = v.text;
       return {};
     }},
    {.info = {"output", "title", KeyType::kString, "(the name)", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->title = v.text;
       return {};
     }},
    {.info = {"output", "tags", KeyType::kStringList, "[]", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->tags = v.list;
       return CheckTags(v.list);
     }},
    {.info = {"output", "feeds", KeyType::kStringList, "[]", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->feeds = v.list;
       return CheckUrls(v.list);
     }},
    {.info = {"output", "query", KeyType::kString, "\"\"", Reload::kOnSighup},
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->query = v.text;
       return {};
     }},
    {.info = {"output", "limit", KeyType::kInteger, "100", Reload::kOnSighup},
     .min = 1,
     .max = 10000,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->limit = static_cast<int>(v.number);
       return {};
     }},
    {.info = {"output", "window", KeyType::kDuration, "(none)", Reload::kOnSighup},
     .min = kSecond,
     .max = std::int64_t{100} * 365 * 24 * 3600 * kSecond,
     .set = [](const Target& t, const Value& v) -> std::string {
       t.output->window = duration_cast<seconds>(v.duration);
       return {};
     }},
};

constexpr std::array<std::string_view, 7> kTableNames = {"storage", "control", "http",  "fetch",
                                                         "log",     "feed",    "output"};

}  // namespace

std::span<const KeySpec> KeyTable() { return kKeys; }

std::filesystem::path ResolvePath(const std::filesystem::path& base_dir,
                                  const std::filesystem::path& path) {
  if (path.empty() || path.is_absolute()) return path.lexically_normal();
  return (base_dir / path).lexically_normal();
}

const KeySpec* FindKey(std::string_view table, std::string_view key) {
  for (const KeySpec& spec : kKeys) {
    if (spec.info.table == table && spec.info.key == key) return &spec;
  }
  return nullptr;
}

std::vector<std::string_view> KeysOf(std::string_view table) {
  std::vector<std::string_view> keys;
  for (const KeySpec& spec : kKeys) {
    if (spec.info.table == table) keys.push_back(spec.info.key);
  }
  return keys;
}

std::span<const std::string_view> TableNames() { return kTableNames; }

bool IsArrayTable(std::string_view table) { return table == "feed" || table == "output"; }

}  // namespace feedd::config::internal

namespace feedd::config {

std::vector<KeyInfo> KeyCatalog() {
  std::vector<KeyInfo> infos;
  for (const internal::KeySpec& spec : internal::KeyTable()) infos.push_back(spec.info);
  return infos;
}

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kString:
      return "string";
    case KeyType::kPath:
      return "path";
    case KeyType::kBool:
      return "bool";
    case KeyType::kInteger:
      return "integer";
    case KeyType::kDuration:
      return "duration";
    case KeyType::kSize:
      return "size";
    case KeyType::kMode:
      return "mode";
    case KeyType::kStringList:
      return "array of strings";
  }
  return "?";
}

std::vector<std::string> RestartRequiredChanges(const Config& running, const Config& next) {
  std::vector<std::string> changed;
  for (const internal::KeySpec& spec : internal::KeyTable()) {
    if (spec.differs != nullptr && spec.differs(running, next)) {
      changed.push_back(std::string(spec.info.table) + "." + std::string(spec.info.key));
    }
  }
  return changed;
}

}  // namespace feedd::config
