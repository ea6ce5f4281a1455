// The SQLite backend of Store: WAL, a versioned schema migrated on open (PRAGMA
// user_version), a database from a newer feedd refused with a clear message.
#pragma once

#include <filesystem>
#include <memory>

#include "feedd/base/result.h"
#include "feedd/storage/store.h"

namespace feedd::storage {

enum class OpenMode {
  kReadWrite,  // creates the file and its folder if missing, migrates the schema
  kReadOnly,   // for reader connections beside the writer; the schema must be current
};

// ":memory:" opens a private in-memory database (tests).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path, OpenMode mode);

}  // namespace feedd::storage
