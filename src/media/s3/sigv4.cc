// AWS Signature Version 4 (see sigv4.h).
#include "media/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding.h"

namespace parley::media::s3 {

namespace {

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string scope(const Credentials& c, const std::string& amz_date) {
  return amz_date.substr(0, 8) + "/" + c.region + "/" + c.service + "/aws4_request";
}

std::string signed_headers(const SignedRequest& r) {
  std::string out;
  for (const auto& [name, value] : r.headers) out += (out.empty() ? "" : ";") + name;
  return out;
}

}  // namespace

std::string canonical_request(const SignedRequest& r) {
  std::string out = r.method + "\n" + r.path + "\n" + r.query + "\n";
  for (const auto& [name, value] : r.headers) out += name + ":" + value + "\n";
  return out + "\n" + signed_headers(r) + "\n" + r.payload_sha256;
}

std::string string_to_sign(const SignedRequest& r, const Credentials& c, const std::string& amz_date) {
  return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope(c, amz_date) + "\n" + hex(sha256(canonical_request(r)));
}

std::string authorization(const SignedRequest& r, const Credentials& c, const std::string& amz_date) {
  std::string key = hmac("AWS4" + c.secret_key, amz_date.substr(0, 8));
  key = hmac(key, c.region);
  key = hmac(key, c.service);
  key = hmac(key, "aws4_request");
  std::string signature = hex(hmac(key, string_to_sign(r, c, amz_date)));
  return "AWS4-HMAC-SHA256 Credential=" + c.access_key + "/" + scope(c, amz_date) +
         ", SignedHeaders=" + signed_headers(r) + ", Signature=" + signature;
}

}  // namespace parley::media::s3
