// SigV4 (media/s3/sigv4.h) against the example AWS publishes for its signing process: an
// IAM ListUsers GET signed with the documentation's example key on 2015-08-30.
#include "media/s3/sigv4.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace parley::media::s3 {
namespace {

TEST(SigV4, the_published_example_request_gets_the_published_signature) {
  Credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam"};
  SignedRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"host", "iam.amazonaws.com"},
               {"x-amz-date", "20150830T123600Z"}};
  r.payload_sha256 = hex(sha256(""));
  EXPECT_EQ(hex(sha256(canonical_request(r))), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(authorization(r, c, "20150830T123600Z"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

}  // namespace
}  // namespace parley::media::s3
