#include "net/http_api.h"

#include "model/membership.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/encoding.h"
#include "net/await.h"
#include "net/http_json.h"
#include "net/http_reply.h"
#include "proto/errors.h"
#include "proto/people_frames.h"

namespace parley::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::awaitable;

namespace {

constexpr int kMaxLookupPhones = 256;
constexpr int kMaxAdminUsers = 10000;

HttpResponse reply(const HttpRequest& req, http::status status, std::string body,
                   std::string_view type = "application/json") {
  return http_reply(req.version(), req.keep_alive(), status, std::move(body), type);
}

HttpResponse ok(const HttpRequest& req, const json::value& v) { return json_ok(req, v); }

HttpResponse error(const HttpRequest& req, int status, std::string_view code, std::string_view message) {
  return json_error(req, status, code, message);
}

HttpResponse error(const HttpRequest& req, const Status& st) { return json_error(req, st); }

json::object device_json(const DeviceRecord& d) {
  return {{"device", d.id.value},   {"name", d.name},       {"created_at", d.created_at},
          {"last_active_at", d.last_active_at}, {"position", d.position}};
}

}  // namespace

HttpApi::HttpApi(Services& services, const Options& options, std::function<bool()> ready)
    : svc_(services), opt_(options), ready_(std::move(ready)), lookups_(services.clock, 20, 60'000), searches_(services.clock, options.searches_per_minute, 60'000) {}

awaitable<HttpResponse> HttpApi::handle(const HttpRequest& req, const std::string& ip, bool internal) {
  svc_.metrics.http_requests++;
  try {
    co_return co_await route(req, ip, internal);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {} failed: {}", std::string(req.method_string()), std::string(req.target()), e.what());
    co_return error(req, 500, proto::err::kInternal, "internal error");
  }
}

bool HttpApi::admin_ok(const HttpRequest& req) const {
  if (opt_.admin_secret.empty()) return false;
  auto given = req[http::field::authorization];
  std::string expected = "Bearer " + opt_.admin_secret;
  return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

awaitable<HttpResponse> HttpApi::route(const HttpRequest& req, const std::string& ip, bool internal) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) co_return error(req, 400, proto::err::kInvalid, "bad request target");
  std::string path = url->path();
  const auto verb = req.method();
  // With an admin listener, operators' routes live there only, and it serves nothing else.
  const bool split = !opt_.admin_host.empty();
  const bool operators = path == "/metrics" || path.starts_with("/v1/admin/");
  if (split && operators != internal && path != "/healthz" && path != "/readyz")
    co_return error(req, 404, proto::err::kNotFound, "no such route");

  if (path == "/healthz") co_return reply(req, http::status::ok, "ok\n", "text/plain");
  if (path == "/readyz") {
    if (ready_()) co_return reply(req, http::status::ok, "ready\n", "text/plain");
    co_return reply(req, http::status::service_unavailable, "not ready\n", "text/plain");
  }
  if (path == "/metrics") co_return reply(req, http::status::ok, svc_.metrics.render(), "text/plain; version=0.0.4");

  if (path.starts_with("/v1/admin/")) {
    if (opt_.admin_secret.empty()) co_return error(req, 404, proto::err::kNotFound, "admin endpoints are off (auth.admin_secret is empty)");
    if (!admin_ok(req)) co_return error(req, 401, proto::err::kUnauthorized, "admin endpoints need the admin secret");
    if (path == "/v1/admin/users" && verb == http::verb::post) co_return co_await admin_users(req);
    if (path == "/v1/admin/clock" && verb == http::verb::post) co_return admin_clock(req);
    if (path == "/v1/admin/nodes" && verb == http::verb::get) co_return admin_nodes(req);
    co_return error(req, 404, proto::err::kNotFound, "no such route");
  }
  if (path == "/v1/auth/code" && verb == http::verb::post) co_return co_await request_code(req, ip);
  if (path == "/v1/auth/verify" && verb == http::verb::post) co_return co_await verify(req, ip);

  if (path.starts_with("/v1/")) {
    auto auth = req[http::field::authorization];
    if (!auth.starts_with("Bearer ")) co_return error(req, 401, proto::err::kUnauthorized, "missing bearer token");
    auto dev = svc_.auth.authenticate(std::string(auth.substr(7)));
    if (!dev) {
      if (dev.status().code() != Code::kUnauthorized) co_return error(req, dev.status());
      svc_.metrics.auth_failures++;
      co_return error(req, 401, proto::err::kUnauthorized, dev.status().message());
    }
    if (path == "/v1/me" && verb == http::verb::get) {
      co_return ok(req, json::object{{"user", dev->user.value}, {"device", dev->id.value}});
    }
    if (path == "/v1/devices" && verb == http::verb::get) co_return devices(req, *dev);
    if (path == "/v1/me/avatar" && verb == http::verb::put) co_return set_avatar(req, *dev);
    if (path.starts_with("/v1/devices/") && verb == http::verb::delete_) {
      auto id = parse_decimal<std::int64_t>(std::string_view(path).substr(12));
      if (!id) co_return error(req, 404, proto::err::kNotFound, "no such device");
      co_return co_await revoke(req, *dev, DeviceId(*id));
    }
    if (path == "/v1/contacts/lookup" && verb == http::verb::post) co_return co_await contacts_lookup(req, *dev);
    if (auto r = people_route(req, path, *dev)) co_return std::move(*r);
    if (auto r = push_route(req, path, *dev)) co_return std::move(*r);
    if (path == "/v1/chats" && verb == http::verb::get) co_return chats(req, *dev);
    if (path == "/v1/invites" && verb == http::verb::get) co_return invites(req, *dev);
    if (path == "/v1/search" && verb == http::verb::get) co_return search(req, *dev);
    if (path == "/v1/starred" && verb == http::verb::get) co_return starred(req, *dev);
    if (path.starts_with("/v1/chats/") && path.ends_with("/messages") && verb == http::verb::get) {
      auto id = parse_decimal<std::int64_t>(std::string_view(path).substr(10, path.size() - 10 - 9));
      if (!id) co_return error(req, 404, proto::err::kNoSuchChat, "no such chat");
      co_return history(req, *dev, ChatId(*id));
    }
    co_return error(req, 404, proto::err::kNotFound, "no such route");
  }
  if (verb == http::verb::get || verb == http::verb::head) co_return static_file(req);
  co_return error(req, 405, proto::err::kInvalid, "method not allowed");
}

