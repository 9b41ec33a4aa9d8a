// The push providers' pure parts: Web Push encryption against RFC 8291's own example and a
// browser's side written here independently (RFC 8291 §3.4 with OpenSSL's HKDF), VAPID and
// the JWT signatures, Retry-After, the webhook's signature and body, and what validate()
// lets in (a Web Push endpoint is attacker-chosen and the server POSTs to it).
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <thread>
#include <vector>
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "push/providers/ece.h"
#include "push/providers/http_client.h"
#include "push/providers/jwt.h"
#include "push/providers/keys.h"
#include "push/providers/providers.h"
#include "push/providers/vapid.h"
#include "push/providers/webhook.h"
#include "push/providers/webpush.h"

namespace parley::push {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string b64(std::string_view text) { return base64url_decode(text).value(); }

// RFC 5869 HKDF-SHA256 by OpenSSL's EVP_KDF, not the provider's own HMAC steps.
std::string hkdf(std::string_view salt, std::string_view ikm, std::string_view info, std::size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  const int ok = EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), length, params);
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return ok == 1 ? out : std::string();
}

// What a browser does with a Web Push message (RFC 8291 §3.4, RFC 8188 §2): the plaintext,
// or "" if anything is wrong.
std::string browser_decrypts(std::string_view body, EVP_PKEY* ua_private, std::string_view auth) {
  if (body.size() < 86 + 17) return {};
  const std::string_view salt = body.substr(0, 16);
  std::uint32_t rs = 0;
  for (int i = 16; i < 20; ++i) rs = (rs << 8) | std::uint8_t(body[i]);
  if (rs != 4096 || std::uint8_t(body[20]) != 65) return {};
  const std::string_view as_public = body.substr(21, 65);
  const std::string_view sealed = body.substr(86);
  auto as_key = p256_from_point(as_public);
  if (!as_key) return {};
  EVP_PKEY_CTX* dctx = EVP_PKEY_CTX_new_from_pkey(nullptr, ua_private, nullptr);
  std::string secret(32, '\0');
  std::size_t len = secret.size();
  const bool derived = EVP_PKEY_derive_init(dctx) == 1 && EVP_PKEY_derive_set_peer(dctx, as_key->get()) == 1 &&
                       EVP_PKEY_derive(dctx, reinterpret_cast<unsigned char*>(secret.data()), &len) == 1;
  EVP_PKEY_CTX_free(dctx);
  if (!derived) return {};
  std::string key_info = std::string("WebPush: info") + '\0' + p256_point(ua_private) + std::string(as_public);
  const std::string ikm = hkdf(auth, secret, key_info, 32);
  const std::string cek = hkdf(salt, ikm, std::string("Content-Encoding: aes128gcm") + '\0', 16);
  const std::string nonce = hkdf(salt, ikm, std::string("Content-Encoding: nonce") + '\0', 12);

  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  std::string plain(sealed.size() - 16, '\0');
  int n = 0, tail = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  bool ok = EVP_DecryptInit_ex2(c, EVP_aes_128_gcm(), reinterpret_cast<const unsigned char*>(cek.data()),
                                reinterpret_cast<const unsigned char*>(nonce.data()), nullptr) == 1 &&
            EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(plain.data()), &n, in, int(plain.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, const_cast<unsigned char*>(in + plain.size())) == 1 &&
            EVP_DecryptFinal_ex(c, reinterpret_cast<unsigned char*>(plain.data()) + n, &tail) == 1;
  EVP_CIPHER_CTX_free(c);
  if (!ok) return {};
  while (!plain.empty() && plain.back() == '\0') plain.pop_back();  // padding
  if (plain.empty() || plain.back() != '\x02') return {};           // the last record's delimiter
  plain.pop_back();
  return plain;
}

Notification sample_notification() {
  Notification n;
  n.chat = ChatId(42);
  n.kind = ChatKind::kDirect;
  n.seq = 17;
  n.sender = UserId(2);
  n.count = 3;
  n.badge = 2;
  n.title = "Bo";
  n.body = "see you";
  n.collapse_key = "chat-42";
  return n;
}

