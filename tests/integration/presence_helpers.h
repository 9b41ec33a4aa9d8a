// Helpers of the presence and privacy tests: a server with a short online threshold and a
// controllable clock, sessions, and what a watcher has seen of a user.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parley/http.h"
#include "parley/session.h"
#include "support/server_process.h"

namespace parley::testing {

using client::EventLog;
using client::Presence;
using client::Session;

inline std::vector<std::string> presence_config(std::vector<std::string> extra = {}) {
  std::vector<std::string> o = {"presence.online_threshold_ms=1000", "presence.heartbeat_ms=300",
                                "presence.typing_timeout_ms=800", "testing.clock_control=true"};
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

inline client::Options opts(const ServerProcess& s, const TestUser& u, bool foreground = false) {
  client::Options o;
  o.server = s.endpoint();
  o.token = u.token;
  o.foreground = foreground;
  return o;
}

// Views of `user` this device received, in order.
inline std::vector<Presence> views_of(const EventLog& l, std::int64_t user) {
  std::vector<Presence> out;
  for (const auto& p : l.presence)
    if (p.user == user) out.push_back(p);
  return out;
}

// The views as text, for failure messages: "online@<last_seen> offline@<last_seen> ...".
inline std::string describe(const std::vector<Presence>& views) {
  std::string out;
  for (const auto& v : views)
    out += std::string(!v.visible ? "hidden" : v.online ? "online" : "offline") + "@" + std::to_string(v.last_seen) + " ";
  return out;
}

inline std::optional<Presence> last_view(const EventLog& l, std::int64_t user) {
  auto v = views_of(l, user);
  if (v.empty()) return std::nullopt;
  return v.back();
}

inline bool last_is(Session& s, std::int64_t user, const std::function<bool(const Presence&)>& pred, int timeout_ms = 10000) {
  return s.wait([&](const EventLog& l) {
    auto v = last_view(l, user);
    return v && pred(*v);
  }, timeout_ms);
}

inline bool is_online(const Presence& p) { return p.visible && p.online; }
inline bool is_offline(const Presence& p) { return p.visible && !p.online; }
inline bool is_hidden(const Presence& p) { return !p.visible; }

inline void advance_clock(const ServerProcess& s, int ms) {
  auto r = client::http_call(s.endpoint(), "POST", "/v1/admin/clock",
                             "{\"advance_ms\":" + std::to_string(ms) + "}", kAdminSecret);
  ASSERT_TRUE(r.ok()) << r.error;
}

// One message from `from` to `to` in their one-to-one chat; returns the chat id.
inline std::int64_t write_to(const ServerProcess& s, const TestUser& from, const TestUser& to) {
  Session sa(opts(s, from));
  sa.send_to_user(to.user, "hi");
  EXPECT_TRUE(sa.wait([](const EventLog& l) { return !l.acks.empty(); }));
  return sa.snapshot().acks.at(0).chat;
}

// A one-to-one chat in which both have written: a and b are each other's contacts.
inline std::int64_t make_contacts(const ServerProcess& s, const TestUser& a, const TestUser& b) {
  auto chat = write_to(s, a, b);
  write_to(s, b, a);
  return chat;
}

inline void set_privacy(const ServerProcess& s, const TestUser& u, const std::string& v) {
  Session su(opts(s, u));
  su.connection().privacy(v);
  ASSERT_TRUE(su.wait([&](const EventLog& l) { return !l.privacy.empty() && l.privacy.back() == v; }));
}

}  // namespace parley::testing
