// Groups and large rooms against a real parleyd: membership operations and their system
// messages, fan-out to online and offline members, removed members, non-members, limits,
// admin rights, group receipts; rooms with posting rights, positions and view counts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "parley/http.h"
#include "parley/session.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

// Asks `ask` until its answer satisfies `done` (writes commit asynchronously, at most one
// commit per store.commit_gap_us): up to 10 s on a loaded machine. Returns the last answer.
std::optional<json::object> ask_until(const std::function<std::optional<json::object>()>& ask,
                                      const std::function<bool(const json::object&)>& done) {
  std::optional<json::object> answer;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10); std::chrono::steady_clock::now() < until;) {
    answer = ask();
    if (answer && done(*answer)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return answer;
}

using client::EventLog;
using client::Session;

client::Options opts(const ServerProcess& s, const TestUser& u) {
  client::Options o;
  o.server = s.endpoint();
  o.token = u.token;
  return o;
}

std::vector<std::int64_t> ids(std::initializer_list<TestUser> users) {
  std::vector<std::int64_t> out;
  for (const auto& u : users) out.push_back(u.user);
  return out;
}

bool has_text(const EventLog& l, const std::string& text) {
  for (const auto& m : l.messages)
    if (m.text == text) return true;
  return false;
}

// The system events (their "event" field) this device saw in `chat`, in seq order.
std::vector<std::string> events(const EventLog& l, std::int64_t chat) {
  std::vector<std::pair<std::int64_t, std::string>> seen;
  for (const auto& m : l.messages)
    if (m.chat == chat && !m.system.empty())
      seen.emplace_back(m.seq, std::string(json::parse(m.system).at("event").as_string()));
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> out;
  for (auto& [seq, e] : seen) out.push_back(e);
  return out;
}

bool saw_event(Session& s, std::int64_t chat, const std::string& event) {
  return s.wait([&](const EventLog& l) {
    auto e = events(l, chat);
    return std::find(e.begin(), e.end(), event) != e.end();
  });
}

// Creates a group (blocking); returns its id.
std::int64_t create_group(Session& s, const std::string& name, std::vector<std::int64_t> members,
                          json::object extra = {}) {
  auto out = s.await_request(s.connection().create_chat("group", name, std::move(members), std::move(extra)));
  EXPECT_TRUE(out.ok()) << (out.error ? out.error->code + ": " + out.error->message : "timeout");
  return out.done ? out.done->chat : 0;
}

std::string error_of(const Session::Outcome& o) { return o.error ? o.error->code : (o.done ? "ok" : "timeout"); }

// The error code the server answers to a frame without a client id.
std::string error_after(Session& s, const std::function<void(client::Connection&)>& ask) {
  client::Error e;
  auto reply = s.query(ask, "never", &e);
  return reply ? "reply" : e.code;
}

TEST(Groups, membership_changes_are_system_messages_in_every_members_timeline) {
  ServerProcess server;
  auto u = make_users(server, 4);
  Session a(opts(server, u[0])), b(opts(server, u[1])), c(opts(server, u[2])), d(opts(server, u[3]));
  auto chat = create_group(a, "team", ids({u[1], u[2]}));
  ASSERT_GT(chat, 0);
  ASSERT_TRUE(saw_event(b, chat, "created"));
  ASSERT_TRUE(saw_event(c, chat, "created"));

  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "add", {u[3].user})).ok());
  ASSERT_TRUE(saw_event(d, chat, "added"));
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "promote", {u[1].user})).ok());
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "rename", {}, {{"name", "team 2"}})).ok());
  // The new admin removes c; c sees its own removal, and nothing after it.
  ASSERT_TRUE(b.await_request(b.connection().change_chat(chat, "remove", {u[2].user})).ok());
  ASSERT_TRUE(saw_event(c, chat, "removed"));
  ASSERT_TRUE(d.await_request(d.connection().leave_chat(chat)).ok());
  a.send_to_chat(chat, "after the changes");
  ASSERT_TRUE(b.wait([](const EventLog& l) { return has_text(l, "after the changes"); }));

  // Everyone who was there saw the same changes in the same order (same seqs).
  std::vector<std::string> all = {"created", "added", "promoted", "renamed", "removed", "left"};
  EXPECT_EQ(events(a.snapshot(), chat), all);
  EXPECT_EQ(events(b.snapshot(), chat), all);
  EXPECT_EQ(events(c.snapshot(), chat), (std::vector<std::string>{"created", "added", "promoted", "renamed", "removed"}));
  ASSERT_TRUE(d.wait([&](const EventLog& l) { return events(l, chat).size() == 5; }));
  EXPECT_EQ(events(d.snapshot(), chat), (std::vector<std::string>{"added", "promoted", "renamed", "removed", "left"}));

  // The group as it is now.
  auto info = a.query([&](client::Connection& cn) { cn.chat_info(chat); }, "chat_info");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->at("name").as_string(), "team 2");
  EXPECT_EQ(info->at("member_count").as_int64(), 2);
  EXPECT_EQ(info->at("members").as_array().size(), 2u);
  // A member carries its phone only where the viewer may see it (issue 14): a's own, and
  // b's, who shared it with the group by acting in it (b removed c). Privacy.* covers a
  // member who never posted.
  std::map<std::int64_t, std::string> phones;
  for (const auto& m : info->at("members").as_array())
    phones[m.at("user").as_int64()] = m.as_object().contains("phone") ? std::string(m.at("phone").as_string()) : "";
  EXPECT_EQ(phones, (std::map<std::int64_t, std::string>{{u[0].user, u[0].phone}, {u[1].user, u[1].phone}}));

  // A removed member cannot send, and does not get what came after the removal.
  auto refused = c.send_to_chat(chat, "let me back");
  ASSERT_TRUE(c.wait([&](const EventLog& l) {
    return std::any_of(l.errors.begin(), l.errors.end(), [&](auto& e) { return e.id == refused && e.code == "not_member"; });
  }));
  EXPECT_FALSE(has_text(c.snapshot(), "after the changes"));
  EXPECT_FALSE(has_text(d.snapshot(), "after the changes"));
  // ...but keeps what it had: its history ends at its removal.
  auto h = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(chat) + "/messages", "", u[2].token);
  ASSERT_TRUE(h.ok()) << h.body;
  EXPECT_EQ(h.json.at("messages").as_array().size(), 5u);
}

