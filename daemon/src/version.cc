// The daemon's version string, from the build.
#include "version.h"

namespace feedd::daemon {
const char* Version() { return FEEDD_VERSION; }
}  // namespace feedd::daemon
