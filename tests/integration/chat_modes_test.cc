// Temporary chats and disappearing messages (issue 17, docs/protocol.md "Chat modes")
// against a real parleyd on both stores: a temporary chat's message goes exactly when the
// last device of its members has it, not before (a device away for a while included); a
// disappearing message goes when its timer runs out (the server's clock moved by the test),
// and every device is told.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/eventually.h"
#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

std::optional<json::object> in_history(const ServerProcess& s, const TestUser& u, std::int64_t chat, std::int64_t seq) {
  auto r = get(s, u, "/v1/chats/" + std::to_string(chat) + "/messages");
  if (r.status != 200) return std::nullopt;
  auto body = json::parse(r.body);
  for (const auto& v : body.at("messages").as_array())
    if (v.at("seq").as_int64() == seq) return v.as_object();
  return std::nullopt;
}

// How many messages a search finds.
std::size_t found(const ServerProcess& s, const TestUser& u, const std::string& word) {
  auto r = get(s, u, "/v1/search?q=" + word);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? json::parse(r.body).at("results").as_array().size() : 0;
}

// Acknowledges everything the device received so far (its log position).
void ack_all(RawWs& ws, std::int64_t pts) { ws.send(R"({"type":"received","pts":)" + std::to_string(pts) + "}"); }

// The pts of the msg for (chat, seq) on this device.
std::int64_t pts_of_msg(RawWs& ws, std::int64_t chat, std::int64_t seq) {
  auto m = next_about(ws, "msg", chat, seq);
  EXPECT_TRUE(m);
  return m ? m->at("pts").as_int64() : 0;
}

json::object set_mode(RawWs& ws, std::int64_t chat, const std::string& id, json::object fields) {
  json::object f{{"type", "change"}, {"id", id}, {"chat", chat}, {"op", "mode"}};
  for (auto& [k, v] : fields) f[k] = v;
  return request(ws, std::move(f));
}

std::int64_t chat_with(RawWs& a, std::int64_t peer) {
  auto ack = request(a, {{"type", "send"}, {"id", "hello"}, {"to", peer}, {"text", "hi"}});
  return ack.at("chat").as_int64();
}

TEST(ChatModes, either_member_sets_a_direct_chats_mode_and_both_see_the_system_message) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto chat = chat_with(*a, u[1].user);
  auto done = set_mode(*b, chat, "m1", {{"disappear", 86400}});
  ASSERT_EQ(str(done, "type"), "done") << json::serialize(done);
  auto seq = done.at("seq").as_int64();
  auto sys = next_about(*a, "msg", chat, seq);
  ASSERT_TRUE(sys);
  const auto& ev = sys->at("system").as_object();
  EXPECT_EQ(str(ev, "event"), "mode");
  EXPECT_EQ(ev.at("disappear").as_int64(), 86400);
  EXPECT_FALSE(ev.at("temporary").as_bool());
  EXPECT_FALSE(set_mode(*a, chat, "m2", {{"disappear", 86400}}).at("changed").as_bool()) << "already so";
  auto chats = json::parse(get(server, u[0], "/v1/chats").body).at("chats").as_array();
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(chats[0].at("disappear").as_int64(), 86400);
  EXPECT_EQ(str(set_mode(*a, chat, "m3", {{"disappear", 3600}}), "code"), "bad_frame") << "off, 24 h, 7 d or 90 d";
}

TEST(ChatModes, only_a_groups_admins_change_its_mode_and_rooms_have_none) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto admin = connect(server, u[0]);
  auto member = connect(server, u[1]);
  auto g = request(*admin, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "g"}, {"members", json::array{u[1].user}}});
  auto chat = g.at("chat").as_int64();
  EXPECT_EQ(str(set_mode(*member, chat, "m1", {{"temporary", true}}), "code"), "forbidden");
  EXPECT_EQ(str(set_mode(*admin, chat, "m2", {{"temporary", true}}), "type"), "done");
  auto r = request(*admin, {{"type", "create"}, {"id", "r1"}, {"kind", "room"}, {"name", "news"}});
  EXPECT_EQ(str(set_mode(*admin, r.at("chat").as_int64(), "m3", {{"temporary", true}}), "code"), "invalid");
}

