// The commands on a message already sent: reply and forward (sends, waiting for the ack),
// edit, delete, react and star (one request each, waiting for its `done`).
#include "cli/commands.h"
#include "cli/render.h"
#include "parley/session.h"

namespace parley::cli {

namespace {

// Signs in and resolves `chat_ref`; 0, or fail()'s code.
int chat_of(Context& c, const std::string& chat_ref, std::int64_t& chat) {
  if (int rc = c.signed_in()) return rc;
  return resolve_chat(c, chat_ref, chat);
}

// One action on message `seq` of `chat_ref`, printed as `what` once done.
int act(Context& c, const std::string& chat_ref, std::int64_t seq, const std::string& what,
        const std::function<std::string(client::Connection&, std::int64_t chat)>& make) {
  std::int64_t chat = 0;
  if (int rc = chat_of(c, chat_ref, chat)) return rc;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) { return make(cn, chat); }, &d)) return rc;
  print_action(what, chat, seq, d);
  return 0;
}

}  // namespace

int cmd_reply(Context& c, const std::string& chat_ref, std::int64_t seq, const std::string& text) {
  std::int64_t chat = 0;
  if (int rc = chat_of(c, chat_ref, chat)) return rc;
  client::Session s(one_shot_options(c));
  return await_sent(c, s, s.connection().reply(chat, seq, text));
}

int cmd_forward(Context& c, const std::string& chat_ref, std::int64_t seq, const std::string& to) {
  std::int64_t chat = 0, to_user = 0, to_chat = 0;
  if (int rc = chat_of(c, chat_ref, chat)) return rc;
  if (to.starts_with('+')) {
    if (int rc = resolve_user(c, to, to_user)) return rc;
  } else if (int rc = resolve_chat(c, to, to_chat)) {
    return rc;
  }
  client::Session s(one_shot_options(c));
  auto& cn = s.connection();
  return await_sent(c, s, to_user ? cn.forward_to_user(to_user, chat, seq) : cn.forward_to_chat(to_chat, chat, seq));
}

int cmd_edit(Context& c, const std::string& chat_ref, std::int64_t seq, const std::string& text) {
  return act(c, chat_ref, seq, "edited",
             [&](client::Connection& cn, std::int64_t chat) { return cn.edit(chat, seq, text); });
}

int cmd_delete(Context& c, const std::string& chat_ref, std::int64_t seq, bool for_everyone) {
  return act(c, chat_ref, seq, for_everyone ? "deleted for everyone" : "deleted for you",
             [&](client::Connection& cn, std::int64_t chat) { return cn.delete_message(chat, seq, for_everyone); });
}

int cmd_react(Context& c, const std::string& chat_ref, std::int64_t seq, const std::string& emoji) {
  return act(c, chat_ref, seq, emoji.empty() ? "reaction removed" : "reacted " + emoji,
             [&](client::Connection& cn, std::int64_t chat) { return cn.react(chat, seq, emoji); });
}

int cmd_star(Context& c, const std::string& chat_ref, std::int64_t seq, bool starred) {
  return act(c, chat_ref, seq, starred ? "starred" : "unstarred",
             [&](client::Connection& cn, std::int64_t chat) { return cn.star(chat, seq, starred); });
}

}  // namespace parley::cli
