// People: profiles (name, about, photo) and who sees them, saved contacts and contact
// discovery's limits, blocks, and a user's own settings of each chat (docs/protocol.md
// §4.8). The rule of who sees which field is model/people.h's `see`; this service reads the
// facts through the Store, writes the changes and tells the devices concerned on the Bus
// (live frames: `profile`, `contact`, `blocks`, `chat_state`).
//
// Threading: every method may be called from any thread and blocks on the store: reads,
// and writes until they are committed (then what follows, the frames to other users, is
// read and sent on the calling thread, never on the store's writer). Call them on the
// query pool, never on an io thread.
#pragma once

#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bus/bus.h"
#include "core/clock.h"
#include "store/store.h"

namespace parley::people {

struct Options {
  std::int64_t lookup_numbers_per_day = 1'000;     // contact discovery: numbers one user may ask about per day
  std::int64_t lookup_numbers_per_hour = 100'000;  // ... and every user together, per hour (all nodes)
  int max_pinned = 3;
  std::size_t max_audience = 5'000;  // users told of one profile change at most (beyond: they re-read)
  int profile_changes_per_minute = 10;  // name, about, avatar and profile-field privacy changes per user
  bool operator==(const Options&) const = default;
};

inline constexpr std::size_t kMaxNameChars = 64;
inline constexpr std::size_t kMaxAboutChars = 140;

class PeopleService {
 public:
  PeopleService(Store& store, Bus& bus, const Clock& clock, Options options = {})
      : store_(store), bus_(bus), clock_(clock), opt_(options) {}

  // One change more of `user`'s profile (name, about, avatar, who sees a field): each tells
  // up to max_audience users, so they are counted on this node; kRateLimited past the limit.
  Status take_change(UserId user);

  // --- profiles ---
  Result<Profile> own(UserId user);
  // As `viewer` may see `user`: kNoSuchUser for a user the viewer does not know.
  Result<ProfileView> profile(UserId viewer, UserId user);
  // Those of `users` the viewer knows, in order.
  Result<std::vector<ProfileView>> profiles(UserId viewer, const std::vector<UserId>& users);
  // Checks and stores the change (kInvalid: a name or about too long), then tells the user's
  // devices and everyone entitled (a `profile` frame each, as each may see it).
  Result<Profile> set_profile(UserId user, ProfileChange change);
  // Who sees one profile field; the user's devices get their privacy settings again.
  Status set_visibility(UserId user, PrivacyField field, Visibility who);
  // Tells the user's audience (their avatar changed, say). Blocks on reads: off the io threads.
  void announce(UserId user);
  // Direct chats of a chat list: the peer's name and saved name, and the avatar only where
  // the viewer may see it.
  Status decorate(UserId viewer, std::vector<ChatSummary>& chats);

  // --- contacts ---
  Result<std::vector<ProfileView>> contacts(UserId owner);
  // `contact` (found by their number) saved under `name`: kInvalid for oneself or a bad name.
  Result<ProfileView> save_contact(UserId owner, UserId contact, std::string name);
  Status remove_contact(UserId owner, UserId contact);
  // Counts `numbers` looked up by `user` against the daily and global limits (every node):
  // kRateLimited, counting nothing, when either would be passed.
  Status take_lookups(UserId user, std::int64_t numbers);

  // --- blocks ---
  Result<std::vector<UserId>> blocks(UserId user) { return store_.blocked_by(user); }
  // The blocker's list after the change.
  Result<std::vector<UserId>> set_block(UserId blocker, UserId blocked, bool on);

  // --- a user's settings of a chat ---
  Result<ChatPrefs> set_chat_prefs(ChatPrefsChange change);

 private:
  void tell(UserId user, std::string frame);  // a live frame to the user's devices
  void tell_relation(UserId user);

  Store& store_;
  Bus& bus_;
  const Clock& clock_;
  const Options opt_;
  std::mutex changes_mu_;  // guards changes_
  std::unordered_map<std::int64_t, std::pair<TimeMs, int>> changes_;  // user -> (window start, changes in it)
};

}  // namespace parley::people
