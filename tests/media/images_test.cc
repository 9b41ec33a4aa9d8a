// Images as parley stores them (media/images.h): upright, bounded, and with none of the
// metadata the sender's camera wrote. The test makes its own photos with libvips: a
// landscape picture stored sideways with EXIF orientation 6 ("turn 90° clockwise to
// view") and a camera's EXIF fields, among them a GPS position.
#include "media/images.h"

#include "support/media_samples.h"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <string>

namespace parley::media {
namespace {

using testing::camera_jpeg;
testing::SeenImage look(const std::string& jpeg) { return testing::look_at_image(jpeg); }

TEST(Images, a_sideways_camera_photo_is_stored_upright_bounded_and_without_metadata) {
  // 2400 x 1200 as the sensor wrote it; orientation 6: a portrait 1200 x 2400 photo.
  std::string photo = camera_jpeg(2400, 1200, 6);
  ASSERT_NE(photo.find("SecretCam"), std::string::npos) << "the test photo carries EXIF";
  ASSERT_TRUE(look(photo).exif);
  auto p = process_image(photo);
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->width, 800);  // upright, and its longest side bounded to 1600
  EXPECT_EQ(p->height, 1600);
  for (const std::string* out : {&p->full, &p->preview, &p->thumbnail}) {
    auto s = look(*out);
    EXPECT_FALSE(s.exif) << "EXIF written";
    EXPECT_FALSE(s.xmp);
    EXPECT_EQ(out->find("SecretCam"), std::string::npos);
    EXPECT_EQ(out->find("Elm Street"), std::string::npos);
    EXPECT_LT(s.width, s.height) << "upright";
  }
  EXPECT_EQ(look(p->full).width, 800);
  EXPECT_EQ(look(p->preview).height, 320);
  EXPECT_EQ(look(p->thumbnail).height, 64);
  EXPECT_LT(p->thumbnail.size(), 4096u) << "small enough to travel inside a message";
}

TEST(Images, small_images_are_not_enlarged) {
  auto p = process_image(camera_jpeg(300, 200, 1));
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->width, 300);
  EXPECT_EQ(p->height, 200);
  EXPECT_EQ(look(p->thumbnail).width, 64);
}

TEST(Images, garbage_and_oversized_images_are_refused_with_a_reason) {
  auto bad = process_image("this is not an image at all");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), Code::kInvalid);
  std::string photo = camera_jpeg(1000, 1000, 1);
  auto truncated = process_image(std::string_view(photo).substr(0, 200));
  EXPECT_FALSE(truncated) << "a JPEG cut short";
  ImageLimits small;
  small.max_pixels = 999'999;
  auto huge = process_image(photo, small);
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.status().message().find("1000000 pixels"), std::string::npos) << huge.status().message();
}

}  // namespace
}  // namespace parley::media
