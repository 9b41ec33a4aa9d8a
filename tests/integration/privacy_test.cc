// Privacy (issue 14): what a stranger, a contact and a watcher may learn about a user, tried
// against a real parleyd on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "presence_helpers.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

// A raw connection of `u`, past its hello.
std::unique_ptr<RawWs> connect(const ServerProcess& server, const TestUser& u) {
  auto ws = std::make_unique<RawWs>(server.port(), u.token);
  EXPECT_TRUE(ws->recv_type("hello"));
  return ws;
}

// Sends a frame and returns the `done` or `error` answer to its id; other frames that
// came first go to `seen`.
json::object request(RawWs& ws, json::object frame, std::vector<json::object>* seen = nullptr) {
  std::string id = std::string(frame.at("id").as_string());
  ws.send(json::serialize(frame));
  for (int i = 0; i < 50; ++i) {
    auto f = ws.recv();
    if (!f) break;
    const auto& o = f->as_object();
    auto type = o.at("type").as_string();
    if ((type == "done" || type == "error") && o.contains("id") && o.at("id").as_string() == id) return o;
    if (seen) seen->push_back(o);
  }
  ADD_FAILURE() << "no answer to " << id;
  return {};
}

std::string code_of(const json::object& answer) {
  return answer.contains("code") ? std::string(answer.at("code").as_string()) : "";
}

// Phones of a chat's members as `viewer` sees them (empty: hidden).
std::map<std::int64_t, std::string> member_phones(const ServerProcess& server, const TestUser& viewer, std::int64_t chat) {
  auto ws = connect(server, viewer);
  ws->send(json::serialize(json::object{{"type", "chat_info"}, {"chat", chat}}));
  auto info = ws->recv_type("chat_info");
  std::map<std::int64_t, std::string> out;
  if (!info) return out;
  for (const auto& m : info->at("members").as_array())
    out[m.at("user").as_int64()] = m.as_object().contains("phone") ? std::string(m.at("phone").as_string()) : "";
  return out;
}

// peer -> peer_phone ("" when absent) of the viewer's direct chats.
std::map<std::int64_t, std::string> peer_phones(const ServerProcess& server, const TestUser& viewer) {
  auto r = client::http_call(server.endpoint(), "GET", "/v1/chats", {}, viewer.token);
  std::map<std::int64_t, std::string> out;
  for (const auto& c : r.json.at("chats").as_array())
    if (c.at("kind") == "direct")
      out[c.at("peer").as_int64()] = c.as_object().contains("peer_phone") ? std::string(c.at("peer_phone").as_string()) : "";
  return out;
}

void set_group_add(const ServerProcess& server, const TestUser& u, const std::string& who) {
  auto ws = connect(server, u);
  ws->send(json::serialize(json::object{{"type", "privacy"}, {"group_add", who}}));
  auto p = ws->recv_type("privacy");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("group_add").as_string(), who);
}

// Comes online, then goes to the background (offline at once), `times` times.
void come_and_go(const ServerProcess& server, const TestUser& u, int times) {
  for (int i = 0; i < times; ++i) {
    Session app(opts(server, u, true));
    ASSERT_TRUE(app.wait([](const EventLog& l) { return l.synced > 0; }));
    app.connection().send_raw(R"({"type":"ping"})");  // its pong: the heartbeat was handled
    ASSERT_TRUE(app.wait([](const EventLog& l) {
      for (const auto& f : l.frames)
        if (f.find("\"pong\"") != std::string::npos) return true;
      return false;
    }));
    app.connection().set_foreground(false);
  }
}

TEST(Privacy, a_hidden_user_coming_and_going_sends_watchers_nothing) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);
  const auto &alice = u[0], &bob = u[1], &carol = u[2];
  make_contacts(server, alice, bob);
  set_privacy(server, alice, "nobody");

  Session watcher(opts(server, bob));
  watcher.connection().subscribe_presence({alice.user, carol.user});
  ASSERT_TRUE(last_is(watcher, alice.user, is_hidden));
  ASSERT_TRUE(last_is(watcher, carol.user, is_offline));
  come_and_go(server, alice, 3);
  // carol's coming online is the barrier: anything about alice would have come before it.
  Session carol_app(opts(server, carol, true));
  ASSERT_TRUE(last_is(watcher, carol.user, is_online));
  EXPECT_EQ(views_of(watcher.snapshot(), alice.user).size(), 1u) << "only the answer to the subscription";
}

