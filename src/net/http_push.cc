// HTTP routes of push notifications (docs/protocol.md §7, docs/push.md): which providers
// this server sends through, and the caller's push targets.
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "core/encoding.h"
#include "net/http_api.h"
#include "proto/errors.h"

namespace parley::net {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxToken = 4096;

}  // namespace

std::optional<HttpResponse> HttpApi::push_route(const HttpRequest& req, const std::string& path, const DeviceRecord& dev) {
  if (!path.starts_with("/v1/push/")) return std::nullopt;
  const auto verb = req.method();
  if (!svc_.push) return json_error(req, 404, proto::err::kNotFound, "push notifications are off on this server");
  if (path == "/v1/push/config" && verb == http::verb::get) {
    json::array names;
    for (const auto& n : svc_.push->providers()) names.push_back(json::string(n));
    json::object o{{"providers", std::move(names)}};
    if (!svc_.vapid_public_key.empty()) o["vapid_public_key"] = svc_.vapid_public_key;
    return json_ok(req, o);
  }
  if (path == "/v1/push/targets") {
    if (verb == http::verb::post) return add_target(req, dev);
    if (verb == http::verb::get) {
      auto list = svc_.push->targets(dev.user);
      if (!list) return json_error(req, list.status());
      json::array out;
      for (const auto& t : *list)
        out.push_back(json::object{{"target", t.id}, {"device", t.device.value}, {"provider", t.provider},
                                   {"created_at", t.created_at}});
      return json_ok(req, json::object{{"targets", std::move(out)}});
    }
  }
  if (path.starts_with("/v1/push/targets/") && verb == http::verb::delete_) {
    auto id = parse_decimal<std::int64_t>(std::string_view(path).substr(17));
    if (!id || *id <= 0) return json_error(req, 404, proto::err::kNotFound, "no such push target");
    Status st = svc_.push->remove_target(dev.user, *id);
    return st.ok() ? json_ok(req, json::object{{"removed", *id}}) : json_error(req, st);
  }
  return std::nullopt;
}

HttpResponse HttpApi::add_target(const HttpRequest& req, const DeviceRecord& dev) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  auto provider = string_field(*body, "provider");
  if (!provider) return json_error(req, 400, proto::err::kBadFrame, "missing string field 'provider'");
  std::string token;
  if (*provider == "webpush") {
    auto* sub = body->if_contains("subscription");
    if (!sub || !sub->is_object()) return json_error(req, 400, proto::err::kBadFrame, "webpush needs a 'subscription' object");
    token = json::serialize(*sub);  // the provider checks and reads it
  } else {
    auto t = string_field(*body, "token");
    if (!t || t->empty()) return json_error(req, 400, proto::err::kBadFrame, "missing string field 'token'");
    token = std::move(*t);
  }
  if (token.size() > kMaxToken) return json_error(req, 400, proto::err::kBadFrame, "the token is too long");
  if (Status st = svc_.push->validate(*provider, token); !st.ok())  // not here or not there; or unreadable
    return json_error(req, 400, st.code() == Code::kForbidden ? proto::err::kInvalid : proto::err::kBadFrame, st.message());
  auto id = svc_.push->register_target(dev.user, dev.id, *provider, std::move(token));
  if (!id) return json_error(req, id.status());
  return json_ok(req, json::object{{"target", *id}, {"provider", *provider}});
}

}  // namespace parley::net
