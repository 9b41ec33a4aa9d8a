// Push notifications (issue 18, docs/push.md) against a real parleyd on both stores and real
// local push services (tools/push-receiver: Web Push that decrypts the payload and checks
// VAPID, FCM with its OAuth token endpoint, APNs over HTTP/2 and TLS, a webhook gateway that
// checks the HMAC signature): one collapsed push per burst to an away user; none to a user
// who is here, none for a muted chat; retries after 5xx and Retry-After; targets the service
// calls gone are removed; queued notifications survive a restart.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "support/push_receiver.h"
#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kApnsToken(64, 'a');

std::vector<std::string> push_config(const PushReceiver& r, const std::string& vapid_dir, std::vector<std::string> more = {}) {
  std::vector<std::string> c = {
      "push.collapse_ms=700", "push.poll_ms=20", "push.backoff_base_ms=200", "push.timeout_ms=1500", "push.lease_s=3",
      "push.ca_file=" + r.ca_file(), "push.log=false",
      "push.webhook=true", "push.webhook_url=" + r.webhook_url(), "push.webhook_secret=" + r.webhook_secret(),
      "push.webpush=true", "push.webpush_key_file=" + vapid_dir + "/vapid.pem", "push.webpush_subject=mailto:ops@parley.test",
      "push.webpush_allow_http=true", "push.webpush_hosts=127.0.0.1",
      "push.fcm=true", "push.fcm_service_account_file=" + r.fcm_service_account(), "push.fcm_endpoint=" + r.fcm_url(),
      "push.apns=true", "push.apns_key_file=" + r.apns_key_file(), std::string("push.apns_key_id=") + PushReceiver::kApnsKeyId,
      std::string("push.apns_team_id=") + PushReceiver::kApnsTeamId, "push.apns_topic=org.parley.test",
      "push.apns_endpoint=" + r.apns_url()};
  c.insert(c.end(), more.begin(), more.end());
  return c;
}