TEST(Privacy, hiding_your_own_last_seen_stops_frames_about_others_too) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  const auto &dave = u[0], &erin = u[1];
  set_privacy(server, dave, "nobody");
  Session watcher(opts(server, dave));
  watcher.connection().subscribe_presence({erin.user, dave.user});
  ASSERT_TRUE(last_is(watcher, erin.user, is_hidden));
  ASSERT_TRUE(last_is(watcher, dave.user, is_offline)) << "you always see yourself";
  come_and_go(server, erin, 2);
  Session own_app(opts(server, dave, true));
  ASSERT_TRUE(last_is(watcher, dave.user, is_online));
  EXPECT_EQ(views_of(watcher.snapshot(), erin.user).size(), 1u);
}

TEST(Privacy, one_message_does_not_make_a_contact_a_reply_does) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  const auto &alice = u[0], &mallory = u[1];
  set_privacy(server, alice, "contacts");
  Session alice_app(opts(server, alice, true));
  auto watch_alice = [&] {
    Session s(opts(server, mallory));
    s.connection().subscribe_presence({alice.user});
    EXPECT_TRUE(s.wait([&](const EventLog& l) { return last_view(l, alice.user).has_value(); }));
    return *last_view(s.snapshot(), alice.user);
  };
  {  // wait until the server has alice's first heartbeat
    Session s(opts(server, alice));
    s.connection().subscribe_presence({alice.user});
    ASSERT_TRUE(last_is(s, alice.user, is_online));
  }
  write_to(server, mallory, alice);
  EXPECT_TRUE(is_hidden(watch_alice())) << "mallory wrote; alice never answered";
  write_to(server, alice, mallory);
  EXPECT_TRUE(is_online(watch_alice())) << "a two-way chat makes contacts";
}

