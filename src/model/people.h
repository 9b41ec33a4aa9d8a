// Profiles, saved contacts, blocks and a user's own settings of a chat (docs/protocol.md
// §4.8), and the one rule of who sees which profile field (`see`). Pure: both stores keep
// the facts, the domain (people::PeopleService, chat, push) decides with these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/types.h"

namespace parley {

// A privacy setting lets `contact` (the owner counts the viewer as a contact) see or not.
inline bool allows(Visibility v, bool contact) {
  return v == Visibility::kEveryone || (v == Visibility::kContacts && contact);
}

enum class PrivacyField { kName, kAbout, kPhoto };

struct Profile {
  UserId user;
  std::string phone;
  std::string name;
  std::string about;
  std::string avatar;  // a media id; "" for none
  bool previews = true;  // push notifications show sender and text
  Visibility name_visibility = Visibility::kEveryone;
  Visibility about_visibility = Visibility::kEveryone;
  Visibility photo_visibility = Visibility::kEveryone;
};

struct ProfileChange {
  std::optional<std::string> name;
  std::optional<std::string> about;
  std::optional<bool> previews;
};

// How `viewer` stands to `user` (Store::relations): the facts the rules need.
struct Relation {
  UserId user;
  bool knows = false;       // a shared chat, found by number, saved; or the viewer themself
  bool contact = false;     // `user` counts the viewer as a contact (saved, or a two-way chat)
  bool phone_visible = false;  // docs/protocol.md §5.10
  bool blocked = false;        // the viewer blocks `user`
  bool blocks_viewer = false;  // `user` blocks the viewer
  std::string contact_name{};  // the name the viewer saved `user` under ("" when not saved)
};

// A profile as one viewer may see it: what they may not see is unset.
struct ProfileView {
  UserId user;
  std::optional<std::string> name, about, avatar, phone;
  std::optional<std::string> contact_name;
  bool blocked = false;
};

// The rule (§4.8): each field by its setting, the viewer seeing themself whole; about and
// avatar never between a blocker and the blocked; nothing at all for a user not known
// (nullopt).
std::optional<ProfileView> see(UserId viewer, const Profile& profile, const Relation& relation);

struct SavedContact {
  UserId user;
  std::string name;
};

// A user's own settings of one chat.
inline constexpr TimeMs kMutedForever = -1;
struct ChatPrefs {
  ChatId chat;
  TimeMs muted_until = 0;  // 0: not muted; kMutedForever; or when the mute ends
  bool archived = false;
  bool pinned = false;
};

// Muted at `now`?
inline bool muted(const ChatPrefs& p, TimeMs now) { return p.muted_until == kMutedForever || p.muted_until > now; }

struct ChatPrefsChange {
  UserId user;
  ChatId chat;
  std::optional<TimeMs> muted_until;
  std::optional<bool> archived;
  std::optional<bool> pinned;
  int max_pinned = 3;
};

}  // namespace parley
