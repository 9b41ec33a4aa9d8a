#include "parley/push.h"

#include <boost/json.hpp>

#include "parley/message.h"

namespace parley::client {

namespace json = boost::json;

using fields::i64;
using fields::str;

namespace {

PushTarget parse_target(const json::object& o) {
  return PushTarget{i64(o, "target"), i64(o, "device"), i64(o, "created_at"), str(o, "provider")};
}

PushTargetResult post_target(const Endpoint& server, std::string_view token, const json::object& body) {
  PushTargetResult out{http_call(server, "POST", "/v1/push/targets", json::serialize(body), token)};
  if (const auto* o = out.ok() ? out.http.json.if_object() : nullptr) out.target = parse_target(*o);
  return out;
}

}  // namespace

PushConfig push_config(const Endpoint& server, std::string_view token) {
  PushConfig out{http_call(server, "GET", "/v1/push/config", {}, token), {}, {}};
  const auto* o = out.ok() ? out.http.json.if_object() : nullptr;
  if (!o) return out;
  if (auto* list = o->if_contains("providers"); list && list->is_array())
    for (const auto& p : list->get_array())
      if (p.is_string()) out.providers.emplace_back(p.get_string());
  out.vapid_public_key = str(*o, "vapid_public_key");
  return out;
}

PushTargetResult register_push(const Endpoint& server, std::string_view token, std::string_view provider,
                               std::string_view push_token) {
  return post_target(server, token, json::object{{"provider", provider}, {"token", push_token}});
}

PushTargetResult register_webpush(const Endpoint& server, std::string_view token, const json::object& subscription) {
  return post_target(server, token, json::object{{"provider", "webpush"}, {"subscription", subscription}});
}

PushTargets push_targets(const Endpoint& server, std::string_view token) {
  PushTargets out{http_call(server, "GET", "/v1/push/targets", {}, token)};
  if (const auto* o = out.ok() ? out.http.json.if_object() : nullptr)
    if (auto* list = o->if_contains("targets"); list && list->is_array())
      for (const auto& t : list->get_array())
        if (t.is_object()) out.targets.push_back(parse_target(t.get_object()));
  return out;
}

HttpResult remove_push_target(const Endpoint& server, std::string_view token, std::int64_t target) {
  return http_call(server, "DELETE", "/v1/push/targets/" + std::to_string(target), {}, token);
}

}  // namespace parley::client