TEST(Groups, messages_reach_online_members_live_and_offline_members_on_reconnect_in_order) {
  ServerProcess server;
  auto u = make_users(server, 3);
  Session a(opts(server, u[0])), b(opts(server, u[1]));
  auto chat = create_group(a, "fan-out", ids({u[1], u[2]}));
  for (int i = 0; i < 20; ++i) a.send_to_chat(chat, "m" + std::to_string(i));
  ASSERT_TRUE(a.wait([](const EventLog& l) { return l.acks.size() == 20; }));
  ASSERT_TRUE(b.wait([](const EventLog& l) { return has_text(l, "m19"); }));

  Session c(opts(server, u[2]));  // offline until now
  ASSERT_TRUE(c.wait([](const EventLog& l) { return has_text(l, "m19"); }));
  std::vector<std::int64_t> seqs;
  for (const auto& m : c.snapshot().messages)
    if (m.chat == chat) seqs.push_back(m.seq);
  ASSERT_EQ(seqs.size(), 21u);  // "created" and the 20 messages, each once
  for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
}

TEST(Groups, a_non_member_is_refused_on_every_operation) {
  ServerProcess server;
  auto u = make_users(server, 3);
  Session a(opts(server, u[0])), e(opts(server, u[2]));
  auto chat = create_group(a, "private", ids({u[1]}));
  a.send_to_chat(chat, "secret");
  ASSERT_TRUE(a.wait([](const EventLog& l) { return !l.acks.empty(); }));

  auto sent = e.send_to_chat(chat, "hello?");
  ASSERT_TRUE(e.wait([&](const EventLog& l) {
    return std::any_of(l.errors.begin(), l.errors.end(), [&](auto& x) { return x.id == sent && x.code == "not_member"; });
  }));
  EXPECT_EQ(error_of(e.await_request(e.connection().change_chat(chat, "add", {u[2].user}))), "not_member");
  EXPECT_EQ(error_of(e.await_request(e.connection().change_chat(chat, "rename", {}, {{"name", "mine"}}))), "not_member");
  EXPECT_EQ(error_of(e.await_request(e.connection().leave_chat(chat))), "not_member");
  EXPECT_EQ(error_of(e.await_request(e.connection().join_room(chat))), "invalid");
  EXPECT_EQ(error_after(e, [&](auto& c) { c.chat_info(chat); }), "not_member");
  EXPECT_EQ(error_after(e, [&](auto& c) { c.receipts(chat, 1); }), "not_member");
  EXPECT_EQ(error_after(e, [&](auto& c) { c.mark_read(chat, 1); }), "not_member");
  EXPECT_EQ(error_after(e, [&](auto& c) { c.set_typing(chat, true); }), "not_member");
  auto h = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(chat) + "/messages", "", u[2].token);
  EXPECT_EQ(h.status, 403);
  EXPECT_FALSE(has_text(e.snapshot(), "secret"));
}

