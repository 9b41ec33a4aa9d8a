// Nothing a client does makes an io thread wait on the store (issue 14 item 6): an io thread
// serves thousands of connections, and one slow read there stalls all of them. Every frame
// and route that reads runs on the query pool; the server counts reads made on an io thread
// (parley_io_thread_store_reads_total), and this drives every kind of request, on both
// stores, and checks the count stayed 0.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "parley/http.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
using client::http_call;

std::unique_ptr<RawWs> connect(const ServerProcess& server, const TestUser& u) {
  auto ws = std::make_unique<RawWs>(server.port(), u.token);
  EXPECT_TRUE(ws->recv_type("hello"));
  return ws;
}

std::int64_t done_chat(RawWs& ws) {
  auto d = ws.recv_type("done");
  EXPECT_TRUE(d);
  return d ? d->at("chat").as_int64() : 0;
}

TEST(Limits, no_frame_or_route_reads_the_store_on_an_io_thread) {
  ServerProcess server;
  auto u = make_users(server, 3);
  auto a = connect(server, u[0]);
  // b authenticates with a frame, not the header.
  RawWs b(server.port());
  b.send(R"({"type":"auth","token":")" + u[1].token + R"("})");
  ASSERT_TRUE(b.recv_type("hello"));
  for (RawWs* ws : {a.get(), &b}) {
    ws->send(R"({"type":"sync"})");
    ASSERT_TRUE(ws->recv_type("synced"));
  }
  // A group (who may be added is read), a message, receipts, typing, queries.
  a->send(R"({"type":"create","id":"g1","kind":"group","name":"team","members":[)" + std::to_string(u[1].user) + "]}");
  std::int64_t group = done_chat(*a);
  ASSERT_GT(group, 0);
  const std::string g = std::to_string(group);
  a->send(R"({"type":"send","id":"m1","chat":)" + g + R"(,"text":"hi"})");
  ASSERT_TRUE(a->recv_type("ack"));
  b.send(R"({"type":"read","chat":)" + g + R"(,"seq":2})");
  a->send(R"({"type":"typing","chat":)" + g + R"(,"typing":true})");
  ASSERT_TRUE(b.recv_type("typing"));
  a->send(R"({"type":"typing","chat":)" + g + R"(,"typing":false})");
  a->send(R"({"type":"chat_info","chat":)" + g + "}");
  ASSERT_TRUE(a->recv_type("chat_info"));
  a->send(R"({"type":"receipts","chat":)" + g + R"(,"seq":2})");
  ASSERT_TRUE(a->recv_type("receipts"));
  // An add that becomes an invite, and a decline of a code that does not exist.
  b.send(R"({"type":"privacy","group_add":"nobody"})");
  ASSERT_TRUE(b.recv_type("privacy"));
  a->send(R"({"type":"change","id":"c1","chat":)" + g + R"(,"op":"rename","name":"team 2"})");
  ASSERT_TRUE(a->recv_type("done"));
  auto c = connect(server, u[2]);
  c->send(R"({"type":"privacy","group_add":"nobody"})");
  ASSERT_TRUE(c->recv_type("privacy"));
  a->send(R"({"type":"change","id":"c2","chat":)" + g + R"(,"op":"add","users":[)" + std::to_string(u[2].user) + "]}");
  ASSERT_TRUE(a->recv_type("done"));
  ASSERT_TRUE(c->recv_type("invite"));
  c->send(R"({"type":"decline","id":"x1","invite":"nosuchcode"})");
  ASSERT_TRUE(c->recv_type("error"));
  // Presence and privacy.
  a->send(R"({"type":"presence_subscribe","users":[)" + std::to_string(u[1].user) + "]}");
  ASSERT_TRUE(a->recv_type("presence"));
  a->send(R"({"type":"privacy"})");
  ASSERT_TRUE(a->recv_type("privacy"));
  b.send(R"({"type":"privacy","last_seen":"contacts"})");
  ASSERT_TRUE(b.recv_type("privacy"));
  // A room: joined by id, a post, view counts.
  a->send(R"({"type":"create","id":"r1","kind":"room","name":"news","public":true})");
  std::int64_t room = done_chat(*a);
  ASSERT_GT(room, 0);
  const std::string r = std::to_string(room);
  b.send(R"({"type":"join","id":"j1","chat":)" + r + "}");
  ASSERT_TRUE(b.recv_type("done"));
  a->send(R"({"type":"send","id":"m2","chat":)" + r + R"(,"text":"news"})");
  ASSERT_TRUE(a->recv_type("ack"));
  ASSERT_TRUE(b.recv_type("msg"));
  a->send(R"({"type":"views","chat":)" + r + R"(,"seqs":[1]})");
  ASSERT_TRUE(a->recv_type("views"));
  // A reconnect opens the rooms the device follows and catches them up.
  {
    auto again = connect(server, u[1]);
    again->send(R"({"type":"sync"})");
    ASSERT_TRUE(again->recv_type("synced"));
  }
  // A device revoked while connected is told so.
  auto extra = add_device(server, u[0].phone, "second");
  auto second = connect(server, extra);
  ASSERT_TRUE(http_call(server.endpoint(), "DELETE", "/v1/devices/" + std::to_string(extra.device), {}, u[0].token).ok());
  auto revoked = second->recv_type("error");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->at("code"), "unauthorized");
  // The HTTP routes.
  for (const std::string& path : std::vector<std::string>{"/v1/chats", "/v1/devices", "/v1/invites", "/v1/chats/" + g + "/messages"})
    EXPECT_TRUE(http_call(server.endpoint(), "GET", path, {}, u[0].token).ok()) << path;
  EXPECT_TRUE(http_call(server.endpoint(), "POST", "/v1/contacts/lookup",
                        json::serialize(json::object{{"phones", json::array{json::string(u[1].phone)}}}), u[0].token)
                  .ok());

  auto metrics = http_call(server.endpoint(), "GET", "/metrics");
  ASSERT_NE(metrics.body.find("parley_io_thread_store_reads_total"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("parley_io_thread_store_reads_total 0\n"), std::string::npos)
      << "a store read ran on an io thread";
}

