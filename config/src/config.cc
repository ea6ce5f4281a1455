// PLACEHOLDER until config lands.
#include "feedd/config/config.h"
namespace feedd::config {
Result<Config> LoadConfigFile(const std::filesystem::path&) { return Fail("config not built yet"); }
Result<Config> ParseConfig(std::string_view, const std::filesystem::path&) { return Fail("config not built yet"); }
Config DefaultConfig(const std::filesystem::path&) { return {}; }
std::optional<std::chrono::seconds> ParseDuration(std::string_view) { return std::nullopt; }
}  // namespace feedd::config
