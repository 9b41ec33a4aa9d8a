// Bad input over the WebSocket: every case gets its documented error frame, the connection
// policy is applied, and the server keeps serving everyone else.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "parley/session.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

struct ProtocolErrors : ::testing::Test {
  static inline std::unique_ptr<ServerProcess> server;
  static inline std::vector<TestUser> users;
  static void SetUpTestSuite() {
    server = std::make_unique<ServerProcess>(std::vector<std::string>{"server.max_protocol_errors=5"});
    users = make_users(*server, 2);
  }
  static void TearDownTestSuite() { server.reset(); }

  std::unique_ptr<RawWs> connect() {
    auto ws = std::make_unique<RawWs>(server->port(), users[0].token);
    EXPECT_TRUE(ws->recv_type("hello"));
    return ws;
  }
  std::string expect_error(RawWs& ws, const std::string& frame) {
    ws.send(frame);
    auto e = ws.recv_type("error");
    EXPECT_TRUE(e) << "no error frame for " << frame;
    return e ? std::string(e->at("code").as_string()) : "";
  }
  // The server still works: a normal message round trip on a fresh connection.
  void expect_server_healthy() { EXPECT_TRUE(message_round_trip(*server, users[0], users[1])); }
};

TEST_F(ProtocolErrors, malformed_json_gets_bad_json_and_connection_stays_open) {
  auto ws = connect();
  EXPECT_EQ(expect_error(*ws, "{not json"), "bad_json");
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(ws->recv_type("pong"));
  expect_server_healthy();
}

TEST_F(ProtocolErrors, deeply_nested_frame_gets_bad_json) {
  auto ws = connect();
  EXPECT_EQ(expect_error(*ws, std::string(100, '[') + std::string(100, ']')), "bad_json");
  EXPECT_EQ(expect_error(*ws, R"({"type":"send","id":"n","to":2,"text":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}})"),
            "bad_json");
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(ws->recv_type("pong"));
}

TEST_F(ProtocolErrors, non_utf8_text_frame_fails_the_connection_with_1007) {
  // RFC 6455 section 8.1: invalid UTF-8 in a text frame fails the connection.
  auto ws = connect();
  ws->send(std::string("{\"type\":\"send\",\"text\":\"\xff\xfe\"}"));
  EXPECT_EQ(ws->wait_closed(), 1007);
  expect_server_healthy();
}

TEST_F(ProtocolErrors, non_utf8_inside_a_binary_frame_gets_bad_frame) {
  auto ws = connect();
  ws->send_binary(std::string("{\"type\":\"send\",\"text\":\"\xff\xfe\"}"));
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "bad_frame");
}

TEST_F(ProtocolErrors, unknown_frame_type_gets_unknown_type) {
  auto ws = connect();
  EXPECT_EQ(expect_error(*ws, R"({"type":"teleport"})"), "unknown_type");
  EXPECT_EQ(expect_error(*ws, R"([1,2,3])"), "bad_frame");
  EXPECT_EQ(expect_error(*ws, R"({"notype":1})"), "bad_frame");
}

TEST_F(ProtocolErrors, missing_or_mistyped_fields_get_bad_frame_with_the_client_id) {
  auto ws = connect();
  ws->send(R"({"type":"send","id":"c1","to":2})");
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "bad_frame");
  EXPECT_EQ(e->at("id"), "c1");
  EXPECT_EQ(expect_error(*ws, R"({"type":"send","id":"c2","to":"bob","text":"x"})"), "bad_frame");
  EXPECT_EQ(expect_error(*ws, R"({"type":"send","to":2,"text":"no id"})"), "bad_frame");
  EXPECT_EQ(expect_error(*ws, R"({"type":"read","chat":1})"), "bad_frame");
}

