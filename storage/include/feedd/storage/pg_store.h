// The PostgreSQL backend of Store (libpq): several feedd instances can share one database.
// Versioned schema migrated on open (table feedd_schema), a database from a newer feedd
// refused with the same message as SQLite's; full-text search on a tsvector column with a
// GIN index. See docs/scale.md. Built when libpq is found (FEEDD_WITH_POSTGRES); without it
// OpenPgStore fails with a message saying so.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "feedd/base/result.h"
#include "feedd/storage/sqlite_store.h"
#include "feedd/storage/store.h"

namespace feedd::storage {

// Whether this build has the PostgreSQL backend.
bool PgStoreAvailable();

// `url`: postgresql://user@host/db (or any libpq connection string). kReadWrite migrates the
// schema; kReadOnly opens a connection whose transactions are read-only and requires the
// schema to be current. Errors name the URL without its password.
Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url, OpenMode mode);

// Rows this store's connection inserted, updated or deleted since it opened (the PostgreSQL
// counterpart of SqliteTotalChanges); nullopt when `store` is not a PostgreSQL store.
std::optional<std::int64_t> PgRowsWritten(const Store& store);

// Tests only, never called by feedd itself. Drop: removes every table feedd created at `url`
// (and its text search configuration), so the next OpenPgStore migrates from empty. Empty:
// deletes every row (TRUNCATE, ids restart) when the schema is current, else drops.
Result<void> DropPgSchemaForTests(const std::string& url);
Result<void> EmptyPgStoreForTests(const std::string& url);

// The full-text query language users type (SQLite FTS5's: words, "phrases", OR, AND, NOT,
// parentheses, column filters title:/text:/author: and {title author}:, prefix word*)
// translated into PostgreSQL tsquery text for to_tsquery(). Terms are quoted, so the server's
// parser splits and stems them as it does the indexed text. A malformed query (unterminated
// phrase, dangling operator, unknown column, unbalanced parentheses) is an error saying why.
// Differences from FTS5: NEAR(a b, n) is read as a AND b; ^ (first token) is ignored;
// punctuation inside a bare word is a separator, not an error. Pure; no libpq.
Result<std::string> FtsQueryToTsQuery(std::string_view query);

}  // namespace feedd::storage
