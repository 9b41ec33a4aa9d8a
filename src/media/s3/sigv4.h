// AWS Signature Version 4 for the S3-compatible MediaStore (issue 16, docs/media.md): the
// Authorization header of one request, computed with OpenSSL (HMAC-SHA256, SHA-256). Pure:
// no clock, no network; tests/media/sigv4_test.cc checks it against AWS's published example.
#pragma once

#include <map>
#include <string>

namespace parley::media::s3 {

struct Credentials {
  std::string access_key, secret_key, region, service = "s3";
};

struct SignedRequest {
  std::string method;                         // GET, PUT, HEAD, DELETE, POST
  std::string path;                           // URI-encoded already, e.g. /bucket/ab12...
  std::string query;                          // canonical: key=value pairs sorted, '&'-joined
  std::map<std::string, std::string> headers; // lowercase names; host and x-amz-date included
  std::string payload_sha256;                 // hex; "UNSIGNED-PAYLOAD" for streamed bodies
};

// `amz_date`: YYYYMMDDTHHMMSSZ (the x-amz-date header's value).
std::string authorization(const SignedRequest& r, const Credentials& c, const std::string& amz_date);

// The intermediate values, for tests and debugging.
std::string canonical_request(const SignedRequest& r);
std::string string_to_sign(const SignedRequest& r, const Credentials& c, const std::string& amz_date);

}  // namespace parley::media::s3
