#include "model/search_text.h"

#include <cstdint>
#include <utility>

namespace parley::search_text {

namespace {

constexpr std::string_view kZwsp = "\xE2\x80\x8B";  // U+200B

// The code point at s[i] (valid UTF-8 assumed; a stray byte reads as itself) and its length.
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (i + n > s.size()) return {b, 1};
  char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {c, n};
}

bool cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||    // Hiragana, Katakana
         (c >= 0x31F0 && c <= 0x31FF) ||    // Katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||    // compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||    // half-width Katakana
         (c >= 0x20000 && c <= 0x3FFFF);    // extensions B and later
}

// Letters and digits of any script, roughly: ASCII alphanumerics and everything not ASCII
// (the index's tokenizer has the last word on which characters make words).
bool wordy(char32_t c) {
  if (c >= 0x80) return c != 0x200B && c != 0x3000 && c != 0xA0 && !(c >= 0x2000 && c <= 0x206F);  // spaces, punctuation
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string indexable(std::string_view text) { return cjk_split(text).value_or(std::string(text)); }

std::optional<std::string> cjk_split(std::string_view text) {
  std::string out;
  bool any = false;
  for (std::size_t i = 0; i < text.size();) {
    auto [c, n] = decode(text, i);
    if (cjk(c)) {
      if (!any) out.assign(text.substr(0, i));
      any = true;
      out += kZwsp;
      out += text.substr(i, n);
      out += kZwsp;
    } else if (any) {
      out += text.substr(i, n);
    }
    i += n;
  }
  if (!any) return std::nullopt;
  return out;
}

std::vector<std::string> terms(std::string_view query, std::size_t max_terms) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && out.size() < max_terms) out.push_back(indexable(word));
    word.clear();
  };
  for (std::size_t i = 0; i < query.size();) {
    auto [c, n] = decode(query, i);
    if (wordy(c)) word += query.substr(i, n);
    else flush();  // spaces, punctuation: the index splits words there too
    i += n;
  }
  flush();
  return out;
}

std::string readable(std::string_view snippet) {
  std::string out;
  out.reserve(snippet.size());
  for (std::size_t i = 0; i < snippet.size();) {
    if (snippet.substr(i, kZwsp.size()) == kZwsp) {
      i += kZwsp.size();
      continue;
    }
    out += snippet[i++];
  }
  return out;
}

}  // namespace parley::search_text
