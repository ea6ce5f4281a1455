// The PostgreSQL entry points of a build without libpq (FEEDD_WITH_POSTGRES off or libpq-dev
// missing): they fail saying so, and SQLite stays the only backend.
#include "feedd/storage/pg_store.h"

namespace feedd::storage {
namespace {
constexpr const char* kNotBuilt =
    "the PostgreSQL backend is not available in this build (rebuild with libpq-dev installed)";
}  // namespace

bool PgStoreAvailable() { return false; }

Result<std::unique_ptr<Store>> OpenPgStore(const std::string&, OpenMode) {
  return Fail(std::string("open PostgreSQL store: ") + kNotBuilt);
}

std::optional<std::int64_t> PgRowsWritten(const Store&) { return std::nullopt; }

Result<void> DropPgSchemaForTests(const std::string&) { return Fail(kNotBuilt); }
Result<void> EmptyPgStoreForTests(const std::string&) { return Fail(kNotBuilt); }

}  // namespace feedd::storage
