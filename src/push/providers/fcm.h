// Firebase Cloud Messaging, HTTP v1 API, for Android (and iOS apps that use FCM). Auth is a
// Google service account: an RS256 JWT assertion traded at its token_uri for an OAuth access
// token, cached until a minute before it expires and fetched once for every thread
// (send() is thread-safe); a 401 on a send refreshes it and tries once more.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "push/provider.h"
#include "push/providers/http_client.h"
#include "push/providers/keys.h"

namespace parley::push {

struct FcmOptions {
  bool enabled = false;
  // The service account's JSON key file (client_email, private_key, token_uri, project_id). Required.
  std::string service_account_file;
  std::string endpoint = "https://fcm.googleapis.com";
  std::string ca_file;  // trust this CA bundle instead of the system's (tests)
  std::int64_t timeout_ms = 10'000;
  bool operator==(const FcmOptions&) const = default;
};

// The request body of messages:send for one device.
std::string fcm_message(const std::string& token, const Notification& n);

class FcmProvider final : public Provider {
 public:
  static Result<std::unique_ptr<FcmProvider>> create(FcmOptions options, const Clock& clock);

  std::string_view name() const override { return "fcm"; }
  Status validate(std::string_view token) const override;
  SendResult send(const Target& target, const Notification& n) override;

 private:
  struct Account {
    std::string client_email, token_uri, project_id;
    Pkey key;
  };
  FcmProvider(FcmOptions options, Account account, const Clock& clock);
  // An access token: the cached one unless it is `rejected`, or a new one. A token request
  // that fails gives the SendResult to return instead (token empty).
  std::string access_token(const std::string& rejected, SendResult& failure);

  const FcmOptions options_;
  const Account account_;
  const std::string send_url_;
  const Clock& clock_;
  HttpClient http_;
  std::mutex token_mu_;  // guards token_ and token_refresh_at_; held while a new token is fetched
  std::string token_;
  TimeMs token_refresh_at_ = 0;
};

}  // namespace parley::push
