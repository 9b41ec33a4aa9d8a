#include "model/membership.h"

#include <boost/json.hpp>

#include <algorithm>

namespace parley::membership {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxName = 100;    // bytes of a chat name
constexpr std::size_t kMaxAvatar = 128;  // bytes of a media id

json::array ids(const std::vector<UserId>& users) {
  json::array a;
  for (UserId u : users) a.push_back(u.value);
  return a;
}

std::string list(const std::vector<UserId>& users) {
  std::string out;
  for (UserId u : users) out += (out.empty() ? "" : ", ") + std::to_string(u.value);
  return out;
}

std::optional<Role> role_of(const Facts& f, UserId u) {
  auto it = f.roles.find(u.value);
  if (it == f.roles.end()) return std::nullopt;
  return it->second;
}

Status check_name(const std::string& name) {
  if (name.empty()) return Status(Code::kInvalid, "a group or room needs a name");
  if (name.size() > kMaxName) return Status(Code::kInvalid, "name is longer than " + std::to_string(kMaxName) + " bytes");
  return Status::Ok();
}

}  // namespace

std::string_view kind_name(ChatKind kind) {
  switch (kind) {
    case ChatKind::kDirect: return "direct";
    case ChatKind::kGroup: return "group";
    case ChatKind::kRoom: return "room";
  }
  return "direct";
}

