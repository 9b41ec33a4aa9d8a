// Message actions (issue 17, docs/protocol.md "Message actions") against a real parleyd on
// both stores: edit, delete for everyone or for me, react, star, reply and forward; who may
// do each and until when; every device told (live, or in its next sync); history shows the
// message as it is now, a page at a time.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/eventually.h"
#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

struct Sent {
  std::int64_t chat = 0, seq = 0;
};

Sent send_text(RawWs& ws, const char* target, std::int64_t to, const std::string& text, const std::string& id,
               json::object extra = {}) {
  json::object f{{"type", "send"}, {"id", id}, {target, to}, {"text", text}};
  for (auto& [k, v] : extra) f[k] = v;
  auto ack = request(ws, std::move(f));
  EXPECT_EQ(str(ack, "type"), "ack") << json::serialize(ack);
  if (str(ack, "type") != "ack") return {};
  return {ack.at("chat").as_int64(), ack.at("seq").as_int64()};
}

json::object act(RawWs& ws, const std::string& type, Sent m, const std::string& id, json::object extra = {}) {
  json::object f{{"type", type}, {"id", id}, {"chat", m.chat}, {"seq", m.seq}};
  for (auto& [k, v] : extra) f[k] = v;
  return request(ws, std::move(f));
}

std::string answer(const json::object& o) { return str(o, "type") == "error" ? str(o, "code") : str(o, "type"); }

// The chat's history as `u` reads it, newest first.
json::array history(const ServerProcess& s, const TestUser& u, std::int64_t chat, const std::string& query = "") {
  auto r = get(s, u, "/v1/chats/" + std::to_string(chat) + "/messages" + query);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  return json::parse(r.body).at("messages").as_array();
}

std::optional<json::object> in_history(const ServerProcess& s, const TestUser& u, Sent m) {
  for (const auto& v : history(s, u, m.chat))
    if (v.at("seq").as_int64() == m.seq) return v.as_object();
  return std::nullopt;
}

std::int64_t group(RawWs& admin, const std::vector<std::int64_t>& members, const std::string& id) {
  json::array a;
  for (auto u : members) a.push_back(u);
  auto done = request(admin, {{"type", "create"}, {"id", id}, {"kind", "group"}, {"name", "g"}, {"members", a}});
  EXPECT_EQ(str(done, "type"), "done") << json::serialize(done);
  return done.at("chat").as_int64();
}

TEST(MessageActions, an_edit_reaches_every_device_of_both_members_and_history_shows_the_new_text) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a2 = add_device(server, u[0].phone, "second");
  auto a = connect(server, u[0]);
  auto other = connect(server, a2);
  auto b = connect(server, u[1]);
  Sent m = send_text(*a, "to", u[1].user, "see you at 5", "m1");
  auto done = act(*a, "edit", m, "e1", {{"text", "see you at 6"}});
  ASSERT_EQ(answer(done), "done") << json::serialize(done);
  EXPECT_TRUE(done.at("changed").as_bool());
  for (RawWs* ws : {b.get(), other.get(), a.get()}) {
    auto c = next_about(*ws, "changed", m.chat, m.seq);
    ASSERT_TRUE(c);
    EXPECT_EQ(str(*c, "text"), "see you at 6");
    EXPECT_GT(c->at("edited").as_int64(), 0);
    EXPECT_GT(c->at("pts").as_int64(), 0);
  }
  auto h = in_history(server, u[1], m);
  ASSERT_TRUE(h);
  EXPECT_EQ(str(*h, "text"), "see you at 6");
  EXPECT_TRUE(h->contains("edited"));
  // The same text again changes nothing.
  EXPECT_FALSE(act(*a, "edit", m, "e2", {{"text", "see you at 6"}}).at("changed").as_bool());
}

