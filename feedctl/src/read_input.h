// Reading a whole file or stdin into memory, for the offline verbs and OPML import.
#pragma once

#include <string>

#include "feedd/base/result.h"

namespace feedd::feedctl {

// "-" reads stdin. The error names the path and the cause.
Result<std::string> ReadInput(const std::string& path);

}  // namespace feedd::feedctl
