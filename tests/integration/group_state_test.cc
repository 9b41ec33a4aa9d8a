// What the browser client reads of groups and devices (issue 19) against a real parleyd on
// both stores: a group's "everyone has it" positions in GET /v1/chats; a former member's groups
// as they were at the removal, and nothing after it; when a message reached each member
// (`receipts` times); distinct names for a user's devices.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "parley/http.h"
#include "parley/session.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
using client::EventLog;
using client::Session;

client::Options opts(const ServerProcess& s, const TestUser& u) {
  client::Options o;
  o.server = s.endpoint();
  o.token = u.token;
  return o;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// GET `target` as `u`; the parsed JSON object (fails the test on another status).
json::object get(const ServerProcess& s, const TestUser& u, const std::string& target) {
  auto r = client::http_call(s.endpoint(), "GET", target, "", u.token);
  EXPECT_EQ(r.status, 200) << target << ": " << r.body;
  return r.json.is_object() ? r.json.as_object() : json::object{};
}

// The entry of `chat` in `u`'s chat list (`former`: with the groups they left), if listed.
std::optional<json::object> listed(const ServerProcess& s, const TestUser& u, std::int64_t chat, bool former) {
  auto list = get(s, u, former ? "/v1/chats?former=1" : "/v1/chats");
  for (const auto& c : list["chats"].as_array())
    if (c.at("chat").as_int64() == chat) return c.as_object();
  return std::nullopt;
}

// Asks until `done` holds (receipts commit asynchronously), at most 10 s.
template <class F, class P>
auto ask_until(F ask, P done) {
  auto answer = ask();
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !done(answer) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    answer = ask();
  }
  return answer;
}

std::int64_t create_group(Session& s, const std::string& name, std::vector<std::int64_t> members) {
  auto out = s.await_request(s.connection().create_chat("group", name, std::move(members)));
  EXPECT_TRUE(out.ok());
  return out.done ? out.done->chat : 0;
}

std::int64_t sent_seq(Session& s, const std::string& id) {
  std::int64_t seq = 0;
  s.wait([&](const EventLog& l) {
    for (const auto& a : l.acks)
      if (a.id == id) seq = a.seq;
    return seq > 0;
  });
  return seq;
}

bool has_text(const EventLog& l, const std::string& text) {
  return std::any_of(l.messages.begin(), l.messages.end(), [&](const auto& m) { return m.text == text; });
}

TEST(GroupState, the_chat_list_says_how_far_everyone_in_a_group_has_delivered_and_read) {
  ServerProcess server;
  auto u = make_users(server, 3);
  Session a(opts(server, u[0])), b(opts(server, u[1])), c(opts(server, u[2]));
  auto chat = create_group(a, "ticks", {u[1].user, u[2].user});
  auto seq = sent_seq(a, a.send_to_chat(chat, "one"));
  // b and c deliver by themselves; then both read.
  auto delivered = ask_until([&] { return listed(server, u[0], chat, false); },
                             [&](const auto& e) { return e && e->at("all_delivered").as_int64() >= seq; });
  ASSERT_TRUE(delivered);
  EXPECT_LT(delivered->at("all_read").as_int64(), seq);
  b.connection().mark_read(chat, seq);
  c.connection().mark_read(chat, seq);
  auto read = ask_until([&] { return listed(server, u[0], chat, false); },
                        [&](const auto& e) { return e && e->at("all_read").as_int64() >= seq; });
  ASSERT_TRUE(read);
  EXPECT_EQ(read->at("all_read").as_int64(), seq);
  // Direct chats carry the peer's positions instead.
  auto direct = b.send_to_user(u[0].user, "hi");
  ASSERT_TRUE(b.wait([&](const EventLog& l) { return !l.acks.empty() && l.acks.back().id == direct; }));
  auto list = get(server, u[0], "/v1/chats");
  for (const auto& e : list["chats"].as_array())
    if (e.at("kind").as_string() == "direct") {
      EXPECT_FALSE(e.as_object().contains("all_read"));
    }
}

