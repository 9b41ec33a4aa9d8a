// Profiles, blocks, chat settings and push notifications in cluster mode (issue 18): a
// change made through one node reaches devices on another; a user in the foreground on one
// node gets no push for a message sent through another; a notification a node was sending
// when it was killed is sent by another node once its lease ends.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "support/push_receiver.h"
#include "support/raw_requests.h"
#include "support/server_process.h"
#include "support/services.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::string> cluster_overrides(const std::string& database, std::vector<std::string> extra) {
  auto o = Services::shared().node_overrides(database);
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

std::vector<std::string> webhook_push(const PushReceiver& r, std::int64_t timeout_ms, int lease_s) {
  return {"push.collapse_ms=300", "push.poll_ms=20", "push.log=false", "push.webhook=true",
          "push.webhook_url=" + r.webhook_url(), "push.webhook_secret=" + r.webhook_secret(),
          "push.timeout_ms=" + std::to_string(timeout_ms), "push.lease_s=" + std::to_string(lease_s)};
}

std::vector<json::object> webhook_records(const PushReceiver& r) {
  std::vector<json::object> out;
  for (const auto& rec : r.received())
    if (rec.at("provider").as_string() == "webhook") out.push_back(rec.as_object());
  return out;
}

std::vector<json::object> wait_records(const PushReceiver& r, std::size_t n, std::chrono::seconds timeout = 20s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto got = webhook_records(r);
    if (got.size() >= n || std::chrono::steady_clock::now() > until) return got;
    std::this_thread::sleep_for(50ms);
  }
}

TEST(PeopleCluster, profile_changes_blocks_and_chat_settings_reach_devices_on_other_nodes) {
  const auto db = Services::shared().fresh_database();
  ServerProcess n0(cluster_overrides(db, {"bus.node_id=people-0"}));
  ServerProcess n1(cluster_overrides(db, {"bus.node_id=people-1"}));
  auto u = make_users(n0, 2);
  auto a = connect(n0, u[0]);
  auto b = connect(n1, u[1]);
  auto first = request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "hi"}});
  const auto chat = first.at("chat").as_int64();
  ASSERT_TRUE(next_about(*b, "msg", chat, first.at("seq").as_int64()));
  ASSERT_EQ(call(n0, u[0], "PUT", "/v1/me/profile", R"({"name":"Ana"})").status, 200);
  auto p = b->recv_type("profile");
  ASSERT_TRUE(p) << "a profile change through node 0 reaches a device on node 1";
  EXPECT_EQ(p->at("name").as_string(), "Ana");
  // A's second device on node 1 hears of A's settings made through node 0.
  auto a2 = connect(n1, add_device(n0, u[0].phone, "second"));
  ASSERT_EQ(call(n0, u[0], "PUT", "/v1/chats/" + std::to_string(chat) + "/settings", R"({"pinned":true})").status, 200);
  auto state = a2->recv_type("chat_state");
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->at("pinned").as_bool());
  // A block made through node 1 holds for a message sent through node 0.
  ASSERT_EQ(call(n1, u[1], "PUT", "/v1/blocks/" + std::to_string(u[0].user)).status, 200);
  auto hidden = request(*a, {{"type", "send"}, {"id", "m2"}, {"chat", chat}, {"text", "blocked"}});
  ASSERT_EQ(str(hidden, "type"), "ack");
  auto history = body_of(get(n1, u[1], "/v1/chats/" + std::to_string(chat) + "/messages"));
  for (const auto& m : history.at("messages").as_array())
    EXPECT_NE(m.at("seq").as_int64(), hidden.at("seq").as_int64()) << "the blocker never has it";
}

TEST(PushCluster, a_user_in_the_foreground_on_another_node_gets_no_push) {
  PushReceiver receiver;
  const auto db = Services::shared().fresh_database();
  auto push = webhook_push(receiver, 2000, 4);
  push.push_back("bus.node_id=push-fg-0");
  ServerProcess n0(cluster_overrides(db, push));
  push.back() = "bus.node_id=push-fg-1";
  ServerProcess n1(cluster_overrides(db, push));
  auto u = make_users(n0, 2);
  ASSERT_EQ(call(n1, u[1], "POST", "/v1/push/targets", R"({"provider":"webhook","token":"pk-b"})").status, 200);
  auto b = connect(n1, u[1]);
  b->send(R"({"type":"active"})");
  b->send(R"({"type":"ping"})");
  ASSERT_TRUE(b->recv_type("pong"));
  auto a = connect(n0, u[0]);
  auto first = request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "you are on node 1"}});
  const auto chat = first.at("chat").as_int64();
  ASSERT_TRUE(next_about(*b, "msg", chat, first.at("seq").as_int64()));
  std::this_thread::sleep_for(1500ms);  // the job is due and dropped (the user is here, on another node)
  b->send(R"({"type":"heartbeat","active":false})");
  b->send(R"({"type":"ping"})");
  ASSERT_TRUE(b->recv_type("pong"));
  auto second = request(*a, {{"type", "send"}, {"id", "m2"}, {"chat", chat}, {"text", "now you are away"}});
  auto got = wait_records(receiver, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("payload").at("parley").at("seq").as_int64(), second.at("seq").as_int64());
  EXPECT_EQ(got[0].at("payload").at("parley").at("count").as_int64(), 1) << "the first message was never pushed";
}

TEST(PushCluster, a_notification_a_killed_node_was_sending_is_sent_by_another_after_its_lease) {
  PushReceiver receiver;
  const auto db = Services::shared().fresh_database();
  auto push = webhook_push(receiver, 10'000, 12);
  push.push_back("bus.node_id=push-kill-0");
  ServerProcess n0(cluster_overrides(db, push));
  auto u = make_users(n0, 2);
  ASSERT_EQ(call(n0, u[1], "POST", "/v1/push/targets", R"({"provider":"webhook","token":"pk-b"})").status, 200);
  receiver.behave({{"provider", "webhook"}, {"stall", true}});
  {
    auto a = connect(n0, u[0]);
    request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "held up"}});
  }
  auto held = wait_records(receiver, 1);
  ASSERT_EQ(held.size(), 1u) << "node 0 is sending it";
  n0.kill9();
  receiver.behave({{"provider", "webhook"}, {"stall", false}});
  receiver.reset();
  push.back() = "bus.node_id=push-kill-1";
  ServerProcess n1(cluster_overrides(db, push));
  auto sent = wait_records(receiver, 1, 30s);
  ASSERT_EQ(sent.size(), 1u) << "node 1 sends it once node 0's lease is over";
  EXPECT_TRUE(sent[0].at("verified").as_bool());
  EXPECT_EQ(sent[0].at("status_returned").as_int64(), 200);
  EXPECT_EQ(sent[0].at("payload").at("parley").at("count").as_int64(), 1);
}

}  // namespace
}  // namespace parley::testing
