// One-to-one messaging against a real parleyd over real WebSockets.
#include <gtest/gtest.h>

#include "parley/session.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

using client::EventLog;
using client::Session;

client::Options opts(const ServerProcess& s, const TestUser& u, std::int64_t position = 0) {
  client::Options o;
  o.server = s.endpoint();
  o.token = u.token;
  o.position = position;
  return o;
}

bool has_text(const EventLog& l, const std::string& text) {
  for (auto& m : l.messages)
    if (m.text == text) return true;
  return false;
}

TEST(Messaging, two_users_online_exchange_messages) {
  ServerProcess server;
  auto u = make_users(server, 2);
  Session alice(opts(server, u[0])), bob(opts(server, u[1]));
  ASSERT_TRUE(alice.wait([](auto& l) { return l.synced > 0; }));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));

  auto id = alice.send_to_user(u[1].user, "hello bob");
  ASSERT_TRUE(alice.wait([&](auto& l) { return !l.acks.empty(); }));
  auto ack = alice.snapshot().acks.at(0);
  EXPECT_EQ(ack.id, id);
  EXPECT_EQ(ack.seq, 1);
  EXPECT_GT(ack.ts, 0);
  ASSERT_TRUE(bob.wait([](auto& l) { return has_text(l, "hello bob"); }));
  auto m = bob.snapshot().messages.at(0);
  EXPECT_EQ(m.from, u[0].user);
  EXPECT_EQ(m.chat, ack.chat);
  EXPECT_EQ(m.seq, 1);

  bob.send_to_user(u[0].user, "hi alice");
  ASSERT_TRUE(alice.wait([](auto& l) { return has_text(l, "hi alice"); }));
  auto reply = alice.snapshot();
  // The reply lands in the same chat, next in sequence.
  bool found = false;
  for (auto& x : reply.messages)
    if (x.text == "hi alice") {
      found = true;
      EXPECT_EQ(x.chat, ack.chat);
      EXPECT_EQ(x.seq, 2);
    }
  EXPECT_TRUE(found);
}

TEST(Messaging, offline_recipient_gets_all_1000_in_order_on_reconnect) {
  ServerProcess server({"limits.send_rate_per_s=100000", "limits.send_burst=100000"});
  auto u = make_users(server, 2);
  Session alice(opts(server, u[0]));
  constexpr int kCount = 1000;
  for (int i = 0; i < kCount; ++i) alice.send_to_user(u[1].user, "m" + std::to_string(i));
  ASSERT_TRUE(alice.wait([&](auto& l) { return l.acks.size() == kCount; }, 30000));

  Session bob(opts(server, u[1]));
  ASSERT_TRUE(bob.wait([&](auto& l) { return l.messages.size() >= kCount && l.synced > 0; }, 30000));
  auto log = bob.snapshot();
  ASSERT_EQ(log.messages.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(log.messages[i].text, "m" + std::to_string(i));
    EXPECT_EQ(log.messages[i].seq, i + 1);
    EXPECT_EQ(log.messages[i].pts, i + 1);
  }
}

TEST(Messaging, resent_client_id_returns_original_ack_without_duplicate) {
  ServerProcess server;
  auto u = make_users(server, 2);
  Session alice(opts(server, u[0])), bob(opts(server, u[1]));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));
  alice.send_to_user(u[1].user, "once", "fixed-id-1");
  ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 1; }));
  alice.connection().send_raw(R"({"type":"send","id":"fixed-id-1","to":)" + std::to_string(u[1].user) + R"(,"text":"once"})");
  ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 2; }));
  auto acks = alice.snapshot().acks;
  EXPECT_FALSE(acks[0].duplicate);
  EXPECT_TRUE(acks[1].duplicate);
  EXPECT_EQ(acks[0].seq, acks[1].seq);
  EXPECT_EQ(acks[0].ts, acks[1].ts);
  // A later message proves the recipient saw exactly one copy.
  alice.send_to_user(u[1].user, "after");
  ASSERT_TRUE(bob.wait([](auto& l) { return has_text(l, "after"); }));
  auto log = bob.snapshot();
  ASSERT_EQ(log.messages.size(), 2u);
  EXPECT_EQ(log.messages[0].text, "once");
  EXPECT_EQ(log.messages[1].seq, 2);
}

TEST(Messaging, delivered_and_read_ticks_reach_sender_live) {
  ServerProcess server;
  auto u = make_users(server, 2);
  Session alice(opts(server, u[0])), bob(opts(server, u[1]));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));
  alice.send_to_user(u[1].user, "tick me");
  ASSERT_TRUE(bob.wait([](auto& l) { return !l.messages.empty(); }));
  // Bob's client acknowledges delivery by itself.
  ASSERT_TRUE(alice.wait([](auto& l) {
    for (auto& r : l.receipts)
      if (r.delivered == 1) return true;
    return false;
  }));
  auto m = bob.snapshot().messages.at(0);
  bob.connection().mark_read(m.chat, m.seq);
  ASSERT_TRUE(alice.wait([&](auto& l) {
    for (auto& r : l.receipts)
      if (r.read == 1 && r.user == u[1].user && r.chat == m.chat) return true;
    return false;
  }));
}