TEST(MessageActions, a_member_added_later_hears_nothing_of_a_message_from_before_they_joined) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto c = connect(server, u[2]);
  auto chat = group(*a, {u[1].user}, "g1");
  Sent old = send_text(*a, "chat", chat, "before you came", "m1");
  auto added = request(*a, {{"type", "change"}, {"id", "c1"}, {"chat", chat}, {"op", "add"}, {"users", json::array{u[2].user}}});
  ASSERT_EQ(str(added, "type"), "done");
  ASSERT_EQ(answer(act(*a, "edit", old, "e1", {{"text", "secret plans"}})), "done");
  ASSERT_TRUE(next_about(*b, "changed", old.chat, old.seq));
  Sent later = send_text(*a, "chat", chat, "welcome", "m2");
  // The new member's next message frame is the welcome; no change of the older message came first.
  for (int i = 0; i < 20; ++i) {
    auto f = c->recv();
    ASSERT_TRUE(f);
    const auto& o = f->as_object();
    EXPECT_NE(str(o, "type"), "changed") << json::serialize(o);
    if (str(o, "type") == "msg" && o.at("seq").as_int64() == later.seq) break;
  }
  EXPECT_EQ(answer(act(*c, "react", old, "r1", {{"emoji", "👍"}})), "no_such_message");
}

TEST(MessageActions, only_the_sender_edits_and_only_within_the_window) {
  ServerProcess server({"testing.clock_control=true", "messages.edit_window_min=15"});
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  Sent m = send_text(*a, "to", u[1].user, "draft", "m1");
  EXPECT_EQ(answer(act(*b, "edit", m, "e1", {{"text", "mine now"}})), "forbidden");
  EXPECT_EQ(answer(act(*a, "edit", {m.chat, m.seq + 5}, "e2", {{"text", "x"}})), "no_such_message");
  advance_clock(server, 16 * 60'000);
  EXPECT_EQ(answer(act(*a, "edit", m, "e3", {{"text", "late"}})), "too_late");
  EXPECT_EQ(str(*in_history(server, u[0], m), "text"), "draft");
}

TEST(MessageActions, delete_for_everyone_leaves_a_tombstone_everywhere_and_the_senders_window_closes) {
  ServerProcess server({"testing.clock_control=true", "messages.delete_window_h=48"});
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  Sent m = send_text(*a, "to", u[1].user, "oops, wrong chat", "m1");
  EXPECT_EQ(answer(act(*b, "delete", m, "d0", {{"for", "everyone"}})), "forbidden") << "not the sender";
  ASSERT_EQ(answer(act(*a, "delete", m, "d1", {{"for", "everyone"}})), "done");
  auto c = next_about(*b, "changed", m.chat, m.seq);
  ASSERT_TRUE(c);
  EXPECT_EQ(str(*c, "text"), "");
  EXPECT_EQ(c->at("deleted").as_int64(), u[0].user);
  auto h = in_history(server, u[1], m);
  ASSERT_TRUE(h) << "a tombstone stays in its place";
  EXPECT_EQ(h->at("deleted").as_int64(), u[0].user);
  EXPECT_EQ(str(*h, "text"), "");
  EXPECT_FALSE(act(*a, "delete", m, "d2", {{"for", "everyone"}}).at("changed").as_bool()) << "already deleted";
  EXPECT_EQ(answer(act(*a, "edit", m, "e1", {{"text", "x"}})), "forbidden") << "a tombstone cannot be edited";

  Sent old = send_text(*a, "to", u[1].user, "two days ago", "m2");
  advance_clock(server, 49LL * 3'600'000);
  EXPECT_EQ(answer(act(*a, "delete", old, "d3", {{"for", "everyone"}})), "too_late");
  // A stranger learns nothing: the same answer as for a message that does not exist.
  auto c3 = connect(server, u[2]);
  EXPECT_EQ(answer(act(*c3, "delete", old, "d4", {{"for", "me"}})), "no_such_message");
}

TEST(MessageActions, a_group_admin_deletes_any_message_any_time_and_members_only_their_own) {
  ServerProcess server({"testing.clock_control=true"});
  auto u = make_users(server, 3);
  auto admin = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto c = connect(server, u[2]);
  auto chat = group(*admin, {u[1].user, u[2].user}, "g1");
  Sent bs = send_text(*b, "chat", chat, "spam", "b1");
  EXPECT_EQ(answer(act(*c, "delete", bs, "d1", {{"for", "everyone"}})), "forbidden");
  advance_clock(server, 100LL * 3'600'000);
  ASSERT_EQ(answer(act(*admin, "delete", bs, "d2", {{"for", "everyone"}})), "done");
  auto seen = next_about(*c, "changed", bs.chat, bs.seq);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->at("deleted").as_int64(), u[0].user);
}

