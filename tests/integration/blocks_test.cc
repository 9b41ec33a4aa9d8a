// Blocks and a user's own chat settings (issue 18, docs/protocol.md §4.8) against a real
// parleyd on both stores: a blocked user's messages, typing, presence and profile stop
// reaching the blocker and the blocked user sees none of the blocker's; groups stay shared;
// unblocking restores; mute, archive and pin are synced to every device of the user.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

std::string path_of(const char* prefix, std::int64_t id, const char* suffix = "") {
  return prefix + std::to_string(id) + suffix;
}

json::array blocked_list(const RawHttp& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r).at("blocked").as_array();
}

bool in_history(const ServerProcess& s, const TestUser& u, std::int64_t chat, std::int64_t seq) {
  auto r = get(s, u, path_of("/v1/chats/", chat, "/messages"));
  if (r.status != 200) return false;
  auto body = body_of(r);
  for (const auto& m : body.at("messages").as_array())
    if (m.at("seq").as_int64() == seq) return true;
  return false;
}

TEST(Blocks, a_blocked_users_messages_never_reach_the_blocker_and_unblocking_restores_new_ones) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto first = request(*b, {{"type", "send"}, {"id", "m1"}, {"to", u[0].user}, {"text", "before"}});
  auto chat = first.at("chat").as_int64();
  ASSERT_TRUE(next_about(*a, "msg", chat, first.at("seq").as_int64()));
  auto second = add_device(server, u[0].phone, "second");
  auto a2 = connect(server, second);
  EXPECT_EQ(blocked_list(call(server, u[0], "PUT", path_of("/v1/blocks/", u[1].user))).size(), 1u);
  auto list = a2->recv_type("blocks");
  ASSERT_TRUE(list) << "the blocker's other devices are told";
  EXPECT_EQ(list->at("blocked").as_array().at(0).as_int64(), u[1].user);

  auto hidden = request(*b, {{"type", "send"}, {"id", "m2"}, {"chat", chat}, {"text", "you cannot see this"}});
  ASSERT_EQ(str(hidden, "type"), "ack") << "the sender is not told of the block";
  const auto hidden_seq = hidden.at("seq").as_int64();
  EXPECT_TRUE(in_history(server, u[1], chat, hidden_seq)) << "the sender's own history has it";
  EXPECT_FALSE(in_history(server, u[0], chat, hidden_seq));
  auto chats = body_of(get(server, u[0], "/v1/chats")).at("chats").as_array();
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(str(chats[0].as_object(), "last_text"), "before") << "the chat list shows the last message the blocker may see";
  EXPECT_LT(chats[0].at("last_seq").as_int64(), hidden_seq);
  auto refused = request(*a, {{"type", "send"}, {"id", "x1"}, {"chat", chat}, {"text", "hey"}});
  EXPECT_EQ(str(refused, "code"), "forbidden") << "the blocker unblocks to write";

  EXPECT_TRUE(blocked_list(call(server, u[0], "DELETE", path_of("/v1/blocks/", u[1].user))).empty());
  auto after = request(*b, {{"type", "send"}, {"id", "m3"}, {"chat", chat}, {"text", "after"}});
  auto live = next_about(*a, "msg", chat, after.at("seq").as_int64());
  ASSERT_TRUE(live) << "new messages arrive again";
  EXPECT_EQ(live->at("text").as_string(), "after");
  EXPECT_FALSE(in_history(server, u[0], chat, hidden_seq)) << "what was sent meanwhile stays undelivered";
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/blocks/", u[0].user)).status, 400) << "not yourself";
  EXPECT_EQ(call(server, u[0], "PUT", "/v1/blocks/999999").status, 404);
}

TEST(Blocks, in_shared_groups_both_stay_members_but_typing_presence_and_profile_stop) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto g = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "g"},
                        {"members", json::array{u[1].user, u[2].user}}});
  auto chat = g.at("chat").as_int64();
  call(server, u[1], "PUT", "/v1/me/profile", R"({"name":"Bo","about":"hi there"})");
  ASSERT_EQ(call(server, u[0], "PUT", path_of("/v1/blocks/", u[1].user)).status, 200);

  // Typing from the blocked user: not to the blocker. Their next group message is.
  b->send(json::serialize(json::object{{"type", "typing"}, {"chat", chat}}));
  auto m = request(*b, {{"type", "send"}, {"id", "gm1"}, {"chat", chat}, {"text", "still here"}});
  for (;;) {
    auto f = a->recv();
    ASSERT_TRUE(f) << "the group message reaches the blocker";
    const auto& o = f->as_object();
    ASSERT_NE(str(o, "type"), "typing") << "typing from a blocked user";
    if (str(o, "type") == "msg" && o.at("seq").as_int64() == m.at("seq").as_int64()) break;
  }
  // Presence, both ways: the hidden view (the user id only).
  for (auto [ws, other] : {std::pair{a.get(), u[1].user}, std::pair{b.get(), u[0].user}}) {
    ws->send(json::serialize(json::object{{"type", "presence_subscribe"}, {"users", json::array{other}}}));
    auto p = ws->recv_type("presence");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->at("user").as_int64(), other);
    EXPECT_FALSE(p->as_object().contains("online")) << json::serialize(*p);
    EXPECT_FALSE(p->as_object().contains("last_seen"));
  }
  // Profile: name stays; about and photo go, both ways.
  auto v = body_of(call(server, u[0], "GET", path_of("/v1/users/", u[1].user)));
  EXPECT_EQ(str(v, "name"), "Bo");
  EXPECT_FALSE(v.contains("about"));
  EXPECT_TRUE(v.at("blocked").as_bool());
  call(server, u[0], "PUT", "/v1/me/profile", R"({"about":"out"})");
  EXPECT_FALSE(body_of(call(server, u[1], "GET", path_of("/v1/users/", u[0].user))).contains("about"));
  // The third member still sees the blocked user's about.
  EXPECT_EQ(str(body_of(call(server, u[2], "GET", path_of("/v1/users/", u[1].user))), "about"), "hi there");
}

