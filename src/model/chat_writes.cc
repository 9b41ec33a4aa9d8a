// Creating and changing a group or room, for every store (see chat_writes.h).
#include "model/chat_writes.h"

#include <algorithm>

#include <boost/json.hpp>

#include "model/media_object.h"
#include "model/membership.h"

namespace parley::chat_writes {

namespace {

ChangeResult resent(const Message& original, ChatKind kind) {
  ChangeResult r;
  r.chat = original.chat;
  r.kind = kind;
  r.message = AppendResult{original, true, {}, kind, {}, 0, 0, {}};
  return r;
}

Status used_before() { return Status(Code::kInvalid, "this request id was used before"); }
Status no_such_media() { return Status(Code::kNoSuchMedia, "no such media (upload it first)"); }

}  // namespace

namespace {

// A forward is the message it copies: its text and its media (by id, with its name).
Result<NewMessage> forwarded_copy(AppendTx& tx, const NewMessage& m, std::int64_t& hops) {
  auto [chat, seq] = *m.forward;
  auto source = message_actions::quotable(tx.reader(chat, m.sender), tx.message(chat, seq));
  if (!source) return source.status();
  NewMessage copy = m;
  copy.text = source->text;
  copy.forward.reset();
  if (!source->media.empty()) {
    boost::json::error_code ec;
    auto media = boost::json::parse(source->media, ec);  // written by this server
    if (ec || !media.is_object()) return Status(Code::kInternal, "a stored media object does not parse");
    const auto& o = media.as_object();
    if (const auto* id = o.if_contains("id"); id && id->is_string()) copy.media_id = id->as_string().c_str();
    if (const auto* name = o.if_contains("name"); name && name->is_string()) copy.media_name = name->as_string().c_str();
  }
  hops = source->forwarded + 1;
  return copy;
}

}  // namespace

Result<AppendResult> append(AppendTx& tx, const NewMessage& in) {
  std::int64_t hops = 0;
  std::optional<NewMessage> copy;
  if (in.forward) {
    auto c = forwarded_copy(tx, in, hops);
    if (!c) return c.status();
    copy = std::move(*c);
  }
  const NewMessage& m = copy ? *copy : in;
  auto chat_id = tx.chat_of(m);
  if (!chat_id) return chat_id.status();
  const ChatId chat = *chat_id;
  auto row = tx.chat(chat);
  if (!row) return Status(Code::kNoSuchChat, "no such chat");
  const std::vector<UserId>* members = nullptr;
  Status allowed = Status::Ok();
  if (row->kind == ChatKind::kRoom) {
    allowed = membership::may_post(row->kind, row->settings, tx.role(chat, m.sender));
  } else {
    members = &tx.members(chat);
    if (!std::binary_search(members->begin(), members->end(), m.sender))
      allowed = Status(Code::kNotMember, "not a member of this chat");
    else if (row->kind == ChatKind::kGroup && !row->settings.everyone_posts)
      allowed = membership::may_post(row->kind, row->settings, tx.role(chat, m.sender));
  }
  if (!allowed.ok()) return allowed;
  // Blocks (docs/protocol.md §4.8): the blocker may not write; the blocked user's message is
  // theirs alone, logged for them only and hidden from the blocker.
  UserId blocker;
  std::vector<UserId> sender_only;
  if (row->kind == ChatKind::kDirect && members->size() == 2) {
    UserId peer = (*members)[0] == m.sender ? (*members)[1] : (*members)[0];
    auto [blocks_peer, blocked_by_peer] = tx.blocks(m.sender, peer);
    if (blocks_peer) return Status(Code::kForbidden, "you blocked this user; unblock them to write");
    if (blocked_by_peer) {
      blocker = peer;
      sender_only.push_back(m.sender);
      members = &sender_only;
    }
  }
  if (m.reply_to > 0)
    if (auto quoted = message_actions::quotable(tx.reader(chat, m.sender), tx.message(chat, m.reply_to)); !quoted)
      return quoted.status();
  std::string media;  // filled from what the server stored: a client cannot claim a size or a kind
  if (!m.media_id.empty()) {
    auto record = tx.media(m.sender, m.media_id);
    if (!record) return no_such_media();
    media = media_object::json(*record, m.media_name);
  }
  static const std::vector<UserId> nobody;
  // Disappearing: the timer's time; temporary: once delivered (Store::expire_messages).
  Expiry expiry;
  if (row->kind != ChatKind::kRoom) {
    expiry.transient = row->settings.temporary;
    expiry.after_ms = row->settings.disappear_ms;
  }
  auto r = tx.insert(chat, m, members ? *members : nobody, media, hops, expiry);
  if (!r) {  // a resend of a committed message: found by the insert, so a first send costs no lookup
    auto original = tx.sent_before(m.sender, m.client_id);
    if (!original) return used_before();
    AppendResult dup;
    dup.message = std::move(*original);
    dup.duplicate = true;
    dup.kind = row->kind;
    return dup;
  }
  r->kind = row->kind;
  if (blocker.valid()) tx.hide(chat, r->message.seq, blocker);
  if (members)  // rooms mention nobody: their members get no notifications
    for (UserId u : m.mentions)
      if (u != m.sender && std::binary_search(members->begin(), members->end(), u)) r->mentions.push_back(u);
  if (row->kind == ChatKind::kGroup) tx.sender_saw(chat, m.sender, r->message.seq, *members, *r);
  return std::move(*r);
}

Result<ChangeResult> create(ChatTx& tx, const NewChat& nc) {
  if (auto original = tx.sent_before(nc.creator, nc.client_id)) {
    auto row = tx.chat(original->chat);
    return resent(*original, row ? row->kind : nc.kind);
  }
  std::vector<UserId> others;
  for (UserId u : nc.members)
    if (u != nc.creator) others.push_back(u);
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  std::vector<UserId> existing = tx.existing(others);
  auto event = membership::created_event(nc, existing);
  if (!event) return event.status();
  if (!nc.settings.avatar.empty() && !tx.media(nc.creator, nc.settings.avatar)) return no_such_media();
  std::vector<UserId> all = existing;
  all.insert(std::lower_bound(all.begin(), all.end(), nc.creator), nc.creator);

  ChangeResult r;
  r.kind = nc.kind;
  r.chat = tx.insert_chat(nc, static_cast<std::int64_t>(all.size()));
  r.changed = true;
  tx.add_members(r.chat, all, 0);
  tx.set_role(r.chat, nc.creator, Role::kAdmin);
  if (!nc.settings.avatar.empty()) tx.avatar_changed(r.chat, "", nc.settings.avatar);
  const bool room = nc.kind == ChatKind::kRoom;
  auto m = tx.append_event(r.chat, nc.creator, nc.device, nc.client_id, *event, room ? std::vector<UserId>{} : all);
  if (!m) return used_before();  // checked above
  m->kind = nc.kind;
  if (room) {
    // Everyone sees the room from its start, the `created` message included.
    r.member = true;
    r.seq = 0;
    for (UserId u : all) r.membership.push_back({u, tx.log_membership(u, r.chat, 0, true, m->message.ts)});
  }
  r.message = std::move(m);
  return r;
}

Result<ChangeResult> change(ChatTx& tx, const ChatChange& c) {
  auto chat_id = tx.chat_of(c);
  if (!chat_id) return chat_id.status();
  const ChatId chat = *chat_id;
  auto row = tx.chat(chat);
  if (!row) return Status(Code::kNoSuchChat, "no such chat");
  ChangeResult r;
  r.chat = chat;
  r.kind = row->kind;
  if (!c.client_id.empty())
    if (auto original = tx.sent_before(c.actor, c.client_id)) return resent(*original, r.kind);

  membership::Facts f;
  f.kind = row->kind;
  f.settings = row->settings;
  f.member_count = row->member_count;
  auto named = membership::named_users(c);
  f.existing = tx.existing(named);
  named.push_back(c.actor);
  f.roles = tx.roles(chat, named);
  f.admin_count = tx.admin_count(chat);
  f.successor = tx.successor(chat, c.actor);
  auto effects = membership::apply(f, c);
  if (!effects) return effects.status();
  if (!effects->changed) return r;
  r.changed = true;
  if (c.op == ChangeOp::kAvatar) {
    if (!c.value.empty() && !tx.media(c.actor, c.value)) return no_such_media();
    tx.avatar_changed(chat, row->settings.avatar, c.value);
  }

  const bool room = row->kind == ChatKind::kRoom;
  const std::vector<UserId> before = room ? std::vector<UserId>{} : tx.members(chat);
  const bool removal = !effects->remove.empty(), addition = !effects->add.empty();
  const std::pair<Seq, Seq> min_before = !room && removal ? tx.receipt_minimum(chat) : std::pair<Seq, Seq>{};
  // The system message's seq, known before it is written: members added see it, members
  // removed see it last.
  const bool event = !effects->event.empty();
  const Seq at = tx.last_seq(chat) + (event ? 1 : 0);
  if (removal) tx.remove_members(chat, effects->remove, at);
  if (addition) tx.add_members(chat, effects->add, event ? at - 1 : at);
  for (auto [u, role] : effects->roles) tx.set_role(chat, u, role);
  const std::int64_t count = row->member_count + static_cast<std::int64_t>(effects->add.size()) -
                             static_cast<std::int64_t>(effects->remove.size());
  // A room join changes nobody else's rights (a store may then keep what it planned).
  tx.update_chat(chat, effects->settings.value_or(row->settings), count, !(room && c.op == ChangeOp::kJoin));

  if (event) {
    std::vector<UserId> recipients;  // groups: everyone who was or is a member; rooms: none
    if (!room) {
      recipients = before;
      recipients.insert(recipients.end(), effects->add.begin(), effects->add.end());
      std::sort(recipients.begin(), recipients.end());
    }
    auto m = tx.append_event(chat, c.actor, c.device, c.client_id, effects->event, recipients);
    if (!m) return used_before();  // checked above
    m->kind = r.kind;
    // A removal can raise everyone's minimum: the senders of what it covers now hear so.
    if (!room && removal) tx.removal_reached(chat, min_before, *m);
    r.message = std::move(m);
  }
  if (room && (addition || removal)) {
    r.member = addition;
    r.seq = at;
    const TimeMs ts = tx.now();
    for (const auto* list : {&effects->add, &effects->remove})
      for (UserId u : *list) r.membership.push_back({u, tx.log_membership(u, chat, at, list == &effects->add, ts)});
  }
  return r;
}

}  // namespace parley::chat_writes