TEST(Groups, only_admins_change_the_group_unless_allowed_and_the_size_limit_holds) {
  ServerProcess server({"groups.max_members=4"});
  auto u = make_users(server, 6);
  Session a(opts(server, u[0])), b(opts(server, u[1]));
  auto chat = create_group(a, "limited", ids({u[1]}));
  EXPECT_EQ(error_of(b.await_request(b.connection().change_chat(chat, "add", {u[2].user}))), "forbidden");
  EXPECT_EQ(error_of(b.await_request(b.connection().change_chat(chat, "remove", {u[0].user}))), "forbidden");
  EXPECT_EQ(error_of(b.await_request(b.connection().change_chat(chat, "promote", {u[1].user}))), "forbidden");
  EXPECT_EQ(error_of(b.await_request(b.connection().change_chat(chat, "rename", {}, {{"name", "x"}}))), "forbidden");
  // The setting lets members add.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "settings", {}, {{"members_can_add", true}})).ok());
  ASSERT_TRUE(b.await_request(b.connection().change_chat(chat, "add", {u[2].user})).ok());
  // Four members at most: adding two more is refused as a whole.
  EXPECT_EQ(error_of(a.await_request(a.connection().change_chat(chat, "add", {u[3].user, u[4].user}))), "chat_full");
  EXPECT_EQ(error_of(a.await_request(a.connection().create_chat("group", "big", ids({u[1], u[2], u[3], u[4]})))),
            "chat_full");
  // An id that does not exist is answered like someone who must accept an invite first.
  auto ghost = a.await_request(a.connection().change_chat(chat, "add", {999999}));
  ASSERT_TRUE(ghost.ok());
  EXPECT_EQ(ghost.done->invited, std::vector<std::int64_t>{999999});
  // Adding someone already in, or a resent request, changes nothing and says so.
  auto again = a.await_request(a.connection().change_chat(chat, "add", {u[2].user}));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.done->changed);
  // Admins-only posting.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "settings", {}, {{"everyone_posts", false}})).ok());
  auto refused = b.send_to_chat(chat, "may I?");
  ASSERT_TRUE(b.wait([&](const EventLog& l) {
    return std::any_of(l.errors.begin(), l.errors.end(), [&](auto& x) { return x.id == refused && x.code == "forbidden"; });
  }));
  // The last admin leaving hands the group to the longest-standing member.
  ASSERT_TRUE(a.await_request(a.connection().leave_chat(chat)).ok());
  auto info = b.query([&](client::Connection& cn) { cn.chat_info(chat); }, "chat_info");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->at("role").as_string(), "admin");
}

