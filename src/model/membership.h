// The rules of groups and rooms: who may add, remove, promote, post; size limits; what
// each change writes and says. Pure functions over facts the adapter reads inside its
// write transaction, so a check and its change are atomic on both stores.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/types.h"

namespace parley::membership {

// What an adapter knows about a chat when it applies a change, read under its write lock.
struct Facts {
  ChatKind kind = ChatKind::kGroup;
  ChatSettings settings;
  std::int64_t member_count = 0;
  std::int64_t admin_count = 0;
  // Role of the actor and of every user the change names; absent = not a member.
  std::map<std::int64_t, Role> roles;
  // Users the change names that exist at all.
  std::vector<UserId> existing;
  // The member who would become admin if the last admin leaves (longest in the chat);
  // unset when there is nobody else.
  std::optional<UserId> successor;
};

// What to write. Applied in this order: remove, add, roles, settings; then the system
// message (if `event` is not empty) goes to everyone who was or is a member at the end.
struct Effects {
  std::vector<UserId> add, remove;
  std::vector<std::pair<UserId, Role>> roles;
  std::optional<ChatSettings> settings;
  std::string event;  // the system message's JSON object; empty: no message
  bool changed = false;
};

// Checks `change` against the chat and says what it does. An error Status names the
// rule broken (kNotMember, kForbidden, kChatFull, kNoSuchUser, kInvalid).
Result<Effects> apply(const Facts& facts, const ChatChange& change);

// The creator's first system message and checks for a new chat.
Result<std::string> created_event(const NewChat& chat, const std::vector<UserId>& existing);

// May `role` (absent: not a member) post to a chat with these settings?
Status may_post(ChatKind kind, const ChatSettings& settings, std::optional<Role> role);
// May `role` add members (or invite them) to a chat with these settings?
Status may_add(ChatKind kind, const ChatSettings& settings, std::optional<Role> role);

// Users named in the change besides the actor, sorted and without duplicates.
std::vector<UserId> named_users(const ChatChange& change);

std::string_view kind_name(ChatKind kind);

}  // namespace parley::membership
