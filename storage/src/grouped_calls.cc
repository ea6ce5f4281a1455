// Several writer calls in one transaction (Store::RunGrouped): one commit for a batch of
// fetch records and ingests instead of one each. Each call opens its own savepoint inside,
// so a call that fails undoes only its own work, as it would alone.
#include <optional>

#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

void RunEachAlone(Store& store, std::span<const std::function<void(Store&)>> calls) {
  for (const auto& call : calls) call(store);
}

}  // namespace

void SqliteStore::RunGrouped(std::span<const std::function<void(Store&)>> calls) {
  // Inside a caller's transaction, or with nothing to share, there is no commit to save.
  if (calls.size() < 2 || sqlite3_get_autocommit(db_.raw()) == 0) {
    RunEachAlone(*this, calls);
    return;
  }
  std::optional<Savepoint> group;
  if (auto begun = Savepoint::Begin(db_); begun) group.emplace(std::move(*begun));
  if (!group) {
    RunEachAlone(*this, calls);  // each call meets (and reports) the trouble itself
    return;
  }
  for (std::size_t i = 0; i < calls.size(); ++i) {
    calls[i](*this);
    if (sqlite3_get_autocommit(db_.raw()) != 0) {
      // The call's error rolled the whole transaction back (SQLite does so on a full disk,
      // an I/O error or out of memory): the calls before it are undone. They run again, each
      // alone; this one has reported its error; the rest run alone.
      group.reset();  // its ROLLBACK finds no transaction and is a no-op
      RunEachAlone(*this, calls.first(i));
      RunEachAlone(*this, calls.subspan(i + 1));
      return;
    }
  }
  if (group->Release()) return;
  group.reset();  // the failed COMMIT leaves the transaction open: roll it back
  RunEachAlone(*this, calls);
}

}  // namespace feedd::storage