TEST(Privacy, a_phone_number_shows_only_to_who_found_it_or_was_shared_it) {
  ServerProcess server;
  auto u = make_users(server, 4);
  const auto &a = u[0], &b = u[1], &c = u[2], &d = u[3];
  auto wa = connect(server, a);
  auto created = request(*wa, {{"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "team"},
                               {"members", json::array{b.user, c.user}}});
  ASSERT_EQ(created.at("type"), "done");
  std::int64_t group = created.at("chat").as_int64();
  // a created the group (an act in it): a's number is shared with its members; b never posted.
  EXPECT_EQ(member_phones(server, c, group),
            (std::map<std::int64_t, std::string>{{a.user, a.phone}, {b.user, ""}, {c.user, c.phone}}));
  auto wb = connect(server, b);
  wb->send(json::serialize(json::object{{"type", "send"}, {"id", "m1"}, {"chat", group}, {"text", "hi"}}));
  ASSERT_TRUE(wb->recv_type("ack"));
  EXPECT_EQ(member_phones(server, c, group)[b.user], b.phone) << "b posted";

  // One-to-one by user id: the writer shares their number, the one written to does not.
  write_to(server, d, a);
  EXPECT_EQ(peer_phones(server, a)[d.user], d.phone);
  EXPECT_EQ(peer_phones(server, d)[a.user], "") << "d had only a's id";
  // Looking a's number up is having it.
  auto found = client::http_call(server.endpoint(), "POST", "/v1/contacts/lookup",
                                 json::serialize(json::object{{"phones", json::array{a.phone}}}), d.token);
  ASSERT_TRUE(found.ok()) << found.body;
  EXPECT_EQ(peer_phones(server, d)[a.user], a.phone);
}

TEST(Privacy, who_can_add_me_nobody_turns_an_add_into_an_invite_that_can_be_accepted) {
  ServerProcess server;
  auto u = make_users(server, 2);
  const auto &a = u[0], &b = u[1];
  set_group_add(server, b, "nobody");
  auto wb = connect(server, b);
  auto wa = connect(server, a);
  auto created = request(*wa, {{"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "Hikers"},
                               {"members", json::array{b.user, 999999}}});
  ASSERT_EQ(created.at("type"), "done");
  std::int64_t group = created.at("chat").as_int64();
  EXPECT_EQ(created.at("invited"), (json::array{b.user, 999999})) << "an unknown id looks the same";
  // b is not in it, and is told of the invite.
  auto invite = wb->recv_type("invite");
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->at("state"), "pending");
  EXPECT_EQ(invite->at("chat").as_int64(), group);
  EXPECT_EQ(invite->at("name"), "Hikers");
  EXPECT_EQ(invite->at("from").as_int64(), a.user);
  std::string code(invite->at("code").as_string());
  EXPECT_TRUE(member_phones(server, b, group).empty()) << "not a member";
  auto listed = client::http_call(server.endpoint(), "GET", "/v1/invites", {}, b.token);
  ASSERT_EQ(listed.json.at("invites").as_array().size(), 1u);
  EXPECT_EQ(listed.json.at("invites").at(0).at("code").as_string(), code);
  // Accepting is a join naming the code: b is a member, told so, and the invite is gone.
  std::vector<json::object> seen;
  auto joined = request(*wb, {{"type", "join"}, {"id", "j"}, {"invite", code}}, &seen);
  ASSERT_EQ(joined.at("type"), "done") << json::serialize(joined);
  EXPECT_EQ(joined.at("chat").as_int64(), group);
  auto accepted = std::find_if(seen.begin(), seen.end(), [](const json::object& o) { return o.at("type") == "invite"; });
  ASSERT_NE(accepted, seen.end());
  EXPECT_EQ(accepted->at("state"), "accepted");
  EXPECT_EQ(member_phones(server, a, group).count(b.user), 1u);
  listed = client::http_call(server.endpoint(), "GET", "/v1/invites", {}, b.token);
  EXPECT_TRUE(listed.json.at("invites").as_array().empty());
  // Used once.
  EXPECT_EQ(code_of(request(*wb, {{"type", "join"}, {"id", "j2"}, {"invite", code}})), "not_found");
}

TEST(Privacy, who_can_add_me_contacts_lets_contacts_add_and_invites_the_rest) {
  ServerProcess server;
  auto u = make_users(server, 3);
  const auto &a = u[0], &b = u[1], &c = u[2];
  set_group_add(server, c, "contacts");
  make_contacts(server, b, c);
  auto wa = connect(server, a);
  auto created = request(*wa, {{"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "mixed"},
                               {"members_can_add", true}, {"members", json::array{b.user}}});
  std::int64_t group = created.at("chat").as_int64();
  auto by_stranger = request(*wa, {{"type", "change"}, {"id", "add1"}, {"chat", group}, {"op", "add"},
                                   {"users", json::array{c.user}}});
  ASSERT_EQ(by_stranger.at("type"), "done");
  EXPECT_EQ(by_stranger.at("invited"), json::array{c.user});
  auto wb = connect(server, b);
  auto by_contact = request(*wb, {{"type", "change"}, {"id", "add2"}, {"chat", group}, {"op", "add"},
                                  {"users", json::array{c.user}}});
  ASSERT_EQ(by_contact.at("type"), "done");
  EXPECT_FALSE(by_contact.contains("invited"));
  EXPECT_EQ(member_phones(server, a, group).count(c.user), 1u) << "c was added by a contact";
}

TEST(Privacy, declined_expired_and_foreign_invites_cannot_be_used) {
  ServerProcess server({"testing.clock_control=true", "groups.invite_ttl_h=1"});
  auto u = make_users(server, 3);
  const auto &a = u[0], &b = u[1], &c = u[2];
  set_group_add(server, b, "nobody");
  auto wa = connect(server, a);
  auto wb = connect(server, b);
  auto wc = connect(server, c);
  auto invite_b = [&](const std::string& id) {
    auto created = request(*wa, {{"type", "create"}, {"id", id}, {"kind", "group"}, {"name", id},
                                 {"members", json::array{b.user}}});
    auto inv = wb->recv_type("invite");
    EXPECT_TRUE(inv);
    return std::pair{created.at("chat").as_int64(), inv ? std::string(inv->at("code").as_string()) : ""};
  };
  auto [g1, code1] = invite_b("g1");
  // Someone else's code, or a made-up one: the same answer.
  EXPECT_EQ(code_of(request(*wc, {{"type", "join"}, {"id", "steal"}, {"invite", code1}})), "not_found");
  EXPECT_EQ(code_of(request(*wc, {{"type", "join"}, {"id", "guess"}, {"invite", "AAAAAAAAAAAAAAAAAAAAAA"}})), "not_found");
  auto declined = request(*wb, {{"type", "decline"}, {"id", "no"}, {"invite", code1}});
  ASSERT_EQ(declined.at("type"), "done");
  EXPECT_EQ(declined.at("chat").as_int64(), g1);
  EXPECT_EQ(code_of(request(*wb, {{"type", "join"}, {"id", "late"}, {"invite", code1}})), "not_found");
  // An invite expires after groups.invite_ttl_h.
  auto [g2, code2] = invite_b("g2");
  auto adv = client::http_call(server.endpoint(), "POST", "/v1/admin/clock", R"({"advance_ms":3600001})", kAdminSecret);
  ASSERT_TRUE(adv.ok());
  EXPECT_EQ(code_of(request(*wb, {{"type", "join"}, {"id", "old"}, {"invite", code2}})), "not_found");
  auto listed = client::http_call(server.endpoint(), "GET", "/v1/invites", {}, b.token);
  EXPECT_TRUE(listed.json.at("invites").as_array().empty());
  (void)g2;
}

TEST(Privacy, only_who_may_add_may_invite) {
  ServerProcess server;
  auto u = make_users(server, 3);
  const auto &a = u[0], &b = u[1], &c = u[2];
  set_group_add(server, c, "nobody");
  auto wa = connect(server, a);
  auto created = request(*wa, {{"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "admins add"},
                               {"members", json::array{b.user}}});
  std::int64_t group = created.at("chat").as_int64();
  auto wb = connect(server, b);
  EXPECT_EQ(code_of(request(*wb, {{"type", "change"}, {"id", "x"}, {"chat", group}, {"op", "add"},
                                  {"users", json::array{c.user}}})),
            "forbidden");
  auto wc = connect(server, c);
  EXPECT_EQ(code_of(request(*wc, {{"type", "change"}, {"id", "y"}, {"chat", group}, {"op", "add"},
                                  {"users", json::array{b.user}}})),
            "not_member");
}

TEST(Privacy, a_private_room_is_joined_only_by_invite_and_does_not_exist_to_strangers) {
  ServerProcess server;
  auto u = make_users(server, 3);
  const auto &a = u[0], &b = u[1], &c = u[2];
  auto wa = connect(server, a);
  auto made = request(*wa, {{"type", "create"}, {"id", "r"}, {"kind", "room"}, {"name", "inner circle"}});
  std::int64_t room = made.at("chat").as_int64();
  wa->send(json::serialize(json::object{{"type", "chat_info"}, {"chat", room}}));
  auto info = wa->recv_type("chat_info");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->at("public").as_bool()) << "private is the default";
  std::string invite(info->at("invite").as_string());
  // To a stranger a private room answers like a room that does not exist.
  auto wb = connect(server, b);
  EXPECT_EQ(code_of(request(*wb, {{"type", "join"}, {"id", "j1"}, {"chat", room}})), "no_such_chat");
  EXPECT_EQ(code_of(request(*wb, {{"type", "join"}, {"id", "j2"}, {"chat", 987654}})), "no_such_chat");
  wb->send(json::serialize(json::object{{"type", "chat_info"}, {"chat", room}}));
  auto e = wb->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "no_such_chat");
  // The invite code opens it.
  auto joined = request(*wb, {{"type", "join"}, {"id", "j3"}, {"invite", invite}});
  ASSERT_EQ(joined.at("type"), "done");
  EXPECT_EQ(joined.at("chat").as_int64(), room);
  // A public room is found and joined by its id.
  auto pub = request(*wa, {{"type", "create"}, {"id", "p"}, {"kind", "room"}, {"name", "town square"}, {"public", true}});
  auto wc = connect(server, c);
  EXPECT_EQ(request(*wc, {{"type", "join"}, {"id", "j4"}, {"chat", pub.at("chat").as_int64()}}).at("type"), "done");
  // Groups are never public.
  EXPECT_EQ(code_of(request(*wa, {{"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "x"}, {"public", true}})),
            "bad_frame");
}

}  // namespace
}  // namespace parley::testing
