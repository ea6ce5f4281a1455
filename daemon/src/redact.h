// Keeping secrets out of logs and listings: credentials in URLs are replaced.
#pragma once

#include <string>
#include <string_view>

namespace feedd::daemon {

// "https://user:secret@host/x" -> "https://***@host/x"; other URLs unchanged.
std::string RedactUrl(std::string_view url);

}  // namespace feedd::daemon
