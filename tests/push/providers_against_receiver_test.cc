// Each push provider against tools/push-receiver, which checks what the real service checks
// (VAPID and decryption for Web Push, the OAuth assertion and bearer token for FCM, the
// provider token over HTTP/2 for APNs, the HMAC for the webhook) and answers as it is told:
// sent, a gone target (404, 410, UNREGISTERED, BadDeviceToken, rejected), retry with the
// Retry-After, and a service that never answers.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>
#include <filesystem>
#include <unistd.h>
#include <memory>

#include "core/clock.h"
#include "push/providers/apns.h"
#include "push/providers/fcm.h"
#include "push/providers/webhook.h"
#include "push/providers/webpush.h"
#include "support/push_receiver.h"

namespace parley::push {
namespace {

namespace json = boost::json;
using testing::PushReceiver;
using Outcome = SendResult::Outcome;

class PushProvidersAgainstReceiver : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { receiver_ = new PushReceiver(); }
  static void TearDownTestSuite() {
    delete receiver_;
    receiver_ = nullptr;
    std::filesystem::remove(vapid_file());
  }
  // One VAPID key per test process (ctest runs each test in a process of its own, in parallel).
  static std::string vapid_file() {
    return ::testing::TempDir() + "parley-push-test-vapid-" + std::to_string(::getpid()) + ".pem";
  }
  void SetUp() override { receiver_->reset(); }

  static const PushReceiver& rx() { return *receiver_; }

  std::unique_ptr<WebPushProvider> webpush(std::int64_t timeout_ms = 10'000) {
    WebPushOptions o;
    o.enabled = true;
    o.key_file = vapid_file();
    o.subject = "mailto:ops@parley.test";
    o.hosts = {"127.0.0.1"};
    o.allow_http = true;
    o.ca_file = rx().ca_file();
    o.timeout_ms = timeout_ms;
    auto p = WebPushProvider::create(o, clock_);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(*p) : nullptr;
  }
  std::unique_ptr<FcmProvider> fcm() {
    FcmOptions o;
    o.enabled = true;
    o.service_account_file = rx().fcm_service_account();
    o.endpoint = rx().fcm_url();
    auto p = FcmProvider::create(o, clock_);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(*p) : nullptr;
  }
  std::unique_ptr<ApnsProvider> apns(std::int64_t timeout_ms = 10'000) {
    ApnsOptions o;
    o.enabled = true;
    o.key_file = rx().apns_key_file();
    o.key_id = PushReceiver::kApnsKeyId;
    o.team_id = PushReceiver::kApnsTeamId;
    o.topic = "chat.parley.app";
    o.endpoint = rx().apns_url();
    o.ca_file = rx().ca_file();
    o.timeout_ms = timeout_ms;
    auto p = ApnsProvider::create(o, clock_);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(*p) : nullptr;
  }
  std::unique_ptr<WebhookProvider> webhook(bool tls = false) {
    WebhookOptions o;
    o.enabled = true;
    o.url = rx().webhook_url(tls);
    o.secret = rx().webhook_secret();
    o.ca_file = rx().ca_file();
    auto p = WebhookProvider::create(o, clock_);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(*p) : nullptr;
  }

  static Notification note() {
    Notification n;
    n.chat = ChatId(42);
    n.kind = ChatKind::kGroup;
    n.seq = 17;
    n.sender = UserId(2);
    n.count = 3;
    n.badge = 2;
    n.title = "Team";
    n.body = "Bo: see you";
    n.collapse_key = "chat-42";
    n.ttl_s = 3600;
    return n;
  }
  static Target target(std::string provider, std::string token) {
    Target t;
    t.id = 7;
    t.user = UserId(1);
    t.device = DeviceId(3);
    t.provider = std::move(provider);
    t.token = std::move(token);
    t.created_at = 1'764'300'000'000;
    return t;
  }
  // The one request recorded, checked as verified.
  static json::object only_request() {
    json::array got = rx().received();
    EXPECT_EQ(got.size(), 1u) << json::serialize(got);
    if (got.empty()) return {};
    json::object r = got.back().as_object();
    EXPECT_TRUE(r.at("verified").as_bool()) << json::serialize(r);
    return r;
  }

