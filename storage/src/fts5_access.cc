#include "fts5_access.h"

#include <string>

namespace feedd::storage {

Result<fts5_api*> Fts5ApiOf(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &raw, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(raw, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    rc = sqlite3_step(raw);
    rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
  }
  sqlite3_finalize(raw);
  if (rc != SQLITE_OK || api == nullptr || api->iVersion < 2) {
    return Fail(std::string("FTS5 API unavailable: ") + sqlite3_errmsg(db));
  }
  return api;
}

}  // namespace feedd::storage
