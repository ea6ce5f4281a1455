// Turns one TOML node into a Value according to its key's type and bounds. The only place
// (with config_loader.cc) that knows toml++.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "config_keys.h"

namespace feedd::config::internal {

// Fills `out` from `node`; returns "" or what is wrong, phrased to follow the key's name
// ("must be an integer", "must be at least 1").
std::string Decode(const toml::node& node, const KeySpec& spec, Value& out);

}  // namespace feedd::config::internal