  static inline PushReceiver* receiver_ = nullptr;
  SystemClock clock_;
};

const std::string kApnsToken(64, 'a');

TEST_F(PushProvidersAgainstReceiver, webpush_over_http_is_verified_and_decrypted_by_the_receiver) {
  auto p = webpush();
  ASSERT_TRUE(p);
  const std::string sub = rx().new_subscription(false);
  ASSERT_TRUE(p->validate(sub).ok());
  SendResult r = p->send(target("webpush", sub), note());
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
  EXPECT_EQ(r.http_status, 201);
  json::object rec = only_request();
  EXPECT_EQ(rec.at("provider"), "webpush");
  EXPECT_EQ(rec.at("payload"), json::parse(R"({"event":"message","chat":42,"kind":"group","seq":17,"count":3,)"
                                           R"("badge":2,"title":"Team","body":"Bo: see you","tag":"chat-42"})"));
  EXPECT_EQ(rec.at("headers").at("ttl"), "3600");
  EXPECT_EQ(rec.at("headers").at("topic"), "chat-42");
  EXPECT_EQ(rec.at("headers").at("urgency"), "high");
}

TEST_F(PushProvidersAgainstReceiver, webpush_over_tls_trusts_the_configured_ca) {
  auto p = webpush();
  ASSERT_TRUE(p);
  SendResult r = p->send(target("webpush", rx().new_subscription(true)), note());
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
  only_request();

  WebPushOptions o;  // the system's CAs only: the test CA's certificate is refused
  o.key_file = vapid_file();
  o.subject = "mailto:ops@parley.test";
  o.hosts = {"127.0.0.1"};
  auto untrusting = WebPushProvider::create(o, clock_);
  ASSERT_TRUE(untrusting.ok());
  r = (*untrusting)->send(target("webpush", rx().new_subscription(true)), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(rx().received().size(), 1u);
}

TEST_F(PushProvidersAgainstReceiver, webpush_with_the_wrong_auth_secret_fails_the_receivers_decryption) {
  auto p = webpush();
  ASSERT_TRUE(p);
  json::value sub = json::parse(rx().new_subscription(false));
  sub.at("keys").as_object()["auth"] = "AAAAAAAAAAAAAAAAAAAAAA";
  SendResult r = p->send(target("webpush", json::serialize(sub)), note());
  EXPECT_EQ(r.outcome, Outcome::kDropped);
  json::array got = rx().received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].at("verified").as_bool());
}

TEST_F(PushProvidersAgainstReceiver, webpush_410_and_404_make_the_target_invalid) {
  auto p = webpush();
  ASSERT_TRUE(p);
  const std::string sub = rx().new_subscription(false);
  for (int status : {410, 404}) {
    rx().behave({{"provider", "webpush"}, {"status", status}, {"times", 1}});
    SendResult r = p->send(target("webpush", sub), note());
    EXPECT_EQ(r.outcome, Outcome::kInvalidTarget) << status << " " << r.detail;
    EXPECT_EQ(r.http_status, status);
  }
  rx().behave({{"provider", "webpush"}, {"status", 413}, {"times", 1}});
  EXPECT_EQ(p->send(target("webpush", sub), note()).outcome, Outcome::kDropped);
}

TEST_F(PushProvidersAgainstReceiver, webpush_500_with_retry_after_is_retried_after_it) {
  auto p = webpush();
  ASSERT_TRUE(p);
  const std::string sub = rx().new_subscription(false);
  rx().behave({{"provider", "webpush"}, {"status", 500}, {"times", 1}, {"retry_after", "7"}});
  SendResult r = p->send(target("webpush", sub), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_EQ(r.retry_after_ms, 7000);
  EXPECT_EQ(p->send(target("webpush", sub), note()).outcome, Outcome::kSent);  // once only
}

TEST_F(PushProvidersAgainstReceiver, webpush_to_a_service_that_never_answers_is_retried_after_the_timeout) {
  auto p = webpush(500);
  ASSERT_TRUE(p);
  rx().behave({{"provider", "webpush"}, {"stall", true}});
  const auto start = std::chrono::steady_clock::now();
  SendResult r = p->send(target("webpush", rx().new_subscription(false)), note());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::seconds(5));
  rx().behave({{"provider", "webpush"}, {"stall", false}});
}

TEST_F(PushProvidersAgainstReceiver, fcm_trades_its_assertion_for_a_token_then_sends) {
  auto p = fcm();
  ASSERT_TRUE(p);
  const std::string token = "fcm-token:APA91b_x-y";
  ASSERT_TRUE(p->validate(token).ok());
  for (int i = 0; i < 2; ++i) {
    SendResult r = p->send(target("fcm", token), note());
    EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
  }
  json::array got = rx().received();
  ASSERT_EQ(got.size(), 3u) << json::serialize(got);  // one token request: the second send reuses it
  EXPECT_EQ(got[0].at("provider"), "fcm_token");
  for (const auto& rec : got) EXPECT_TRUE(rec.at("verified").as_bool()) << json::serialize(rec);
  const json::value& message = got[1].at("payload").at("message");
  EXPECT_EQ(message.at("token").as_string(), token);
  EXPECT_EQ(message.at("notification"), json::parse(R"({"title":"Team","body":"Bo: see you"})"));
  EXPECT_EQ(message.at("data").at("chat"), "42");
  EXPECT_EQ(message.at("data").at("count"), "3");
  EXPECT_EQ(message.at("android").at("collapse_key"), "chat-42");
  EXPECT_EQ(message.at("android").at("ttl"), "3600s");
  EXPECT_EQ(message.at("apns").at("payload").at("aps").at("badge"), 2);
}

