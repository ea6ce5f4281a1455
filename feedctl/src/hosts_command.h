// `feedctl hosts`: the fetcher's politeness report per host (GET /v1/hosts).
#pragma once

#include "daemon_commands.h"

namespace feedd::feedctl {

int RunHosts(const GlobalArgs& global);

}  // namespace feedd::feedctl
