#include "push/providers/jwt.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <boost/json/serialize.hpp>
#include <memory>

#include "core/encoding.h"
#include "push/providers/keys.h"

namespace parley::push {

namespace {

struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using EcdsaSig = std::unique_ptr<ECDSA_SIG, SigFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

bool key_fits(JwtAlg alg, EVP_PKEY* key) {
  return key && (alg == JwtAlg::kES256 ? is_p256(key)
                                       : EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048);
}

}  // namespace

std::optional<std::string> es256_der_to_raw(std::string_view der) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, 32) != 32 || BN_bn2binpad(s, out + 32, 32) != 32) return std::nullopt;
  return raw;
}

std::optional<std::string> es256_raw_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(in, 32, nullptr);
  BIGNUM* s = BN_bin2bn(in + 32, 32, nullptr);
  EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig.get(), &der);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

Result<std::string> jws_sign(JwtAlg alg, EVP_PKEY* key, std::string_view data) {
  if (!key_fits(alg, key))
    return Status(Code::kInvalid, alg == JwtAlg::kES256 ? "ES256 needs a P-256 key" : "RS256 needs an RSA key");
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) <= 0 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) <= 0)
    return Status(Code::kInternal, "signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) <= 0)
    return Status(Code::kInternal, "signing failed");
  sig.resize(len);
  if (alg == JwtAlg::kRS256) return sig;
  auto raw = es256_der_to_raw(sig);
  if (!raw) return Status(Code::kInternal, "ECDSA signature in an unexpected form");
  return std::move(*raw);
}

bool jws_verify(JwtAlg alg, EVP_PKEY* public_key, std::string_view data, std::string_view signature) {
  if (!key_fits(alg, public_key)) return false;
  std::string sig(signature);
  if (alg == JwtAlg::kES256) {
    auto der = es256_raw_to_der(signature);
    if (!der) return false;
    sig = std::move(*der);
  }
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx &&
         EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, public_key, nullptr) > 0 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

Result<std::string> make_jwt(JwtAlg alg, EVP_PKEY* key, const boost::json::object& claims,
                             const boost::json::object& header) {
  boost::json::object h{{"alg", alg == JwtAlg::kES256 ? "ES256" : "RS256"}, {"typ", "JWT"}};
  for (const auto& [k, v] : header) h[k] = v;
  std::string input = base64url(boost::json::serialize(h)) + "." + base64url(boost::json::serialize(claims));
  auto sig = jws_sign(alg, key, input);
  if (!sig) return sig.status();
  return input + "." + base64url(*sig);
}

}  // namespace parley::push