TEST_F(ProtocolErrors, text_over_the_length_limit_gets_text_too_long) {
  auto ws = connect();
  std::string text(4097, 'a');
  EXPECT_EQ(expect_error(*ws, R"({"type":"send","id":"long","to":)" + std::to_string(users[1].user) + R"(,"text":")" + text + "\"}"),
            "text_too_long");
  // 4096 multi-byte characters are within the limit (it counts characters, not bytes).
  std::string ok_text;
  for (int i = 0; i < 4096; ++i) ok_text += "\xc3\xa9";
  ws->send(R"({"type":"send","id":"long-ok","to":)" + std::to_string(users[1].user) + R"(,"text":")" + ok_text + "\"}");
  EXPECT_TRUE(ws->recv_type("ack"));
}

TEST_F(ProtocolErrors, sending_to_a_nonexistent_user_gets_no_such_user) {
  auto ws = connect();
  ws->send(R"({"type":"send","id":"ghost","to":999999,"text":"anyone?"})");
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "no_such_user");
  EXPECT_EQ(e->at("id"), "ghost");
  EXPECT_EQ(expect_error(*ws, R"({"type":"send","id":"nochat","chat":999999,"text":"x"})"), "no_such_chat");
}

TEST_F(ProtocolErrors, oversized_frame_gets_frame_too_large_and_close_1009) {
  auto ws = connect();
  std::string big = R"({"type":"send","id":"big","to":2,"text":")" + std::string(70000, 'x') + "\"}";
  ws->send(big);
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "frame_too_large");
  EXPECT_EQ(ws->wait_closed(), 1009);
  expect_server_healthy();
}

TEST_F(ProtocolErrors, binary_frames_are_refused_with_bad_frame) {
  auto ws = connect();
  ws->send_binary(std::string("\x00\x01\x02", 3));
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "bad_frame");
}

TEST_F(ProtocolErrors, too_many_bad_frames_close_the_connection_with_1008) {
  auto ws = connect();
  for (int i = 0; i < 5; ++i) ws->send("garbage");
  auto last = ws->recv_type("error");
  bool saw = false;
  while (last) {
    if (last->at("code") == "too_many_errors") saw = true;
    last = ws->recv_type("error", 2000);
  }
  EXPECT_TRUE(saw);
  EXPECT_EQ(ws->wait_closed(), 1008);
  expect_server_healthy();
}

TEST_F(ProtocolErrors, frame_before_auth_gets_not_authenticated_and_close_4001) {
  RawWs ws(server->port());
  ws.send(R"({"type":"ping"})");
  auto e = ws.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "not_authenticated");
  EXPECT_EQ(ws.wait_closed(), 4001);
}

TEST_F(ProtocolErrors, sending_too_fast_gets_rate_limited_with_retry_after) {
  ServerProcess slow({"limits.send_rate_per_s=1", "limits.send_burst=2"});
  auto u = make_users(slow, 2);
  RawWs ws(slow.port(), u[0].token);
  ASSERT_TRUE(ws.recv_type("hello"));
  for (int i = 0; i < 3; ++i)
    ws.send(R"({"type":"send","id":"r)" + std::to_string(i) + R"(","to":)" + std::to_string(u[1].user) + R"(,"text":"x"})");
  auto e = ws.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "rate_limited");
  EXPECT_EQ(e->at("id"), "r2");
  EXPECT_GT(e->at("retry_after_ms").as_int64(), 0);
}

// The idle policy: the server pings a quiet connection at half the idle timeout; a client
// that answers (any WebSocket library does while it reads) stays, a peer that neither
// sends nor answers is cut off once the timeout passes. Time passing is the behaviour
// under test here, so the test waits it out (about two idle periods).
TEST(IdleConnections, a_quiet_client_that_answers_pings_stays_and_a_silent_peer_is_cut_off) {
  ServerProcess server({"server.idle_timeout_s=1"});
  auto u = make_users(server, 1);
  client::Options o;
  o.server = server.endpoint();
  o.token = u[0].token;
  client::Session quiet(o);
  ASSERT_TRUE(quiet.wait([](auto& l) { return l.synced > 0; }));
  RawWs silent(server.port(), u[0].token);  // never reads, so never answers a ping
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(quiet.snapshot().disconnects, 0) << "answered pings keep a connection";
  silent.wait_closed(5000);
  EXPECT_TRUE(silent.closed()) << "a peer silent for the idle timeout is cut off";
}

}  // namespace
}  // namespace parley::testing
