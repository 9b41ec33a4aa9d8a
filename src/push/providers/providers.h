// The push providers this server sends through, built from their options: the one place
// that knows every adapter (app calls it; PushService sees only push::Provider). Each
// provider's defaults are in its options struct; only `log` is on by default.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "push/provider.h"
#include "push/providers/apns.h"
#include "push/providers/fcm.h"
#include "push/providers/log_provider.h"
#include "push/providers/webhook.h"
#include "push/providers/webpush.h"

namespace parley::push {

struct ProvidersOptions {
  LogOptions log;          // [push.log]
  WebPushOptions webpush;  // [push.webpush]
  FcmOptions fcm;          // [push.fcm]
  ApnsOptions apns;        // [push.apns]
  WebhookOptions webhook;  // [push.webhook]
  bool operator==(const ProvidersOptions&) const = default;
};

struct Providers {
  std::vector<std::unique_ptr<Provider>> list;  // the enabled ones
  std::string vapid_public_key;                 // base64url point; empty unless webpush is on
};

// The enabled providers, or the first configuration problem ("push.fcm: …"). `clock` must
// outlive them. Loads key files, and creates the VAPID key file when it is missing.
Result<Providers> make_providers(const ProvidersOptions& options, const Clock& clock);

}  // namespace parley::push