// RFC 8291 §5 / Appendix A.
constexpr const char* kRfcPlaintext = "When I grow up, I want to be a watermelon";
constexpr const char* kRfcAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr const char* kRfcUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr const char* kRfcUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr const char* kRfcSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr const char* kRfcAuth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr const char* kRfcMessage =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6T"
    "lzAC8wEqKK6PBru3jl7A_"
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

TEST(WebPushEncryption, matches_the_rfc_8291_example_byte_for_byte) {
  auto as = p256_from_private(b64(kRfcAsPrivate));
  ASSERT_TRUE(as.ok()) << as.status().message();
  auto body = ece_encrypt(kRfcPlaintext, b64(kRfcUaPublic), b64(kRfcAuth), EceSender{as->get(), b64(kRfcSalt)});
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(base64url(*body), kRfcMessage);
}

TEST(WebPushEncryption, the_test_browser_decrypts_the_rfc_8291_example) {
  auto ua = p256_from_private(b64(kRfcUaPrivate));
  ASSERT_TRUE(ua.ok());
  EXPECT_EQ(base64url(p256_point(ua->get())), kRfcUaPublic);
  EXPECT_EQ(browser_decrypts(b64(kRfcMessage), ua->get(), b64(kRfcAuth)), kRfcPlaintext);
}

TEST(WebPushEncryption, payload_decrypts_with_subscription_keys) {
  auto ua = generate_p256();
  ASSERT_TRUE(ua.ok());
  const std::string auth = "0123456789abcdef";
  auto body = ece_encrypt(webpush_payload(sample_notification()), p256_point(ua->get()), auth);
  ASSERT_TRUE(body.ok()) << body.status().message();
  const std::string plain = browser_decrypts(*body, ua->get(), auth);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(json::parse(plain), json::parse(R"({"event":"message","chat":42,"kind":"direct","seq":17,"count":3,)"
                                            R"("badge":2,"title":"Bo","body":"see you","tag":"chat-42"})"));
  // A fresh ephemeral key and salt each time: the same payload never looks the same.
  auto again = ece_encrypt(webpush_payload(sample_notification()), p256_point(ua->get()), auth);
  EXPECT_NE(body->substr(0, 86), again->substr(0, 86));
  EXPECT_TRUE(browser_decrypts(*body, ua->get(), "another 16 bytes").empty());
}

TEST(WebPushEncryption, a_long_body_is_cut_to_fit_one_record) {
  Notification n = sample_notification();
  n.body = std::string(3000, '"') + std::string(2000, 'x');  // every quote escapes to two bytes
  const std::string payload = webpush_payload(n);
  EXPECT_LE(payload.size(), kMaxEcePlaintext);
  EXPECT_EQ(json::parse(payload).at("tag"), "chat-42");
  EXPECT_FALSE(ece_encrypt(std::string(kMaxEcePlaintext + 1, 'x'), b64(kRfcUaPublic), b64(kRfcAuth)).ok());
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("parley-push-unit-" + std::to_string(::getpid()));
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Vapid, a_missing_key_file_is_created_private_and_reused_after_a_restart) {
  TempDir dir;
  const std::string file = (dir.path / "keys" / "vapid.pem").string();
  auto first = Vapid::load_or_create(file, "mailto:ops@example.com");
  ASSERT_TRUE(first.ok()) << first.status().message();
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = Vapid::load_or_create(file, "mailto:ops@example.com");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->public_key(), second->public_key());
  EXPECT_EQ(b64(first->public_key()).size(), 65u);
  EXPECT_EQ(b64(first->public_key())[0], '\x04');
}

TEST(Vapid, servers_starting_at_once_on_a_fresh_directory_all_use_one_key) {
  TempDir dir;
  const std::string file = (dir.path / "vapid.pem").string();
  std::vector<std::string> keys(8);
  std::vector<std::thread> threads;
  for (auto& k : keys)
    threads.emplace_back([&] {
      auto v = Vapid::load_or_create(file, "mailto:ops@example.com");
      k = v ? v->public_key() : v.status().message();
    });
  for (auto& t : threads) t.join();
  for (const auto& k : keys) EXPECT_EQ(k, keys[0]);
}