std::vector<UserId> named_users(const ChatChange& change) {
  std::vector<UserId> out;
  for (UserId u : change.users)
    if (u != change.actor) out.push_back(u);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status may_post(ChatKind kind, const ChatSettings& settings, std::optional<Role> role) {
  if (!role) return Status(Code::kNotMember, "not a member of this chat");
  if (kind != ChatKind::kDirect && !settings.everyone_posts && *role != Role::kAdmin)
    return Status(Code::kForbidden, "only admins post in this chat");
  return Status::Ok();
}

Status may_add(ChatKind kind, const ChatSettings& settings, std::optional<Role> role) {
  if (!role) return Status(Code::kNotMember, "not a member of this chat");
  if (kind == ChatKind::kDirect) return Status(Code::kInvalid, "a direct chat has no members to change");
  if (*role != Role::kAdmin && (kind == ChatKind::kRoom || !settings.members_can_add))
    return Status(Code::kForbidden, "only admins add members to this chat");
  return Status::Ok();
}

Result<std::string> created_event(const NewChat& chat, const std::vector<UserId>& existing) {
  if (chat.kind == ChatKind::kDirect) return Status(Code::kInvalid, "direct chats start with a message, not create");
  if (Status st = check_name(chat.settings.name); !st.ok()) return st;
  if (chat.settings.avatar.size() > kMaxAvatar) return Status(Code::kInvalid, "avatar id is too long");
  std::vector<UserId> members;
  for (UserId u : chat.members)
    if (u != chat.creator) members.push_back(u);
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::vector<UserId> missing;
  for (UserId u : members)
    if (!std::binary_search(existing.begin(), existing.end(), u)) missing.push_back(u);
  if (!missing.empty()) return Status(Code::kNoSuchUser, "no such user: " + list(missing));
  if (members.size() + 1 > chat.max_members)
    return Status(Code::kChatFull, "a " + std::string(kind_name(chat.kind)) + " has at most " +
                                       std::to_string(chat.max_members) + " members");
  json::object o;
  o["event"] = "created";
  o["kind"] = kind_name(chat.kind);
  o["name"] = chat.settings.name;
  o["members"] = ids(members);
  return json::serialize(o);
}

namespace {

// Temporary or permanent, and the disappearing timer: either member of a direct chat, a
// group's admins; rooms keep their history.
Result<Effects> mode(const Facts& f, const ChatChange& c) {
  Effects e;
  if (f.kind == ChatKind::kRoom) return Status(Code::kInvalid, "rooms keep their history: no temporary or disappearing mode");
  auto actor = role_of(f, c.actor);
  if (!actor) return Status(Code::kNotMember, "not a member of this chat");
  if (f.kind == ChatKind::kGroup && *actor != Role::kAdmin)
    return Status(Code::kForbidden, "only admins change a group's temporary or disappearing mode");
  ChatSettings s = f.settings;
  if (c.temporary) s.temporary = *c.temporary;
  if (c.disappear_ms) s.disappear_ms = *c.disappear_ms;
  if (s.temporary == f.settings.temporary && s.disappear_ms == f.settings.disappear_ms) return e;
  json::object ev;
  ev["event"] = "mode";
  ev["temporary"] = s.temporary;
  ev["disappear"] = s.disappear_ms / 1000;
  e.event = json::serialize(ev);
  e.settings = s;
  e.changed = true;
  return e;
}

}  // namespace

Result<Effects> apply(const Facts& f, const ChatChange& c) {
  Effects e;
  const bool room = f.kind == ChatKind::kRoom;
  if (c.op == ChangeOp::kMode) return mode(f, c);
  if (f.kind == ChatKind::kDirect) return Status(Code::kInvalid, "a direct chat has no members to change");
  auto actor = role_of(f, c.actor);
  const bool admin = actor && *actor == Role::kAdmin;
  auto targets = named_users(c);
  json::object ev;
  const std::size_t max_members = room ? c.max_room_members : c.max_group_members;

  if (c.op == ChangeOp::kJoin) {
    if (!room) return Status(Code::kInvalid, "groups are joined by being added by a member");
    if (actor) return e;  // already in
    if (f.member_count + 1 > static_cast<std::int64_t>(max_members))
      return Status(Code::kChatFull, "this room is full (" + std::to_string(max_members) + " members)");
    e.add.push_back(c.actor);
    e.changed = true;
    return e;
  }
  // Leaving a room one is not in is already done (a resent leave; a room's membership is
  // no secret). A group keeps its members private: not_member.
  if (!actor && room && c.op == ChangeOp::kLeave) return e;
  if (!actor) return Status(Code::kNotMember, "not a member of this chat");

  switch (c.op) {
    case ChangeOp::kJoin:
    case ChangeOp::kMode: break;  // handled above
    case ChangeOp::kAdd: {
      if (Status st = may_add(f.kind, f.settings, actor); !st.ok()) return st;
      if (targets.empty()) return Status(Code::kInvalid, "name at least one user to add");
      std::vector<UserId> missing;
      for (UserId u : targets) {
        if (!std::binary_search(f.existing.begin(), f.existing.end(), u)) missing.push_back(u);
        else if (!role_of(f, u)) e.add.push_back(u);
      }
      if (!missing.empty()) return Status(Code::kNoSuchUser, "no such user: " + list(missing));
      if (f.member_count + static_cast<std::int64_t>(e.add.size()) > static_cast<std::int64_t>(max_members))
        return Status(Code::kChatFull, "this " + std::string(kind_name(f.kind)) + " is limited to " +
                                           std::to_string(max_members) + " members");
      if (!e.add.empty() && !room) {
        ev["event"] = "added";
        ev["users"] = ids(e.add);
      }
      break;
    }
    case ChangeOp::kRemove: {
      if (!admin) return Status(Code::kForbidden, "only admins remove members");
      if (targets.empty()) return Status(Code::kInvalid, "name at least one member to remove (to leave, use leave)");
      for (UserId u : targets)
        if (role_of(f, u)) e.remove.push_back(u);
      if (!e.remove.empty() && !room) {
        ev["event"] = "removed";
        ev["users"] = ids(e.remove);
      }
      break;
    }
    case ChangeOp::kPromote:
    case ChangeOp::kDemote: {
      const bool promote = c.op == ChangeOp::kPromote;
      if (!admin) return Status(Code::kForbidden, "only admins promote or demote members");
      if (targets.empty()) return Status(Code::kInvalid, "name at least one member");
      std::vector<UserId> outsiders, changed;
      for (UserId u : targets) {
        auto r = role_of(f, u);
        if (!r) outsiders.push_back(u);
        else if ((*r == Role::kAdmin) != promote) changed.push_back(u);
      }
      if (!outsiders.empty()) return Status(Code::kInvalid, "not members of this chat: " + list(outsiders));
      for (UserId u : changed) e.roles.emplace_back(u, promote ? Role::kAdmin : Role::kMember);
      if (!changed.empty()) {
        ev["event"] = promote ? "promoted" : "demoted";
        ev["users"] = ids(changed);
      }
      break;
    }
    case ChangeOp::kLeave: {
      e.remove.push_back(c.actor);
      if (admin && f.admin_count == 1 && f.successor) e.roles.emplace_back(*f.successor, Role::kAdmin);
      if (!room) {
        ev["event"] = "left";
        if (!e.roles.empty()) ev["promoted"] = ids({e.roles.front().first});
      }
      break;
    }
    case ChangeOp::kRename:
    case ChangeOp::kAvatar:
    case ChangeOp::kSettings: {
      if (!admin) return Status(Code::kForbidden, "only admins change the chat's name, avatar or settings");
      ChatSettings s = f.settings;
      if (c.op == ChangeOp::kRename) {
        if (Status st = check_name(c.value); !st.ok()) return st;
        if (s.name == c.value) return e;
        s.name = c.value;
        ev["event"] = "renamed";
        ev["name"] = s.name;
      } else if (c.op == ChangeOp::kAvatar) {
        if (c.value.size() > kMaxAvatar) return Status(Code::kInvalid, "avatar id is too long");
        if (s.avatar == c.value) return e;
        s.avatar = c.value;
        ev["event"] = "avatar";
        ev["avatar"] = s.avatar;
      } else {
        if (c.members_can_add) s.members_can_add = *c.members_can_add;
        if (c.everyone_posts) s.everyone_posts = *c.everyone_posts;
        if (s.members_can_add == f.settings.members_can_add && s.everyone_posts == f.settings.everyone_posts) return e;
        ev["event"] = "settings";
        ev["members_can_add"] = s.members_can_add;
        ev["everyone_posts"] = s.everyone_posts;
      }
      e.settings = s;
      break;
    }
  }
  e.changed = !e.add.empty() || !e.remove.empty() || !e.roles.empty() || e.settings.has_value();
  if (!ev.empty()) e.event = json::serialize(ev);
  return e;
}

}  // namespace parley::membership