TEST(MessageActions, delete_for_me_hides_it_on_my_devices_only) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a2 = add_device(server, u[0].phone, "second");
  auto a = connect(server, u[0]);
  auto other = connect(server, a2);
  Sent keep = send_text(*a, "to", u[1].user, "keep", "m1");
  Sent m = send_text(*a, "to", u[1].user, "embarrassing", "m2");
  ASSERT_EQ(answer(act(*a, "delete", m, "d1", {{"for", "me"}})), "done");
  auto marked = next_about(*other, "marked", m.chat, m.seq);
  ASSERT_TRUE(marked);
  EXPECT_TRUE(marked->at("hidden").as_bool());
  EXPECT_FALSE(in_history(server, u[0], m)) << "hidden from me";
  EXPECT_TRUE(in_history(server, u[0], keep));
  auto theirs = in_history(server, u[1], m);
  ASSERT_TRUE(theirs) << "the other member still has it";
  EXPECT_EQ(str(*theirs, "text"), "embarrassing");
}

TEST(MessageActions, one_reaction_per_user_that_changes_and_goes_with_counts_in_history) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto c = connect(server, u[2]);
  auto chat = group(*a, {u[1].user, u[2].user}, "g1");
  Sent m = send_text(*a, "chat", chat, "we won", "m1");
  ASSERT_EQ(answer(act(*b, "react", m, "r1", {{"emoji", "👍"}})), "done");
  ASSERT_EQ(answer(act(*c, "react", m, "r2", {{"emoji", "👍"}})), "done");
  EXPECT_FALSE(act(*c, "react", m, "r3", {{"emoji", "👍"}}).at("changed").as_bool()) << "the same reaction again";
  ASSERT_EQ(answer(act(*b, "react", m, "r4", {{"emoji", "🎉"}})), "done") << "a new emoji replaces the old";
  auto h = in_history(server, u[0], m);
  ASSERT_TRUE(h);
  auto r = h->at("reactions").as_array();
  ASSERT_EQ(r.size(), 2u) << json::serialize(r);
  EXPECT_EQ(str(r[0].as_object(), "emoji"), "👍");
  EXPECT_EQ(r[0].at("count").as_int64(), 1);
  EXPECT_EQ(r[0].at("users").as_array()[0].as_int64(), u[2].user);
  EXPECT_EQ(str(r[1].as_object(), "emoji"), "🎉");
  ASSERT_EQ(answer(act(*c, "react", m, "r5", {{"emoji", ""}})), "done") << "removed";
  EXPECT_TRUE(eventually([&] {
    auto now = in_history(server, u[0], m);
    return now && now->at("reactions").as_array().size() == 1;
  }));
  // The sender's device saw every change live, the last one with one reaction left.
  std::optional<json::object> last;
  for (int i = 0; i < 4; ++i) last = next_about(*a, "changed", m.chat, m.seq);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->at("reactions").as_array().size(), 1u);
  EXPECT_EQ(answer(act(*b, "react", m, "r6", {{"emoji", "yes"}})), "bad_frame") << "words are not an emoji";
}

