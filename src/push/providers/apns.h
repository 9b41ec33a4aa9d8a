// Apple Push Notification service over HTTP/2 with token authentication: an ES256 provider
// token signed with the team's .p8 key, reused for 50 minutes (Apple refuses new ones more
// often than every 20) and shared by every thread; send() is thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "push/provider.h"
#include "push/providers/http_client.h"
#include "push/providers/keys.h"

namespace parley::push {

struct ApnsOptions {
  bool enabled = false;
  std::string key_file;  // the .p8 signing key (PKCS#8 PEM, P-256). Required.
  std::string key_id;    // its 10-character key id. Required.
  std::string team_id;   // the Apple developer team id. Required.
  std::string topic;     // the app's bundle id. Required.
  std::string endpoint = "https://api.push.apple.com";  // sandbox: https://api.sandbox.push.apple.com
  std::string ca_file;   // trust this CA bundle instead of the system's (tests)
  std::int64_t timeout_ms = 10'000;
  bool operator==(const ApnsOptions&) const = default;
};

// The JSON body APNs gets for a notification.
std::string apns_payload(const Notification& n);

class ApnsProvider final : public Provider {
 public:
  static Result<std::unique_ptr<ApnsProvider>> create(ApnsOptions options, const Clock& clock);

  std::string_view name() const override { return "apns"; }
  Status validate(std::string_view token) const override;
  SendResult send(const Target& target, const Notification& n) override;

 private:
  ApnsProvider(ApnsOptions options, Pkey key, const Clock& clock);
  // The provider token: the cached one while younger than 50 minutes, unless `expired` names
  // it and it is at least 20 minutes old.
  Result<std::string> provider_token(const std::string& expired);

  const ApnsOptions options_;
  const Pkey key_;
  const Clock& clock_;
  HttpClient http_;
  std::mutex jwt_mu_;  // guards jwt_ and jwt_issued_at_
  std::string jwt_;
  TimeMs jwt_issued_at_ = 0;
};

}  // namespace parley::push
