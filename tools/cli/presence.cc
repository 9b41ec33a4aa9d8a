// The presence commands: presence (a user's online state or last seen, once or followed),
// privacy (who sees yours, and your profile) and typing (tell a chat's other members).
#include <string>
#include <utility>

#include "cli/commands.h"
#include "cli/render.h"
#include "parley/session.h"

namespace parley::cli {

int cmd_presence(Context& c, const std::string& who, bool follow) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t user = 0;
  if (int rc = resolve_user(c, who, user)) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;  // watching only: no messages are fetched or acknowledged
  opts.reconnect = follow;
  client::Session::Callbacks cb;
  cb.on_presence = [&](const client::Presence& p) {
    if (p.user == user) print_presence(p, follow);
  };
  client::Session s(opts, std::move(cb));
  s.connection().subscribe_presence({user});
  bool got = s.wait([&](const client::EventLog& l) {
    return !l.presence.empty() || !l.errors.empty() || (l.disconnects > 0 && l.connects == 0);
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors)
    return fail(e.code == "no_such_user" ? "user " + std::to_string(user) + " does not exist" : e.code + ": " + e.message);
  if (!got || log.presence.empty())
    return fail(log.connects == 0 ? cannot_connect(c) : "no answer from the server in 15 s");
  if (!follow) return 0;
  stop_on_signals();
  while (!stop_requested()) {
    s.wait([](const client::EventLog& l) { return !l.errors.empty() && l.errors.back().code == "unauthorized"; }, 200);
    auto now = s.snapshot();
    if (!now.errors.empty() && now.errors.back().code == "unauthorized") return fail("this device was signed out");
  }
  return 0;
}

int cmd_privacy(Context& c, const client::PrivacySettings& change) {
  if (int rc = c.signed_in()) return rc;
  client::Session s(one_shot_options(c));
  s.connection().privacy(change);
  bool got = s.wait([&](const client::EventLog& l) {
    return !l.privacy_settings.empty() || !l.errors.empty() || (l.disconnects > 0 && l.connects == 0);
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors) return fail(e.code + ": " + e.message);
  if (!got || log.privacy_settings.empty()) return fail(cannot_connect(c));
  print_privacy(log.privacy_settings.back());
  return 0;
}

int cmd_typing(Context& c, std::int64_t chat, bool stop) {
  if (int rc = c.signed_in()) return rc;
  client::Session s(one_shot_options(c));
  if (!s.wait([](const client::EventLog& l) { return l.connects > 0 || l.disconnects > 0; }, 15000) ||
      s.snapshot().connects == 0)
    return fail(cannot_connect(c));
  s.connection().set_typing(chat, !stop);
  s.connection().send_raw(R"({"type":"ping"})");  // its pong means the typing frame was handled
  s.wait([](const client::EventLog& l) {
    if (!l.errors.empty()) return true;
    for (const auto& f : l.frames)
      if (f.find("\"pong\"") != std::string::npos) return true;
    return false;
  }, 15000);
  for (auto& e : s.snapshot().errors) return fail(e.code + ": " + e.message);
  print_typing_sent(chat, stop);
  return 0;
}

}  // namespace parley::cli