TEST(MessageActions, replies_name_a_message_of_the_same_chat_and_show_its_tombstone_once_deleted) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  Sent q = send_text(*a, "to", u[1].user, "dinner?", "m1");
  Sent r = send_text(*b, "to", u[0].user, "yes!", "m2", {{"reply_to", q.seq}});
  auto h = in_history(server, u[0], r);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("reply_to").as_int64(), q.seq);
  // Only a message of the same chat one may read, that exists.
  auto elsewhere = request(*b, {{"type", "send"}, {"id", "m3"}, {"to", u[2].user}, {"text", "x"}, {"reply_to", q.seq}});
  EXPECT_EQ(str(elsewhere, "code"), "no_such_message") << "no message of that seq in the other chat";
  auto future = request(*b, {{"type", "send"}, {"id", "m4"}, {"to", u[0].user}, {"text", "x"}, {"reply_to", 99}});
  EXPECT_EQ(str(future, "code"), "no_such_message");
  ASSERT_EQ(answer(act(*a, "delete", q, "d1", {{"for", "everyone"}})), "done");
  auto quoted = in_history(server, u[1], q);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->at("deleted").as_int64(), u[0].user) << "the reply's quote reads as the tombstone";
  EXPECT_EQ(in_history(server, u[1], r)->at("reply_to").as_int64(), q.seq);
}

TEST(MessageActions, forwards_copy_the_message_and_count_their_hops) {
  ServerProcess server;
  auto u = make_users(server, 4);
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto c = connect(server, u[2]);
  Sent src = send_text(*a, "to", u[1].user, "the recipe", "m1");
  // b forwards to c, c back to b, and on: each hop counts.
  Sent at = src;
  RawWs* who[] = {b.get(), c.get()};
  std::int64_t to[] = {u[2].user, u[1].user};
  for (int hop = 1; hop <= 5; ++hop) {
    RawWs& ws = *who[(hop - 1) % 2];
    auto ack = request(ws, {{"type", "send"}, {"id", "f" + std::to_string(hop)}, {"to", to[(hop - 1) % 2]},
                            {"forward", {{"chat", at.chat}, {"seq", at.seq}}}});
    ASSERT_EQ(str(ack, "type"), "ack") << json::serialize(ack);
    at = {ack.at("chat").as_int64(), ack.at("seq").as_int64()};
    auto h = in_history(server, hop % 2 ? u[2] : u[1], at);
    ASSERT_TRUE(h);
    EXPECT_EQ(str(*h, "text"), "the recipe");
    EXPECT_EQ(h->at("forwarded").as_int64(), hop);
  }
  // One may forward only what one may read.
  auto d = connect(server, u[3]);
  auto stolen = request(*d, {{"type", "send"}, {"id", "x1"}, {"to", u[3].user}, {"forward", {{"chat", src.chat}, {"seq", src.seq}}}});
  EXPECT_EQ(str(stolen, "code"), "no_such_message");
  auto mixed = request(*b, {{"type", "send"}, {"id", "x2"}, {"to", u[2].user}, {"text", "hi"},
                            {"forward", {{"chat", src.chat}, {"seq", src.seq}}}});
  EXPECT_EQ(str(mixed, "code"), "bad_frame") << "a forward carries no text of its own";
}

TEST(MessageActions, stars_are_mine_listed_newest_first_and_reach_my_other_devices) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a2 = add_device(server, u[0].phone, "second");
  auto a = connect(server, u[0]);
  auto other = connect(server, a2);
  Sent m1 = send_text(*a, "to", u[1].user, "address: 1 Main St", "m1");
  Sent m2 = send_text(*a, "to", u[1].user, "door code 4711", "m2");
  ASSERT_EQ(answer(act(*a, "star", m1, "s1", {{"starred", true}})), "done");
  ASSERT_EQ(answer(act(*a, "star", m2, "s2")), "done");
  auto marked = next_about(*other, "marked", m2.chat, m2.seq);
  ASSERT_TRUE(marked);
  EXPECT_TRUE(marked->at("starred").as_bool());
  auto list = json::parse(get(server, u[0], "/v1/starred").body).at("messages").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(str(list[0].as_object(), "text"), "door code 4711");
  EXPECT_TRUE(list[0].at("starred").as_bool());
  EXPECT_TRUE(in_history(server, u[0], m1)->contains("starred"));
  EXPECT_FALSE(in_history(server, u[1], m1)->contains("starred")) << "stars are per user";
  EXPECT_EQ(json::parse(get(server, u[1], "/v1/starred").body).at("messages").as_array().size(), 0u);
  ASSERT_EQ(answer(act(*a, "star", m1, "s3", {{"starred", false}})), "done");
  EXPECT_EQ(json::parse(get(server, u[0], "/v1/starred").body).at("messages").as_array().size(), 1u);
}

