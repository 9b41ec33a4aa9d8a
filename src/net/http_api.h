// The HTTP routes of parleyd: sign-in, devices, contacts, chats, history and search, admin,
// health, metrics; profiles, saved contacts, blocks and chat settings (http_people.cc); push
// targets (http_push.cc).
// Every route answers JSON; errors are {"error": <wire code>, "message": ...}
// (docs/protocol.md). Runs on the query pool (net/server.cc): routes wait on the store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <string>

#include "auth/rate_limiter.h"
#include "net/http_json.h"
#include "net/services.h"

namespace parley::net {

class HttpApi {
 public:
  HttpApi(Services& services, const Options& options, std::function<bool()> ready);

  // `internal`: the request came on the admin listener (Options::admin_host).
  boost::asio::awaitable<HttpResponse> handle(const HttpRequest& req, const std::string& remote_ip, bool internal = false);

 private:
  boost::asio::awaitable<HttpResponse> route(const HttpRequest& req, const std::string& ip, bool internal);
  boost::asio::awaitable<HttpResponse> request_code(const HttpRequest& req, const std::string& ip);
  boost::asio::awaitable<HttpResponse> verify(const HttpRequest& req, const std::string& ip);
  boost::asio::awaitable<HttpResponse> admin_users(const HttpRequest& req);
  HttpResponse admin_clock(const HttpRequest& req);
  HttpResponse admin_nodes(const HttpRequest& req);
  boost::asio::awaitable<HttpResponse> contacts_lookup(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse invites(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse chats(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse set_avatar(const HttpRequest& req, const DeviceRecord& dev);
  // http_messages.cc: history, search and the starred list.
  HttpResponse history(const HttpRequest& req, const DeviceRecord& dev, ChatId chat);
  HttpResponse search(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse starred(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse devices(const HttpRequest& req, const DeviceRecord& dev);
  // http_people.cc and http_push.cc: nullopt when the route is not theirs.
  std::optional<HttpResponse> people_route(const HttpRequest& req, const std::string& path, const DeviceRecord& dev);
  std::optional<HttpResponse> push_route(const HttpRequest& req, const std::string& path, const DeviceRecord& dev);
  HttpResponse set_profile(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse users(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse save_contact(const HttpRequest& req, const DeviceRecord& dev);
  HttpResponse chat_settings(const HttpRequest& req, const DeviceRecord& dev, ChatId chat);
  HttpResponse add_target(const HttpRequest& req, const DeviceRecord& dev);
  // One profile change more for this user (profile, privacy of a field, avatar): 429 past the limit.
  std::optional<HttpResponse> over_profile_rate(const HttpRequest& req, UserId user);
  boost::asio::awaitable<HttpResponse> revoke(const HttpRequest& req, const DeviceRecord& dev, DeviceId target);
  HttpResponse static_file(const HttpRequest& req);
  bool admin_ok(const HttpRequest& req) const;

  Services& svc_;
  const Options& opt_;
  std::function<bool()> ready_;
  auth::RateLimiter lookups_;   // contact discovery, per user
  auth::RateLimiter searches_;  // full-text searches, per user
};

}  // namespace parley::net
