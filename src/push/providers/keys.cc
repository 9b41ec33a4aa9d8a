#include "push/providers/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <array>
#include <fstream>
#include <sstream>

namespace parley::push {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Status crypto_error(const std::string& what) { return Status(Code::kInvalid, what); }

Bio mem_bio(std::string_view data) { return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))); }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// A P-256 key from OSSL_PARAMs: `selection` EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY.
Result<Pkey> p256_from_params(const BIGNUM* priv, std::string_view point, int selection) {
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) ||
      (priv && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv)))
    return crypto_error("P-256 key: out of memory");
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) <= 0)
    return crypto_error("not a P-256 key");
  Pkey key(raw);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) <= 0) return crypto_error("not a point on P-256");
  return key;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

Result<Pkey> private_key_from_pem(std::string_view pem) {
  Bio bio = mem_bio(pem);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) return crypto_error("no private key in the PEM text");
  return Pkey(key);
}

Result<Pkey> public_key_from_pem(std::string_view pem) {
  Bio bio = mem_bio(pem);
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) return crypto_error("no public key in the PEM text");
  return Pkey(key);
}

std::string private_key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) return {};
  return bio_text(bio.get());
}

std::string public_key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PUBKEY(bio.get(), key)) return {};
  return bio_text(bio.get());
}

Result<Pkey> generate_p256() {
  EVP_PKEY* key = EVP_EC_gen(SN_X9_62_prime256v1);
  if (!key) return Status(Code::kInternal, "P-256 key generation failed");
  return Pkey(key);
}

Result<Pkey> p256_from_private(std::string_view d) {
  if (d.size() != 32) return crypto_error("a P-256 private key is 32 bytes");
  std::unique_ptr<BIGNUM, decltype(&BN_free)> priv(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(d.data()), 32, nullptr), BN_free);
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1),
                                                            EC_GROUP_free);
  if (!priv || !group) return crypto_error("P-256: out of memory");
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> pub(EC_POINT_new(group.get()), EC_POINT_free);
  std::array<unsigned char, 65> point{};
  if (!pub || !EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, nullptr) ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(), point.size(),
                         nullptr) != point.size())
    return crypto_error("not a P-256 private key");
  return p256_from_params(priv.get(), std::string_view(reinterpret_cast<char*>(point.data()), point.size()),
                          EVP_PKEY_KEYPAIR);
}

Result<Pkey> p256_from_point(std::string_view point) {
  if (point.size() != 65 || point[0] != 0x04) return crypto_error("not an uncompressed P-256 point (65 bytes)");
  return p256_from_params(nullptr, point, EVP_PKEY_PUBLIC_KEY);
}

bool is_p256(EVP_PKEY* key) {
  char group[64] = {};
  size_t len = 0;
  return key && EVP_PKEY_is_a(key, "EC") &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) &&
         std::string_view(group, len) == SN_X9_62_prime256v1;
}

std::string p256_point(EVP_PKEY* key) {
  if (!is_p256(key)) return {};
  std::string out(65, '\0');
  size_t len = 0;
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                       reinterpret_cast<unsigned char*>(out.data()), out.size(), &len) ||
      len != 65 || out[0] != 0x04)
    return {};
  return out;
}

Result<std::string> ecdh(EVP_PKEY* mine, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_derive_set_peer(ctx.get(), peer) <= 0 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0)
    return crypto_error("ECDH failed");
  std::string secret(len, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &len) <= 0)
    return crypto_error("ECDH failed");
  secret.resize(len);
  return secret;
}

Result<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalid, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return Status(Code::kInvalid, path + " is larger than 1 MiB");
  return text.str();
}

}  // namespace parley::push
