// Sign-in by phone and code, tokens and devices, against a real parleyd; and the browser
// client's static files (caching and security headers).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "parley/http.h"
#include "support/raw_ws.h"
#include "support/server_process.h"
#include "support/webhook_sink.h"

namespace parley::testing {
namespace {

namespace json = boost::json;
using client::http_call;

struct AuthFixture : ::testing::Test {
  WebhookSink sink;
  std::unique_ptr<ServerProcess> server;
  void SetUp() override {
    server = std::make_unique<ServerProcess>(std::vector<std::string>{
        "auth.code_sender=webhook", "auth.webhook_url=" + sink.url(), "testing.clock_control=true",
        "auth.codes_per_phone_per_hour=3", "auth.requests_per_ip_per_minute=1000"});
  }
  client::HttpResult request_code(const std::string& phone) {
    return http_call(server->endpoint(), "POST", "/v1/auth/code", json::serialize(json::object{{"phone", phone}}));
  }
  client::HttpResult verify(const std::string& phone, const std::string& code) {
    return http_call(server->endpoint(), "POST", "/v1/auth/verify",
                     json::serialize(json::object{{"phone", phone}, {"code", code}, {"device_name", "test phone"}}));
  }
};

TEST_F(AuthFixture, sign_in_with_code_from_webhook_returns_working_token) {
  auto r = request_code("+44 20 7946 0958");
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.json.at("phone").as_string(), "+442079460958");
  auto code = sink.take_code("+442079460958");
  ASSERT_EQ(code.size(), 6u);
  auto v = verify("+442079460958", code);
  ASSERT_TRUE(v.ok()) << v.body;
  std::string token(v.json.at("token").as_string());
  EXPECT_GE(token.size(), 43u);  // 256 bits, base64url
  auto me = http_call(server->endpoint(), "GET", "/v1/me", {}, token);
  ASSERT_TRUE(me.ok()) << me.body;
  EXPECT_EQ(me.json.at("user").as_int64(), v.json.at("user").as_int64());
  // The code is single-use.
  EXPECT_EQ(verify("+442079460958", code).error_code(), "code_invalid");
}

TEST_F(AuthFixture, national_numbers_use_the_default_region_and_bad_numbers_are_refused) {
  auto r = request_code("(415) 555-2671");  // default region US
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.json.at("phone").as_string(), "+14155552671");
  auto bad = request_code("12");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code(), "bad_phone");
}

TEST_F(AuthFixture, expired_code_is_refused) {
  ASSERT_TRUE(request_code("+14155552672").ok());
  auto code = sink.take_code("+14155552672");
  auto adv = http_call(server->endpoint(), "POST", "/v1/admin/clock", R"({"advance_ms":301000})", kAdminSecret);
  ASSERT_TRUE(adv.ok()) << adv.body;
  auto v = verify("+14155552672", code);
  EXPECT_EQ(v.status, 401);
  EXPECT_EQ(v.error_code(), "code_expired");
}

TEST_F(AuthFixture, wrong_code_is_refused_and_attempts_are_limited) {
  ASSERT_TRUE(request_code("+14155552673").ok());
  auto code = sink.take_code("+14155552673");
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(verify("+14155552673", wrong).error_code(), "code_invalid");
  // Five failures burn the code: even the right one no longer works.
  EXPECT_EQ(verify("+14155552673", code).error_code(), "too_many_attempts");
}

TEST_F(AuthFixture, code_requests_are_rate_limited_per_phone) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(request_code("+14155552674").ok());
  auto r = request_code("+14155552674");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.error_code(), "rate_limited");
  EXPECT_TRUE(request_code("+14155552675").ok());  // another phone is unaffected
}

TEST_F(AuthFixture, revoked_device_is_closed_and_its_token_refused) {
  auto users = make_users(*server, 1);
  auto second = add_device(*server, users[0].phone, "laptop");
  RawWs live(server->port(), second.token);
  ASSERT_TRUE(live.recv_type("hello"));
  auto list = http_call(server->endpoint(), "GET", "/v1/devices", {}, users[0].token);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.json.at("devices").as_array().size(), 2u);

  auto del = http_call(server->endpoint(), "DELETE", "/v1/devices/" + std::to_string(second.device), {}, users[0].token);
  ASSERT_TRUE(del.ok()) << del.body;
  auto err = live.recv_type("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("code"), "unauthorized");
  EXPECT_EQ(live.wait_closed(), 4001);

  RawWs again(server->port(), second.token);
  auto e2 = again.recv_type("error");
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->at("code"), "unauthorized");
  EXPECT_EQ(again.wait_closed(), 4001);
  EXPECT_EQ(http_call(server->endpoint(), "GET", "/v1/me", {}, second.token).status, 401);
  EXPECT_EQ(http_call(server->endpoint(), "GET", "/v1/devices", {}, users[0].token).json.at("devices").as_array().size(), 1u);
}

