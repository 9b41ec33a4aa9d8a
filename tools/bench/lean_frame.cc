#include "bench/lean_frame.h"

#include <charconv>

namespace parley::bench::lean {

namespace {

struct Scanner {
  const char* p;
  const char* end;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  }
  // At an opening quote: the string's raw contents; p moves past the closing quote.
  bool string(std::string_view& out) {
    if (p >= end || *p != '"') return false;
    const char* s = ++p;
    while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
    if (p >= end) return false;
    out = std::string_view(s, static_cast<std::size_t>(p - s));
    ++p;
    return true;
  }
  // Skips a nested object or array (strings inside may hold brackets).
  bool nested() {
    int depth = 0;
    while (p < end) {
      char c = *p;
      if (c == '"') {
        std::string_view ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++p;
      if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }
  // A scalar that is not a string: number, true, false, null.
  std::string_view scalar() {
    const char* s = p;
    while (p < end && *p != ',' && *p != '}' && *p != ' ' && *p != '\n') ++p;
    return {s, static_cast<std::size_t>(p - s)};
  }
};

std::int64_t to_int(std::string_view v) {
  std::int64_t x = 0;
  std::from_chars(v.data(), v.data() + v.size(), x);
  return x;
}

}  // namespace

bool parse_frame(std::string_view json, Frame& f) {
  f = Frame{};
  Scanner s{json.data(), json.data() + json.size()};
  s.ws();
  if (s.p >= s.end || *s.p != '{') return false;
  ++s.p;
  for (;;) {
    s.ws();
    if (s.p < s.end && *s.p == '}') return true;
    std::string_view key;
    if (!s.string(key)) return false;
    s.ws();
    if (s.p >= s.end || *s.p != ':') return false;
    ++s.p;
    s.ws();
    if (s.p >= s.end) return false;
    if (*s.p == '"') {
      std::string_view v;
      if (!s.string(v)) return false;
      if (key == "type") f.type = v;
      else if (key == "id") f.id = v;
      else if (key == "text") f.text = v;
      else if (key == "code") f.code = v;
    } else if (*s.p == '{' || *s.p == '[') {
      if (key == "system") f.has_system = true;
      if (!s.nested()) return false;
    } else {
      std::string_view v = s.scalar();
      if (key == "pts") f.pts = to_int(v);
      else if (key == "chat") f.chat = to_int(v);
      else if (key == "seq") f.seq = to_int(v);
      else if (key == "from") f.from = to_int(v);
      else if (key == "user") f.user = to_int(v);
      else if (key == "retry_after_ms") f.retry_after_ms = to_int(v);
      else if (key == "duplicate") f.duplicate = v == "true";
      else if (key == "member") f.member = v == "true";
    }
    s.ws();
    if (s.p < s.end && *s.p == ',') {
      ++s.p;
      continue;
    }
    return s.p < s.end && *s.p == '}';
  }
}

std::int64_t number_after(std::string_view s, char sep) {
  auto at = s.rfind(sep);
  if (at == std::string_view::npos) return -1;
  std::int64_t x = -1;
  auto [ptr, ec] = std::from_chars(s.data() + at + 1, s.data() + s.size(), x);
  if (ec != std::errc() || ptr != s.data() + s.size()) return -1;
  return x;
}

}  // namespace parley::bench::lean