awaitable<HttpResponse> HttpApi::request_code(const HttpRequest& req, const std::string& ip) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) co_return bad;
  auto phone = string_field(*body, "phone");
  if (!phone) co_return error(req, 400, proto::err::kBadFrame, "missing string field 'phone'");
  auto r = co_await await_callback<Result<auth::CodeRequested>>(
      [&](auto done) { svc_.auth.request_code(*phone, ip, std::move(done)); });
  if (!r) {
    if (r.status().code() == Code::kInvalid) co_return error(req, 400, proto::err::kBadPhone, r.status().message());
    if (r.status().code() == Code::kRateLimited) svc_.metrics.rate_limited++;
    co_return error(req, r.status());
  }
  co_return ok(req, json::object{{"phone", r->phone}, {"expires_in_s", r->expires_in_ms / 1000}});
}

awaitable<HttpResponse> HttpApi::verify(const HttpRequest& req, const std::string& ip) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) co_return bad;
  auto phone = string_field(*body, "phone");
  auto code = string_field(*body, "code");
  auto name = string_field(*body, "device_name").value_or("device");
  if (!phone || !code) co_return error(req, 400, proto::err::kBadFrame, "'phone' and 'code' are required strings");
  auto r = co_await await_callback<Result<auth::SignedIn>>(
      [&](auto done) { svc_.auth.verify(*phone, *code, name, ip, std::move(done)); });
  if (!r) {
    if (r.status().code() == Code::kInvalid && r.status().message().find("phone") != std::string::npos)
      co_return error(req, 400, proto::err::kBadPhone, r.status().message());
    if (r.status().code() == Code::kRateLimited) svc_.metrics.rate_limited++;
    co_return error(req, r.status());
  }
  co_return ok(req, json::object{{"user", r->user.id.value}, {"phone", r->user.phone},
                                 {"device", r->device.id.value}, {"token", r->token}});
}

