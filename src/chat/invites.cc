// ChatService: creating and changing groups and rooms with the consent of whoever is added.
// A user's "who can add me" setting (everyone, contacts, nobody) decides whether someone
// may add them; whom it refuses gets an invite instead, which they accept (a join naming its
// code) or decline, until it expires. Ids that do not exist are answered as "invited" too,
// so an answer never tells a stranger's id apart from a missing one.
#include <algorithm>
#include <unordered_set>

#include "chat/chat_service.h"
#include "proto/frames.h"
#include "model/membership.h"

namespace parley::chat {

namespace {

constexpr std::size_t kInviteCodeChars = 22;  // ~130 bits

Status no_invite() { return Status(Code::kNotFound, "no such invite"); }

}  // namespace

Result<ChatService::Consent> ChatService::consent(UserId actor, const std::vector<UserId>& users) {
  Consent c;
  std::vector<UserId> others;
  std::unordered_set<std::int64_t> seen{actor.value};
  for (UserId u : users)
    if (seen.insert(u.value).second) others.push_back(u);
  if (others.empty()) return c;
  auto records = store_.read_presence(others);
  if (!records) return records.status();
  // A block either way (docs/protocol.md §4.8): neither added nor invited, answered like an
  // id that does not exist.
  auto blocked = store_.blocked_among(actor, others);
  if (!blocked) return blocked.status();
  std::unordered_set<std::int64_t> existing;
  std::vector<UserId> if_contact;
  for (const auto& r : *records) {
    if (std::find(blocked->begin(), blocked->end(), r.user) != blocked->end()) continue;
    existing.insert(r.user.value);
    if (r.group_add == Visibility::kEveryone) c.add.push_back(r.user);
    else if (r.group_add == Visibility::kContacts) if_contact.push_back(r.user);
    else c.invite.push_back(r.user);
  }
  if (!if_contact.empty()) {
    auto contacts = store_.contacts_among(actor, if_contact);
    if (!contacts) return contacts.status();
    for (UserId u : if_contact)
      (std::find(contacts->begin(), contacts->end(), u) != contacts->end() ? c.add : c.invite).push_back(u);
  }
  for (UserId u : others)
    if (!existing.count(u.value)) c.unknown.push_back(u);
  return c;
}

void ChatService::create(NewChat chat, std::function<void(Result<ChangeResult>)> done) {
  if (!bus_.available()) return done(Status(Code::kUnavailable, "message bus unavailable; retry"));
  chat.max_members = chat.kind == ChatKind::kRoom ? options_.max_room_members : options_.max_group_members;
  if (chat.kind == ChatKind::kRoom) chat.invite = random_.alphanumeric(16);  // ~95 bits
  auto consent = this->consent(chat.creator, chat.members);
  if (!consent) return done(consent.status());
  chat.members = consent->add;
  UserId creator = chat.creator;
  std::string name = chat.settings.name;
  store_.create_chat(std::move(chat), [this, creator, name, c = std::move(*consent),
                                       done = std::move(done)](Result<ChangeResult> r) mutable {
    if (!r) return done(std::move(r));
    announce_changed(*r);
    ChatId id = r->chat;
    send_invites(id, name, creator, c, std::move(*r), std::move(done));
  });
}

void ChatService::change(ChatChange change, std::function<void(Result<ChangeResult>)> done) {
  if (!bus_.available()) return done(Status(Code::kUnavailable, "message bus unavailable; retry"));
  change.max_group_members = options_.max_group_members;  // the store applies its kind's
  change.max_room_members = options_.max_room_members;
  if (change.op == ChangeOp::kJoin && !change.value.empty()) {
    if (auto invite = store_.find_invite(change.value)) return accept(std::move(change), std::move(*invite), std::move(done));
    // not a group invite: a room's invite code (the store looks it up)
  } else if (change.op == ChangeOp::kJoin) {
    // By id, only a public room (or one you are in already); a private one answers as if it
    // did not exist. Public or not is fixed at creation, so this check cannot go stale.
    auto info = store_.chat_info(change.chat, change.actor);
    if (info && hidden(*info)) return done(Status(Code::kNoSuchChat, "no such chat"));
  }
  if (change.op == ChangeOp::kAdd) {
    auto consent = this->consent(change.actor, change.users);
    if (!consent) return done(consent.status());
    if (!consent->invite.empty() || !consent->unknown.empty()) {
      // The invites need the right to add, checked here, and the chat's name.
      auto info = store_.chat_info(change.chat, change.actor);
      if (!info) return done(info.status());
      std::optional<Role> role;
      if (info->member) role = info->my_role;
      if (Status st = membership::may_add(info->kind, info->settings, role); !st.ok()) return done(st);
      if (consent->add.empty()) {
        ChangeResult r;
        r.chat = change.chat;
        r.kind = info->kind;
        return send_invites(change.chat, info->settings.name, change.actor, *consent, std::move(r), std::move(done));
      }
      change.users = consent->add;
      UserId actor = change.actor;
      store_.change_chat(std::move(change), [this, actor, name = info->settings.name, c = std::move(*consent),
                                             done = std::move(done)](Result<ChangeResult> r) mutable {
        if (!r) return done(std::move(r));
        announce_changed(*r);
        ChatId chat = r->chat;
        send_invites(chat, name, actor, c, std::move(*r), std::move(done));
      });
      return;
    }
  }
  store_.change_chat(std::move(change), [this, done = std::move(done)](Result<ChangeResult> r) {
    if (r) announce_changed(*r);
    done(std::move(r));
  });
}

void ChatService::send_invites(ChatId chat, const std::string& name, UserId inviter, const Consent& consent,
                               ChangeResult r, std::function<void(Result<ChangeResult>)> done) {
  r.invited = consent.invite;
  r.invited.insert(r.invited.end(), consent.unknown.begin(), consent.unknown.end());
  std::sort(r.invited.begin(), r.invited.end());
  r.changed = r.changed || !consent.invite.empty();
  if (consent.invite.empty()) return done(std::move(r));
  std::vector<GroupInvite> invites;
  TimeMs expires = clock_.now_ms() + options_.invite_ttl_ms;
  for (UserId u : consent.invite)
    invites.push_back(GroupInvite{chat, u, inviter, random_.alphanumeric(kInviteCodeChars), expires, name});
  store_.put_invites(invites, [this, invites, r = std::move(r), done = std::move(done)](Status st) mutable {
    if (!st.ok()) return done(st);
    for (const auto& i : invites) {
      tell(i, "pending");
      if (observer_.invite) observer_.invite(i);
    }
    done(std::move(r));
  });
}

void ChatService::accept(ChatChange change, GroupInvite invite, std::function<void(Result<ChangeResult>)> done) {
  if (invite.user != change.actor || invite.expires_at <= clock_.now_ms()) return done(no_invite());
  // The inviter adds the invitee, now that they agreed: the inviter's right to add is
  // checked again, and the group's timeline says who added whom.
  ChatChange add = change;
  add.actor = invite.inviter;
  add.device = DeviceId();  // not one of the inviter's devices
  add.client_id = "invite:" + invite.code;  // a repeated accept is a duplicate, not a second change
  add.chat = invite.chat;
  add.op = ChangeOp::kAdd;
  add.users = {change.actor};
  add.value.clear();
  store_.change_chat(std::move(add), [this, invite, done = std::move(done)](Result<ChangeResult> r) {
    if (r) announce_changed(*r);
    Code code = r ? Code::kOk : r.status().code();
    if (code == Code::kUnavailable) return done(std::move(r));
    store_.delete_invite(invite.chat, invite.user, [this, invite, r = std::move(r), code, done](Status) mutable {
      if (code == Code::kNotMember || code == Code::kForbidden || code == Code::kNoSuchChat) {
        tell(invite, "declined");
        return done(Status(Code::kNotFound, "this invite is no longer valid: whoever sent it can no longer add members"));
      }
      if (r) tell(invite, "accepted");
      done(std::move(r));
    });
  });
}

void ChatService::decline(UserId user, const std::string& code, std::function<void(Result<ChatId>)> done) {
  auto invite = store_.find_invite(code);
  if (!invite) return done(invite.status().code() == Code::kNotFound ? no_invite() : invite.status());
  if (invite->user != user || invite->expires_at <= clock_.now_ms()) return done(no_invite());
  store_.delete_invite(invite->chat, user, [this, invite = *invite, done = std::move(done)](Status st) {
    if (!st.ok()) return done(st);
    tell(invite, "declined");
    done(invite.chat);
  });
}

void ChatService::tell(const GroupInvite& invite, std::string_view state) {
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kEphemeral;
  ev->frame = proto::invite_frame(invite, state);
  bus_.publish(invite.user, std::move(ev));
}

}  // namespace parley::chat