TEST_F(PushProvidersAgainstReceiver, fcm_fetches_a_new_token_once_after_a_401) {
  auto p = fcm();
  ASSERT_TRUE(p);
  ASSERT_EQ(p->send(target("fcm", "t1"), note()).outcome, Outcome::kSent);
  rx().reset();
  rx().behave({{"provider", "fcm"}, {"status", 401}, {"times", 1}});
  SendResult r = p->send(target("fcm", "t1"), note());
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
  json::array got = rx().received();
  ASSERT_EQ(got.size(), 3u) << json::serialize(got);
  EXPECT_EQ(got[0].at("status_returned"), 401);
  EXPECT_EQ(got[1].at("provider"), "fcm_token");
  EXPECT_EQ(got[2].at("status_returned"), 200);
}

TEST_F(PushProvidersAgainstReceiver, fcm_unregistered_and_invalid_token_make_the_target_invalid) {
  auto p = fcm();
  ASSERT_TRUE(p);
  for (int status : {404, 400}) {
    rx().behave({{"provider", "fcm"}, {"status", status}, {"times", 1}});
    SendResult r = p->send(target("fcm", "t1"), note());
    EXPECT_EQ(r.outcome, Outcome::kInvalidTarget) << r.detail;
  }
  rx().behave({{"provider", "fcm"}, {"status", 429}, {"times", 1}, {"retry_after", "3"}});
  SendResult r = p->send(target("fcm", "t1"), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.retry_after_ms, 3000);
  rx().behave({{"provider", "fcm_token"}, {"status", 503}, {"times", 1}});
  auto fresh = fcm();  // no token yet: the token service is down
  EXPECT_EQ(fresh->send(target("fcm", "t1"), note()).outcome, Outcome::kRetry);
}

TEST_F(PushProvidersAgainstReceiver, several_threads_send_at_once_through_one_provider_and_one_token) {
  auto wp = webpush();
  auto f = fcm();
  auto a = apns();
  ASSERT_TRUE(wp && f && a);
  const std::string sub = rx().new_subscription(true);
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i)
        for (Provider* p : std::initializer_list<Provider*>{wp.get(), f.get(), a.get()}) {
          const std::string token = p == wp.get() ? sub : p == f.get() ? "t1" : kApnsToken;
          if (p->send(target(std::string(p->name()), token), note()).outcome == Outcome::kSent) ++sent;
        }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sent.load(), 6 * 4 * 3);
  json::array got = rx().received();
  int token_requests = 0;
  for (const auto& rec : got) {
    EXPECT_TRUE(rec.at("verified").as_bool()) << json::serialize(rec);
    token_requests += rec.at("provider") == "fcm_token";
  }
  EXPECT_EQ(token_requests, 1);  // the others waited for it and reused it
  EXPECT_EQ(got.size(), std::size_t(6 * 4 * 3 + 1));
}

TEST_F(PushProvidersAgainstReceiver, apns_over_http2_with_a_provider_token_is_sent) {
  auto p = apns();
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->validate(kApnsToken).ok());
  EXPECT_FALSE(p->validate("abc").ok());
  EXPECT_FALSE(p->validate(std::string(64, 'g')).ok());
  SendResult r = p->send(target("apns", kApnsToken), note());
  EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
  json::object rec = only_request();
  EXPECT_EQ(rec.at("target").as_string(), kApnsToken);
  EXPECT_EQ(rec.at("headers").at("apns-collapse-id"), "chat-42");
  EXPECT_EQ(rec.at("headers").at("apns-topic"), "chat.parley.app");
  EXPECT_EQ(rec.at("headers").at("apns-priority"), "10");
  EXPECT_EQ(rec.at("payload").at("aps").at("alert"), json::parse(R"({"title":"Team","body":"Bo: see you"})"));
  EXPECT_EQ(rec.at("payload").at("aps").at("badge"), 2);
  EXPECT_EQ(rec.at("payload").at("aps").at("thread-id"), "chat-42");
  EXPECT_EQ(rec.at("payload").at("seq"), 17);
}

