// JSON Web Tokens (RFC 7519) signed with ES256 or RS256 (RFC 7518 §3), as VAPID, FCM's
// OAuth assertion and APNs' provider token use them, and the two encodings of an ECDSA
// P-256 signature (DER, as OpenSSL makes it; raw r || s, 64 bytes, as JWS wants it).
#pragma once

#include <openssl/evp.h>

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::push {

enum class JwtAlg { kES256, kRS256 };

// DER ECDSA-Sig-Value -> r || s (32 bytes each, left-padded); nullopt if malformed.
std::optional<std::string> es256_der_to_raw(std::string_view der);
// r || s (64 bytes) -> DER ECDSA-Sig-Value.
std::optional<std::string> es256_raw_to_der(std::string_view raw);

// The JWS signature of `data`: ES256 raw r || s with a P-256 key, RS256 PKCS#1 v1.5 with an
// RSA key. Thread-safe for a shared key.
Result<std::string> jws_sign(JwtAlg alg, EVP_PKEY* key, std::string_view data);
bool jws_verify(JwtAlg alg, EVP_PKEY* public_key, std::string_view data, std::string_view signature);

// header.claims.signature, base64url; the header is {"alg":…,"typ":"JWT"} and `header`'s
// fields (APNs' kid).
Result<std::string> make_jwt(JwtAlg alg, EVP_PKEY* key, const boost::json::object& claims,
                             const boost::json::object& header = {});

}  // namespace parley::push
