// Small encoding helpers shared by every module: base64url, hex, SHA-256, UTF-8 checks.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

std::string base64url(std::string_view bytes);
// Standard base64 with padding (RFC 4648 §4), as data: URLs want it.
std::string base64(std::string_view bytes);
std::string hex(std::string_view bytes);
// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
bool valid_utf8(std::string_view s);
// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);
// The first C0 control character (U+0000-U+001F) other than tab and newline, or npos.
// Every user-supplied string is checked with it: such characters have no place in text a
// person typed, and some (NUL) are refused by PostgreSQL.
std::size_t find_control(std::string_view s);
// `s` as a whole decimal number of type T (nothing before or after it), or nullopt.
template <class T>
std::optional<T> parse_decimal(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
// "U+0000"-style name of a character below U+0080.
std::string code_point_name(char c);

}  // namespace parley
