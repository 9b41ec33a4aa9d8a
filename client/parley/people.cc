#include "parley/people.h"

#include <boost/json.hpp>

#include "parley/message.h"

namespace parley::client {

namespace json = boost::json;

using fields::flag;
using fields::i64;
using fields::str;

namespace {

const json::object* body(const HttpResult& r) { return r.ok() ? r.json.if_object() : nullptr; }

// The answer's array `key` of profiles.
Profiles read_profiles(HttpResult http, std::string_view key) {
  Profiles out{std::move(http)};
  if (const auto* o = body(out.http))
    if (auto* list = o->if_contains(key); list && list->is_array())
      for (const auto& u : list->get_array())
        if (u.is_object()) out.users.push_back(parse_user_profile(u.get_object()));
  return out;
}

ProfileResult read_profile(HttpResult http) {
  ProfileResult out{std::move(http)};
  if (const auto* o = body(out.http)) out.profile = parse_user_profile(*o);
  return out;
}

MyProfile read_my_profile(HttpResult http) {
  MyProfile out{std::move(http)};
  if (const auto* o = body(out.http)) {
    out.profile = parse_user_profile(*o);
    if (auto* p = o->if_contains("previews"); p && p->is_bool()) out.previews = p->get_bool();
  }
  return out;
}

BlockList read_blocks(HttpResult http) {
  BlockList out{std::move(http)};
  if (const auto* o = body(out.http)) out.blocked = parse_blocked(*o);
  return out;
}

}  // namespace

UserProfile parse_user_profile(const json::object& o) {
  return UserProfile{i64(o, "user"),         str(o, "phone"), str(o, "name"), str(o, "about"), str(o, "avatar"),
                     str(o, "contact_name"), flag(o, "blocked")};
}

std::vector<std::int64_t> parse_blocked(const json::object& o) {
  std::vector<std::int64_t> out;
  if (auto* list = o.if_contains("blocked"); list && list->is_array())
    for (const auto& u : list->get_array())
      if (u.is_int64()) out.push_back(u.get_int64());
  return out;
}

MyProfile my_profile(const Endpoint& server, std::string_view token) {
  return read_my_profile(http_call(server, "GET", "/v1/me/profile", {}, token));
}

MyProfile set_my_profile(const Endpoint& server, std::string_view token, const ProfileChange& change) {
  json::object o;
  if (change.name) o["name"] = *change.name;
  if (change.about) o["about"] = *change.about;
  if (change.previews) o["previews"] = *change.previews;
  return read_my_profile(http_call(server, "PUT", "/v1/me/profile", json::serialize(o), token));
}

Profiles users(const Endpoint& server, std::string_view token, const std::vector<std::int64_t>& ids) {
  json::array list(ids.begin(), ids.end());
  return read_profiles(
      http_call(server, "POST", "/v1/users", json::serialize(json::object{{"users", std::move(list)}}), token), "users");
}

Profiles contacts(const Endpoint& server, std::string_view token) {
  return read_profiles(http_call(server, "GET", "/v1/contacts", {}, token), "contacts");
}

Profiles lookup(const Endpoint& server, std::string_view token, const std::vector<std::string>& phones) {
  json::array list;
  for (const auto& p : phones) list.emplace_back(p);
  return read_profiles(
      http_call(server, "POST", "/v1/contacts/lookup", json::serialize(json::object{{"phones", std::move(list)}}), token),
      "users");
}

ProfileResult user(const Endpoint& server, std::string_view token, std::int64_t id) {
  return read_profile(http_call(server, "GET", "/v1/users/" + std::to_string(id), {}, token));
}

ProfileResult add_contact(const Endpoint& server, std::string_view token, std::string_view phone,
                          std::string_view name) {
  return read_profile(
      http_call(server, "PUT", "/v1/contacts", json::serialize(json::object{{"phone", phone}, {"name", name}}), token));
}

HttpResult remove_contact(const Endpoint& server, std::string_view token, std::int64_t user) {
  return http_call(server, "DELETE", "/v1/contacts/" + std::to_string(user), {}, token);
}

BlockList blocks(const Endpoint& server, std::string_view token) {
  return read_blocks(http_call(server, "GET", "/v1/blocks", {}, token));
}

BlockList block(const Endpoint& server, std::string_view token, std::int64_t user) {
  return read_blocks(http_call(server, "PUT", "/v1/blocks/" + std::to_string(user), {}, token));
}

BlockList unblock(const Endpoint& server, std::string_view token, std::int64_t user) {
  return read_blocks(http_call(server, "DELETE", "/v1/blocks/" + std::to_string(user), {}, token));
}

}  // namespace parley::client
