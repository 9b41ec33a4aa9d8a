// Images as parley stores them (see images.h), with libvips' C API.
#include "media/images.h"

#include <vips/vips.h>

#include <memory>
#include <mutex>

namespace parley::media {

namespace {

// libvips starts once per process; its cache is off: every image is seen once.
bool start_vips() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = VIPS_INIT("parleyd") == 0;
    if (ok) {
      vips_cache_set_max(0);
      vips_concurrency_set(1);  // the query pool's threads are the parallelism
    }
  });
  return ok;
}

struct Unref {
  void operator()(VipsImage* i) const {
    if (i) g_object_unref(i);
  }
};
using Image = std::unique_ptr<VipsImage, Unref>;

Status vips_failed(const std::string& what) {
  std::string why = vips_error_buffer();
  vips_error_clear();
  while (!why.empty() && why.back() == '\n') why.pop_back();
  return Status(Code::kInvalid, what + (why.empty() ? "" : ": " + why));
}

// Upright, sRGB, no alpha (flattened on white), at most `side` on its longest side.
Result<Image> fit(VipsImage* in, int side) {
  VipsImage* out = nullptr;
  if (vips_thumbnail_image(in, &out, side, "height", side, "size", VIPS_SIZE_DOWN, nullptr) != 0)
    return vips_failed("cannot resize the image");
  Image img(out);
  if (vips_image_hasalpha(img.get())) {
    VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
    int rc = vips_flatten(img.get(), &out, "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (rc != 0) return vips_failed("cannot flatten the image");
    img.reset(out);
  }
  if (vips_image_get_interpretation(img.get()) != VIPS_INTERPRETATION_sRGB &&
      vips_image_get_interpretation(img.get()) != VIPS_INTERPRETATION_B_W) {
    if (vips_colourspace(img.get(), &out, VIPS_INTERPRETATION_sRGB, nullptr) != 0)
      return vips_failed("cannot convert the image to sRGB");
    img.reset(out);
  }
  return img;
}

// JPEG with no metadata at all ("strip": EXIF, XMP, IPTC, ICC and comments are not written).
Result<std::string> jpeg(VipsImage* img, int quality) {
  void* buf = nullptr;
  size_t len = 0;
  if (vips_jpegsave_buffer(img, &buf, &len, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, nullptr) != 0)
    return vips_failed("cannot encode the image");
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

// The preview (quality 75) and the inline thumbnail (quality 40) of an upright image.
Result<Previews> previews(VipsImage* upright, const ImageLimits& limits) {
  Previews p;
  auto preview = fit(upright, limits.preview_side);
  if (!preview) return preview.status();
  auto preview_jpeg = jpeg(preview->get(), 75);
  if (!preview_jpeg) return preview_jpeg.status();
  p.preview = std::move(*preview_jpeg);
  auto thumb = fit(upright, limits.thumbnail_side);
  if (!thumb) return thumb.status();
  auto thumb_jpeg = jpeg(thumb->get(), 40);
  if (!thumb_jpeg) return thumb_jpeg.status();
  p.thumbnail = std::move(*thumb_jpeg);
  return p;
}

}  // namespace

Result<ProcessedImage> process_image(std::string_view bytes, const ImageLimits& limits) {
  if (!start_vips()) return Status(Code::kUnavailable, "the image library could not start");
  // Lazy: only the header is read here, so a huge image is refused before it is decoded.
  Image in(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr));
  if (!in) return vips_failed("not an image this server reads");
  const auto pixels = static_cast<std::uint64_t>(vips_image_get_width(in.get())) *
                      static_cast<std::uint64_t>(vips_image_get_height(in.get()));
  if (pixels > limits.max_pixels)
    return Status(Code::kInvalid, "the image has " + std::to_string(pixels) + " pixels; at most " +
                                      std::to_string(limits.max_pixels) + " are taken");
  // Decoded already shrunk where the format allows (JPEG decodes at 1/2, 1/4, 1/8: a
  // 12-MP photo costs a quarter of the work and memory), turned upright by its EXIF
  // orientation, bounded to max_side; once, in memory: the three sizes come from it.
  VipsImage* out = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &out, limits.max_side, "height",
                            limits.max_side, "size", VIPS_SIZE_DOWN, nullptr) != 0)
    return vips_failed("cannot decode the image");
  Image upright(out);
  VipsImage* memory = vips_image_copy_memory(upright.get());
  if (!memory) return vips_failed("cannot decode the image");
  upright.reset(memory);

  ProcessedImage p;
  auto full = fit(upright.get(), limits.max_side);
  if (!full) return full.status();
  p.width = vips_image_get_width(full->get());
  p.height = vips_image_get_height(full->get());
  auto full_jpeg = jpeg(full->get(), 85);
  if (!full_jpeg) return full_jpeg.status();
  p.full = std::move(*full_jpeg);
  auto small = previews(upright.get(), limits);
  if (!small) return small.status();
  p.preview = std::move(small->preview);
  p.thumbnail = std::move(small->thumbnail);
  return p;
}

Result<Previews> previews_from_rgb(std::string_view rgb, int width, int height, const ImageLimits& limits) {
  if (width <= 0 || height <= 0 ||
      rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
    return Status(Code::kInvalid, "the picture's pixels do not match its size");
  if (!start_vips()) return Status(Code::kUnavailable, "the image library could not start");
  // Borrows `rgb`: every image made from it is done with before this returns.
  Image raw(vips_image_new_from_memory(rgb.data(), rgb.size(), width, height, 3, VIPS_FORMAT_UCHAR));
  if (!raw) return vips_failed("cannot read the picture");
  VipsImage* out = nullptr;
  if (vips_copy(raw.get(), &out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr) != 0)
    return vips_failed("cannot read the picture");
  Image srgb(out);
  return previews(srgb.get(), limits);
}

}  // namespace parley::media
