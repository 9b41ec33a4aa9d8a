// Small encoding helpers shared by every module: base64url, hex, SHA-256, UTF-8 checks.
#pragma once

#include <string>
#include <string_view>

namespace parley {

std::string base64url(std::string_view bytes);
std::string hex(std::string_view bytes);
// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
bool valid_utf8(std::string_view s);
// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);

}  // namespace parley
