// HTTP range requests (RFC 9110 §14) for media downloads: one range of bytes.
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::net {

struct ByteRange {
  std::uint64_t first = 0, last = 0;  // inclusive
};

enum class RangeAnswer {
  kWhole,          // no Range header, or one this server answers with the whole object (several ranges, other units)
  kPart,           // one satisfiable range, in `out`
  kUnsatisfiable,  // 416: the range starts past the end
};

// "bytes=A-B", "bytes=A-" or "bytes=-N" over an object of `size` bytes.
RangeAnswer parse_range(std::string_view header, std::uint64_t size, ByteRange& out);

}  // namespace parley::net