awaitable<HttpResponse> HttpApi::admin_users(const HttpRequest& req) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) co_return bad;
  auto* phones = body->if_contains("phones");
  if (!phones || !phones->is_array() || phones->get_array().size() > kMaxAdminUsers)
    co_return error(req, 400, proto::err::kBadFrame, "'phones' must be an array of at most 10000 phone numbers");
  auto name = string_field(*body, "device_name").value_or("admin");
  std::vector<std::string> normalized;
  for (const auto& p : phones->get_array()) {
    if (!p.is_string()) co_return error(req, 400, proto::err::kBadFrame, "'phones' must hold strings");
    auto phone = svc_.auth.normalize(std::string(p.get_string()));
    if (!phone) co_return error(req, 400, proto::err::kBadPhone, std::string(p.get_string()) + ": " + phone.status().message());
    normalized.push_back(*phone);
  }
  // Mint all at once: group commit batches them into a few transactions.
  struct Gather {
    std::mutex mu;  // guards results and left
    std::vector<std::optional<Result<auth::SignedIn>>> results;
    std::size_t left = 0;
  };
  auto g = std::make_shared<Gather>();
  g->results.resize(normalized.size());
  g->left = normalized.size();
  if (!normalized.empty())
    co_await await_callback<bool>([&](std::function<void(bool)> done) {
      for (std::size_t i = 0; i < normalized.size(); ++i)
        svc_.auth.mint(normalized[i], name, [g, i, done](Result<auth::SignedIn> r) {
          std::lock_guard lk(g->mu);
          g->results[i].emplace(std::move(r));
          if (--g->left == 0) done(true);
        });
    });
  json::array out;
  for (auto& r : g->results) {
    if (!*r) co_return error(req, r->status());
    auto& s = r->value();
    out.push_back(json::object{{"phone", s.user.phone}, {"user", s.user.id.value}, {"device", s.device.id.value},
                               {"token", s.token}});
  }
  co_return ok(req, json::object{{"users", std::move(out)}});
}

HttpResponse HttpApi::admin_clock(const HttpRequest& req) {
  if (!svc_.clock_control)
    return error(req, 404, proto::err::kNotFound, "clock control is off ([testing] clock_control)");
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  auto* adv = body->if_contains("advance_ms");
  if (!adv || !adv->is_int64() || adv->get_int64() < 0)
    return error(req, 400, proto::err::kBadFrame, "'advance_ms' must be a non-negative integer");
  svc_.clock_control->advance(adv->get_int64());
  return ok(req, json::object{{"now", svc_.clock.now_ms()}});
}

HttpResponse HttpApi::admin_nodes(const HttpRequest& req) {
  json::array nodes;
  for (const auto& n : svc_.bus.nodes()) nodes.push_back(json::object{{"id", n.id}, {"address", n.address}});
  return ok(req, json::object{{"bus_available", svc_.bus.available()}, {"nodes", std::move(nodes)}});
}

awaitable<HttpResponse> HttpApi::contacts_lookup(const HttpRequest& req, const DeviceRecord& dev) {
  if (TimeMs wait = lookups_.take(std::to_string(dev.user.value))) {
    svc_.metrics.rate_limited++;
    co_return error(req, 429, proto::err::kRateLimited,
                    "too many lookups; retry in " + std::to_string(wait / 1000 + 1) + " s");
  }
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) co_return bad;
  auto* phones = body->if_contains("phones");
  if (!phones || !phones->is_array() || phones->get_array().size() > kMaxLookupPhones)
    co_return error(req, 400, proto::err::kBadFrame, "'phones' must be an array of at most 256 phone numbers");
  // The daily and global limits count every number asked about (docs/protocol.md §7).
  if (svc_.people && !phones->get_array().empty()) {
    if (Status st = svc_.people->take_lookups(dev.user, static_cast<std::int64_t>(phones->get_array().size())); !st.ok()) {
      if (st.code() == Code::kRateLimited) svc_.metrics.rate_limited++;
      co_return error(req, st);
    }
  }
  std::vector<std::pair<std::string, UserId>> hits;
  std::vector<UserId> ids;
  for (const auto& p : phones->get_array()) {
    if (!p.is_string()) continue;
    auto user = svc_.auth.lookup(std::string(p.get_string()));
    if (!user) continue;
    hits.emplace_back(user->phone, user->id);
    ids.push_back(user->id);
  }
  // From now on the caller may see these numbers (in chats, chat_info): they had them.
  if (!ids.empty()) {
    auto st = co_await await_callback<Status>(
        [&](auto done) { svc_.chat.found_by_phone(dev.user, ids, std::move(done)); });
    if (!st.ok()) co_return error(req, st);
  }
  // With the profile fields the caller may now see.
  std::map<std::int64_t, json::object> profiles;
  if (svc_.people && !ids.empty())
    if (auto views = svc_.people->profiles(dev.user, ids))
      for (const auto& v : *views) profiles[v.user.value] = proto::profile_json(v);
  json::array found;
  for (const auto& [phone, id] : hits) {
    json::object o{{"phone", phone}, {"user", id.value}};
    if (auto it = profiles.find(id.value); it != profiles.end())
      for (const char* key : {"name", "about", "avatar"})
        if (auto* v = it->second.if_contains(key)) o[key] = *v;
    found.push_back(std::move(o));
  }
  co_return ok(req, json::object{{"users", std::move(found)}});
}

