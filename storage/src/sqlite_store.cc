// PLACEHOLDER until storage lands.
#include "feedd/storage/sqlite_store.h"
namespace feedd::storage {
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path&, OpenMode) { return Fail("storage not built yet"); }
}  // namespace feedd::storage
