#include "bench/media_payload.h"

#include <unistd.h>
#include <vips/vips.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "bench/splitmix.h"

namespace parley::bench {

namespace {

// This run's part of every stamp: two runs against one server make different files.
std::uint64_t run_nonce() {
  static const std::uint64_t nonce = [] {
    std::uint64_t s = static_cast<std::uint64_t>(getpid()) ^ static_cast<std::uint64_t>(time(nullptr)) << 20;
    return splitmix64(s);
  }();
  return nonce;
}

struct Unref {
  void operator()(VipsImage* i) const {
    if (i) g_object_unref(i);
  }
};
using Image = std::unique_ptr<VipsImage, Unref>;

[[noreturn]] void vips_failed(const char* what) {
  std::string why = vips_error_buffer();
  vips_error_clear();
  throw std::runtime_error(std::string("libvips: ") + what + ": " + why);
}

Image checked(VipsImage* img, int rc, const char* what) {
  if (rc != 0) vips_failed(what);
  return Image(img);
}

}  // namespace

std::string random_bytes(std::size_t bytes, std::uint64_t seed) {
  std::string out(bytes, '\0');
  std::size_t at = 0;
  for (; at + 8 <= bytes; at += 8) {
    std::uint64_t v = splitmix64(seed);
    std::memcpy(out.data() + at, &v, 8);
  }
  for (std::uint64_t v = splitmix64(seed); at < bytes; ++at, v >>= 8) out[at] = static_cast<char>(v & 0xff);
  return out;
}

std::string StampedFile::stamp(int worker, std::int64_t n) {
  std::uint64_t parts[3] = {run_nonce(), static_cast<std::uint64_t>(worker), static_cast<std::uint64_t>(n)};
  static_assert(kStampBytes == 8 + sizeof parts);
  std::string s("parley\0\0", 8);
  s.append(reinterpret_cast<const char*>(parts), sizeof parts);
  return s;
}

std::string_view StampedFile::next(int worker, std::int64_t n) {
  const std::string s = stamp(worker, n);
  bytes_.replace(0, std::min(kStampBytes, bytes_.size()), s, 0, std::min(kStampBytes, bytes_.size()));
  return bytes_;
}

std::pair<int, int> four_by_three(double megapixels) {
  const int width = static_cast<int>(std::lround(std::sqrt(megapixels * 1e6 * 4 / 3)));
  return {width, std::max(1, width * 3 / 4)};
}

std::string synthetic_jpeg(int width, int height) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("parley-bench") != 0) vips_failed("cannot start");
  });
  constexpr int kBlob = 24;  // pixels per random value of the smooth layer
  VipsImage* out = nullptr;
  // Smooth shapes: coarse noise per band, scaled up with a cubic kernel.
  Image bands[3];
  for (int b = 0; b < 3; ++b)
    bands[b] = checked(out,
                       vips_gaussnoise(&out, width / kBlob + 2, height / kBlob + 2, "mean", 128.0, "sigma", 60.0,
                                       "seed", 7 + b, nullptr),
                       "noise");
  VipsImage* joined[3] = {bands[0].get(), bands[1].get(), bands[2].get()};
  Image coarse = checked(out, vips_bandjoin(joined, &out, 3, nullptr), "bandjoin");
  Image smooth = checked(out, vips_resize(coarse.get(), &out, kBlob, "kernel", VIPS_KERNEL_CUBIC, nullptr), "resize");
  Image cropped = checked(out, vips_crop(smooth.get(), &out, 0, 0, width, height, nullptr), "crop");
  // Fine grain over them, as a camera sensor's.
  Image grain =
      checked(out, vips_gaussnoise(&out, width, height, "mean", 0.0, "sigma", 6.0, "seed", 11, nullptr), "grain");
  Image sum = checked(out, vips_add(cropped.get(), grain.get(), &out, nullptr), "add");
  Image pixels = checked(out, vips_cast_uchar(sum.get(), &out, nullptr), "cast");
  Image srgb = checked(out, vips_copy(pixels.get(), &out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr), "copy");
  void* buf = nullptr;
  size_t len = 0;
  if (vips_jpegsave_buffer(srgb.get(), &buf, &len, "Q", 90, nullptr) != 0) vips_failed("jpegsave");
  std::string jpeg(static_cast<const char*>(buf), len);
  g_free(buf);
  return jpeg;
}

}  // namespace parley::bench