HttpResponse HttpApi::invites(const HttpRequest& req, const DeviceRecord& dev) {
  auto list = svc_.chat.invites(dev.user);
  if (!list) return error(req, list.status());
  json::array out;
  for (const auto& i : *list)
    out.push_back(json::object{{"chat", i.chat.value},       {"name", i.chat_name},
                               {"from", i.inviter.value},    {"code", i.code},
                               {"expires_at", i.expires_at}});
  return ok(req, json::object{{"invites", std::move(out)}});
}

HttpResponse HttpApi::set_avatar(const HttpRequest& req, const DeviceRecord& dev) {
  HttpResponse bad;
  auto body = body_object(req, bad);
  if (!body) return bad;
  auto avatar = string_field(*body, "avatar");
  if (!avatar) return error(req, 400, proto::err::kBadFrame, "'avatar' must be a media id, or \"\" for none");
  if (!svc_.media) return error(req, 404, proto::err::kNotFound, "media are off on this server");
  if (auto limited = over_profile_rate(req, dev.user)) return std::move(*limited);
  Status st = svc_.media->set_avatar(dev.user, *avatar);
  if (!st.ok()) return error(req, st);
  if (svc_.people) svc_.people->announce(dev.user);
  return ok(req, json::object{{"avatar", *avatar}});
}

HttpResponse HttpApi::chats(const HttpRequest& req, const DeviceRecord& dev) {
  // `?former=1`: also the groups the caller left or was removed from (docs/protocol.md §7).
  bool former = false;
  if (auto url = boost::urls::parse_origin_form(req.target()))
    for (auto param : url->params())
      if (param.key == "former") former = param.value == "1" || param.value == "true";
  auto list = svc_.chat.chats(dev.user, former);
  if (!list) return error(req, list.status());
  if (svc_.people)  // names, and avatars only where the profile rules allow
    if (Status st = svc_.people->decorate(dev.user, *list); !st.ok()) return error(req, st);
  json::array out;
  for (const auto& c : *list) {
    json::object o{{"chat", c.chat.value},     {"kind", membership::kind_name(c.kind)},
                   {"last_seq", c.last_seq},   {"last_ts", c.last_ts},
                   {"last_text", c.last_text}, {"last_sender", c.last_sender.value},
                   {"read", c.my_read}};
    if (!c.last_media.empty()) {  // what the list shows: the kind and name, not the thumbnail
      json::error_code ec;
      auto m = json::parse(c.last_media, ec);
      if (!ec && m.is_object()) {
        json::object brief;
        for (const char* key : {"id", "kind", "name", "duration_ms"})
          if (auto* v = m.as_object().if_contains(key)) brief[key] = *v;
        o["last_media"] = std::move(brief);
      }
    }
    if (c.temporary) o["temporary"] = true;
    if (c.disappear_ms > 0) o["disappear"] = c.disappear_ms / 1000;
    if (c.muted_until != 0 && (c.muted_until == kMutedForever || c.muted_until > svc_.clock.now_ms()))
      o["muted_until"] = c.muted_until;
    if (c.archived) o["archived"] = true;
    if (c.pinned) o["pinned"] = true;
    if (c.kind == ChatKind::kDirect) {
      if (!c.peer_avatar.empty()) o["peer_avatar"] = c.peer_avatar;
      if (!c.peer_name.empty()) o["peer_name"] = c.peer_name;
      if (!c.peer_contact_name.empty()) o["peer_contact_name"] = c.peer_contact_name;
      o["peer"] = c.peer.value;
      if (!c.peer_phone.empty()) o["peer_phone"] = c.peer_phone;
      o["peer_delivered"] = c.peer_delivered;
      o["peer_read"] = c.peer_read;
    } else if (!c.member) {
      // A former member's group as it was at the removal: no count, picture or positions of now.
      o["name"] = c.name;
      o["member"] = false;
      o["ended"] = c.left ? "left" : "removed";
    } else {
      o["name"] = c.name;
      o["member_count"] = c.member_count;
      if (!c.avatar.empty()) o["avatar"] = c.avatar;
      if (c.kind == ChatKind::kGroup) {
        o["all_delivered"] = c.all_delivered;
        o["all_read"] = c.all_read;
      }
    }
    out.push_back(std::move(o));
  }
  return ok(req, json::object{{"chats", std::move(out)}});
}

