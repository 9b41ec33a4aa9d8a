// An operator's own push gateway, called the way a Matrix homeserver calls a push gateway
// (`/_matrix/push/v1/notify`), plus a "parley" object with our own fields. Each request is
// signed: `X-Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// A 2xx answer whose "rejected" list holds our pushkey means the pushkey is gone.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "push/provider.h"
#include "push/providers/http_client.h"

namespace parley::push {

struct WebhookOptions {
  bool enabled = false;
  std::string url;     // http(s)://gateway/_matrix/push/v1/notify. Required.
  std::string secret;  // the HMAC key the gateway checks signatures with. Required.
  std::string ca_file; // trust this CA bundle instead of the system's (tests)
  std::int64_t timeout_ms = 10'000;
  bool operator==(const WebhookOptions&) const = default;
};

std::string webhook_body(const Target& target, const Notification& n);
// The X-Parley-Signature value for `body` sent at `unix_s`.
std::string webhook_signature(std::string_view secret, std::int64_t unix_s, std::string_view body);

class WebhookProvider final : public Provider {
 public:
  static Result<std::unique_ptr<WebhookProvider>> create(WebhookOptions options, const Clock& clock);

  std::string_view name() const override { return "webhook"; }
  Status validate(std::string_view token) const override;
  SendResult send(const Target& target, const Notification& n) override;

 private:
  WebhookProvider(WebhookOptions options, const Clock& clock);

  const WebhookOptions options_;
  const Clock& clock_;
  HttpClient http_;
};

}  // namespace parley::push
