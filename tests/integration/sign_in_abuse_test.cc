// Sign-in under attack (issue 14 item 5): code guessing, locking a victim out, and SMS
// pumping, against a real parleyd on both stores. Codes come from a webhook sink; requests
// come from different loopback addresses (127.0.0.x) to play attacker and victim.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <string>

#include "parley/http.h"
#include "support/server_process.h"
#include "support/webhook_sink.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

// A POST from `source` (a 127.0.0.0/8 address): status and body.
std::pair<int, std::string> post_from(const std::string& source, unsigned short port, const std::string& target,
                                      const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{}, to{};
  from.sin_family = to.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return {0, ""};
  }
  std::string req = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string res;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) res.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (res.size() < 12) return {0, res};
  auto body_at = res.find("\r\n\r\n");
  return {std::stoi(res.substr(9, 3)), body_at == std::string::npos ? "" : res.substr(body_at + 4)};
}

struct SignInAbuse : ::testing::Test {
  WebhookSink sink;
  std::unique_ptr<ServerProcess> server;
  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> o{"auth.code_sender=webhook", "auth.webhook_url=" + sink.url(),
                               "auth.requests_per_ip_per_minute=1000", "auth.codes_per_phone_per_hour=4"};
    o.insert(o.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>(o);
  }
  std::pair<int, std::string> request_code(const std::string& phone, const std::string& from = "127.0.0.1") {
    return post_from(from, server->port(), "/v1/auth/code", json::serialize(json::object{{"phone", phone}}));
  }
  std::pair<int, std::string> verify(const std::string& phone, const std::string& code,
                                     const std::string& from = "127.0.0.1") {
    return post_from(from, server->port(), "/v1/auth/verify",
                     json::serialize(json::object{{"phone", phone}, {"code", code}}));
  }
  static std::string wrong(const std::string& code) { return code == "000000" ? "000001" : "000000"; }
};

TEST_F(SignInAbuse, a_new_code_does_not_reset_the_count_of_wrong_codes) {
  start({"auth.wrong_codes_per_hour=6", "auth.code_max_attempts=4"});
  const std::string phone = "+14155550170";
  int wrong_answers = 0;
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(request_code(phone).first, 200);
    auto code = sink.take_code(phone);
    for (int i = 0; i < 3; ++i) wrong_answers += verify(phone, wrong(code)).first == 401;
  }
  EXPECT_EQ(wrong_answers, 6);
  // Six wrong codes this hour from this network: even a fresh, right code is refused.
  ASSERT_EQ(request_code(phone).first, 200);
  auto code = sink.take_code(phone);
  auto refused = verify(phone, code);
  EXPECT_EQ(refused.first, 429);
  EXPECT_NE(refused.second.find("too_many_attempts"), std::string::npos) << refused.second;
}

TEST_F(SignInAbuse, flooding_a_number_from_elsewhere_does_not_lock_its_owner_out) {
  start({"auth.wrong_codes_per_hour=3"});
  const std::string victim = "+14155550171";
  // The attacker asks for codes until refused, and guesses until refused.
  int codes = 0;
  while (request_code(victim, "127.0.0.66").first == 200 && codes < 20) ++codes;
  EXPECT_EQ(codes, 4) << "codes_per_phone_per_hour per network";
  for (int i = 0; i < 5; ++i) verify(victim, "123456", "127.0.0.66");
  EXPECT_EQ(verify(victim, "123456", "127.0.0.66").first, 429);
  // The owner, on their own network, still gets a code and signs in with it.
  sink.take_code(victim);  // the attacker's last one
  auto asked = request_code(victim, "127.0.0.9");
  ASSERT_EQ(asked.first, 200) << asked.second;
  auto in = verify(victim, sink.take_code(victim), "127.0.0.9");
  EXPECT_EQ(in.first, 200) << in.second;
}

TEST_F(SignInAbuse, the_sms_budget_stops_codes_with_an_alert_and_a_metric) {
  start({"auth.sms_per_hour=4", "auth.sms_per_country_per_hour=2"});
  // Per country: two US numbers, then the third is refused...
  EXPECT_EQ(request_code("+14155550172").first, 200);
  EXPECT_EQ(request_code("+14155550173").first, 200);
  auto pumped = request_code("+14155550174");
  EXPECT_EQ(pumped.first, 503);
  EXPECT_NE(pumped.second.find("unavailable"), std::string::npos);
  // ...while other countries still get theirs, until the total budget is spent.
  EXPECT_EQ(request_code("+442079460958").first, 200);
  EXPECT_EQ(request_code("+493012345678").first, 200);
  EXPECT_EQ(request_code("+33142685300").first, 503) << "four codes this hour in total";
  auto metrics = client::http_call(server->endpoint(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("parley_sms_budget_refusals_total 2"), std::string::npos);
  EXPECT_NE(metrics.body.find("parley_codes_sent_total 4"), std::string::npos);
  EXPECT_NE(server->log().find("ALERT"), std::string::npos);
}

}  // namespace
}  // namespace parley::testing
