// What every daemon verb shares: mapping a reply to an exit code, printing JSON, resolving
// "ID or URL" arguments. Private to feedctl.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "control_client.h"

namespace feedd::feedctl {

// A JSON value as display text ("" for null).
std::string Text(const nlohmann::json& value);
// Maps a reply to an exit code, printing the daemon's error message; kExitOk means go on.
int Check(const ApiReply& reply);
// One JSON document on stdout (invalid UTF-8 replaced).
void PrintJson(const nlohmann::json& value);
// A positive decimal id.
std::optional<long long> AsId(const std::string& text);
// Turns an "ID or URL" argument into an id, asking the daemon for its feeds when it is a URL.
// Returns the exit code to stop with, or kExitOk with `id` set.
int ResolveFeed(const ControlClient& client, const std::string& feed, long long& id);

}  // namespace feedd::feedctl
