// Push notification targets over HTTP (docs/protocol.md §4.9, §7): which providers the
// server sends through, and where this device's notifications go. Blocking calls with no
// shared state: any thread. On failure `http` holds the status, code and message.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/http.h"

namespace parley::client {

struct PushConfig {
  HttpResult http;
  std::vector<std::string> providers{};  // "webpush", "fcm", "apns", "webhook", "log"
  std::string vapid_public_key;          // Web Push's applicationServerKey; "" without webpush
  bool ok() const { return http.ok(); }
};
// GET /v1/push/config.
PushConfig push_config(const Endpoint& server, std::string_view token);

struct PushTarget {
  std::int64_t target = 0, device = 0, created_at = 0;
  std::string provider;
};
struct PushTargetResult {
  HttpResult http;  // 400 invalid: the provider is off; 400 bad_frame: a malformed token
  PushTarget target{};
  bool ok() const { return http.ok(); }
};
// POST /v1/push/targets for this device: `token` for fcm, apns, webhook and log. Registering
// a provider again replaces this device's target of it.
PushTargetResult register_push(const Endpoint& server, std::string_view token, std::string_view provider,
                               std::string_view push_token);
// The same for Web Push: the browser's subscription ({"endpoint", "keys": {"p256dh", "auth"}}).
PushTargetResult register_webpush(const Endpoint& server, std::string_view token,
                                  const boost::json::object& subscription);

struct PushTargets {
  HttpResult http;
  std::vector<PushTarget> targets{};  // every device of the user's
  bool ok() const { return http.ok(); }
};
// GET /v1/push/targets.
PushTargets push_targets(const Endpoint& server, std::string_view token);
// DELETE /v1/push/targets/{target}: 404 not_found when it is not the caller's.
HttpResult remove_push_target(const Endpoint& server, std::string_view token, std::int64_t target);

}  // namespace parley::client
