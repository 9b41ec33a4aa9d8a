// The lean load path's view of a server frame: the top-level fields parley-bench reads,
// found by one scan of the JSON text with no allocation. Strings are views into the frame
// (escape sequences left as sent; the bench compares only ids and codes it wrote itself).
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::bench::lean {

struct Frame {
  std::string_view type, id, text, code;
  std::int64_t pts = 0, chat = 0, seq = 0, from = 0, user = 0, retry_after_ms = 0;
  bool duplicate = false;
  bool member = false;      // membership: joined (true) or left
  bool has_system = false;  // a group's system message
};

// Reads one server frame (a JSON object). False if the text is not a JSON object this
// scanner can walk; nested objects and arrays are skipped, not read.
bool parse_frame(std::string_view json, Frame& out);

// A short client frame built in place, without allocation:
// FrameBuf b; b.raw(R"({"type":"received","pts":)").num(pts).raw("}"); conn.send_text(b.view());
class FrameBuf {
 public:
  FrameBuf& raw(std::string_view s) {
    std::size_t k = s.size() < sizeof buf_ - n_ ? s.size() : sizeof buf_ - n_;
    for (std::size_t i = 0; i < k; ++i) buf_[n_ + i] = s[i];
    n_ += k;
    return *this;
  }
  FrameBuf& num(std::int64_t v) {
    char tmp[24];
    std::size_t k = 0;
    bool neg = v < 0;
    std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    do {
      tmp[k++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (neg) tmp[k++] = '-';
    while (k && n_ < sizeof buf_) buf_[n_++] = tmp[--k];
    return *this;
  }
  std::string_view view() const { return {buf_, n_}; }
  bool full() const { return n_ == sizeof buf_; }  // truncated: the frame would be invalid

 private:
  char buf_[512];
  std::size_t n_ = 0;
};

// The integer after the last `sep` in s ("b12-345" -> 345); -1 if there is none.
std::int64_t number_after(std::string_view s, char sep);

}  // namespace parley::bench::lean