TEST_F(PushProvidersAgainstReceiver, apns_unregistered_and_bad_device_token_make_the_target_invalid) {
  auto p = apns();
  ASSERT_TRUE(p);
  for (int status : {410, 400}) {
    rx().behave({{"provider", "apns"}, {"status", status}, {"times", 1}});
    SendResult r = p->send(target("apns", kApnsToken), note());
    EXPECT_EQ(r.outcome, Outcome::kInvalidTarget) << r.detail;
  }
  rx().behave({{"provider", "apns"}, {"status", 400}, {"times", 1}, {"reason", "PayloadTooLarge"}});
  EXPECT_EQ(p->send(target("apns", kApnsToken), note()).outcome, Outcome::kDropped);
  rx().behave({{"provider", "apns"}, {"status", 503}, {"times", 1}, {"retry_after", "2"}});
  SendResult r = p->send(target("apns", kApnsToken), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.retry_after_ms, 2000);
}

TEST_F(PushProvidersAgainstReceiver, apns_to_a_service_that_never_answers_is_retried_after_the_timeout) {
  auto p = apns(500);
  ASSERT_TRUE(p);
  rx().behave({{"provider", "apns"}, {"stall", true}});
  SendResult r = p->send(target("apns", kApnsToken), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  rx().behave({{"provider", "apns"}, {"stall", false}});
  EXPECT_EQ(p->send(target("apns", kApnsToken), note()).outcome, Outcome::kSent);  // the connection recovers
}

TEST_F(PushProvidersAgainstReceiver, apns_refuses_a_server_without_http2) {
  ApnsOptions o;
  o.key_file = rx().apns_key_file();
  o.key_id = PushReceiver::kApnsKeyId;
  o.team_id = PushReceiver::kApnsTeamId;
  o.topic = "chat.parley.app";
  o.endpoint = rx().https_url();  // HTTP/1.1 over TLS
  o.ca_file = rx().ca_file();
  auto p = ApnsProvider::create(o, clock_);
  ASSERT_TRUE(p.ok());
  SendResult r = (*p)->send(target("apns", kApnsToken), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_NE(r.detail.find("HTTP/2"), std::string::npos) << r.detail;
}

TEST_F(PushProvidersAgainstReceiver, webhook_request_is_signed_and_shaped_like_a_matrix_notify) {
  for (bool tls : {false, true}) {
    rx().reset();
    auto p = webhook(tls);
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->validate("pushkey-1").ok());
    EXPECT_FALSE(p->validate("bad\nkey").ok());
    SendResult r = p->send(target("webhook", "pushkey-1"), note());
    EXPECT_EQ(r.outcome, Outcome::kSent) << r.detail;
    json::object rec = only_request();
    EXPECT_EQ(rec.at("target"), "pushkey-1");
    EXPECT_EQ(rec.at("payload").at("notification").at("room_name"), "Team");
    EXPECT_EQ(rec.at("payload").at("parley").at("seq"), 17);
  }
}

TEST_F(PushProvidersAgainstReceiver, webhook_signed_with_another_secret_is_refused) {
  WebhookOptions o;
  o.url = rx().webhook_url();
  o.secret = "not the receiver's secret";
  auto p = WebhookProvider::create(o, clock_);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->send(target("webhook", "pushkey-1"), note()).outcome, Outcome::kDropped);
  json::array got = rx().received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].at("verified").as_bool());
}

TEST_F(PushProvidersAgainstReceiver, webhook_rejected_pushkey_makes_the_target_invalid_and_429_retries) {
  auto p = webhook();
  ASSERT_TRUE(p);
  rx().behave({{"provider", "webhook"}, {"rejected", true}, {"times", 1}});
  SendResult r = p->send(target("webhook", "pushkey-1"), note());
  EXPECT_EQ(r.outcome, Outcome::kInvalidTarget) << r.detail;
  EXPECT_EQ(r.http_status, 200);
  rx().behave({{"provider", "webhook"}, {"status", 429}, {"times", 1}, {"retry_after", "1"}});
  r = p->send(target("webhook", "pushkey-1"), note());
  EXPECT_EQ(r.outcome, Outcome::kRetry);
  EXPECT_EQ(r.retry_after_ms, 1000);
  rx().behave({{"provider", "webhook"}, {"status", 403}, {"times", 1}});
  EXPECT_EQ(p->send(target("webhook", "pushkey-1"), note()).outcome, Outcome::kDropped);
}

}  // namespace
}  // namespace parley::push