TEST(ChatModes, disappearing_messages_go_when_their_timer_runs_out_and_every_device_is_told) {
  ServerProcess server({"testing.clock_control=true", "messages.expiry_interval_ms=50"});
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto chat = chat_with(*a, u[1].user);
  auto before = request(*a, {{"type", "send"}, {"id", "m0"}, {"chat", chat}, {"text", "sent before the timer"}});
  ASSERT_EQ(str(set_mode(*a, chat, "d1", {{"disappear", 86400}}), "type"), "done");
  auto m = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "this goes in a day"}});
  auto seq = m.at("seq").as_int64();
  auto got = next_about(*b, "msg", chat, seq);
  ASSERT_TRUE(got);
  EXPECT_GT(got->at("expires_at").as_int64(), got->at("ts").as_int64() + 86'000'000);
  advance_clock(server, 23LL * 3'600'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(in_history(server, u[1], chat, seq)) << "not yet";
  EXPECT_EQ(found(server, u[1], "goes"), 1u);
  advance_clock(server, 2LL * 3'600'000);
  auto told = next_about(*b, "changed", chat, seq);
  ASSERT_TRUE(told);
  EXPECT_TRUE(told->at("expired").as_bool());
  EXPECT_EQ(str(*told, "text"), "");
  EXPECT_TRUE(next_about(*a, "changed", chat, seq)) << "the sender's device too";
  EXPECT_FALSE(in_history(server, u[1], chat, seq)) << "gone from history";
  EXPECT_EQ(found(server, u[1], "goes"), 0u) << "and from search";
  EXPECT_TRUE(in_history(server, u[1], chat, before.at("seq").as_int64())) << "sent before the timer was set: kept";
}

TEST(ChatModes, a_temporary_chats_message_goes_exactly_when_the_last_device_has_it) {
  ServerProcess server({"messages.expiry_interval_ms=50"});
  auto u = make_users(server, 2);
  auto b2 = add_device(server, u[1].phone, "tablet");  // away while the message is sent
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto chat = chat_with(*a, u[1].user);
  ASSERT_EQ(str(set_mode(*a, chat, "t1", {{"temporary", true}}), "type"), "done");
  auto m = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "for your eyes only"}});
  auto seq = m.at("seq").as_int64();
  ack_all(*a, pts_of_msg(*a, chat, seq));
  ack_all(*b, pts_of_msg(*b, chat, seq));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // sweeps ran; the tablet still waits
  auto kept = in_history(server, u[1], chat, seq);
  ASSERT_TRUE(kept) << "the tablet has not got it yet";
  EXPECT_EQ(str(*kept, "text"), "for your eyes only");
  // The tablet comes back, syncs and acknowledges: now every device has it.
  RawWs tablet(server.port(), b2.token);
  ASSERT_TRUE(tablet.recv_type("hello"));
  tablet.send(R"({"type":"sync"})");
  auto got = next_about(tablet, "msg", chat, seq);
  ASSERT_TRUE(got);
  EXPECT_EQ(str(*got, "text"), "for your eyes only");
  ack_all(tablet, got->at("pts").as_int64());
  auto told = next_about(*b, "changed", chat, seq);
  ASSERT_TRUE(told);
  EXPECT_TRUE(told->at("expired").as_bool());
  EXPECT_TRUE(eventually([&] { return !in_history(server, u[0], chat, seq); }));
  // Messages sent before the chat became temporary stay.
  EXPECT_TRUE(in_history(server, u[0], chat, 1));
}

TEST(ChatModes, a_temporary_message_no_device_fetched_goes_at_the_retention_limit) {
  ServerProcess server({"testing.clock_control=true", "messages.expiry_interval_ms=50", "retention.days=1"});
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto chat = chat_with(*a, u[1].user);
  ASSERT_EQ(str(set_mode(*a, chat, "t1", {{"temporary", true}}), "type"), "done");
  auto m = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "never fetched"}});
  auto seq = m.at("seq").as_int64();
  EXPECT_FALSE(m.contains("expires_at"));
  ack_all(*a, pts_of_msg(*a, chat, seq));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(in_history(server, u[0], chat, seq)) << "the recipient's device has not fetched it";
  EXPECT_FALSE(in_history(server, u[0], chat, seq)->contains("expires_at")) << "no timer to show";
  advance_clock(server, 25LL * 3'600'000);
  auto told = next_about(*a, "changed", chat, seq);
  ASSERT_TRUE(told);
  EXPECT_TRUE(told->at("expired").as_bool());
}

}  // namespace
}  // namespace parley::testing
