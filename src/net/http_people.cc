// HTTP routes of people (docs/protocol.md §4.8, §7): the caller's profile, other users'
// profiles as the caller may see them, saved contacts, blocks and the caller's settings of
// a chat. The rules are people::PeopleService's; this file reads requests and writes answers.
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "core/encoding.h"
#include "net/http_api.h"
#include "proto/errors.h"
#include "proto/people_frames.h"

namespace parley::net {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxUsers = 256;

std::optional<std::int64_t> id_after(const std::string& path, std::string_view prefix) {
  auto id = parse_decimal<std::int64_t>(std::string_view(path).substr(prefix.size()));
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

json::array profiles_json(const std::vector<ProfileView>& views) {
  json::array out;
  for (const auto& v : views) out.push_back(proto::profile_json(v));
  return out;
}

HttpResponse bad_frame(const HttpRequest& req, std::string_view why) {
  return json_error(req, 400, proto::err::kBadFrame, why);
}

// kInvalid from the service means a field the client sent is out of range here.
HttpResponse field_error(const HttpRequest& req, const Status& st) {
  if (st.code() == Code::kInvalid) return bad_frame(req, st.message());
  return json_error(req, st);
}

}  // namespace

std::optional<HttpResponse> HttpApi::over_profile_rate(const HttpRequest& req, UserId user) {
  if (!svc_.people) return std::nullopt;
  Status st = svc_.people->take_change(user);
  if (st.ok()) return std::nullopt;
  svc_.metrics.rate_limited++;
  return json_error(req, st);
}

std::optional<HttpResponse> HttpApi::people_route(const HttpRequest& req, const std::string& path, const DeviceRecord& dev) {
  if (!svc_.people) return std::nullopt;
  auto& people = *svc_.people;
  const auto verb = req.method();
  const UserId me = dev.user;
  if (path == "/v1/me/profile") {
    if (verb == http::verb::get) {
      auto p = people.own(me);
      return p ? json_ok(req, proto::own_profile_json(*p)) : json_error(req, p.status());
    }
    if (verb == http::verb::put) return set_profile(req, dev);
  }
  if (path == "/v1/users" && verb == http::verb::post) return users(req, dev);
  if (path.starts_with("/v1/users/") && verb == http::verb::get) {
    auto id = id_after(path, "/v1/users/");
    if (!id) return json_error(req, 404, proto::err::kNoSuchUser, "no such user");
    auto v = people.profile(me, UserId(*id));
    return v ? json_ok(req, proto::profile_json(*v)) : json_error(req, v.status());
  }
  if (path == "/v1/contacts") {
    if (verb == http::verb::get) {
      auto list = people.contacts(me);
      return list ? json_ok(req, json::object{{"contacts", profiles_json(*list)}}) : json_error(req, list.status());
    }
    if (verb == http::verb::put) return save_contact(req, dev);
  }
  if (path.starts_with("/v1/contacts/") && verb == http::verb::delete_) {
    auto id = id_after(path, "/v1/contacts/");
    if (!id) return json_error(req, 404, proto::err::kNotFound, "not a saved contact");
    Status st = people.remove_contact(me, UserId(*id));
    return st.ok() ? json_ok(req, json::object{{"removed", *id}}) : json_error(req, st);
  }
  auto blocks_json = [](const std::vector<UserId>& list) {
    json::array ids;
    for (UserId u : list) ids.push_back(u.value);
    return json::object{{"blocked", std::move(ids)}};
  };
  if (path == "/v1/blocks" && verb == http::verb::get) {
    auto list = people.blocks(me);
    return list ? json_ok(req, blocks_json(*list)) : json_error(req, list.status());
  }
  if (path.starts_with("/v1/blocks/") && (verb == http::verb::put || verb == http::verb::delete_)) {
    auto id = id_after(path, "/v1/blocks/");
    if (!id) return json_error(req, 404, proto::err::kNoSuchUser, "no such user");
    auto list = people.set_block(me, UserId(*id), verb == http::verb::put);
    return list ? json_ok(req, blocks_json(*list)) : json_error(req, list.status());
  }
  if (path.starts_with("/v1/chats/") && path.ends_with("/settings") && verb == http::verb::put) {
    auto id = parse_decimal<std::int64_t>(std::string_view(path).substr(10, path.size() - 10 - 9));
    if (!id || *id <= 0) return json_error(req, 404, proto::err::kNoSuchChat, "no such chat");
    return chat_settings(req, dev, ChatId(*id));
  }
  return std::nullopt;
}

HttpResponse HttpApi::set_profile(const HttpRequest& req, const DeviceRecord& dev) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  ProfileChange change;
  for (auto [key, into] : {std::pair{"name", &change.name}, std::pair{"about", &change.about}}) {
    if (auto* v = body->if_contains(key)) {
      if (!v->is_string()) return bad_frame(req, std::string("'") + key + "' must be a string");
      *into = std::string(v->get_string());
    }
  }
  if (auto* v = body->if_contains("previews")) {
    if (!v->is_bool()) return bad_frame(req, "'previews' must be true or false");
    change.previews = v->get_bool();
  }
  if (!change.name && !change.about && !change.previews)
    return bad_frame(req, "nothing to change: give 'name', 'about' or 'previews'");
  if (change.name || change.about)
    if (auto limited = over_profile_rate(req, dev.user)) return std::move(*limited);
  auto p = svc_.people->set_profile(dev.user, std::move(change));
  return p ? json_ok(req, proto::own_profile_json(*p)) : field_error(req, p.status());
}

