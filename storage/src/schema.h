// The database schema as numbered migrations, applied on open by PRAGMA user_version.
// Migration N takes a version N-1 database to version N; never edit one that has shipped.
#pragma once

#include <string>

#include "feedd/base/result.h"
#include "sqlite_db.h"

namespace feedd::storage {

// The schema version this code reads and writes.
int CurrentSchemaVersion();

// Reads PRAGMA user_version.
Result<int> ReadSchemaVersion(Database& db);

// Brings the database to CurrentSchemaVersion() in one transaction (BEGIN IMMEDIATE, so two
// processes opening a new file cannot both migrate it). Refuses a newer database. `path`
// only names the database in errors.
Result<void> Migrate(Database& db, const std::string& path);

// For read-only connections: fails unless the schema is exactly the current version.
Result<void> CheckSchemaIsCurrent(Database& db, const std::string& path);

}  // namespace feedd::storage