struct Fixture {
  explicit Fixture(std::vector<std::string> more = {})
      : dir(std::filesystem::temp_directory_path() / ("parley-push-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(counter++))),
        made((std::filesystem::create_directories(dir), true)),
        server(push_config(receiver, dir.string(), std::move(more))) {}
  ~Fixture() { std::filesystem::remove_all(dir); }
  static inline int counter = 0;
  PushReceiver receiver;
  std::filesystem::path dir;
  bool made;
  ServerProcess server;
};

RawHttp add_target(const ServerProcess& s, const TestUser& u, const std::string& body) {
  return call(s, u, "POST", "/v1/push/targets", body);
}

std::string webhook_target(const std::string& key) {
  return json::serialize(json::object{{"provider", "webhook"}, {"token", key}});
}

// The records of one provider (the FCM token endpoint's excluded).
std::vector<json::object> of(const json::array& records, const std::string& provider) {
  std::vector<json::object> out;
  for (const auto& r : records)
    if (r.at("provider").as_string() == provider) out.push_back(r.as_object());
  return out;
}

// Waits until the receiver holds `n` records of `provider`.
std::vector<json::object> wait_for(const PushReceiver& r, const std::string& provider, std::size_t n,
                                   std::chrono::milliseconds timeout = 15s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto got = of(r.received(), provider);
    if (got.size() >= n || std::chrono::steady_clock::now() > until) return got;
    std::this_thread::sleep_for(50ms);
  }
}

// What one notification said: {count, chat, body/title...} as each provider carries it.
std::int64_t count_of(const json::object& rec) {
  const auto& p = rec.at("payload").as_object();
  auto provider = rec.at("provider").as_string();
  if (provider == "webpush") return p.at("count").as_int64();
  if (provider == "webhook") return p.at("parley").at("count").as_int64();
  if (provider == "fcm") return std::stoll(std::string(p.at("message").at("data").at("count").as_string()));
  return p.at("count").as_int64();  // apns
}

std::int64_t chat_of(const json::object& rec) {
  const auto& p = rec.at("payload").as_object();
  auto provider = rec.at("provider").as_string();
  if (provider == "webpush") return p.at("chat").as_int64();
  if (provider == "webhook") return p.at("parley").at("chat").as_int64();
  if (provider == "fcm") return std::stoll(std::string(p.at("message").at("data").at("chat").as_string()));
  return p.at("chat").as_int64();
}

std::vector<std::int64_t> target_ids(const ServerProcess& s, const TestUser& u) {
  std::vector<std::int64_t> out;
  auto body = body_of(call(s, u, "GET", "/v1/push/targets"));
  for (const auto& t : body.at("targets").as_array()) out.push_back(t.at("target").as_int64());
  return out;
}

TEST(Push, an_away_user_gets_one_collapsed_notification_per_burst_through_every_provider_signed) {
  Fixture f;
  auto u = make_users(f.server, 2);
  const auto& b = u[1];
  ASSERT_EQ(add_target(f.server, b, webhook_target("pk-b")).status, 200);
  ASSERT_EQ(add_target(f.server, b, R"({"provider":"fcm","token":"fcm-token-b"})").status, 200);
  ASSERT_EQ(add_target(f.server, b, R"({"provider":"apns","token":")" + kApnsToken + R"("})").status, 200);
  auto sub = add_target(f.server, b, R"({"provider":"webpush","subscription":)" + f.receiver.new_subscription() + "}");
  ASSERT_EQ(sub.status, 200) << sub.body;
  EXPECT_EQ(target_ids(f.server, b).size(), 4u);
  call(f.server, u[1], "PUT", "/v1/me/profile", R"({"name":"Bo"})");
  call(f.server, u[0], "PUT", "/v1/me/profile", R"({"name":"Ana"})");

  auto a = connect(f.server, u[0]);
  std::int64_t chat = 0;
  for (int i = 0; i < 10; ++i)
    chat = request(*a, {{"type", "send"}, {"id", "m" + std::to_string(i)}, {"to", b.user}, {"text", "burst " + std::to_string(i)}})
               .at("chat")
               .as_int64();
  for (const char* provider : {"webhook", "fcm", "apns", "webpush"}) {
    auto got = wait_for(f.receiver, provider, 1);
    ASSERT_EQ(got.size(), 1u) << provider << ": " << json::serialize(f.receiver.received());
    EXPECT_TRUE(got[0].at("verified").as_bool()) << provider << ": " << got[0].at("why");
    EXPECT_EQ(count_of(got[0]), 10) << provider << ": ten messages, one notification";
    EXPECT_EQ(chat_of(got[0]), chat);
  }
  auto wp = of(f.receiver.received(), "webpush")[0].at("payload").as_object();
  EXPECT_EQ(wp.at("title").as_string(), "Ana") << "the sender's name as the recipient may see it";
  EXPECT_EQ(wp.at("body").as_string(), "10 new messages");
  EXPECT_EQ(wp.at("badge").as_int64(), 1) << "one chat with unread messages";
  // Later: nothing more for that burst (the next burst makes the next notification).
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(of(f.receiver.received(), "webhook").size(), 1u) << "exactly one per burst";
  request(*a, {{"type", "send"}, {"id", "later"}, {"chat", chat}, {"text", "one more"}});
  auto second = wait_for(f.receiver, "webhook", 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(count_of(second[1]), 1);
}

TEST(Push, a_user_with_a_foreground_device_gets_none_and_previews_off_hides_the_text) {
  Fixture f;
  auto u = make_users(f.server, 2);
  ASSERT_EQ(add_target(f.server, u[1], webhook_target("pk-b")).status, 200);
  auto a = connect(f.server, u[0]);
  auto b = connect(f.server, u[1]);
  b->send(R"({"type":"active"})");  // in the foreground
  b->send(R"({"type":"ping"})");
  ASSERT_TRUE(b->recv_type("pong"));
  auto first = request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "you are here"}});
  auto chat = first.at("chat").as_int64();
  ASSERT_TRUE(next_about(*b, "msg", chat, first.at("seq").as_int64()));
  b->send(R"({"type":"heartbeat","active":false})");  // the app went to the background
  b->send(R"({"type":"ping"})");
  ASSERT_TRUE(b->recv_type("pong"));
  ASSERT_EQ(call(f.server, u[1], "PUT", "/v1/me/profile", R"({"previews":false})").status, 200);
  auto second = request(*a, {{"type", "send"}, {"id", "m2"}, {"chat", chat}, {"text", "now you are away"}});
  auto got = wait_for(f.receiver, "webhook", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(count_of(got[0]), 1) << "the first message made no job: its user was here";
  const auto& n = got[0].at("payload").at("notification").as_object();
  EXPECT_EQ(n.at("content").at("body").as_string(), "New message") << "previews off";
  EXPECT_EQ(got[0].at("payload").at("parley").at("seq").as_int64(), second.at("seq").as_int64());
}