HttpResponse HttpApi::users(const HttpRequest& req, const DeviceRecord& dev) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  auto* list = body->if_contains("users");
  if (!list || !list->is_array() || list->get_array().empty() || list->get_array().size() > kMaxUsers)
    return bad_frame(req, "'users' must be an array of 1 to 256 user ids");
  std::vector<UserId> ids;
  for (const auto& v : list->get_array()) {
    if (!v.is_int64() || v.get_int64() <= 0) return bad_frame(req, "'users' must hold positive integers");
    ids.push_back(UserId(v.get_int64()));
  }
  auto views = svc_.people->profiles(dev.user, ids);
  return views ? json_ok(req, json::object{{"users", profiles_json(*views)}}) : json_error(req, views.status());
}

HttpResponse HttpApi::save_contact(const HttpRequest& req, const DeviceRecord& dev) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  auto phone = string_field(*body, "phone");
  auto name = string_field(*body, "name");
  if (!phone || !name) return bad_frame(req, "'phone' and 'name' are required strings");
  auto normalized = svc_.auth.normalize(*phone);
  if (!normalized) return json_error(req, 400, proto::err::kBadPhone, normalized.status().message());
  // Saving tells whether a number is registered: it counts as a lookup.
  if (Status st = svc_.people->take_lookups(dev.user, 1); !st.ok()) {
    if (st.code() == Code::kRateLimited) svc_.metrics.rate_limited++;
    return json_error(req, st);
  }
  auto user = svc_.auth.lookup(*normalized);
  if (!user) return json_error(req, 404, proto::err::kNoSuchUser, "nobody has that number on this server");
  auto v = svc_.people->save_contact(dev.user, user->id, *name);
  if (!v) {
    if (v.status().code() == Code::kInvalid && user->id == dev.user) return json_error(req, v.status());
    return field_error(req, v.status());
  }
  return json_ok(req, proto::profile_json(*v));
}

HttpResponse HttpApi::chat_settings(const HttpRequest& req, const DeviceRecord& dev, ChatId chat) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  ChatPrefsChange change;
  change.user = dev.user;
  change.chat = chat;
  if (auto* v = body->if_contains("mute")) {
    std::string_view m = v->is_string() ? std::string_view(v->get_string()) : std::string_view();
    const TimeMs now = svc_.clock.now_ms();
    if (m == "8h") change.muted_until = now + 8 * 3'600'000LL;
    else if (m == "1w") change.muted_until = now + 7 * 86'400'000LL;
    else if (m == "always") change.muted_until = kMutedForever;
    else if (m == "off") change.muted_until = 0;
    else return bad_frame(req, "'mute' must be \"8h\", \"1w\", \"always\" or \"off\"");
  }
  for (auto [key, into] : {std::pair{"archived", &change.archived}, std::pair{"pinned", &change.pinned}}) {
    if (auto* v = body->if_contains(key)) {
      if (!v->is_bool()) return bad_frame(req, std::string("'") + key + "' must be true or false");
      *into = v->get_bool();
    }
  }
  if (!change.muted_until && !change.archived && !change.pinned)
    return bad_frame(req, "nothing to change: give 'mute', 'archived' or 'pinned'");
  auto p = svc_.people->set_chat_prefs(std::move(change));
  return p ? json_ok(req, proto::chat_prefs_json(*p)) : json_error(req, p.status());
}

}  // namespace parley::net