TEST(GroupState, a_former_member_keeps_the_group_as_it_was_and_learns_nothing_after) {
  ServerProcess server;
  auto u = make_users(server, 5);
  Session a(opts(server, u[0])), b(opts(server, u[1])), d(opts(server, u[3]));
  auto chat = create_group(a, "book club", {u[1].user, u[2].user, u[3].user});
  auto before = sent_seq(a, a.send_to_chat(chat, "before"));
  ASSERT_TRUE(b.wait([](const EventLog& l) { return has_text(l, "before"); }));
  b.connection().mark_read(chat, before);
  auto b_read = [&](const std::optional<json::object>& info) {
    if (!info) return false;
    for (const auto& m : info->at("members").as_array())
      if (m.at("user").as_int64() == u[1].user) return m.at("read").as_int64() >= before;
    return false;
  };
  ASSERT_TRUE(b_read(ask_until([&] { return a.query([&](client::Connection& cn) { cn.chat_info(chat); }, "chat_info"); }, b_read)));
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "remove", {u[1].user})).ok());
  ASSERT_TRUE(d.await_request(d.connection().leave_chat(chat)).ok());
  // After: a new name, a new member, a message. None of it may reach b or d.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "rename", {}, {{"name", "secret club"}})).ok());
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "add", {u[4].user})).ok());
  auto after = sent_seq(a, a.send_to_chat(chat, "after"));
  ASSERT_GT(after, before);
  Session e(opts(server, u[4]));  // once the new member has it, so would b and d, had it leaked
  ASSERT_TRUE(e.wait([](const EventLog& l) { return has_text(l, "after"); }));

  // Without ?former=1 the list is as before: members' chats only.
  EXPECT_FALSE(listed(server, u[1], chat, false));
  auto removed = listed(server, u[1], chat, true);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->at("member").as_bool(), false);
  EXPECT_EQ(removed->at("ended").as_string(), "removed");
  EXPECT_EQ(removed->at("name").as_string(), "book club");
  EXPECT_EQ(removed->at("kind").as_string(), "group");
  EXPECT_EQ(removed->at("last_seq").as_int64(), before + 1);  // the `removed` message, and nothing after
  EXPECT_EQ(removed->at("last_sender").as_int64(), u[0].user);
  EXPECT_EQ(removed->at("read").as_int64(), before);  // b's own read position then
  for (const char* now : {"member_count", "avatar", "all_delivered", "all_read", "temporary", "disappear"})
    EXPECT_FALSE(removed->contains(now)) << now;
  auto left = listed(server, u[3], chat, true);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->at("ended").as_string(), "left");
  EXPECT_EQ(left->at("last_seq").as_int64(), before + 2);
  EXPECT_EQ(left->at("name").as_string(), "book club");
  // A member's list is unchanged by ?former=1, and carries no `member` field.
  auto member = listed(server, u[0], chat, true);
  ASSERT_TRUE(member);
  EXPECT_FALSE(member->contains("member"));
  EXPECT_EQ(member->at("name").as_string(), "secret club");

  // History and search stop at the removal; the socket brought nothing after it.
  auto h = get(server, u[1], "/v1/chats/" + std::to_string(chat) + "/messages");
  ASSERT_FALSE(h["messages"].as_array().empty());
  EXPECT_EQ(h["messages"].as_array().front().at("seq").as_int64(), before + 1);
  EXPECT_TRUE(get(server, u[1], "/v1/search?q=after")["results"].as_array().empty());
  EXPECT_FALSE(has_text(b.snapshot(), "after"));
  for (const auto& m : b.snapshot().messages) EXPECT_LE(m.seq, before + 1) << m.system;
  for (const auto& m : d.snapshot().messages) EXPECT_LE(m.seq, before + 2) << m.system;

  // Added back, the group is theirs again: listed once, as a member.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "add", {u[1].user})).ok());
  auto back = listed(server, u[1], chat, true);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->contains("member"));
  EXPECT_EQ(back->at("name").as_string(), "secret club");
  int times = 0;
  auto list = get(server, u[1], "/v1/chats?former=1");
  for (const auto& e : list["chats"].as_array()) times += e.at("chat").as_int64() == chat;
  EXPECT_EQ(times, 1);
}

