// The key handling the push providers share, on OpenSSL 3 EVP: PEM in and out, P-256 key
// generation, and P-256 public keys as the uncompressed points Web Push exchanges.
// An EVP_PKEY made here is never changed afterwards, so threads may sign with it at once.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::push {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Unpadded or padded base64url (RFC 4648 §5); nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);

// A private key from PEM (PKCS#8 "PRIVATE KEY", or the traditional EC/RSA forms).
Result<Pkey> private_key_from_pem(std::string_view pem);
Result<Pkey> public_key_from_pem(std::string_view pem);
// PKCS#8 PEM of a private key; SubjectPublicKeyInfo PEM of its public half.
std::string private_key_pem(EVP_PKEY* key);
std::string public_key_pem(EVP_PKEY* key);

// A fresh P-256 key pair.
Result<Pkey> generate_p256();
// The P-256 key pair whose private scalar is `d` (32 bytes big-endian): for test vectors.
Result<Pkey> p256_from_private(std::string_view d);
// A P-256 public key from its uncompressed point (0x04 || x || y, 65 bytes); the point
// must lie on the curve.
Result<Pkey> p256_from_point(std::string_view point);
// The uncompressed point (65 bytes) of a P-256 key; empty if `key` is not one.
std::string p256_point(EVP_PKEY* key);
bool is_p256(EVP_PKEY* key);

// ECDH on P-256: the shared secret (32 bytes) of `mine` (private) and `peer` (public).
Result<std::string> ecdh(EVP_PKEY* mine, EVP_PKEY* peer);

// The text of the file at `path` (at most 1 MiB).
Result<std::string> read_small_file(const std::string& path);

}  // namespace parley::push