TEST(Push, a_muted_chat_pushes_nothing_and_other_chats_still_do) {
  Fixture f;
  auto u = make_users(f.server, 3);
  ASSERT_EQ(add_target(f.server, u[2], webhook_target("pk-c")).status, 200);
  auto a = connect(f.server, u[0]);
  auto b = connect(f.server, u[1]);
  auto muted = request(*a, {{"type", "send"}, {"id", "m0"}, {"to", u[2].user}, {"text", "first"}}).at("chat").as_int64();
  wait_for(f.receiver, "webhook", 1);
  f.receiver.reset();
  ASSERT_EQ(call(f.server, u[2], "PUT", "/v1/chats/" + std::to_string(muted) + "/settings", R"({"mute":"always"})").status, 200);
  request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", muted}, {"text", "muted"}});
  auto open = request(*b, {{"type", "send"}, {"id", "n1"}, {"to", u[2].user}, {"text", "not muted"}}).at("chat").as_int64();
  auto got = wait_for(f.receiver, "webhook", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(chat_of(got[0]), open);
  std::this_thread::sleep_for(1500ms);
  for (const auto& r : of(f.receiver.received(), "webhook")) EXPECT_NE(chat_of(r), muted) << "the muted chat pushed";
  // Delivery is untouched by the mute.
  auto c = connect(f.server, u[2]);
  auto history = body_of(get(f.server, u[2], "/v1/chats/" + std::to_string(muted) + "/messages"));
  EXPECT_EQ(history.at("messages").as_array().size(), 2u);
}

TEST(Push, a_mention_gets_through_a_mute_and_the_others_of_a_muted_group_hear_nothing) {
  Fixture f;
  auto u = make_users(f.server, 3);
  for (int i : {1, 2}) ASSERT_EQ(add_target(f.server, u[i], webhook_target("pk-" + std::to_string(i))).status, 200);
  auto a = connect(f.server, u[0]);
  auto g = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "Hikers"},
                        {"members", json::array{u[1].user, u[2].user}}});
  const auto chat = g.at("chat").as_int64();
  for (int i : {1, 2})
    ASSERT_EQ(call(f.server, u[i], "PUT", "/v1/chats/" + std::to_string(chat) + "/settings", R"({"mute":"always"})").status, 200);
  auto m = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "@Bo are you coming?"},
                        {"mentions", json::array{u[1].user, 999999}}});
  ASSERT_EQ(str(m, "type"), "ack") << "a mention of a non-member is ignored";
  auto got = wait_for(f.receiver, "webhook", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("target").as_string(), "pk-1") << "only the mentioned member";
  EXPECT_EQ(got[0].at("payload").at("parley").at("event").as_string(), "mention");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(of(f.receiver.received(), "webhook").size(), 1u) << "the muted, unmentioned member heard nothing";
  auto bad = request(*a, {{"type", "send"}, {"id", "m2"}, {"chat", chat}, {"text", "x"}, {"mentions", json::array{0}}});
  EXPECT_EQ(str(bad, "code"), "bad_frame");
}

TEST(Push, a_failing_service_is_retried_with_backoff_and_its_retry_after_is_honoured) {
  Fixture f;
  auto u = make_users(f.server, 2);
  ASSERT_EQ(add_target(f.server, u[1], webhook_target("pk-b")).status, 200);
  f.receiver.behave({{"provider", "webhook"}, {"status", 500}, {"times", 2}});
  auto a = connect(f.server, u[0]);
  request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "retry me"}});
  auto got = wait_for(f.receiver, "webhook", 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].at("status_returned").as_int64(), 500);
  EXPECT_EQ(got[1].at("status_returned").as_int64(), 500);
  EXPECT_EQ(got[2].at("status_returned").as_int64(), 200);
  f.receiver.reset();
  f.receiver.behave({{"provider", "webhook"}, {"status", 429}, {"times", 1}, {"retry_after", "2"}});
  request(*a, {{"type", "send"}, {"id", "m2"}, {"to", u[1].user}, {"text", "slow down"}});
  got = wait_for(f.receiver, "webhook", 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(got[1].at("at").as_int64() - got[0].at("at").as_int64(), 1900) << "Retry-After: 2";
}

