// Web Push (RFC 8030) to a browser's subscription: the notification as JSON, encrypted for
// the subscription (RFC 8291, ece.h), POSTed to its endpoint with a VAPID JWT (RFC 8292,
// vapid.h). The endpoint comes from the client, so only https URLs on the push services'
// hosts in `hosts` are taken (validate(), and again before each send): the server POSTs there.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "push/provider.h"
#include "push/providers/http_client.h"
#include "push/providers/vapid.h"

namespace parley::push {

struct WebPushOptions {
  bool enabled = false;
  std::string key_file;  // the VAPID key pair (PEM); made there when missing. Required.
  std::string subject;   // VAPID contact: "mailto:ops@example.com" or an https URL. Required.
  // Hosts an endpoint may name: exact, or "*.example.com" for any name below example.com.
  std::vector<std::string> hosts = {"fcm.googleapis.com", "updates.push.services.mozilla.com",
                                    "push.services.mozilla.com", "web.push.apple.com",
                                    "*.notify.windows.com"};
  bool allow_http = false;  // tests only: http:// endpoints too
  std::string ca_file;      // trust this CA bundle instead of the system's (tests)
  std::int64_t timeout_ms = 10'000;
  bool operator==(const WebPushOptions&) const = default;
};

// A subscription as validate() reads it.
struct WebPushSubscription {
  std::string endpoint;
  std::string origin;   // scheme://host[:port] of the endpoint: the JWT's audience
  std::string p256dh;   // 65 bytes, the browser's public point
  std::string auth;     // 16 bytes
};

// The subscription JSON a browser made, checked against `options` (kInvalid: malformed;
// kForbidden: an endpoint that is not allowed).
Result<WebPushSubscription> parse_subscription(std::string_view json, const WebPushOptions& options);

// The JSON the service worker gets: {"event","chat","kind","seq","count","badge","title","body","tag"},
// its texts cut so that it fits one encrypted record.
std::string webpush_payload(const Notification& n);

class WebPushProvider final : public Provider {
 public:
  static Result<std::unique_ptr<WebPushProvider>> create(WebPushOptions options, const Clock& clock);

  std::string_view name() const override { return "webpush"; }
  Status validate(std::string_view token) const override;
  SendResult send(const Target& target, const Notification& n) override;

  // The VAPID public key (base64url uncompressed point), for GET /v1/push/config.
  const std::string& vapid_public_key() const { return vapid_.public_key(); }

 private:
  WebPushProvider(WebPushOptions options, Vapid vapid, const Clock& clock);

  const WebPushOptions options_;
  const Vapid vapid_;
  const Clock& clock_;
  HttpClient http_;
};

}  // namespace parley::push
