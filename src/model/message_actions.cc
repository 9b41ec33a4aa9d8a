// What a member may do to a message already sent (see message_actions.h).
#include "model/message_actions.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "core/encoding.h"

namespace parley::message_actions {

namespace json = boost::json;

namespace {

Status no_such_message() { return Status(Code::kNoSuchMessage, "no such message"); }

bool personal(ActionOp op) { return op == ActionOp::kDeleteForMe || op == ActionOp::kStar || op == ActionOp::kUnstar; }

// The rules of one shared action on a message the actor may read, before anything is written.
Status allowed(const MessageAction& a, const Message& m, const Reader& r, ChatKind kind, TimeMs now) {
  if (!r.member) return Status(Code::kNotMember, "no longer a member of this chat");
  if (!m.system.empty()) return Status(Code::kForbidden, "a system message cannot be changed");
  switch (a.op) {
    case ActionOp::kEdit:
      if (m.sender != a.actor) return Status(Code::kForbidden, "only its sender may edit a message");
      if (now - m.ts > a.edit_window_ms) return Status(Code::kTooLate, "too late to edit this message");
      if (a.value.empty() && m.media.empty()) return Status(Code::kInvalid, "a message needs text");
      return Status::Ok();
    case ActionOp::kDeleteForEveryone:
      // Group and room admins may delete anyone's message, any time; senders their own, for a while.
      if (kind != ChatKind::kDirect && r.role == Role::kAdmin) return Status::Ok();
      if (m.sender != a.actor) return Status(Code::kForbidden, "only its sender or an admin may delete a message for everyone");
      if (now - m.ts > a.delete_window_ms) return Status(Code::kTooLate, "too late to delete this message for everyone");
      return Status::Ok();
    case ActionOp::kReact:
      if (!a.value.empty() && !is_reaction(a.value)) return Status(Code::kInvalid, "a reaction is one emoji");
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

}  // namespace

Result<Message> quotable(std::optional<Reader> reader, std::optional<Message> m) {
  if (!reader || !m || m->seq <= reader->after || m->seq > reader->until || m->deleted != 0 || !m->system.empty())
    return no_such_message();
  return std::move(*m);
}

Result<ActionResult> act(ActionTx& tx, const MessageAction& a) {
  auto kind = tx.kind(a.chat);
  auto reader = tx.reader(a.chat, a.actor);
  if (!kind || !reader) return no_such_message();  // a chat one is not in is not told apart
  auto found = tx.message(a.chat, a.seq);
  if (!found || found->seq <= reader->after || found->seq > reader->until || found->deleted == kExpired)
    return no_such_message();
  ActionResult r;
  r.kind = *kind;
  r.message = std::move(*found);
  Message& m = r.message;

  if (personal(a.op)) {
    r.personal = true;
    if (a.op != ActionOp::kDeleteForMe && (m.deleted != 0 || !m.system.empty()))
      return Status(Code::kForbidden, "only messages can be starred");
    r.changed = tx.mark(a.actor, a.chat, a.seq, a.op);
    m.starred = a.op == ActionOp::kStar;
    r.hidden = a.op == ActionOp::kDeleteForMe;
    if (r.changed)
      r.deliveries = tx.log({a.actor}, a.chat, a.seq, UpdateKind::kMarked, a.op == ActionOp::kStar,
                            a.op == ActionOp::kDeleteForMe);
    return r;
  }
  if (m.deleted != 0) {  // a tombstone: deleting it again changes nothing; nothing else applies
    if (a.op == ActionOp::kDeleteForEveryone) return r;
    return Status(Code::kForbidden, "the message was deleted");
  }
  const TimeMs now = tx.now();
  if (Status st = allowed(a, m, *reader, *kind, now); !st.ok()) return st;
  switch (a.op) {
    case ActionOp::kEdit:
      if (a.value == m.text) return r;
      tx.set_text(m, a.value, now);
      m.text = a.value;
      m.edited_at = now;
      break;
    case ActionOp::kDeleteForEveryone:
      tx.remove_content(m, a.actor.value);
      m.text.clear();
      m.media.clear();
      m.reactions.clear();
      m.deleted = a.actor.value;
      break;
    case ActionOp::kReact: {
      if (!tx.set_reaction(a.chat, a.seq, a.actor, a.value)) return r;
      m.reactions = reactions_json(tx.reactions(a.chat, a.seq), *kind != ChatKind::kRoom);
      tx.set_reactions_summary(a.chat, a.seq, m.reactions);
      break;
    }
    default:
      return Status(Code::kInvalid, "unknown action");
  }
  r.changed = true;
  if (*kind != ChatKind::kRoom) r.deliveries = tx.log(tx.readers(a.chat, a.seq), a.chat, a.seq, UpdateKind::kChanged, false, false);
  return r;
}

Result<ActionResult> expire(ActionTx& tx, ChatId chat, Seq seq) {
  ActionResult r;
  auto kind = tx.kind(chat);
  auto found = tx.message(chat, seq);
  if (!kind || !found || found->deleted != 0) return r;
  r.kind = *kind;
  r.message = std::move(*found);
  Message& m = r.message;
  tx.remove_content(m, kExpired);
  m.text.clear();
  m.media.clear();
  m.reactions.clear();
  m.deleted = kExpired;
  r.changed = true;
  if (r.kind != ChatKind::kRoom) r.deliveries = tx.log(tx.readers(chat, seq), chat, seq, UpdateKind::kChanged, false, false);
  return r;
}

std::string reactions_json(const std::vector<std::pair<std::string, UserId>>& rows, bool with_users) {
  if (rows.empty()) return {};
  std::vector<std::string> order;
  std::map<std::string, json::array> users;
  for (const auto& [emoji, user] : rows) {
    auto [it, fresh] = users.try_emplace(emoji);
    if (fresh) order.push_back(emoji);
    it->second.push_back(user.value);
  }
  json::array out;
  for (const auto& emoji : order) {
    json::object o;
    o["emoji"] = emoji;
    o["count"] = users[emoji].size();
    if (with_users) o["users"] = std::move(users[emoji]);
    out.push_back(std::move(o));
  }
  return json::serialize(out);
}

bool is_reaction(std::string_view emoji) {
  if (emoji.empty() || emoji.size() > 32 || !valid_utf8(emoji) || utf8_length(emoji) > 10) return false;
  // ASCII only inside keycaps (1️⃣, #️⃣, *️⃣), and never alone.
  bool wide = false;
  for (char c : emoji) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) wide = true;
    else if (!(u >= '0' && u <= '9') && u != '#' && u != '*') return false;
  }
  return wide;
}

}  // namespace parley::message_actions