TEST(Push, targets_the_service_calls_gone_are_removed_and_so_are_a_revoked_devices) {
  Fixture f;
  auto u = make_users(f.server, 2);
  ASSERT_EQ(add_target(f.server, u[1], webhook_target("pk-b")).status, 200);
  ASSERT_EQ(add_target(f.server, u[1], R"({"provider":"webpush","subscription":)" + f.receiver.new_subscription() + "}").status, 200);
  f.receiver.behave({{"provider", "webpush"}, {"status", 410}, {"times", 1}});
  f.receiver.behave({{"provider", "webhook"}, {"rejected", true}});
  auto a = connect(f.server, u[0]);
  request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "anyone?"}});
  wait_for(f.receiver, "webpush", 1);
  wait_for(f.receiver, "webhook", 1);
  for (int i = 0; i < 100 && !target_ids(f.server, u[1]).empty(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(target_ids(f.server, u[1]).empty()) << "410 and a webhook's rejected remove the target";
  // A revoked device takes its targets with it.
  auto second = add_device(f.server, u[1].phone, "second");
  ASSERT_EQ(add_target(f.server, second, R"({"provider":"fcm","token":"t2"})").status, 200);
  ASSERT_EQ(target_ids(f.server, u[1]).size(), 1u);
  ASSERT_EQ(call(f.server, u[1], "DELETE", "/v1/devices/" + std::to_string(second.device)).status, 200);
  EXPECT_TRUE(target_ids(f.server, u[1]).empty());
}

TEST(Push, registration_refuses_providers_that_are_off_endpoints_not_allowed_and_bad_tokens) {
  Fixture f;
  auto u = make_users(f.server, 1);
  auto code = [&](const std::string& body) {
    auto r = add_target(f.server, u[0], body);
    return std::to_string(r.status) + " " + str(body_of(r), "error");
  };
  EXPECT_EQ(code(R"({"provider":"log","token":"x"})"), "400 invalid") << "log is off here";
  auto elsewhere = json::parse(f.receiver.new_subscription()).as_object();
  elsewhere["endpoint"] = "https://evil.example/x";  // the server would post there
  EXPECT_EQ(code(json::serialize(json::object{{"provider", "webpush"}, {"subscription", elsewhere}})), "400 invalid");
  elsewhere["keys"].as_object()["p256dh"] = "BAAA";
  EXPECT_EQ(code(json::serialize(json::object{{"provider", "webpush"}, {"subscription", elsewhere}})), "400 bad_frame");
  EXPECT_EQ(code(R"({"provider":"apns","token":"not hex"})"), "400 bad_frame");
  EXPECT_EQ(code(R"({"provider":"webpush"})"), "400 bad_frame");
  EXPECT_EQ(code(R"({"token":"x"})"), "400 bad_frame");
  auto config = body_of(call(f.server, u[0], "GET", "/v1/push/config"));
  EXPECT_FALSE(str(config, "vapid_public_key").empty());
  EXPECT_EQ(config.at("providers").as_array().size(), 4u);
  // Registering again replaces the device's target for that provider.
  auto first = body_of(add_target(f.server, u[0], webhook_target("k1"))).at("target").as_int64();
  auto again = body_of(add_target(f.server, u[0], webhook_target("k2"))).at("target").as_int64();
  EXPECT_EQ(first, again);
  EXPECT_EQ(target_ids(f.server, u[0]).size(), 1u);
  EXPECT_EQ(call(f.server, u[0], "DELETE", "/v1/push/targets/" + std::to_string(first)).status, 200);
  EXPECT_EQ(call(f.server, u[0], "DELETE", "/v1/push/targets/" + std::to_string(first)).status, 404);
}

TEST(Push, a_group_invite_is_pushed_to_the_invited_user) {
  Fixture f;
  auto u = make_users(f.server, 2);
  ASSERT_EQ(add_target(f.server, u[1], webhook_target("pk-b")).status, 200);
  auto b = connect(f.server, u[1]);
  b->send(R"({"type":"privacy","group_add":"nobody"})");
  ASSERT_TRUE(b->recv_type("privacy"));
  b.reset();
  auto a = connect(f.server, u[0]);
  auto g = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "Hikers"}, {"members", json::array{u[1].user}}});
  auto got = wait_for(f.receiver, "webhook", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("payload").at("parley").at("event").as_string(), "invite");
  EXPECT_EQ(chat_of(got[0]), g.at("chat").as_int64());
}

TEST(Push, queued_notifications_survive_a_restart) {
  Fixture f({"push.collapse_ms=3000"});
  auto u = make_users(f.server, 2);
  ASSERT_EQ(add_target(f.server, u[1], webhook_target("pk-b")).status, 200);
  {
    auto a = connect(f.server, u[0]);
    request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "before the restart"}});
  }
  f.server.stop();  // within the collapse window: the job is stored, not sent
  EXPECT_TRUE(f.receiver.received().empty());
  f.server.start();
  auto got = wait_for(f.receiver, "webhook", 1);
  ASSERT_EQ(got.size(), 1u) << "sent by the restarted server";
  EXPECT_EQ(count_of(got[0]), 1);
}

}  // namespace
}  // namespace parley::testing
