// What one user (or one address) may cost a node (issue 14 item 6): query frames per user,
// connections per user and per address, and the node's output budget, against a real
// parleyd on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "parley/http.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

// The server's log lines about connections it cut off.
std::string cut_lines(const std::string& log) {
  std::string out;
  std::size_t at = 0;
  while ((at = log.find("cutting", at)) != std::string::npos) {
    auto start = log.rfind('\n', at);
    auto end = log.find('\n', at);
    out += log.substr(start == std::string::npos ? 0 : start + 1, end - start) + "\n";
    at = end;
  }
  return out;
}

std::unique_ptr<RawWs> connect(const ServerProcess& server, const TestUser& u) {
  auto ws = std::make_unique<RawWs>(server.port(), u.token);
  EXPECT_TRUE(ws->recv_type("hello"));
  return ws;
}

TEST(Limits, query_frames_are_rate_limited_per_user_across_connections) {
  ServerProcess server({"limits.queries_per_s=0.5", "limits.query_burst=6"});
  auto u = make_users(server, 1);
  auto one = connect(server, u[0]);
  auto two = connect(server, u[0]);
  int answered = 0, limited = 0;
  for (int i = 0; i < 5; ++i) {
    for (RawWs* ws : {one.get(), two.get()}) {
      ws->send(R"({"type":"chat_info","chat":424242})");
      auto f = ws->recv_type("error");
      ASSERT_TRUE(f);
      if (f->at("code") == "rate_limited") {
        ++limited;
        EXPECT_GT(f->at("retry_after_ms").as_int64(), 0);
      } else {
        ++answered;
        EXPECT_EQ(f->at("code"), "no_such_chat");
      }
    }
  }
  EXPECT_EQ(answered, 6) << "the burst, shared by the user's connections";
  EXPECT_EQ(limited, 4);
  // Not a protocol error, and other frames go on.
  one->send(R"({"type":"ping"})");
  EXPECT_TRUE(one->recv_type("pong"));
}

TEST(Limits, connections_are_capped_per_user_and_per_address) {
  ServerProcess server({"limits.connections_per_user=3", "limits.connections_per_ip=5"});
  auto u = make_users(server, 2);
  std::vector<std::unique_ptr<RawWs>> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect(server, u[0]));
  {
    RawWs fourth(server.port(), u[0].token);
    auto e = fourth.recv_type("error");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("code"), "too_many_connections");
    EXPECT_EQ(fourth.wait_closed(), 1008);
  }
  // A connection's place is given back when the server has seen it close: try until then
  // (up to 10 s, however loaded the machine).
  auto admitted = [&](const TestUser& who) {
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10); std::chrono::steady_clock::now() < until;) {
      auto ws = std::make_unique<RawWs>(server.port(), who.token);
      auto f = ws->recv();
      if (f && f->at("type") == "hello") return ws;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::unique_ptr<RawWs>();
  };
  held.pop_back();  // a closed connection frees its place
  held.push_back(admitted(u[0]));
  ASSERT_TRUE(held.back());
  // Five from this address (127.0.0.1) in all, whoever's they are.
  held.push_back(admitted(u[1]));
  held.push_back(admitted(u[1]));
  ASSERT_TRUE(held.back());
  RawWs sixth(server.port(), u[1].token);
  auto e = sixth.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "too_many_connections");
}

// 300 stalled members of a group could hold 300 x max_queue_bytes; the node's budget cuts
// off the slowest readers first, and the members who read lose nothing.
TEST(Limits, the_output_budget_cuts_off_the_slowest_readers_first) {
  ServerProcess server({"server.max_queue_bytes=4194304", "server.max_output_bytes=6291456",
                        "limits.send_rate_per_s=100000", "limits.send_burst=100000"});
  auto u = make_users(server, 4);  // a sends; b and c never read; d reads
  auto wa = connect(server, u[0]);
  wa->send(json::serialize(json::object{
      {"type", "create"}, {"id", "g"}, {"kind", "group"}, {"name", "load"},
      {"members", json::array{u[1].user, u[2].user, u[3].user}}}));
  auto done = wa->recv_type("done");
  ASSERT_TRUE(done);
  std::int64_t group = done->at("chat").as_int64();
  auto wb = connect(server, u[1]);
  auto wc = connect(server, u[2]);
  auto wd = connect(server, u[3]);
  for (RawWs* ws : {wb.get(), wc.get(), wd.get()}) ws->send(R"({"type":"sync"})");  // live from here on
  const std::string text(4000, 'x');
  constexpr int kMessages = 3000;  // 12 MB to each member
  int acked = 0, read_by_d = 0;
  for (int i = 0; i < kMessages; ++i) {
    wa->send(json::serialize(json::object{{"type", "send"}, {"id", "m" + std::to_string(i)}, {"chat", group}, {"text", text}}));
    if (i % 50 == 49) {  // a and d keep reading
      while (acked < i + 1 - 50) acked += wa->recv_type("ack") ? 1 : 0;
      while (read_by_d < i + 1 - 50) {
        auto f = wd->recv_type("msg");
        ASSERT_TRUE(f) << "d, who reads, lost its connection after " << read_by_d << " messages; the server said:\n"
                       << cut_lines(server.log());
        read_by_d += f->at("text").as_string().size() == text.size();
      }
    }
  }
  while (read_by_d < kMessages) {
    auto f = wd->recv_type("msg");
    ASSERT_TRUE(f);
    read_by_d += f->at("text").as_string().size() == text.size();
  }
  EXPECT_EQ(read_by_d, kMessages);
  auto metrics = client::http_call(server.endpoint(), "GET", "/metrics");
  EXPECT_EQ(metrics.body.find("parley_slow_consumers_total 0\n"), std::string::npos) << "someone was cut off";
  EXPECT_NE(server.log().find("of the node's output budget"), std::string::npos) << "by the budget";
  EXPECT_TRUE(message_round_trip(server, u[0], u[3]));
}

}  // namespace
}  // namespace parley::testing
