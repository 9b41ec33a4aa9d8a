#include "net/byte_range.h"

#include <algorithm>

#include "core/encoding.h"

namespace parley::net {

RangeAnswer parse_range(std::string_view h, std::uint64_t size, ByteRange& out) {
  constexpr std::string_view kUnit = "bytes=";
  if (!h.starts_with(kUnit)) return RangeAnswer::kWhole;  // absent, or a unit we do not serve
  h.remove_prefix(kUnit.size());
  if (h.find(',') != std::string_view::npos) return RangeAnswer::kWhole;  // several ranges: the whole object
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return RangeAnswer::kWhole;
  auto from = h.substr(0, dash), to = h.substr(dash + 1);
  if (from.empty()) {  // the last N bytes
    auto n = parse_decimal<std::uint64_t>(to);
    if (!n) return RangeAnswer::kWhole;
    if (*n == 0 || size == 0) return RangeAnswer::kUnsatisfiable;
    out = {size - std::min(*n, size), size - 1};
    return RangeAnswer::kPart;
  }
  auto first = parse_decimal<std::uint64_t>(from);
  if (!first) return RangeAnswer::kWhole;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!to.empty()) {
    auto l = parse_decimal<std::uint64_t>(to);
    if (!l || *l < *first) return RangeAnswer::kWhole;  // malformed: ignored, as RFC 9110 allows
    last = std::min(*l, last);
  }
  if (*first >= size) return RangeAnswer::kUnsatisfiable;
  out = {*first, last};
  return RangeAnswer::kPart;
}

}  // namespace parley::net