TEST(GroupState, receipts_say_when_the_message_reached_and_was_read_by_each_member) {
  ServerProcess server;
  auto u = make_users(server, 4);
  Session a(opts(server, u[0])), b(opts(server, u[1])), c(opts(server, u[2]));  // u[3] stays offline
  auto chat = create_group(a, "times", {u[1].user, u[2].user, u[3].user});
  const auto sent_at = now_ms();
  auto seq = sent_seq(a, a.send_to_chat(chat, "when?"));
  ASSERT_TRUE(c.wait([](const EventLog& l) { return has_text(l, "when?"); }));
  b.connection().mark_read(chat, seq);
  auto detail = [&] { return a.query([&](client::Connection& cn) { cn.receipts(chat, seq); }, "receipts"); };
  auto r = ask_until(detail, [&](const auto& o) {
    return o && o->at("read").as_array().size() == 1 && o->at("delivered").as_array().size() == 1;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("read").as_array(), (json::array{u[1].user}));
  EXPECT_EQ(r->at("delivered").as_array(), (json::array{u[2].user}));
  EXPECT_EQ(r->at("pending").as_array(), (json::array{u[3].user}));
  std::map<std::int64_t, json::object> times;
  for (const auto& t : r->at("times").as_array()) times[t.at("user").as_int64()] = t.as_object();
  ASSERT_EQ(times.size(), 2u) << json::serialize(*r);  // nobody waiting has a time
  const auto& bt = times[u[1].user];
  const auto& ct = times[u[2].user];
  ASSERT_TRUE(bt.contains("read") && bt.contains("delivered"));
  EXPECT_TRUE(ct.contains("delivered"));
  EXPECT_FALSE(ct.contains("read"));
  for (auto t : {bt.at("read").as_int64(), bt.at("delivered").as_int64(), ct.at("delivered").as_int64()}) {
    EXPECT_GE(t, sent_at - 1000);
    EXPECT_LE(t, now_ms() + 1000);
  }
  EXPECT_LE(bt.at("delivered").as_int64(), bt.at("read").as_int64());
  // A later message does not move when the earlier one arrived; reading the later one reads both.
  auto next = sent_seq(a, a.send_to_chat(chat, "and now?"));
  c.connection().mark_read(chat, next);
  auto later = ask_until(detail, [&](const auto& o) { return o && o->at("read").as_array().size() == 2; });
  ASSERT_TRUE(later);
  for (const auto& t : later->at("times").as_array())
    if (t.at("user").as_int64() == u[2].user) {
      EXPECT_EQ(t.at("delivered").as_int64(), ct.at("delivered").as_int64());
      EXPECT_GE(t.at("read").as_int64(), t.at("delivered").as_int64());
    }

  // A member whose own message moved their positions: its time counts (no receipt needed).
  Session d(opts(server, u[3]));
  ASSERT_TRUE(d.wait([](const EventLog& l) { return has_text(l, "and now?"); }));
  auto own = sent_seq(d, d.send_to_chat(chat, "me too"));
  auto with_d = ask_until(detail, [&](const auto& o) { return o && o->at("read").as_array().size() == 3; });
  ASSERT_TRUE(with_d) << own;
  bool d_timed = false;
  for (const auto& t : with_d->at("times").as_array()) d_timed |= t.at("user").as_int64() == u[3].user && t.as_object().contains("read");
  EXPECT_TRUE(d_timed);

  // One-to-one: the peer's delivery and read times.
  auto direct_id = a.send_to_user(u[1].user, "just us");
  auto dseq = sent_seq(a, direct_id);
  std::int64_t direct = 0;
  a.wait([&](const EventLog& l) {
    for (const auto& ack : l.acks)
      if (ack.id == direct_id) direct = ack.chat;
    return direct > 0;
  });
  ASSERT_TRUE(b.wait([](const EventLog& l) { return has_text(l, "just us"); }));
  b.connection().mark_read(direct, dseq);
  auto one = ask_until([&] { return a.query([&](client::Connection& cn) { cn.receipts(direct, dseq); }, "receipts"); },
                       [&](const auto& o) { return o && o->at("read").as_array().size() == 1 && o->contains("times"); });
  ASSERT_TRUE(one);
  const auto& t = one->at("times").as_array().at(0).as_object();
  EXPECT_EQ(t.at("user").as_int64(), u[1].user);
  EXPECT_GE(t.at("read").as_int64(), t.at("delivered").as_int64());
  EXPECT_GE(t.at("delivered").as_int64(), sent_at - 1000);

  // Only members may ask: a former member is refused like a stranger.
  ASSERT_TRUE(a.await_request(a.connection().change_chat(chat, "remove", {u[2].user})).ok());
  client::Error e;
  EXPECT_FALSE(c.query([&](client::Connection& cn) { cn.receipts(chat, seq); }, "never", &e));
  EXPECT_EQ(e.code, "not_member");
}

TEST(GroupState, a_users_devices_with_the_same_name_are_numbered) {
  ServerProcess server;
  auto users = make_users(server, 2, "Chrome on Linux");
  const auto& alice = users[0];
  auto second = add_device(server, alice.phone, "Chrome on Linux");
  auto third = add_device(server, alice.phone, "Chrome on Linux");
  auto names = [&](const TestUser& as) {
    std::vector<std::string> out;
    auto list = get(server, as, "/v1/devices");
    for (const auto& d : list["devices"].as_array()) out.emplace_back(d.at("name").as_string());
    return out;
  };
  EXPECT_EQ(names(alice), (std::vector<std::string>{"Chrome on Linux", "Chrome on Linux (2)", "Chrome on Linux (3)"}));
  // Another user's device of that name is theirs alone.
  EXPECT_EQ(names(users[1]), (std::vector<std::string>{"Chrome on Linux"}));
  // A signed-out device's name is free again.
  auto r = client::http_call(server.endpoint(), "DELETE", "/v1/devices/" + std::to_string(second.device), "", alice.token);
  ASSERT_EQ(r.status, 200) << r.body;
  add_device(server, alice.phone, "Chrome on Linux");
  EXPECT_EQ(names(alice), (std::vector<std::string>{"Chrome on Linux", "Chrome on Linux (3)", "Chrome on Linux (2)"}));
  // A name at the limit stays within it, whole characters only.
  const std::string long_name = std::string(62, 'x') + "é";  // 64 bytes
  add_device(server, alice.phone, long_name);
  add_device(server, alice.phone, long_name);
  auto all = names(third);
  EXPECT_EQ(all.back(), std::string(60, 'x') + " (2)");
}

}  // namespace
}  // namespace parley::testing