TEST(Groups, receipts_give_per_member_detail_and_tell_the_sender_when_all_delivered_and_all_read) {
  ServerProcess server;
  auto u = make_users(server, 3);
  Session a(opts(server, u[0])), b(opts(server, u[1])), c(opts(server, u[2]));
  auto chat = create_group(a, "ticks", ids({u[1], u[2]}));
  a.send_to_chat(chat, "did you get it?");
  ASSERT_TRUE(a.wait([](const EventLog& l) { return !l.acks.empty(); }));
  auto seq = a.snapshot().acks.at(0).seq;
  // b and c are online: their devices report delivered; then everyone has it.
  ASSERT_TRUE(a.wait([&](const EventLog& l) {
    return std::any_of(l.receipts.begin(), l.receipts.end(), [&](auto& r) { return r.all && r.chat == chat && r.delivered >= seq; });
  }));
  b.connection().mark_read(chat, seq);
  auto detail = [&] { return a.query([&](client::Connection& cn) { cn.receipts(chat, seq); }, "receipts"); };
  auto r = ask_until(detail, [](const json::object& o) { return o.at("read").as_array().size() == 1; });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("read").as_array(), (json::array{u[1].user}));
  EXPECT_EQ(r->at("delivered").as_array(), (json::array{u[2].user}));
  EXPECT_TRUE(r->at("pending").as_array().empty());
  // No "read by all" until the last member reads.
  auto before = a.snapshot().receipts;
  EXPECT_FALSE(std::any_of(before.begin(), before.end(), [&](auto& x) { return x.all && x.read >= seq; }));
  c.connection().mark_read(chat, seq);
  ASSERT_TRUE(a.wait([&](const EventLog& l) {
    return std::any_of(l.receipts.begin(), l.receipts.end(), [&](auto& x) { return x.all && x.chat == chat && x.read >= seq; });
  }));
  // Members get no per-member receipts of each other in a group.
  auto of_b = b.snapshot().receipts;
  EXPECT_FALSE(std::any_of(of_b.begin(), of_b.end(), [](auto& x) { return !x.all; }));
}

TEST(Rooms, members_get_posts_live_and_from_their_position_and_only_admins_post) {
  ServerProcess server;
  auto u = make_users(server, 4);
  Session a(opts(server, u[0]));
  auto out = a.await_request(a.connection().create_chat("room", "news", {}, {{"public", true}}));
  ASSERT_TRUE(out.ok());
  auto room = out.done->chat;
  auto info = a.query([&](client::Connection& cn) { cn.chat_info(room); }, "chat_info");
  ASSERT_TRUE(info);
  std::string invite(info->at("invite").as_string());
  EXPECT_FALSE(info->at("everyone_posts").as_bool());
  // A room lists its admins without their phones: its members are strangers to them.
  ASSERT_EQ(info->at("members").as_array().size(), 1u);
  EXPECT_FALSE(info->at("members").as_array().at(0).as_object().contains("phone"));

  Session b(opts(server, u[1])), c(opts(server, u[2]));
  ASSERT_TRUE(b.await_request(b.connection().join_room(room)).ok());
  ASSERT_TRUE(c.await_request(c.connection().join_room_by_invite(invite)).ok());
  EXPECT_EQ(error_of(c.await_request(c.connection().join_room_by_invite("no-such-code"))), "not_found");
  a.send_to_chat(room, "post 1");
  ASSERT_TRUE(b.wait([](const EventLog& l) { return has_text(l, "post 1"); }));
  ASSERT_TRUE(c.wait([](const EventLog& l) { return has_text(l, "post 1"); }));
  for (const auto& m : b.snapshot().messages) {
    if (m.text == "post 1") {
      EXPECT_EQ(m.pts, 0);  // outside the user's log
    }
  }
  auto refused = b.send_to_chat(room, "me too");
  ASSERT_TRUE(b.wait([&](const EventLog& l) {
    return std::any_of(l.errors.begin(), l.errors.end(), [&](auto& x) { return x.id == refused && x.code == "forbidden"; });
  }));

  // c goes away; posts made meanwhile arrive on reconnect from its position, once each.
  c.close();
  for (int i = 2; i <= 5; ++i) a.send_to_chat(room, "post " + std::to_string(i));
  ASSERT_TRUE(a.wait([](const EventLog& l) { return l.acks.size() == 5; }));
  Session c2(opts(server, u[2]));
  ASSERT_TRUE(c2.wait([](const EventLog& l) { return has_text(l, "post 5"); }));
  int posts = 0;
  for (const auto& m : c2.snapshot().messages) posts += m.chat == room && !m.text.empty();
  EXPECT_EQ(posts, 4);  // post 2..5: post 1 was acknowledged before

  // Everyone may post once the setting says so; a member who left gets nothing more.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(room, "settings", {}, {{"everyone_posts", true}})).ok());
  ASSERT_TRUE(b.await_request(b.connection().leave_chat(room)).ok());
  c2.send_to_chat(room, "a member's post");
  ASSERT_TRUE(a.wait([](const EventLog& l) { return has_text(l, "a member's post"); }));
  EXPECT_FALSE(has_text(b.snapshot(), "a member's post"));
  // Non-members of a room cannot read it or see its members.
  Session d(opts(server, u[3]));
  EXPECT_EQ(error_after(d, [&](auto& cn) { cn.views(room, {1}); }), "not_member");
  auto seen = d.query([&](client::Connection& cn) { cn.chat_info(room); }, "chat_info");
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->at("members").as_array().empty());
  EXPECT_EQ(seen->at("role").as_string(), "none");
  auto h = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(room) + "/messages", "", u[3].token);
  EXPECT_EQ(h.status, 403);
  // Someone who joins later is not counted as a viewer of what came before.
  ASSERT_TRUE(d.await_request(d.connection().join_room(room)).ok());
  auto views = a.query([&](client::Connection& cn) { cn.views(room, {2}); }, "views");
  ASSERT_TRUE(views);
  EXPECT_EQ(views->at("views").as_array().at(0).as_object().at("count").as_int64(), 0);
}