TEST_F(AuthFixture, token_in_first_frame_authenticates_and_garbage_token_is_refused) {
  auto users = make_users(*server, 1);
  RawWs ws(server->port());
  ws.send(json::serialize(json::object{{"type", "auth"}, {"token", users[0].token}}));
  auto hello = ws.recv_type("hello");
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("user").as_int64(), users[0].user);

  RawWs bad(server->port());
  bad.send(R"({"type":"auth","token":"not-a-token"})");
  auto e = bad.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code"), "unauthorized");
  EXPECT_EQ(bad.wait_closed(), 4001);
}

TEST_F(AuthFixture, admin_endpoints_need_the_secret) {
  auto r = http_call(server->endpoint(), "POST", "/v1/admin/users", R"({"phones":["+14155552676"]})", "wrong-secret");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(http_call(server->endpoint(), "GET", "/v1/devices").status, 401);
}

TEST_F(AuthFixture, contact_lookup_answers_which_numbers_are_registered) {
  auto users = make_users(*server, 1);
  auto r = http_call(server->endpoint(), "POST", "/v1/contacts/lookup",
                     json::serialize(json::object{{"phones", json::array{json::string(users[0].phone), "+14155552677", 5}}}),
                     users[0].token);
  ASSERT_TRUE(r.ok()) << r.body;
  auto& found = r.json.at("users").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("user").as_int64(), users[0].user);
}

// A GET that keeps the response headers (client::http_call returns only the body).
boost::beast::http::response<boost::beast::http::string_body> get(const ServerProcess& server, const std::string& target) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(boost::asio::ip::tcp::resolver(ioc).resolve("127.0.0.1", std::to_string(server.port())));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return res;
}

TEST(StaticFiles, hashed_assets_are_immutable_other_files_revalidate_and_all_carry_the_csp) {
  char tmpl[] = "/tmp/parley-web-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path root = tmpl;
  std::filesystem::create_directory(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><script type=module src=/assets/app-abc123.js></script>";
  std::ofstream(root / "assets" / "app-abc123.js") << "console.log('hi')";
  std::ofstream(root / "favicon.ico") << "ico";
  std::ofstream(root / "manifest.webmanifest") << "{}";
  {
    ServerProcess server({"server.web_root=" + root.string()});
    const std::string csp =
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    struct Case {
      std::string target, type, cache;
    };
    for (const auto& c : std::vector<Case>{
             {"/", "text/html; charset=utf-8", "no-cache"},
             {"/index.html", "text/html; charset=utf-8", "no-cache"},
             {"/assets/app-abc123.js", "text/javascript", "public, max-age=31536000, immutable"},
             {"/favicon.ico", "image/x-icon", "no-cache"},
             {"/manifest.webmanifest", "application/manifest+json", "no-cache"},
             // The app's own addresses (a chat, a room invite link) are the app's page.
             {"/chat/42", "text/html; charset=utf-8", "no-cache"},
             {"/join/Ab3_x-9", "text/html; charset=utf-8", "no-cache"}}) {
      SCOPED_TRACE(c.target);
      auto res = get(server, c.target);
      EXPECT_EQ(res.result_int(), 200);
      EXPECT_EQ(res["Content-Type"], c.type);
      EXPECT_EQ(res["Cache-Control"], c.cache);
      EXPECT_EQ(res["Content-Security-Policy"], csp);
      EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    }
    // A missing asset is not cached: the next build may bring it.
    auto missing = get(server, "/assets/app-def456.js");
    EXPECT_EQ(missing.result_int(), 404);
    EXPECT_EQ(get(server, "/assets").result_int(), 404) << "a directory is not a file";
    for (const char* other : {"/chat/", "/chat/4x", "/chat/1/2", "/join/a.b", "/join/", "/other"})
      EXPECT_EQ(get(server, other).result_int(), 404) << other << " is neither a file nor a page of the app";
    EXPECT_EQ(missing["Cache-Control"], "no-store");
  }
  std::filesystem::remove_all(root);
}

TEST(StaticFiles, parleyd_starts_without_the_browser_build_and_says_so) {
  char tmpl[] = "/tmp/parley-web-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);  // a web root without index.html: the build is absent
  {
    ServerProcess server({std::string("server.web_root=") + tmpl});
    auto res = get(server, "/");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_NE(res.body().find("browser client is not installed"), std::string::npos) << res.body();
    EXPECT_NE(server.log().find("browser client not found at"), std::string::npos) << server.log();
    EXPECT_EQ(get(server, "/healthz").result_int(), 200);
  }
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace parley::testing
