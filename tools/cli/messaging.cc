// The messaging commands: send (one message, waits for its ack), listen (prints messages,
// their changes, receipts, typing, and changes of profiles, contacts, blocks and chat
// settings as they come, saves the sync position) and chats (the chat list).
#include <iostream>
#include <map>
#include <utility>

#include "cli/commands.h"
#include "cli/render.h"
#include "cli/render_people.h"
#include "parley/session.h"

namespace parley::cli {

int cmd_send(Context& c, const std::string& who, std::int64_t chat, const std::string& text) {
  if (int rc = c.signed_in()) return rc;
  if (who.empty() == (chat == 0)) return fail("name a recipient (phone or user id) or --chat ID, not both");
  std::int64_t to = 0;
  if (chat == 0)
    if (int rc = resolve_user(c, who, to)) return rc;
  client::Session s(one_shot_options(c));
  return await_sent(c, s, chat ? s.send_to_chat(chat, text) : s.send_to_user(to, text));
}

int await_sent(Context& c, client::Session& s, const std::string& id) {
  bool done = s.wait([&](const client::EventLog& l) {
    for (auto& a : l.acks) if (a.id == id) return true;
    for (auto& e : l.errors) if (e.id == id || e.code == "unauthorized") return true;
    return l.disconnects > 0 && l.connects == 0;
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors) return fail(e.code + ": " + e.message);
  for (auto& a : log.acks)
    if (a.id == id) {
      print_sent(a);
      return 0;
    }
  return fail(done ? cannot_connect(c) : "no answer from the server in 15 s");
}

int cmd_listen(Context& c, bool once, bool active) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.foreground = active;
  // The messages seen so far, for the quotes of replies (bounded: forgotten past kSeen).
  // Declared before the session, which calls back until it ends.
  constexpr std::size_t kSeen = 10000;
  std::map<std::pair<std::int64_t, std::int64_t>, client::Message> seen;
  auto quoted = [&](const client::Message& m) -> const client::Message* {
    auto it = m.reply_to > 0 ? seen.find({m.chat, m.reply_to}) : seen.end();
    return it == seen.end() ? nullptr : &it->second;
  };
  auto keep = [&](const client::Message& m) {
    if (seen.size() >= kSeen) seen.clear();
    seen[{m.chat, m.seq}] = m;
  };
  client::Session::Callbacks cb;
  cb.on_typing = [](const client::Typing& t) { print_typing(t); };
  cb.on_message = [&](const client::Message& m) {
    print_message(m, c.profile.user, quoted(m));
    keep(m);
  };
  cb.on_changed = [&](const client::Message& m) {
    print_change(m, c.profile.user, quoted(m));
    keep(m);
  };
  cb.on_marked = [](const client::Marked& k) { print_marked(k); };
  cb.on_receipt = [](const client::Receipt& r) { print_receipt(r); };
  cb.on_profile = [](const client::UserProfile& p) { print_profile_changed(p); };
  cb.on_contact = [](const client::ContactChange& k) { print_contact_changed(k); };
  cb.on_blocks = [](const std::vector<std::int64_t>& blocked) { print_blocks_changed(blocked); };
  cb.on_chat_state = [](const client::ChatState& st) { print_chat_state_changed(st); };
  client::Session s(opts, std::move(cb));  // after the callbacks: its first frames may come at once
  stop_on_signals();
  if (!s.wait([](const client::EventLog& l) { return l.synced > 0 || !l.errors.empty(); }, 15000))
    return fail(cannot_connect(c));
  for (auto& e : s.snapshot().errors) return fail(e.code + ": " + e.message);
  while (!stop_requested() && !once) {
    s.wait([](const client::EventLog& l) { return !l.errors.empty() && l.errors.back().code == "unauthorized"; }, 200);
    auto log = s.snapshot();
    if (!log.errors.empty() && log.errors.back().code == "unauthorized") return fail("this device was signed out");
    save_position(c, log.pts);
  }
  save_position(c, s.snapshot().pts);
  return 0;
}

int cmd_chats(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::http_call(c.endpoint, "GET", "/v1/chats", {}, c.profile.token);
  if (!r.ok()) return fail(explain(r));
  print_chats(r.json.at("chats").as_array());
  return 0;
}

}  // namespace parley::cli
