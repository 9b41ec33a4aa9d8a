// Web Push message encryption (RFC 8291) in the aes128gcm content coding (RFC 8188): an
// ephemeral P-256 key agreed with the subscription's p256dh key, mixed with its auth secret
// by HKDF-SHA256, then one AES-128-GCM record (rs 4096, padding delimiter 0x02).
// Pure functions, safe on any thread.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::push {

// The most plaintext one 4096-byte message carries: 4096 - 86 (header) - 1 (delimiter) - 16 (tag).
constexpr std::size_t kMaxEcePlaintext = 3993;

struct EceSender {
  EVP_PKEY* key = nullptr;  // the application server's P-256 key pair; null: a fresh one
  std::string salt;         // 16 bytes; empty: random
};

// The body to POST: salt(16) || rs(4) || idlen(1)=65 || the sender's public point(65) ||
// ciphertext || tag. `ua_public` is the 65-byte p256dh point, `auth_secret` 16 bytes.
Result<std::string> ece_encrypt(std::string_view plaintext, std::string_view ua_public,
                                std::string_view auth_secret, const EceSender& sender = {});

}  // namespace parley::push
