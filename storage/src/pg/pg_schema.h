// The PostgreSQL schema as numbered migrations, recorded in table feedd_schema (one row, the
// version). Migration N takes a version N-1 database to version N; never edit a shipped one.
// Private to storage/.
#pragma once

#include <string>

#include "feedd/base/result.h"
#include "pg_connection.h"

namespace feedd::storage {

// The text search configuration every to_tsvector/to_tsquery/ts_headline names.
inline constexpr std::string_view kPgSearchConfig = "feedd_search";

int CurrentPgSchemaVersion();

// Brings the database to the current version in one transaction; the version row is locked
// (SELECT ... FOR UPDATE) so instances starting together migrate once. Refuses a newer one.
Result<void> MigratePg(PgConnection& conn);

// For read-only connections: fails unless the schema is exactly the current version.
Result<void> CheckPgSchemaIsCurrent(PgConnection& conn);

// Drops every feedd table and the search configuration (tests).
Result<void> DropPgSchema(PgConnection& conn);

}  // namespace feedd::storage
