#include "support/raw_requests.h"

#include <gtest/gtest.h>

namespace parley::testing {

namespace json = boost::json;

Headers auth(const TestUser& u, Headers more) {
  more.emplace_back("Authorization", "Bearer " + u.token);
  return more;
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

RawHttp get(const ServerProcess& s, const TestUser& u, const std::string& path, Headers more) {
  return http_raw(s.port(), "GET", path, auth(u, std::move(more)));
}

RawHttp call(const ServerProcess& s, const TestUser& u, const std::string& method, const std::string& path,
             const std::string& body) {
  Headers h = auth(u);
  if (!body.empty()) h.emplace_back("Content-Type", "application/json");
  return http_raw(s.port(), method, path, h, body);
}

json::object body_of(const RawHttp& r) {
  json::error_code ec;
  auto v = json::parse(r.body, ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

std::unique_ptr<RawWs> connect(const ServerProcess& s, const TestUser& u) {
  auto ws = std::make_unique<RawWs>(s.port(), u.token);
  EXPECT_TRUE(ws->recv_type("hello"));
  ws->send(R"({"type":"sync"})");  // live updates follow the catch-up
  EXPECT_TRUE(ws->recv_type("synced"));
  return ws;
}

json::object request(RawWs& ws, json::object frame) {
  std::string id(frame.at("id").as_string());
  ws.send(json::serialize(frame));
  std::vector<json::value> others;  // put back for whoever reads next, in order
  json::object answer;
  for (int i = 0; i < 200; ++i) {
    auto f = ws.recv();
    if (!f) break;
    const auto& o = f->as_object();
    auto type = str(o, "type");
    if ((type == "ack" || type == "done" || type == "error") && str(o, "id") == id) {
      answer = o;
      break;
    }
    others.push_back(std::move(*f));
  }
  for (auto& f : others) ws.put_back(std::move(f));
  if (answer.empty()) ADD_FAILURE() << "no answer to " << id;
  return answer;
}

std::optional<json::object> next_about(RawWs& ws, const std::string& type, std::int64_t chat, std::int64_t seq) {
  for (int i = 0; i < 200; ++i) {
    auto f = ws.recv_type(type);
    if (!f) return std::nullopt;
    const auto& o = f->as_object();
    if (o.at("chat").as_int64() == chat && o.at("seq").as_int64() == seq) return o;
  }
  return std::nullopt;
}

void advance_clock(const ServerProcess& s, std::int64_t ms) {
  auto r = http_raw(s.port(), "POST", "/v1/admin/clock", {{"Authorization", std::string("Bearer ") + kAdminSecret}},
                    R"({"advance_ms":)" + std::to_string(ms) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
}

}  // namespace parley::testing
