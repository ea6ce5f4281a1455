// The daemon's version string, from the build (FEEDD_VERSION).
#pragma once

namespace feedd::daemon {

const char* Version();

}  // namespace feedd::daemon
