// Photos made by libvips for tests: a camera's JPEG with EXIF orientation and fields that
// must never leave the sender's phone (a camera make, a description, a GPS reference), and
// what a stored image turned out to be.
#pragma once

#include <string>

namespace parley::testing {

// A w x h JPEG of noise (so it does not compress to nothing) with EXIF `orientation`, the
// make "SecretCam", a description and a GPS latitude reference.
std::string camera_jpeg(int w, int h, int orientation);

struct SeenImage {
  bool decoded = false;
  int width = 0, height = 0;
  bool exif = false, xmp = false;
};
SeenImage look_at_image(const std::string& bytes);

}  // namespace parley::testing