TEST(MessageActions, a_device_that_was_away_gets_each_change_in_its_sync_as_the_message_is_now) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  Sent m = send_text(*a, "to", u[1].user, "v1", "m1");
  ASSERT_EQ(answer(act(*a, "edit", m, "e1", {{"text", "v2"}})), "done");
  ASSERT_EQ(answer(act(*a, "react", m, "r1", {{"emoji", "❤️"}})), "done");
  RawWs b(server.port(), u[1].token);  // offline until now: catches up from its position
  ASSERT_TRUE(b.recv_type("hello"));
  b.send(R"({"type":"sync"})");
  std::vector<json::object> changed;
  for (int i = 0; i < 20 && changed.size() < 2; ++i) {
    auto f = b.recv();
    ASSERT_TRUE(f);
    if (str(f->as_object(), "type") == "changed") changed.push_back(f->as_object());
  }
  ASSERT_EQ(changed.size(), 2u);
  for (const auto& c : changed) {
    EXPECT_EQ(str(c, "text"), "v2") << "read as it is now";
    EXPECT_EQ(c.at("reactions").as_array().size(), 1u);
  }
}

TEST(MessageActions, a_room_admin_deletes_a_post_and_members_online_see_it_go) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto admin = connect(server, u[0]);
  auto done = request(*admin, {{"type", "create"}, {"id", "r1"}, {"kind", "room"}, {"name", "news"}, {"public", true}});
  ASSERT_EQ(str(done, "type"), "done");
  auto room = done.at("chat").as_int64();
  auto reader = connect(server, u[1]);
  ASSERT_EQ(str(request(*reader, {{"type", "join"}, {"id", "j1"}, {"chat", room}}), "type"), "done");
  Sent post = send_text(*admin, "chat", room, "typo in the headline", "p1");
  ASSERT_TRUE(next_about(*reader, "msg", post.chat, post.seq));
  ASSERT_EQ(answer(act(*reader, "react", post, "x1", {{"emoji", "👍"}})), "done") << "members react";
  ASSERT_EQ(answer(act(*admin, "delete", post, "d1", {{"for", "everyone"}})), "done");
  std::optional<json::object> gone;
  for (int i = 0; i < 3 && !(gone && gone->contains("deleted")); ++i) gone = next_about(*reader, "changed", post.chat, post.seq);
  ASSERT_TRUE(gone && gone->contains("deleted"));
  EXPECT_FALSE(gone->contains("pts")) << "a room's changes come outside the log";
  EXPECT_EQ(in_history(server, u[1], post)->at("deleted").as_int64(), u[0].user);
}

TEST(History, pages_meet_without_gaps_or_overlaps_and_skip_what_i_hid) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto a = connect(server, u[0]);
  Sent last;
  for (int i = 1; i <= 120; ++i) last = send_text(*a, "to", u[1].user, "n" + std::to_string(i), "m" + std::to_string(i));
  ASSERT_EQ(answer(act(*a, "delete", {last.chat, 60}, "h1", {{"for", "me"}})), "done");
  std::vector<std::int64_t> seen;
  std::int64_t before = 0;
  for (int page = 0; page < 5; ++page) {
    auto h = history(server, u[0], last.chat, "?limit=50" + (before ? "&before=" + std::to_string(before) : ""));
    if (h.empty()) break;
    for (const auto& m : h) seen.push_back(m.at("seq").as_int64());
    before = h.back().at("seq").as_int64();
  }
  ASSERT_EQ(seen.size(), 119u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i], seen[i - 1]);
  EXPECT_EQ(seen.front(), 120);
  EXPECT_EQ(seen.back(), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 60), 0);
  EXPECT_EQ(history(server, u[0], last.chat, "?before=1").size(), 0u);
  EXPECT_EQ(history(server, u[0], last.chat, "?before=3&limit=50").size(), 2u);
}

}  // namespace
}  // namespace parley::testing