TEST(Vapid, jwt_verifies_with_the_public_key_and_names_the_push_service_origin) {
  TempDir dir;
  auto vapid = Vapid::load_or_create((dir.path / "vapid.pem").string(), "mailto:ops@example.com");
  ASSERT_TRUE(vapid.ok());
  const TimeMs now = 1'700'000'000'000;
  auto header = vapid->authorization("https://fcm.googleapis.com", now);
  ASSERT_TRUE(header.ok());
  // "vapid t=<header.claims.sig>, k=<key>"
  ASSERT_TRUE(header->starts_with("vapid t="));
  const auto comma = header->find(", k=");
  ASSERT_NE(comma, std::string::npos);
  const std::string jwt = header->substr(8, comma - 8);
  EXPECT_EQ(header->substr(comma + 4), vapid->public_key());
  const auto dot2 = jwt.rfind('.');
  const std::string raw = b64(jwt.substr(dot2 + 1));
  ASSERT_EQ(raw.size(), 64u);

  // Verified here with OpenSSL's ECDSA on the DER form made from r and s.
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  auto pub = p256_from_point(b64(vapid->public_key()));
  ASSERT_TRUE(pub.ok());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const std::string input = jwt.substr(0, dot2);
  EXPECT_EQ(EVP_DigestVerifyInit_ex(md, nullptr, "SHA256", nullptr, nullptr, pub->get(), nullptr), 1);
  EXPECT_EQ(EVP_DigestVerify(md, der, std::size_t(der_len), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()),
            1);
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);

  const auto dot1 = jwt.find('.');
  EXPECT_EQ(json::parse(b64(jwt.substr(0, dot1))).at("alg"), "ES256");
  json::value claims = json::parse(b64(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(claims.at("aud"), "https://fcm.googleapis.com");
  EXPECT_EQ(claims.at("sub"), "mailto:ops@example.com");
  EXPECT_EQ(claims.at("exp").to_number<std::int64_t>(), now / 1000 + 12 * 3600);
}

TEST(Vapid, a_subject_that_is_not_mailto_or_https_is_refused) {
  TempDir dir;
  EXPECT_FALSE(Vapid::load_or_create((dir.path / "v.pem").string(), "ops@example.com").ok());
  EXPECT_FALSE(Vapid::load_or_create("", "mailto:ops@example.com").ok());
}

TEST(Jwt, es256_signatures_convert_between_der_and_raw_r_s) {
  // r = 1 and s = 2: DER keeps them short, raw pads each to 32 bytes.
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_new(), BN_new());
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  BN_set_word(const_cast<BIGNUM*>(r), 1);
  BN_set_word(const_cast<BIGNUM*>(s), 2);
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  const std::string der_text(reinterpret_cast<char*>(der), std::size_t(der_len));
  OPENSSL_free(der);
  auto raw = es256_der_to_raw(der_text);
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, std::string(31, '\0') + '\x01' + std::string(31, '\0') + '\x02');
  EXPECT_EQ(es256_raw_to_der(*raw), der_text);
  EXPECT_FALSE(es256_der_to_raw(der_text + "x"));
  EXPECT_FALSE(es256_raw_to_der(std::string(63, '\1')));

  auto key = generate_p256();
  ASSERT_TRUE(key.ok());
  for (int i = 0; i < 20; ++i) {
    const std::string data = "message " + std::to_string(i);
    auto signature = jws_sign(JwtAlg::kES256, key->get(), data);
    ASSERT_TRUE(signature.ok());
    EXPECT_EQ(signature->size(), 64u);
    EXPECT_TRUE(jws_verify(JwtAlg::kES256, key->get(), data, *signature));
    EXPECT_FALSE(jws_verify(JwtAlg::kES256, key->get(), data + "!", *signature));
  }
}

TEST(Jwt, rs256_needs_an_rsa_key_and_verifies_with_its_public_half) {
  EVP_PKEY* rsa = EVP_RSA_gen(2048);
  ASSERT_NE(rsa, nullptr);
  Pkey key(rsa);
  auto jwt = make_jwt(JwtAlg::kRS256, key.get(), json::object{{"iss", "a@b"}});
  ASSERT_TRUE(jwt.ok());
  const auto dot2 = jwt->rfind('.');
  auto pub = public_key_from_pem(public_key_pem(key.get()));
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(jws_verify(JwtAlg::kRS256, pub->get(), jwt->substr(0, dot2), b64(jwt->substr(dot2 + 1))));
  auto ec = generate_p256();
  EXPECT_FALSE(make_jwt(JwtAlg::kRS256, ec->get(), json::object{}).ok());
  EXPECT_FALSE(make_jwt(JwtAlg::kES256, key.get(), json::object{}).ok());
}

