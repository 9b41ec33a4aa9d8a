// A user's devices are told apart by their names: a new device named like one of the user's
// devices still signed in is called "<name> (2)", or the next free number (docs/protocol.md,
// `POST /v1/auth/verify`). Both stores apply it inside the write that creates the device.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace parley::device_names {

inline constexpr std::size_t kMaxBytes = 64;  // a device name's limit (UTF-8 bytes)

// `text` cut to at most `bytes` bytes without splitting a UTF-8 character.
inline std::string cut(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // text[end] starts a character
  return text.substr(0, end);
}

// `wanted`, or the first of "wanted (2)", "wanted (3)", ... that is not in `taken` (the name cut
// so that the whole stays within kMaxBytes).
inline std::string distinct(const std::string& wanted, const std::vector<std::string>& taken) {
  auto free = [&](const std::string& name) { return std::find(taken.begin(), taken.end(), name) == taken.end(); };
  if (free(wanted)) return wanted;
  for (std::size_t n = 2;; ++n) {
    const std::string suffix = " (" + std::to_string(n) + ")";
    std::string name = cut(wanted, kMaxBytes - suffix.size()) + suffix;
    if (free(name)) return name;
  }
}

}  // namespace parley::device_names
