// core/encoding.h against published known answers: RFC 4648 §10 for base64 (in its URL-safe,
// unpadded form, RFC 4648 §5), FIPS 180-2 for SHA-256.
#include "core/encoding.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Encoding, base64url_matches_the_rfc_4648_vectors_unpadded) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
  EXPECT_EQ(base64url("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url("foobar"), "Zm9vYmFy");
}

TEST(Encoding, base64url_uses_the_url_safe_alphabet) {
  // 0xfb 0xff 0xbf is "+/+/" in standard base64.
  EXPECT_EQ(base64url("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64url(std::string("\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f", 12)), "ABCDEFGHIJKLMNOP");
}

TEST(Encoding, sha256_matches_the_fips_180_2_vectors) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Encoding, hex_is_lowercase_two_digits_per_byte) {
  EXPECT_EQ(hex(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
}

}  // namespace
}  // namespace parley
