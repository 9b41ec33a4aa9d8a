// The keys of [push] (docs/push.md) and of people's limits, bound into push::Options,
// push::ProvidersOptions and people::Options.
#include "app/config_setters.h"

namespace parley::app {

namespace {

// A comma-separated list (push.webpush_hosts) into a vector.
Setter host_list() {
  return [](Config& c, const toml::node& n) -> std::string {
    if (!n.is_string()) return "must be a string of comma-separated host names";
    auto v = *n.value<std::string>();
    std::vector<std::string> hosts;
    for (std::size_t start = 0; start <= v.size();) {
      auto comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string h = v.substr(start, comma - start);
      h.erase(0, h.find_first_not_of(' '));
      h.erase(h.find_last_not_of(' ') + 1);
      if (!h.empty()) hosts.push_back(h);
      start = comma + 1;
    }
    c.push_providers.webpush.hosts = std::move(hosts);
    return {};
  };
}

// One CA bundle for every provider (tests; a private gateway).
Setter ca_file() {
  return [](Config& c, const toml::node& n) -> std::string {
    if (!n.is_string()) return "must be a string";
    auto v = *n.value<std::string>();
    auto& p = c.push_providers;
    p.webpush.ca_file = p.fcm.ca_file = p.apns.ca_file = p.webhook.ca_file = v;
    return {};
  };
}

Setter timeout_ms() {
  return [](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::int64_t>();
    if (!v || n.is_floating_point()) return "must be an integer";
    auto& p = c.push_providers;
    p.webpush.timeout_ms = p.fcm.timeout_ms = p.apns.timeout_ms = p.webhook.timeout_ms = *v;
    c.push.send_timeout_ms = *v;
    return {};
  };
}

}  // namespace

void add_people_and_push_keys(std::map<std::string, Setter>& k) {
  using C = Config;
  using L = people::Options;
  using P = push::Options;
  using R = push::ProvidersOptions;
  k.insert({
      {"limits.lookup_numbers_per_day", integer(&C::people, &L::lookup_numbers_per_day)},
      {"limits.lookup_numbers_per_hour", integer(&C::people, &L::lookup_numbers_per_hour)},
      {"limits.max_pinned", integer(&C::people, &L::max_pinned)},
      {"limits.profile_changes_per_minute", integer(&C::people, &L::profile_changes_per_minute)},
      {"push.workers", integer(&C::push, &P::workers)},
      {"push.collapse_ms", integer(&C::push, &P::collapse_ms)},
      {"push.ttl_s", integer(&C::push, &P::ttl_ms, 1000)},
      {"push.lease_s", integer(&C::push, &P::lease_ms, 1000)},
      {"push.poll_ms", integer(&C::push, &P::poll_ms)},
      {"push.backoff_base_ms", integer(&C::push, &P::backoff_base_ms)},
      {"push.backoff_max_s", integer(&C::push, &P::backoff_max_ms, 1000)},
      {"push.timeout_ms", timeout_ms()},
      {"push.ca_file", ca_file()},
      {"push.log", nested(&C::push_providers, &R::log, &push::LogOptions::enabled)},
      {"push.webpush", nested(&C::push_providers, &R::webpush, &push::WebPushOptions::enabled)},
      {"push.webpush_key_file", nested(&C::push_providers, &R::webpush, &push::WebPushOptions::key_file)},
      {"push.webpush_subject", nested(&C::push_providers, &R::webpush, &push::WebPushOptions::subject)},
      {"push.webpush_hosts", host_list()},
      {"push.webpush_allow_http", nested(&C::push_providers, &R::webpush, &push::WebPushOptions::allow_http)},
      {"push.fcm", nested(&C::push_providers, &R::fcm, &push::FcmOptions::enabled)},
      {"push.fcm_service_account_file", nested(&C::push_providers, &R::fcm, &push::FcmOptions::service_account_file)},
      {"push.fcm_endpoint", nested(&C::push_providers, &R::fcm, &push::FcmOptions::endpoint)},
      {"push.apns", nested(&C::push_providers, &R::apns, &push::ApnsOptions::enabled)},
      {"push.apns_key_file", nested(&C::push_providers, &R::apns, &push::ApnsOptions::key_file)},
      {"push.apns_key_id", nested(&C::push_providers, &R::apns, &push::ApnsOptions::key_id)},
      {"push.apns_team_id", nested(&C::push_providers, &R::apns, &push::ApnsOptions::team_id)},
      {"push.apns_topic", nested(&C::push_providers, &R::apns, &push::ApnsOptions::topic)},
      {"push.apns_endpoint", nested(&C::push_providers, &R::apns, &push::ApnsOptions::endpoint)},
      {"push.webhook", nested(&C::push_providers, &R::webhook, &push::WebhookOptions::enabled)},
      {"push.webhook_url", nested(&C::push_providers, &R::webhook, &push::WebhookOptions::url)},
      {"push.webhook_secret", nested(&C::push_providers, &R::webhook, &push::WebhookOptions::secret)},
  });
}

}  // namespace parley::app
