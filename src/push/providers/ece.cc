#include "push/providers/ece.h"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "push/providers/keys.h"

namespace parley::push {

namespace {

constexpr std::uint32_t kRecordSize = 4096;

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// HKDF-Expand (RFC 5869) for at most one block: the first `length` bytes of HMAC(prk, info || 0x01).
std::string hkdf_expand(std::string_view prk, std::string info, std::size_t length) {
  info += '\x01';
  return hmac_sha256(prk, info).substr(0, length);
}

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

Result<std::string> aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plain) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(plain.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int tail = 0;
  if (!ctx ||
      !EVP_EncryptInit_ex2(ctx.get(), EVP_aes_128_gcm(), reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(nonce.data()), nullptr) ||
      !EVP_EncryptUpdate(ctx.get(), o, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                         static_cast<int>(plain.size())) ||
      !EVP_EncryptFinal_ex(ctx.get(), o + len, &tail) ||
      !EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, o + plain.size()))
    return Status(Code::kInternal, "AES-128-GCM failed");
  return out;
}

}  // namespace

Result<std::string> ece_encrypt(std::string_view plaintext, std::string_view ua_public,
                                std::string_view auth_secret, const EceSender& sender) {
  if (plaintext.size() > kMaxEcePlaintext) return Status(Code::kTooLarge, "Web Push payload over 3993 bytes");
  if (auth_secret.size() != 16) return Status(Code::kInvalid, "the auth secret is not 16 bytes");
  auto ua = p256_from_point(ua_public);
  if (!ua) return ua.status();

  Pkey fresh;
  EVP_PKEY* as_key = sender.key;
  if (!as_key) {
    auto k = generate_p256();
    if (!k) return k.status();
    fresh = std::move(*k);
    as_key = fresh.get();
  }
  const std::string as_public = p256_point(as_key);
  if (as_public.empty()) return Status(Code::kInvalid, "the sender's key is not a P-256 key");
  std::string salt = sender.salt;
  if (salt.empty()) {
    salt.resize(16);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 16) != 1)
      return Status(Code::kInternal, "no random bytes");
  }
  if (salt.size() != 16) return Status(Code::kInvalid, "the salt is not 16 bytes");

  auto shared = ecdh(as_key, ua->get());
  if (!shared) return shared.status();
  // RFC 8291 §3.3-3.4: the auth secret and the ECDH secret make the IKM...
  const std::string prk_key = hmac_sha256(auth_secret, *shared);
  std::string key_info = "WebPush: info";
  key_info += '\0';
  key_info.append(ua_public).append(as_public);
  const std::string ikm = hkdf_expand(prk_key, key_info, 32);
  // ...and RFC 8188 §2.2-2.3 the content encryption key and nonce from it and the salt.
  const std::string prk = hmac_sha256(salt, ikm);
  const std::string cek = hkdf_expand(prk, std::string("Content-Encoding: aes128gcm") + '\0', 16);
  const std::string nonce = hkdf_expand(prk, std::string("Content-Encoding: nonce") + '\0', 12);

  std::string record(plaintext);
  record += '\x02';  // the last (and only) record's padding delimiter, no padding
  auto sealed = aes128gcm_seal(cek, nonce, record);
  if (!sealed) return sealed.status();

  std::string out = salt;
  out += static_cast<char>((kRecordSize >> 24) & 0xff);
  out += static_cast<char>((kRecordSize >> 16) & 0xff);
  out += static_cast<char>((kRecordSize >> 8) & 0xff);
  out += static_cast<char>(kRecordSize & 0xff);
  out += static_cast<char>(as_public.size());
  out += as_public;
  out += *sealed;
  return out;
}

}  // namespace parley::push
