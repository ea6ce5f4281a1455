// Checking a URL a user wants to subscribe to, before anything is fetched.
#pragma once

#include <string>
#include <string_view>

#include "feedd/base/result.h"

namespace feedd::daemon {

// An absolute http(s) URL with a host, normalised; anything else is refused with a reason
// ("file:///etc/passwd: only http and https feeds are fetched").
Result<std::string> ValidateFeedUrl(std::string_view url);

// The URL's host, lower-cased: the key of per-host politeness ("" when there is none).
std::string PolitenessHost(std::string_view url);

}  // namespace feedd::daemon