TEST(Messaging, ticks_reach_sender_on_next_sync_after_reconnect) {
  ServerProcess server;
  auto u = make_users(server, 2);
  std::int64_t alice_pos = 0, chat = 0;
  {
    Session alice(opts(server, u[0]));
    alice.send_to_user(u[1].user, "while you were away");
    ASSERT_TRUE(alice.wait([](auto& l) { return !l.acks.empty(); }));
    chat = alice.snapshot().acks[0].chat;
    ASSERT_TRUE(alice.wait([](auto& l) { return !l.messages.empty(); }));  // own message in own log
    alice_pos = alice.snapshot().messages.back().pts;
  }
  {
    Session bob(opts(server, u[1]));
    ASSERT_TRUE(bob.wait([](auto& l) { return !l.messages.empty(); }));
    bob.connection().mark_read(chat, 1);
  }
  Session alice(opts(server, u[0], alice_pos));
  ASSERT_TRUE(alice.wait([&](auto& l) {
    for (auto& r : l.receipts)
      if (r.read == 1 && r.delivered == 1 && r.chat == chat) return true;
    return false;
  })) << ::testing::PrintToString(alice.snapshot().frames);
}

TEST(Messaging, message_reaches_every_device_of_recipient_and_senders_other_device) {
  ServerProcess server;
  auto u = make_users(server, 2);
  auto alice_tab = add_device(server, u[0].phone, "tablet");
  auto bob_laptop = add_device(server, u[1].phone, "laptop");
  Session alice(opts(server, u[0])), alice2(opts(server, alice_tab)), bob(opts(server, u[1])),
      bob2(opts(server, bob_laptop));
  for (Session* s : {&alice, &alice2, &bob, &bob2}) ASSERT_TRUE(s->wait([](auto& l) { return l.synced > 0; }));
  alice.send_to_user(u[1].user, "to all your devices");
  for (Session* s : {&alice2, &bob, &bob2})
    ASSERT_TRUE(s->wait([](auto& l) { return has_text(l, "to all your devices"); }));
  auto other = alice2.snapshot().messages.at(0);
  EXPECT_EQ(other.from, u[0].user);
  EXPECT_EQ(other.device, u[0].device);
}

TEST(Messaging, chat_list_and_history_show_the_conversation) {
  ServerProcess server;
  auto u = make_users(server, 2);
  Session alice(opts(server, u[0]));
  for (int i = 0; i < 60; ++i) alice.send_to_user(u[1].user, "h" + std::to_string(i));
  ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 60; }, 20000));
  auto chat = alice.snapshot().acks[0].chat;
  auto chats = client::http_call(server.endpoint(), "GET", "/v1/chats", {}, u[1].token);
  ASSERT_TRUE(chats.ok()) << chats.body;
  auto& list = chats.json.at("chats").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("peer").as_int64(), u[0].user);
  EXPECT_EQ(list[0].at("last_seq").as_int64(), 60);
  EXPECT_EQ(list[0].at("last_text").as_string(), "h59");

  auto page = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(chat) + "/messages", {}, u[1].token);
  ASSERT_TRUE(page.ok()) << page.body;
  auto& msgs = page.json.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 50u);
  EXPECT_EQ(msgs[0].at("seq").as_int64(), 60);
  auto older = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(chat) + "/messages?before=11", {}, u[1].token);
  EXPECT_EQ(older.json.at("messages").as_array().size(), 10u);

  auto stranger = make_users(server, 1)[0];
  auto denied = client::http_call(server.endpoint(), "GET", "/v1/chats/" + std::to_string(chat) + "/messages", {}, stranger.token);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.error_code(), "not_member");
}

TEST(Messaging, acked_messages_survive_graceful_restart) {
  ServerProcess server({"limits.send_rate_per_s=100000", "limits.send_burst=100000"});
  auto u = make_users(server, 2);
  {
    Session alice(opts(server, u[0]));
    for (int i = 0; i < 200; ++i) alice.send_to_user(u[1].user, "r" + std::to_string(i));
    ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 200; }, 20000));
  }
  server.stop();
  server.start();
  Session bob(opts(server, u[1]));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.messages.size() == 200 && l.synced > 0; }, 20000));
  EXPECT_EQ(bob.snapshot().messages.back().text, "r199");
}

TEST(Shutdown, sigterm_closes_connections_with_going_away_and_keeps_acked_messages) {
  // The test client answers the close only after stop() returns, so keep the grace short.
  ServerProcess server({"server.shutdown_grace_ms=300"});
  auto u = make_users(server, 2);
  RawWs ws(server.port(), u[0].token);
  ASSERT_TRUE(ws.recv_type("hello"));
  ws.send(R"({"type":"send","id":"before-stop","to":)" + std::to_string(u[1].user) + R"(,"text":"kept"})");
  ASSERT_TRUE(ws.recv_type("ack"));
  server.stop();  // SIGTERM; returns once parleyd has exited
  EXPECT_EQ(ws.wait_closed(), 1001);
  server.start();
  Session bob(opts(server, u[1]));
  ASSERT_TRUE(bob.wait([](auto& l) { return has_text(l, "kept"); }));
}

}  // namespace
}  // namespace parley::testing
