// Images as parley stores them (issue 16, docs/media.md): decoded with libvips (JPEG, PNG,
// WebP, GIF's first frame, HEIC where Debian's libheif decodes it), turned upright by
// their EXIF orientation, bounded in size, and written again as JPEG with no metadata at
// all (no EXIF, no GPS position, no XMP, no comments): what a sender's camera knew stays
// on the sender's phone. Plus a preview and an inline thumbnail of a few hundred bytes
// that travels inside the message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::media {

struct ImageLimits {
  int max_side = 1600;                     // longest side of the stored image
  int preview_side = 320;                  // longest side of the preview
  int thumbnail_side = 64;                 // longest side of the inline thumbnail
  std::uint64_t max_pixels = 50'000'000;   // larger images are refused before decoding
  bool operator==(const ImageLimits&) const = default;
};

struct ProcessedImage {
  std::string full;       // JPEG, at most max_side on its longest side
  std::string preview;    // JPEG, at most preview_side
  std::string thumbnail;  // JPEG, at most thumbnail_side, low quality: a few hundred bytes
  int width = 0, height = 0;  // of `full`, upright
};

// kInvalid (naming why) for bytes no loader takes, or an image over max_pixels.
Result<ProcessedImage> process_image(std::string_view bytes, const ImageLimits& limits = {});

struct Previews {
  std::string preview;    // JPEG, at most preview_side
  std::string thumbnail;  // JPEG, at most thumbnail_side, low quality
};

// The preview and thumbnail of pixels decoded elsewhere (a video's poster frame): `rgb`
// holds width x height packed 8-bit RGB pixels, top row first, no padding.
Result<Previews> previews_from_rgb(std::string_view rgb, int width, int height,
                                   const ImageLimits& limits = {});

}  // namespace parley::media