TEST(Limits, frames_sent_right_after_the_token_are_answered_after_hello) {
  ServerProcess server;
  auto u = make_users(server, 1);
  // The token as a frame, and three frames behind it, all in one go.
  RawWs ws(server.port());
  ws.send(R"({"type":"auth","token":")" + u[0].token + R"("})");
  ws.send(R"({"type":"ping"})");
  ws.send(R"({"type":"sync"})");
  ws.send(R"({"type":"privacy"})");
  auto hello = ws.recv();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("type"), "hello");
  std::multiset<std::string> answers;  // each answered once (answers from the store may overtake each other)
  for (int i = 0; i < 3; ++i) {
    auto f = ws.recv();
    ASSERT_TRUE(f);
    answers.insert(std::string(f->at("type").as_string()));
  }
  EXPECT_EQ(answers, (std::multiset<std::string>{"pong", "privacy", "synced"}));
  // Hundreds behind the token, as a client resending its outbox does: every one is
  // answered (the connection stops reading while the token is checked; nothing is dropped).
  RawWs many(server.port());
  many.send(R"({"type":"auth","token":")" + u[0].token + R"("})");
  for (int i = 0; i < 300; ++i) many.send(R"({"type":"ping"})");
  auto first = many.recv();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->at("type"), "hello");
  int pongs = 0;
  while (pongs < 300) {
    auto f = many.recv();
    ASSERT_TRUE(f) << "after " << pongs << " pongs";
    ASSERT_EQ(f->at("type"), "pong");
    ++pongs;
  }
  // The token in the header, and a frame right behind the upgrade.
  RawWs header(server.port(), u[0].token);
  header.send(R"({"type":"ping"})");
  hello = header.recv();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("type"), "hello");
  auto pong = header.recv();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("type"), "pong");
}

}  // namespace
}  // namespace parley::testing
