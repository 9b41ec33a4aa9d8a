// An upload's type comes from its bytes (media/sniff.h): the client's word is checked
// against them, and programs are never taken.
#include "media/sniff.h"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <fstream>
#include <iterator>
#include <string>

namespace parley::media {
namespace {

std::string encoded(const char* suffix) {
  VipsImage* img = nullptr;
  EXPECT_EQ(vips_black(&img, 16, 16, "bands", 3, nullptr), 0);
  void* buf = nullptr;
  size_t len = 0;
  EXPECT_EQ(vips_image_write_to_buffer(img, suffix, &buf, &len, nullptr), 0);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  g_object_unref(img);
  return out;
}

std::string file_head(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  return s.substr(0, 4096);
}

TEST(Sniff, images_are_known_by_their_bytes_whatever_the_client_says_of_its_subtype) {
  auto jpeg = sniff(encoded(".jpg"), "image/jpeg", Kind::kImage);
  ASSERT_TRUE(jpeg) << jpeg.status().message();
  EXPECT_EQ(jpeg->mime, "image/jpeg");
  auto png_said_jpeg = sniff(encoded(".png"), "image/jpeg", Kind::kImage);
  ASSERT_TRUE(png_said_jpeg) << "a PNG sent as image/jpeg is still an image";
  EXPECT_EQ(png_said_jpeg->mime, "image/png");
  EXPECT_EQ(kind_name(png_said_jpeg->kind), "image");
}

TEST(Sniff, bytes_that_are_not_what_was_declared_are_refused_saying_what_they_are) {
  const std::string pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  auto as_image = sniff(pdf, "image/png", Kind::kImage);
  ASSERT_FALSE(as_image);
  EXPECT_NE(as_image.status().message().find("application/pdf"), std::string::npos) << as_image.status().message();
  auto declared_wrong = sniff(pdf, "image/png", Kind::kFile);
  ASSERT_FALSE(declared_wrong) << "a file declared as an image that is a PDF";
  auto as_file = sniff(pdf, "application/pdf", Kind::kFile);
  ASSERT_TRUE(as_file) << as_file.status().message();
  EXPECT_EQ(as_file->mime, "application/pdf");
  EXPECT_TRUE(sniff("just some notes\n", "", Kind::kFile)) << "no declared type: the bytes decide";
}

TEST(Sniff, programs_and_scripts_are_never_taken) {
  auto elf = sniff(file_head("/bin/true"), "application/octet-stream", Kind::kFile);
  ASSERT_FALSE(elf);
  EXPECT_NE(elf.status().message().find("not taken"), std::string::npos) << elf.status().message();
  EXPECT_FALSE(sniff("#!/bin/sh\nrm -rf ~\n", "text/plain", Kind::kFile));
}

}  // namespace
}  // namespace parley::media