HttpResponse HttpApi::devices(const HttpRequest& req, const DeviceRecord& dev) {
  auto list = svc_.auth.devices(dev.user);
  if (!list) return error(req, list.status());
  json::array out;
  for (const auto& d : *list) {
    auto o = device_json(d);
    o["current"] = d.id == dev.id;
    out.push_back(std::move(o));
  }
  return ok(req, json::object{{"devices", std::move(out)}});
}

awaitable<HttpResponse> HttpApi::revoke(const HttpRequest& req, const DeviceRecord& dev, DeviceId target) {
  auto st = co_await await_callback<Status>([&](auto done) { svc_.auth.revoke(dev.user, target, std::move(done)); });
  if (!st.ok()) co_return error(req, st);
  co_return ok(req, json::object{{"revoked", target.value}});
}

namespace {

/// The browser client's own addresses (docs/web-client.md, Navigation): an open chat
/// (`/chat/42`) and a room invite link (`/join/<code>`). They are pages of the app, so a
/// reload or a pasted link gets index.html; any other unknown path stays a 404, so a missing
/// asset is never answered with a page.
bool client_route(std::string_view path) {
  auto rest_is = [&](std::string_view prefix, auto ok) {
    if (!path.starts_with(prefix)) return false;
    auto rest = path.substr(prefix.size());
    return !rest.empty() && rest.size() <= 64 && std::ranges::all_of(rest, ok);
  };
  return rest_is("/chat/", [](char c) { return c >= '0' && c <= '9'; }) ||
         rest_is("/join/", [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

}  // namespace

HttpResponse HttpApi::static_file(const HttpRequest& req) {
  if (opt_.web_root.empty())
    return reply(req, http::status::ok,
                 "parleyd is running, but the browser client is not installed: build it with "
                 "scripts/build-web.sh and point server.web_root at web/dist.\n",
                 "text/plain");
  auto url = boost::urls::parse_origin_form(req.target());
  std::string path = url->path();
  if (path.find("..") != std::string::npos) return error(req, 404, proto::err::kNotFound, "not found");
  if (client_route(path)) path = "/index.html";
  else if (path.empty() || path.back() == '/') path += "index.html";
  // Only regular files: a directory (GET /assets) opens as an empty stream otherwise.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(opt_.web_root + path, ec))
    return error(req, 404, proto::err::kNotFound, "not found");
  std::ifstream in(opt_.web_root + path, std::ios::binary);
  if (!in) return error(req, 404, proto::err::kNotFound, "not found");
  std::ostringstream data;
  data << in.rdbuf();
  std::string_view type = "application/octet-stream";
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) type = "text/html; charset=utf-8";
  else if (ends(".js")) type = "text/javascript";
  else if (ends(".css")) type = "text/css";
  else if (ends(".svg")) type = "image/svg+xml";
  else if (ends(".png")) type = "image/png";
  else if (ends(".ico")) type = "image/x-icon";
  else if (ends(".woff2")) type = "font/woff2";
  else if (ends(".json") || ends(".map")) type = "application/json";
  else if (ends(".webmanifest")) type = "application/manifest+json";
  else if (ends(".txt")) type = "text/plain; charset=utf-8";
  auto res = reply(req, http::status::ok, data.str(), type);
  // Vite names what it puts under /assets/ by content hash: a new build means new names.
  // Everything else (index.html, favicon, manifest) keeps its name, so it is revalidated.
  res.set(http::field::cache_control, path.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  res.set("Content-Security-Policy",
          "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace parley::net