TEST(RetryAfter, reads_delta_seconds_and_http_dates) {
  const TimeMs at = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(retry_after_ms("120", at), 120'000);
  EXPECT_EQ(retry_after_ms(" 0 ", at), 0);
  EXPECT_EQ(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", at - 5'000), 5'000);
  EXPECT_EQ(retry_after_ms("Wednesday, 21-Oct-15 07:28:00 GMT", at - 7'000), 7'000);  // RFC 850
  EXPECT_EQ(retry_after_ms("Wed Oct 21 07:28:00 2015", at - 1'000), 1'000);           // asctime
  EXPECT_EQ(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", at + 60'000), 0);         // already past
  EXPECT_EQ(retry_after_ms("", at), -1);
  EXPECT_EQ(retry_after_ms("soon", at), -1);
  EXPECT_EQ(retry_after_ms("-5", at), -1);
}

TEST(Webhook, signature_is_hmac_sha256_of_the_timestamp_and_the_body) {
  const std::string body = R"({"notification":{}})";
  unsigned char mac[32];
  unsigned int len = 0;
  const std::string secret = "a secret of 16+ bytes";
  const std::string text = "1700000000." + body;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char*>(text.data()),
       text.size(), mac, &len);
  EXPECT_EQ(webhook_signature(secret, 1'700'000'000, body),
            "t=1700000000,v1=" + hex(std::string_view(reinterpret_cast<char*>(mac), len)));
}

TEST(Webhook, body_is_shaped_like_a_matrix_push_gateway_notify) {
  Target t;
  t.token = "pushkey-1";
  t.created_at = 1'764'300'000'123;
  Notification n = sample_notification();
  n.kind = ChatKind::kGroup;
  json::value v = json::parse(webhook_body(t, n));
  const json::value& note = v.at("notification");
  EXPECT_EQ(note.at("id"), "42:17");
  EXPECT_EQ(note.at("room_id"), "42");
  EXPECT_EQ(note.at("type"), "m.room.message");
  EXPECT_EQ(note.at("sender"), "2");
  EXPECT_EQ(note.at("room_name"), "Bo");
  EXPECT_EQ(note.at("content").at("body"), "see you");
  EXPECT_EQ(note.at("counts").at("unread"), 2);
  EXPECT_EQ(note.at("devices").at(0).at("pushkey"), "pushkey-1");
  EXPECT_EQ(note.at("devices").at(0).at("pushkey_ts"), 1'764'300'000);
  EXPECT_EQ(v.at("parley"), json::parse(R"({"event":"message","chat":42,"kind":"group","seq":17,"count":3})"));
}

std::string subscription(std::string_view endpoint, std::string_view p256dh = kRfcUaPublic,
                         std::string_view auth = kRfcAuth) {
  return R"({"endpoint":")" + std::string(endpoint) + R"(","keys":{"p256dh":")" + std::string(p256dh) +
         R"(","auth":")" + std::string(auth) + R"("}})";
}

TEST(WebPushValidate, only_https_endpoints_on_allowed_push_hosts_are_taken) {
  WebPushOptions o;
  auto code = [&](const std::string& token) { return parse_subscription(token, o).status().code(); };
  EXPECT_EQ(code(subscription("https://fcm.googleapis.com/fcm/send/abc")), Code::kOk);
  EXPECT_EQ(code(subscription("https://FCM.googleapis.com/fcm/send/abc")), Code::kOk);
  EXPECT_EQ(code(subscription("https://wns2-db5p.notify.windows.com/w/?token=x")), Code::kOk);
  EXPECT_EQ(code(subscription("https://web.push.apple.com/QAb")), Code::kOk);
  EXPECT_EQ(parse_subscription(subscription("https://updates.push.services.mozilla.com:443/wpush/v2/x"), o)->origin,
            "https://updates.push.services.mozilla.com");
  EXPECT_EQ(parse_subscription(subscription("https://fcm.googleapis.com:8443/x"), o)->origin,
            "https://fcm.googleapis.com:8443");
  // Not https, not a push service, or a push service's name as a disguise.
  EXPECT_EQ(code(subscription("http://fcm.googleapis.com/fcm/send/abc")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://169.254.169.254/latest/meta-data")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://127.0.0.1:8080/wp/1")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://fcm.googleapis.com.evil.example/x")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://evilfcm.googleapis.com/x")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://notify.windows.com/x")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://x@fcm.googleapis.com/x")), Code::kForbidden);
  EXPECT_EQ(code(subscription("https://[::1]/x")), Code::kForbidden);
  EXPECT_EQ(code(subscription("file:///etc/passwd")), Code::kForbidden);
  // Tests may allow plain http to 127.0.0.1.
  o.allow_http = true;
  o.hosts.push_back("127.0.0.1");
  EXPECT_EQ(code(subscription("http://127.0.0.1:8080/wp/1")), Code::kOk);
  EXPECT_EQ(code(subscription("http://localhost:8080/wp/1")), Code::kForbidden);
}

TEST(WebPushValidate, malformed_subscriptions_and_bad_keys_are_refused) {
  WebPushOptions o;
  auto code = [&](const std::string& token) { return parse_subscription(token, o).status().code(); };
  const std::string ok = "https://fcm.googleapis.com/fcm/send/abc";
  EXPECT_EQ(code("not json"), Code::kInvalid);
  EXPECT_EQ(code(R"({"endpoint":"https://fcm.googleapis.com/x"})"), Code::kInvalid);
  EXPECT_EQ(code("[]"), Code::kInvalid);
  EXPECT_EQ(code(subscription(ok, std::string(kRfcUaPublic).substr(0, 86))), Code::kInvalid);  // 64 bytes
  // 65 bytes that are not a point on the curve.
  EXPECT_EQ(code(subscription(ok, base64url(std::string("\x04") + std::string(64, '\x01')))), Code::kInvalid);
  EXPECT_EQ(code(subscription(ok, kRfcUaPublic, base64url(std::string(15, 'a')))), Code::kInvalid);
  EXPECT_EQ(code(subscription(ok, kRfcUaPublic, "not*base64")), Code::kInvalid);
  EXPECT_EQ(code(subscription("https://fcm.googleapis.com/" + std::string(3000, 'a'))), Code::kInvalid);
}

TEST(ProviderValidate, only_log_is_on_by_default_and_it_checks_its_token) {
  SystemClock clock;
  ProvidersOptions o;  // log only
  auto made = make_providers(o, clock);
  ASSERT_TRUE(made.ok());
  ASSERT_EQ(made->list.size(), 1u);
  Provider& log = *made->list[0];
  EXPECT_EQ(log.name(), "log");
  EXPECT_TRUE(log.validate("dev").ok());
  EXPECT_FALSE(log.validate("").ok());
  EXPECT_FALSE(log.validate(std::string(513, 'a')).ok());
  EXPECT_EQ(log.send(Target{}, Notification{}).outcome, SendResult::Outcome::kSent);
  EXPECT_TRUE(made->vapid_public_key.empty());
}

TEST(ProviderValidate, a_provider_switched_on_without_its_settings_names_its_section) {
  SystemClock clock;
  ProvidersOptions o;
  o.fcm.enabled = true;
  auto made = make_providers(o, clock);
  ASSERT_FALSE(made.ok());
  EXPECT_TRUE(made.status().message().starts_with("push.fcm: ")) << made.status().message();
  o = {};
  o.apns.enabled = true;
  EXPECT_TRUE(make_providers(o, clock).status().message().starts_with("push.apns: "));
  o = {};
  o.webhook.enabled = true;
  o.webhook.url = "ftp://x";
  EXPECT_TRUE(make_providers(o, clock).status().message().starts_with("push.webhook: "));
  o = {};
  o.webpush.enabled = true;
  EXPECT_TRUE(make_providers(o, clock).status().message().starts_with("push.webpush: "));
}

}  // namespace
}  // namespace parley::push
