// The SQL of merged outputs on SQLite: which entries a selection takes, which of a story's
// copies represents it, and the statements built from them (entry_queries.cc and
// output_history.cc run them).
//
// Parameters, the same numbers in every statement: ?1 feed ids (JSON array), ?2 tags (JSON
// array), ?3 oldest sort_time (window), ?4 the full-text query, ?5 limit or page size,
// ?6 page offset, ?7 the representative id a page starts after (0: from the oldest).
#pragma once

#include <string>

#include "feedd/storage/store.h"

namespace feedd::storage {

// The selection's filters on the entries row named `alias`, as "a AND b AND …": feeds and
// tags, the window when `with_window`, the full-text query, and the story known (entries
// still waiting for the story pass are left out). Never empty.
std::string SelectionFilter(const OutputSelection& selection, const std::string& alias,
                            bool with_window);

// True for the entry `e` that represents its story in the selection: its earliest-seen
// selected copy (fetched, then id). A probe of entries_by_story per entry, so a query can
// walk entries in the order it wants and stop at its LIMIT, where ranking the copies of
// every story (a window function) reads the whole selection on every rendering.
std::string RepresentativeFilter(const OutputSelection& selection, bool with_window);

// The newest ?5 stories, each as its representative then its other selected copies.
std::string SelectOutputSql(const OutputSelection& selection);

// An archive page: ?5 stories from the ?6th, counted from the oldest by representative id
// and only among representatives after ?7; newest first, each with its copies.
std::string SelectPageSql(const OutputSelection& selection);

}  // namespace feedd::storage