TEST(Rooms, a_room_of_two_thousand_reaches_every_online_member_and_counts_views) {
  ServerProcess server;
  constexpr int kMembers = 2000, kOnline = 40;
  auto u = make_users(server, kMembers);
  Session admin(opts(server, u[0]));
  auto out = admin.await_request(admin.connection().create_chat("room", "big", {}));
  ASSERT_TRUE(out.ok());
  auto room = out.done->chat;
  for (int i = 1; i < kMembers; i += 256) {  // admins add members, 256 per request
    std::vector<std::int64_t> batch;
    for (int k = i; k < std::min(kMembers, i + 256); ++k) batch.push_back(u[k].user);
    ASSERT_TRUE(admin.await_request(admin.connection().change_chat(room, "add", batch)).ok());
  }
  std::vector<std::unique_ptr<Session>> online;
  for (int i = 1; i <= kOnline; ++i) online.push_back(std::make_unique<Session>(opts(server, u[i * 40])));
  for (auto& s : online) ASSERT_TRUE(s->wait([](const EventLog& l) { return l.synced > 0; }));
  admin.send_to_chat(room, "to everyone");
  ASSERT_TRUE(admin.wait([](const EventLog& l) { return !l.acks.empty(); }));
  auto seq = admin.snapshot().acks.at(0).seq;
  for (auto& s : online) ASSERT_TRUE(s->wait([](const EventLog& l) { return has_text(l, "to everyone"); }));
  for (int i = 0; i < 10; ++i) online[i]->connection().mark_read(room, seq);
  auto v = ask_until([&] { return admin.query([&](client::Connection& cn) { cn.views(room, {seq}); }, "views"); },
                     [](const json::object& o) { return o.at("views").as_array().at(0).as_object().at("count").as_int64() >= 10; });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("views").as_array().at(0).as_object().at("count").as_int64(), 10);
  auto info = admin.query([&](client::Connection& cn) { cn.chat_info(room); }, "chat_info");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->at("member_count").as_int64(), kMembers);
}

}  // namespace
}  // namespace parley::testing
