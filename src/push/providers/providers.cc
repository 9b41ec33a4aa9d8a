#include "push/providers/providers.h"

namespace parley::push {

namespace {

template <class P>
Status add(Result<std::unique_ptr<P>> made, const char* section, Providers& out) {
  if (!made) return Status(made.status().code(), std::string(section) + ": " + made.status().message());
  out.list.push_back(std::move(*made));
  return Status::Ok();
}

}  // namespace

Result<Providers> make_providers(const ProvidersOptions& options, const Clock& clock) {
  Providers out;
  if (options.webpush.enabled) {
    auto webpush = WebPushProvider::create(options.webpush, clock);
    if (webpush) out.vapid_public_key = (*webpush)->vapid_public_key();
    if (Status s = add(std::move(webpush), "push.webpush", out); !s.ok()) return s;
  }
  if (options.fcm.enabled)
    if (Status s = add(FcmProvider::create(options.fcm, clock), "push.fcm", out); !s.ok()) return s;
  if (options.apns.enabled)
    if (Status s = add(ApnsProvider::create(options.apns, clock), "push.apns", out); !s.ok()) return s;
  if (options.webhook.enabled)
    if (Status s = add(WebhookProvider::create(options.webhook, clock), "push.webhook", out); !s.ok()) return s;
  if (options.log.enabled) out.list.push_back(std::make_unique<LogProvider>());
  return out;
}

}  // namespace parley::push
