// Safe defaults for production (issue 14 item 8), against a real parleyd on both stores:
// operators' routes on an internal listener, and devices signed out after long disuse.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "parley/http.h"
#include "support/raw_ws.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

TEST(Safety, metrics_and_admin_routes_are_served_only_on_the_admin_listener) {
  unsigned short admin = free_port();
  ServerProcess server({"server.admin_listen=127.0.0.1:" + std::to_string(admin)});
  client::Endpoint internal{"127.0.0.1", std::to_string(admin)};
  auto users = make_users(server, 1);  // through the admin listener (ServerProcess::admin_endpoint)
  // The public listener: the API, but not the operators' routes.
  EXPECT_EQ(client::http_call(server.endpoint(), "GET", "/metrics").status, 404);
  EXPECT_EQ(client::http_call(server.endpoint(), "POST", "/v1/admin/clock", R"({"advance_ms":1})", kAdminSecret).status,
            404);
  EXPECT_EQ(client::http_call(server.endpoint(), "GET", "/healthz").status, 200);
  EXPECT_EQ(client::http_call(server.endpoint(), "GET", "/v1/me", {}, users[0].token).status, 200);
  // The admin listener: the operators' routes and health, nothing else.
  auto metrics = client::http_call(internal, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("parley_connections_open"), std::string::npos);
  EXPECT_EQ(client::http_call(internal, "GET", "/readyz").status, 200);
  EXPECT_EQ(client::http_call(internal, "GET", "/v1/me", {}, users[0].token).status, 404);
  EXPECT_EQ(client::http_call(internal, "GET", "/").status, 404);
  EXPECT_THROW(RawWs(admin, users[0].token), std::exception) << "no WebSocket on the admin listener";
}

TEST(Safety, a_device_unused_for_the_idle_limit_is_signed_out_and_one_in_use_is_not) {
  ServerProcess server({"testing.clock_control=true", "auth.device_idle_days=2"});
  auto users = make_users(server, 2);
  auto advance_hours = [&](int hours) {
    auto r = client::http_call(server.endpoint(), "POST", "/v1/admin/clock",
                               "{\"advance_ms\":" + std::to_string(hours * 3'600'000LL) + "}", kAdminSecret);
    ASSERT_TRUE(r.ok()) << r.body;
  };
  auto me = [&](const TestUser& u) { return client::http_call(server.endpoint(), "GET", "/v1/me", {}, u.token); };
  // users[0] connects every day and a half; users[1] never comes back.
  for (int i = 0; i < 3; ++i) {
    {
      RawWs ws(server.port(), users[0].token);
      ASSERT_TRUE(ws.recv_type("hello"));
      ws.send(R"({"type":"ping"})");
      ASSERT_TRUE(ws.recv_type("pong"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the connect's use is written
    advance_hours(36);
  }
  EXPECT_EQ(me(users[0]).status, 200) << "in use: still signed in after 4.5 days";
  auto gone = me(users[1]);
  EXPECT_EQ(gone.status, 401);
  EXPECT_NE(gone.body.find("without use"), std::string::npos) << gone.body;
  RawWs ws(server.port(), users[1].token);
  auto e = ws.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "unauthorized");
}

}  // namespace
}  // namespace parley::testing
