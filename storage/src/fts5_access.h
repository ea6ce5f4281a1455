// Reaching FTS5's C API from a connection. Private to storage/.
#pragma once

#include <sqlite3.h>

#include "feedd/base/result.h"

namespace feedd::storage {

// The connection's fts5_api (the documented route: SELECT fts5(?1) hands out a pointer).
// Valid while the connection is open. Fails if FTS5 is missing or older than version 2.
Result<fts5_api*> Fts5ApiOf(sqlite3* db);

}  // namespace feedd::storage
