// What parley-bench uploads: files of random bytes, each made distinct by a stamp in its
// first bytes (objects are stored by content: equal files would be stored once), and a
// synthetic photo, a JPEG made with libvips.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::bench {

// `bytes` random bytes (a fast generator seeded from `seed`; not for cryptography).
std::string random_bytes(std::size_t bytes, std::uint64_t seed);

// One worker's file: random bytes whose first kStampBytes name (run, worker, n), so every
// upload of a run is a new object, after a fixed "parley\0\0": random first bytes are at
// times a known file's magic ("MZ", a Windows executable, which the server refuses; libmagic
// reads this prefix as plain data). Owned by one thread.
class StampedFile {
 public:
  static constexpr std::size_t kStampBytes = 32;
  // `pattern` (at least kStampBytes long) is copied: the file's bytes after its stamp.
  explicit StampedFile(std::string pattern) : bytes_(std::move(pattern)) {}
  // The file numbered n of `worker`; valid until the next call.
  std::string_view next(int worker, std::int64_t n);
  // The stamp such a file begins with.
  static std::string stamp(int worker, std::int64_t n);

 private:
  std::string bytes_;
};

// A width x height JPEG (quality 90) the size of a camera photo's: smooth shapes under
// fine noise, so it neither compresses to nothing nor to pure noise (a 12-megapixel one
// is a few MiB). Throws std::runtime_error when libvips fails.
std::string synthetic_jpeg(int width, int height);

// The width and height of a 4:3 image of about `megapixels` million pixels (12: 4000x3000).
std::pair<int, int> four_by_three(double megapixels);

}  // namespace parley::bench
