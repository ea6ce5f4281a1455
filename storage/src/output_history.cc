// Merged-output history for RFC 5005 archives: stable pages of an output's stories counted
// from the oldest, and when entries were last edited (an output item's `updated`).
#include <string>
#include <vector>

#include "output_sql.h"
#include "sqlite_store_impl.h"

namespace feedd::storage {
namespace {

Unexpected NotSupported(const char* what) {
  return Fail(std::string(what) + ": not supported by this store");
}

}  // namespace

Result<std::int64_t> Store::CountOutputStories(const OutputSelection&) {
  return NotSupported("count output stories");
}
Result<std::vector<OutputRow>> Store::SelectOutputPage(const OutputSelection&, std::int64_t, int) {
  return NotSupported("select output page");
}
Result<std::vector<std::pair<EntryId, Timestamp>>> Store::EntryEditTimes(
    const std::vector<EntryId>&) {
  return NotSupported("entry edit times");
}

Result<std::int64_t> SqliteStore::CountOutputStories(const OutputSelection& selection) {
  const std::string what = "count output stories";
  auto stmt = db_.Prepare("SELECT COUNT(DISTINCT e.story_id) FROM entries e WHERE " +
                          SelectionFilter(selection, "e", /*with_window=*/false));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(
      JsonArray(std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end())),
      JsonArray(selection.tags), std::nullopt, selection.query);
  auto row = (*stmt)->Step();
  if (!row) return FailAs(what, row.error());
  return *row ? (*stmt)->Int(0) : 0;
}

Result<std::vector<OutputRow>> SqliteStore::SelectOutputPage(const OutputSelection& selection,
                                                             std::int64_t page, int page_size) {
  const std::string what = "select output page " + std::to_string(page);
  std::vector<OutputRow> rows;
  if (page < 0 || page_size <= 0) return rows;
  auto stmt = db_.Prepare(SelectPageSql(selection));
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(
      JsonArray(std::vector<std::int64_t>(selection.feeds.begin(), selection.feeds.end())),
      JsonArray(selection.tags), std::nullopt, selection.query, page_size,
      selection.page_after ? 0 : page * static_cast<std::int64_t>(page_size),
      selection.page_after.value_or(0));
  if (auto read = AppendOutputRows(**stmt, rows); !read) return FailAs(what, read.error());
  return rows;
}

Result<std::vector<std::pair<EntryId, Timestamp>>> SqliteStore::EntryEditTimes(
    const std::vector<EntryId>& ids) {
  const std::string what = "entry edit times";
  std::vector<std::pair<EntryId, Timestamp>> times;
  if (ids.empty()) return times;
  auto stmt = db_.Prepare(
      "SELECT id, modified FROM entries WHERE modified IS NOT NULL AND id IN "
      "(SELECT value FROM json_each(?1))");
  if (!stmt) return FailAs(what, stmt.error());
  (*stmt)->Bind(JsonArray(std::vector<std::int64_t>(ids.begin(), ids.end())));
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row) return FailAs(what, row.error());
    if (!*row) break;
    times.emplace_back((*stmt)->Int(0), (*stmt)->Time(1));
  }
  return times;
}

}  // namespace feedd::storage
