// Profiles, saved contacts and blocks over HTTP (docs/protocol.md §4.8, §7): your own profile,
// other users' profiles as you may see them, the contact list, phone lookup, the block list;
// and the shapes the `profile`, `contact` and `blocks` frames share with them. Blocking calls
// with no shared state: any thread. On failure `http` holds the status, code and message.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/http.h"

namespace parley::client {

// A user as the caller may see them: a field the server left out (not set, hidden by the
// user's privacy settings, or a block) is "" / false. Also a `profile` frame (user, name,
// about, avatar).
struct UserProfile {
  std::int64_t user = 0;
  std::string phone{}, name{}, about{}, avatar{};  // avatar: a media id
  std::string contact_name{};                      // the name the caller saved them under
  bool blocked = false;                    // the caller blocks them
};
UserProfile parse_user_profile(const boost::json::object& o);

// A `contact` frame: a contact of this user was saved or renamed, or removed.
struct ContactChange {
  std::int64_t user = 0;
  std::string contact_name;
  bool removed = false;
};

// The caller's own profile (GET /v1/me/profile).
struct MyProfile {
  HttpResult http;
  UserProfile profile{};  // user, phone, name, about, avatar
  bool previews = true;   // push notifications show the sender and the text
  bool ok() const { return http.ok(); }
};
MyProfile my_profile(const Endpoint& server, std::string_view token);

// PUT /v1/me/profile: the fields set here change (at least one); "" removes the name.
struct ProfileChange {
  std::optional<std::string> name{}, about{};
  std::optional<bool> previews{};
};
MyProfile set_my_profile(const Endpoint& server, std::string_view token, const ProfileChange& change);

struct Profiles {
  HttpResult http;
  std::vector<UserProfile> users{};
  bool ok() const { return http.ok(); }
};
// POST /v1/users: the profiles of `ids` (1..256) the caller knows, in request order; the
// others are left out.
Profiles users(const Endpoint& server, std::string_view token, const std::vector<std::int64_t>& ids);
// GET /v1/contacts: the saved contacts, by contact name.
Profiles contacts(const Endpoint& server, std::string_view token);
// POST /v1/contacts/lookup: the registered numbers among `phones` (at most 256), in request
// order, each with the profile the caller may now see; unregistered and invalid ones left out.
Profiles lookup(const Endpoint& server, std::string_view token, const std::vector<std::string>& phones);

struct ProfileResult {
  HttpResult http;  // 404 no_such_user: unknown to the caller (or no such user)
  UserProfile profile{};
  bool ok() const { return http.ok(); }
};
// GET /v1/users/{id}.
ProfileResult user(const Endpoint& server, std::string_view token, std::int64_t id);
// PUT /v1/contacts: saves (or renames) the user with `phone` as `name`; their entry.
ProfileResult add_contact(const Endpoint& server, std::string_view token, std::string_view phone,
                          std::string_view name);
// DELETE /v1/contacts/{user}: 404 not_found when they are not a saved contact.
HttpResult remove_contact(const Endpoint& server, std::string_view token, std::int64_t user);

// The caller's block list, after the call.
struct BlockList {
  HttpResult http;
  std::vector<std::int64_t> blocked{};
  bool ok() const { return http.ok(); }
};
BlockList blocks(const Endpoint& server, std::string_view token);
// PUT /v1/blocks/{user}: 404 no_such_user, 400 invalid (yourself).
BlockList block(const Endpoint& server, std::string_view token, std::int64_t user);
// DELETE /v1/blocks/{user}: unblocking someone not blocked changes nothing.
BlockList unblock(const Endpoint& server, std::string_view token, std::int64_t user);
// The user ids of a `blocked` array (an answer above, or a `blocks` frame).
std::vector<std::int64_t> parse_blocked(const boost::json::object& o);

}  // namespace parley::client
