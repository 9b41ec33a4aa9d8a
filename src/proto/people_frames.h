// The wire form of profiles, saved contacts, blocks and chat settings (docs/protocol.md
// §3 `profile`, `chat_state`, `contact`, `blocks`; §7 the routes that answer them).
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "model/people.h"

namespace parley::proto {

// {"user":2,"name":…,"about":…,"avatar":…,"phone":…,"contact_name":…,"blocked":true}: what
// the view holds; absent fields are not there.
boost::json::object profile_json(const ProfileView& view);
// The caller's own profile (GET /v1/me/profile).
boost::json::object own_profile_json(const Profile& profile);
boost::json::object chat_prefs_json(const ChatPrefs& prefs);

// {"type":"profile",…}: the fields of profile_json but phone, contact name and blocked (the
// receiver has those from their own requests).
std::string profile_frame(const ProfileView& view);
std::string chat_state_frame(const ChatPrefs& prefs);
// A saved contact added or renamed (`name`), or removed.
std::string contact_frame(UserId user, const std::string& name, bool removed);
std::string blocks_frame(const std::vector<UserId>& blocked);

}  // namespace parley::proto
