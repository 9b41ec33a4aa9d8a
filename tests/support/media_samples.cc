#include "support/media_samples.h"

#include <vips/vips.h>

#include <mutex>
#include <stdexcept>

namespace parley::testing {

namespace {
void start_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("parley-tests") != 0) throw std::runtime_error("libvips does not start");
  });
}
}  // namespace

std::string camera_jpeg(int w, int h, int orientation) {
  start_vips();
  VipsImage *noise = nullptr, *rgb = nullptr, *three = nullptr, *img = nullptr;
  if (vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, nullptr) != 0 ||
      vips_bandjoin_const1(noise, &rgb, 90.0, nullptr) != 0 || vips_bandjoin_const1(rgb, &three, 200.0, nullptr) != 0 ||
      vips_cast_uchar(three, &img, nullptr) != 0)
    throw std::runtime_error(vips_error_buffer());
  vips_image_set_int(img, "orientation", orientation);
  vips_image_set_string(img, "exif-ifd0-Make", "SecretCam");
  vips_image_set_string(img, "exif-ifd0-ImageDescription", "at home, Elm Street 12");
  vips_image_set_string(img, "exif-ifd3-GPSLatitudeRef", "N");
  void* buf = nullptr;
  size_t len = 0;
  int rc = vips_jpegsave_buffer(img, &buf, &len, "Q", 90, nullptr);
  for (VipsImage* i : {noise, rgb, three, img}) g_object_unref(i);
  if (rc != 0) throw std::runtime_error(vips_error_buffer());
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

SeenImage look_at_image(const std::string& bytes) {
  start_vips();
  SeenImage s;
  VipsImage* img = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  if (!img) {
    vips_error_clear();
    return s;
  }
  s.decoded = true;
  s.width = vips_image_get_width(img);
  s.height = vips_image_get_height(img);
  s.exif = vips_image_get_typeof(img, VIPS_META_EXIF_NAME) != 0;
  s.xmp = vips_image_get_typeof(img, VIPS_META_XMP_NAME) != 0;
  g_object_unref(img);
  return s;
}

}  // namespace parley::testing
