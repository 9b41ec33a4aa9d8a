// Abuse resistance (issue 14): what one user's bad input may cost everyone else. Each case
// is tried against a real parleyd, on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "parley/http.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

struct Abuse : ::testing::Test {
  static inline std::unique_ptr<ServerProcess> server;
  static inline std::vector<TestUser> users;
  static void SetUpTestSuite() {
    server = std::make_unique<ServerProcess>();
    users = make_users(*server, 4);
  }
  static void TearDownTestSuite() { server.reset(); }

  std::unique_ptr<RawWs> connect(const TestUser& u) {
    auto ws = std::make_unique<RawWs>(server->port(), u.token);
    EXPECT_TRUE(ws->recv_type("hello"));
    return ws;
  }
  static std::string send_frame(const std::string& id, const TestUser& to, const std::string& text) {
    return json::serialize(json::object{{"type", "send"}, {"id", id}, {"to", to.user}, {"text", text}});
  }
};

TEST_F(Abuse, control_characters_in_a_message_are_refused_at_parse_time_with_bad_frame) {
  auto ws = connect(users[0]);
  for (char c : {'\0', '\x01', '\r', '\x1b', '\x1f'}) {
    ws->send(send_frame("c" + std::to_string(int(c)), users[1], std::string("a") + c + "b"));
    auto e = ws->recv_type("error");
    ASSERT_TRUE(e) << int(c);
    EXPECT_EQ(e->at("code"), "bad_frame");
    EXPECT_EQ(e->at("id").as_string(), "c" + std::to_string(int(c)));
    EXPECT_NE(std::string(e->at("message").as_string()).find("control character U+00"), std::string::npos);
  }
  // Tab and newline are text.
  ws->send(send_frame("tabs", users[1], "line one\n\tline two"));
  auto ack = ws->recv_type("ack");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->at("id"), "tabs");
}

TEST_F(Abuse, control_characters_in_any_string_field_are_refused) {
  auto ws = connect(users[0]);
  ws->send(R"({"type":"create","id":"g","kind":"group","name":"evil\u0000name","members":[2]})");
  auto e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "bad_frame");
  EXPECT_EQ(e->at("id"), "g");
  ws->send(R"({"type":"send","id":"x\u0000y","to":2,"text":"hi"})");
  e = ws->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "bad_frame");
}

TEST_F(Abuse, control_characters_in_an_http_body_get_400) {
  auto r = client::http_call(server->endpoint(), "POST", "/v1/auth/code", R"({"phone":"+1415555\u00000102"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_frame");
  r = client::http_call(server->endpoint(), "POST", "/v1/auth/verify",
                        R"({"phone":"+14155550102","code":"123456","device_name":"x\u0007"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_frame");
}

TEST_F(Abuse, a_poison_message_does_not_fail_other_senders_messages) {
  // Senders 1-3 send while sender 0 keeps sending NUL: every good message is acknowledged.
  auto bad = connect(users[0]);
  std::vector<std::unique_ptr<RawWs>> good;
  for (int i = 1; i < 4; ++i) good.push_back(connect(users[i]));
  constexpr int kRounds = 20;
  for (int r = 0; r < kRounds; ++r) {
    bad->send(send_frame("p" + std::to_string(r), users[1], std::string("poison\0", 7)));
    for (int i = 0; i < 3; ++i)
      good[i]->send(send_frame("g" + std::to_string(r), users[(i + 2) % 4], "fine " + std::to_string(r)));
  }
  for (int i = 0; i < 3; ++i)
    for (int r = 0; r < kRounds; ++r) {
      auto ack = good[i]->recv_type("ack");
      ASSERT_TRUE(ack) << "sender " << i + 1 << " round " << r;
      EXPECT_EQ(ack->at("id").as_string(), "g" + std::to_string(r));
    }
  for (int r = 0; r < kRounds; ++r) {
    auto e = bad->recv_type("error");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("code"), "bad_frame");
  }
}

}  // namespace
}  // namespace parley::testing
