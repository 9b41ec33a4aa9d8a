#include "proto/people_frames.h"

#include <boost/json.hpp>

namespace parley::proto {

namespace json = boost::json;

json::object profile_json(const ProfileView& v) {
  json::object o;
  o["user"] = v.user.value;
  if (v.name) o["name"] = *v.name;
  if (v.about) o["about"] = *v.about;
  if (v.avatar) o["avatar"] = *v.avatar;
  if (v.phone) o["phone"] = *v.phone;
  if (v.contact_name) o["contact_name"] = *v.contact_name;
  if (v.blocked) o["blocked"] = true;
  return o;
}

json::object own_profile_json(const Profile& p) {
  json::object o{{"user", p.user.value}, {"phone", p.phone}, {"name", p.name}, {"about", p.about}};
  if (!p.avatar.empty()) o["avatar"] = p.avatar;
  o["previews"] = p.previews;
  return o;
}

json::object chat_prefs_json(const ChatPrefs& p) {
  return {{"chat", p.chat.value}, {"muted_until", p.muted_until}, {"archived", p.archived}, {"pinned", p.pinned}};
}

std::string profile_frame(const ProfileView& v) {
  json::object o{{"type", "profile"}, {"user", v.user.value}};
  if (v.name) o["name"] = *v.name;
  if (v.about) o["about"] = *v.about;
  if (v.avatar) o["avatar"] = *v.avatar;
  return json::serialize(o);
}

std::string chat_state_frame(const ChatPrefs& p) {
  json::object ordered{{"type", "chat_state"}};
  for (auto& [k, v] : chat_prefs_json(p)) ordered[k] = v;
  return json::serialize(ordered);
}

std::string contact_frame(UserId user, const std::string& name, bool removed) {
  json::object o{{"type", "contact"}, {"user", user.value}};
  if (removed) o["removed"] = true;
  else o["contact_name"] = name;
  return json::serialize(o);
}

std::string blocks_frame(const std::vector<UserId>& blocked) {
  json::array ids;
  for (UserId u : blocked) ids.push_back(u.value);
  return json::serialize(json::object{{"type", "blocks"}, {"blocked", std::move(ids)}});
}

}  // namespace parley::proto