TEST(Blocks, a_blocked_user_cannot_add_the_blocker_to_a_group_nor_invite_them) {
  ServerProcess server;
  auto u = make_users(server, 2);
  ASSERT_EQ(call(server, u[0], "PUT", path_of("/v1/blocks/", u[1].user)).status, 200);
  auto b = connect(server, u[1]);
  auto g = request(*b, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "g"}, {"members", json::array{u[0].user}}});
  ASSERT_EQ(str(g, "type"), "done") << json::serialize(g);
  auto invited = g.at("invited").as_array();
  ASSERT_EQ(invited.size(), 1u) << "answered like an id that does not exist";
  EXPECT_EQ(invited[0].as_int64(), u[0].user);
  EXPECT_TRUE(body_of(get(server, u[0], "/v1/invites")).at("invites").as_array().empty());
  EXPECT_EQ(call(server, u[0], "GET", path_of("/v1/chats/", g.at("chat").as_int64(), "/messages")).status, 403);
}

TEST(ChatSettings, mute_archive_and_pin_are_the_users_own_and_synced_to_their_devices) {
  ServerProcess server({"limits.max_pinned=2"});
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  std::vector<std::int64_t> chats;
  for (int i = 1; i <= 2; ++i)
    chats.push_back(request(*a, {{"type", "send"}, {"id", "m" + std::to_string(i)}, {"to", u[i].user}, {"text", "hi"}})
                        .at("chat")
                        .as_int64());
  auto g = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "g"}, {"members", json::array{u[1].user}}});
  chats.push_back(g.at("chat").as_int64());
  auto other = connect(server, add_device(server, u[0].phone, "second"));
  auto r = call(server, u[0], "PUT", path_of("/v1/chats/", chats[0], "/settings"), R"({"mute":"8h","archived":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto muted_until = body_of(r).at("muted_until").as_int64();
  EXPECT_GT(muted_until, 0);
  EXPECT_TRUE(body_of(r).at("archived").as_bool());
  auto state = other->recv_type("chat_state");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->at("chat").as_int64(), chats[0]);
  EXPECT_EQ(state->at("muted_until").as_int64(), muted_until);
  EXPECT_TRUE(state->at("archived").as_bool());
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/chats/", chats[1], "/settings"), R"({"mute":"always","pinned":true})").status, 200);
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/chats/", chats[2], "/settings"), R"({"pinned":true})").status, 200);
  auto third = call(server, u[0], "PUT", path_of("/v1/chats/", chats[0], "/settings"), R"({"pinned":true})");
  EXPECT_EQ(third.status, 400) << "at most 2 pinned here";
  EXPECT_EQ(str(body_of(third), "error"), "invalid");
  std::map<std::int64_t, json::object> listed;
  auto mine = body_of(get(server, u[0], "/v1/chats"));
  for (const auto& c : mine.at("chats").as_array()) listed[c.at("chat").as_int64()] = c.as_object();
  EXPECT_EQ(listed[chats[0]].at("muted_until").as_int64(), muted_until);
  EXPECT_TRUE(listed[chats[0]].at("archived").as_bool());
  EXPECT_EQ(listed[chats[1]].at("muted_until").as_int64(), -1);
  EXPECT_TRUE(listed[chats[1]].at("pinned").as_bool());
  EXPECT_FALSE(listed[chats[2]].contains("muted_until"));
  // Another member's view of the same chat is untouched.
  auto theirs = body_of(get(server, u[1], "/v1/chats"));
  for (const auto& c : theirs.at("chats").as_array()) {
    EXPECT_FALSE(c.as_object().contains("muted_until"));
    EXPECT_FALSE(c.as_object().contains("pinned"));
  }
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/chats/", chats[0], "/settings"), R"({"mute":"off"})").status, 200);
  EXPECT_EQ(call(server, u[2], "PUT", path_of("/v1/chats/", chats[2], "/settings"), R"({"archived":true})").status, 403)
      << "not a member";
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/chats/", chats[0], "/settings"), R"({"mute":"2h"})").status, 400);
  EXPECT_EQ(call(server, u[0], "PUT", path_of("/v1/chats/", chats[0], "/settings"), R"({})").status, 400);
}

}  // namespace
}  // namespace parley::testing
