// What every output format shows of an item and a document, decided once here so Atom, RSS,
// JSON Feed and the HTML page agree (title fallbacks, ids, safe links, the "Also in" note).
#pragma once

#include <optional>
#include <string>

#include "feedd/feeds/render.h"

namespace feedd::feeds::render_internal {

// The document's id: its own, else the self URL, else a urn from its name.
std::string DocumentId(const OutputDocument& document);
// The item's id: OutputItem::id, else the entry's id or link, else a urn from its position.
std::string ItemId(const OutputDocument& document, std::size_t index);

// The entry's title; without one, an excerpt of its text; without text, "(untitled)".
std::string ItemTitle(const OutputItem& item);
// The entry's link, else the origin's entry link, when it is an absolute http(s) URL.
std::optional<std::string> ItemLink(const OutputItem& item);
// An optional URL kept only when it is absolute http(s).
std::optional<std::string> HttpUrlOrNone(const std::optional<std::string>& url);

// A feed's name for people: its title, else its URL.
std::string OriginName(const ItemOrigin& origin);
// The name to show for an author: name, else e-mail, else the origin feed's name.
std::string AuthorName(const Author& author, const ItemOrigin& origin);

// "<p class="feedd-also-in">Also in: <a href=...>Feed X</a>, Feed Y</p>" (HTML, escaped);
// empty when the story appeared in no other feed.
std::string AlsoInNoteHtml(const OutputItem& item);
// The entry's content (else summary) followed by the "Also in" note; may be empty.
std::string ItemBodyHtml(const OutputItem& item);

}  // namespace feedd::feeds::render_internal
