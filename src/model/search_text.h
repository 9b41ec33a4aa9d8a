// How message text is cut into words for full-text search, written once for both stores
// (docs/search.md). Both indexes split words at spaces and punctuation and keep letters,
// digits and combining marks together (so Hindi's vowel signs and Arabic's harakat stay in
// their word). Chinese and Japanese write no spaces: each Han, Hiragana or Katakana character
// is made a word of its own by a zero-width space (U+200B) on each side, in the text indexed
// and in the query alike, and a query of several such characters matches them in a row.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::search_text {

// The text a store indexes for `text`: `text` itself unless it holds CJK characters.
std::string indexable(std::string_view text);
// The same, only when it differs from `text` (nullopt: index `text` as it is). For the write
// path: most messages hold no CJK and need no copy.
std::optional<std::string> cjk_split(std::string_view text);

// A query's terms: its words (split at spaces and ASCII punctuation, as the index splits
// them), each as indexable() makes it, at most `max_terms`. A term holds only letters, digits
// and marks (and the zero-width spaces of its CJK characters): nothing a query syntax reads.
std::vector<std::string> terms(std::string_view query, std::size_t max_terms = 8);

// A snippet from the index, readable again: the zero-width spaces indexable() added removed.
std::string readable(std::string_view snippet);

}  // namespace parley::search_text
