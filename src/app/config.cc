#include "app/config.h"

#include <toml++/toml.h>

#include <functional>
#include <map>
#include <sstream>

#include "app/config_setters.h"
#include "auth/phone.h"

namespace parley::app {

namespace {

// HOST:PORT into the server's host and port (the port may be 0: any free port); `optional`:
// an empty string turns the listener off.
Setter address(std::string net::Options::*host, unsigned short net::Options::*port, bool optional) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::string>();
    if (!v || !n.is_string()) return "must be a string";
    if (optional && v->empty()) {
      c.server.*host = {};
      c.server.*port = 0;
      return {};
    }
    auto colon = v->rfind(':');
    if (colon == std::string::npos || colon == 0) return "must be HOST:PORT";
    std::string digits = v->substr(colon + 1);
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(digits) > 65535)
      return "has a bad port in '" + *v + "'";
    c.server.*host = v->substr(0, colon);
    c.server.*port = static_cast<unsigned short>(std::stoi(digits));
    return {};
  };
}

const std::map<std::string, Setter>& keys() {
  using C = Config;
  using N = net::Options;
  using A = auth::Options;
  using P = presence::Options;
  using H = chat::Options;
  using M = media::Options;
  static const std::map<std::string, Setter> k = [] {
    std::map<std::string, Setter> k = {
      {"server.listen", address(&N::host, &N::port, false)},
      {"server.admin_listen", address(&N::admin_host, &N::admin_port, true)},
      {"server.threads", integer(&C::server, &N::threads)},
      {"server.max_frame_bytes", integer(&C::server, &N::max_frame_bytes)},
      {"server.max_queue_bytes", integer(&C::server, &N::max_queue_bytes)},
      {"server.max_output_bytes", integer(&C::server, &N::max_output_bytes)},
      {"server.auth_timeout_ms", integer(&C::server, &N::auth_timeout_ms)},
      {"server.idle_timeout_s", integer(&C::server, &N::idle_timeout_s)},
      {"server.max_protocol_errors", integer(&C::server, &N::max_protocol_errors)},
      {"server.shutdown_grace_ms", integer(&C::server, &N::shutdown_grace_ms)},
      {"server.web_root", string(&C::server, &N::web_root)},
      {"store.kind", string(&C::store, &C::Store::kind)},
      {"store.data_dir", string(&C::store, &C::Store::data_dir)},
      {"store.max_batch", integer(&C::store, &C::Store::max_batch)},
      {"store.wal_limit_mb", integer(&C::store, &C::Store::wal_limit_mb)},
      {"store.commit_gap_us", integer(&C::store, &C::Store::commit_gap_us)},
      {"store.postgres_url", string(&C::store, &C::Store::postgres_url)},
      {"store.search_index", boolean(&C::store, &C::Store::search_index)},
      {"store.search_index_delay_ms", integer(&C::store, &C::Store::search_index_delay_ms)},
      {"bus.kind", string(&C::bus, &C::Bus::kind)},
      {"bus.nats_urls", string(&C::bus, &C::Bus::nats_urls)},
      {"bus.node_id", string(&C::bus, &C::Bus::node_id)},
      {"bus.nats_creds_file", string(&C::bus, &C::Bus::nats_creds_file)},
      {"bus.nats_nkey", string(&C::bus, &C::Bus::nats_nkey)},
      {"bus.nats_nkey_seed_file", string(&C::bus, &C::Bus::nats_nkey_seed_file)},
      {"bus.nats_ca_file", string(&C::bus, &C::Bus::nats_ca_file)},
      {"bus.nats_cert_file", string(&C::bus, &C::Bus::nats_cert_file)},
      {"bus.nats_key_file", string(&C::bus, &C::Bus::nats_key_file)},
      {"auth.default_region", string(&C::auth, &A::default_region)},
      {"auth.code_ttl_s", integer(&C::auth, &A::code_ttl_ms, 1000)},
      {"auth.code_max_attempts", integer(&C::auth, &A::code_max_attempts)},
      {"auth.codes_per_phone_per_hour", integer(&C::auth, &A::codes_per_phone_per_hour)},
      {"auth.requests_per_ip_per_minute", integer(&C::auth, &A::requests_per_ip_per_minute)},
      {"auth.wrong_codes_per_hour", integer(&C::auth, &A::wrong_codes_per_hour)},
      {"auth.sms_per_hour", integer(&C::auth, &A::sms_per_hour)},
      {"auth.sms_per_country_per_hour", integer(&C::auth, &A::sms_per_country_per_hour)},
      {"auth.device_idle_days", integer(&C::auth, &A::device_idle_ms, 86'400'000)},
      {"auth.code_sender", string(&C::codes, &C::Codes::code_sender)},
      {"auth.webhook_url", string(&C::codes, &C::Codes::webhook_url)},
      {"auth.webhook_timeout_ms", integer(&C::codes, &C::Codes::webhook_timeout_ms)},
      {"auth.allow_log_codes", boolean(&C::codes, &C::Codes::allow_log_codes)},
      {"auth.admin_secret", string(&C::server, &N::admin_secret)},
      {"limits.max_text_chars",
       [](Config& c, const toml::node& n) -> std::string {
         auto v = n.value<std::int64_t>();
         if (!v || n.is_floating_point()) return "must be an integer";
         c.server.limits.max_text_chars = static_cast<std::size_t>(*v);
         return {};
       }},
      {"limits.send_rate_per_s", number(&C::server, &N::send_rate_per_s)},
      {"limits.send_burst", number(&C::server, &N::send_burst)},
      {"limits.sync_page", integer(&C::server, &N::sync_page)},
      {"limits.typing_rate_per_s", number(&C::server, &N::typing_rate_per_s)},
      {"limits.typing_burst", number(&C::server, &N::typing_burst)},
      {"limits.connections_per_ip", integer(&C::server, &N::connections_per_ip)},
      {"limits.connections_per_user", integer(&C::server, &N::connections_per_user)},
      {"limits.queries_per_s", number(&C::server, &N::queries_per_s)},
      {"limits.query_burst", number(&C::server, &N::query_burst)},
      {"limits.searches_per_minute", integer(&C::server, &N::searches_per_minute)},
      {"presence.online_threshold_ms", integer(&C::presence, &P::online_threshold_ms)},
      {"presence.heartbeat_ms", integer(&C::presence, &P::heartbeat_ms)},
      {"presence.typing_timeout_ms", integer(&C::presence, &P::typing_timeout_ms)},
      {"presence.persist_interval_s", integer(&C::presence, &P::persist_interval_ms, 1000)},
      {"presence.max_watched", integer(&C::presence, &P::max_watched)},
      {"groups.max_members", integer(&C::chat, &H::max_group_members)},
      {"groups.invite_ttl_h", integer(&C::chat, &H::invite_ttl_ms, 3'600'000)},
      {"rooms.max_members", integer(&C::chat, &H::max_room_members)},
      {"messages.edit_window_min", integer(&C::chat, &H::edit_window_ms, 60'000)},
      {"messages.delete_window_h", integer(&C::chat, &H::delete_window_ms, 3'600'000)},
      {"messages.expiry_interval_ms", integer(&C::chat, &H::expiry_interval_ms)},
      {"media.threads", integer(&C::server, &N::media_threads)},
      {"media.max_image_mb", integer(&C::media, &M::max_image_bytes, 1 << 20)},
      {"media.max_video_mb", integer(&C::media, &M::max_video_bytes, 1 << 20)},
      {"media.max_voice_mb", integer(&C::media, &M::max_voice_bytes, 1 << 20)},
      {"media.max_file_mb", integer(&C::media, &M::max_file_bytes, 1 << 20)},
      {"media.max_image_side",
       [](Config& c, const toml::node& n) -> std::string {
         auto v = n.value<std::int64_t>();
         if (!v || n.is_floating_point()) return "must be an integer";
         c.media.image.max_side = static_cast<int>(std::clamp<std::int64_t>(*v, 0, 1 << 20));
         return {};
       }},
      {"media.uploads_in_progress", integer(&C::media, &M::uploads_in_progress)},
      {"media.uploads_per_hour", integer(&C::media, &M::uploads_per_hour)},
      {"media.upload_ttl_h", integer(&C::media, &M::upload_ttl_ms, 3'600'000)},
      {"media.grace_h", integer(&C::media, &M::grace_ms, 3'600'000)},
      {"media.backend", string(&C::media_storage, &C::MediaStorage::backend)},
      {"media.dir", string(&C::media_storage, &C::MediaStorage::dir)},
      {"media.s3_endpoint", string(&C::media_storage, &C::MediaStorage::s3_endpoint)},
      {"media.s3_bucket", string(&C::media_storage, &C::MediaStorage::s3_bucket)},
      {"media.s3_region", string(&C::media_storage, &C::MediaStorage::s3_region)},
      {"media.s3_access_key", string(&C::media_storage, &C::MediaStorage::s3_access_key)},
      {"media.s3_secret_key", string(&C::media_storage, &C::MediaStorage::s3_secret_key)},
      {"media.sweep_interval_s", integer(&C::media_storage, &C::MediaStorage::sweep_interval_s)},
      {"retention.days", integer(&C::retention, &C::Retention::days)},
      {"retention.sweep_interval_s", integer(&C::retention, &C::Retention::sweep_interval_s)},
      {"log.level", string(&C::log, &C::Log::level)},
      {"testing.clock_control", boolean(&C::testing, &C::Testing::clock_control)},
    };
    add_people_and_push_keys(k);
    return k;
  }();
  return k;
}

std::string apply_table(Config& c, const toml::table& root) {
  std::ostringstream errors;
  for (auto&& [section, node] : root) {
    const auto* table = node.as_table();
    if (!table) {
      errors << "'" << section.str() << "' must be a table like [" << section.str() << "]\n";
      continue;
    }
    for (auto&& [key, value] : *table) {
      std::string name = std::string(section.str()) + "." + std::string(key.str());
      auto it = keys().find(name);
      if (it == keys().end()) {
        errors << "unknown key '" << name << "'\n";
        continue;
      }
      if (auto e = it->second(c, value); !e.empty()) errors << "'" << name << "' " << e << "\n";
    }
  }
  return errors.str();
}

}  // namespace

std::vector<std::string> config_keys() {
  std::vector<std::string> out;
  for (const auto& [key, setter] : keys()) out.push_back(key);
  return out;
}

Result<Config> load_config_file(const std::string& path, Config base) {
  toml::table parsed;
  try {
    parsed = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ": " << e.description();
    return Status(Code::kInvalid, msg.str());
  }
  if (auto e = apply_table(base, parsed); !e.empty())
    return Status(Code::kInvalid, path + ": " + e.substr(0, e.size() - 1));
  return base;
}

Status apply_override(Config& config, const std::string& assignment) {
  auto eq = assignment.find('=');
  auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    return Status(Code::kInvalid, "--set expects section.key=value, got '" + assignment + "'");
  std::string section = assignment.substr(0, dot);
  std::string key = assignment.substr(dot + 1, eq - dot - 1);
  std::string value = assignment.substr(eq + 1);
  // Parse the value as TOML; fall back to a bare string.
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    toml::table as_string;
    as_string.insert("v", value);
    parsed = std::move(as_string);
  }
  toml::table root;
  toml::table inner;
  inner.insert(key, *parsed.get("v"));
  root.insert(section, std::move(inner));
  if (auto e = apply_table(config, root); !e.empty()) return Status(Code::kInvalid, "--set: " + e.substr(0, e.size() - 1));
  return Status::Ok();
}

// The host names the loopback interface (127.0.0.0/8, ::1, localhost).
static bool loopback(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::vector<std::string> validate(const Config& c) {
  std::vector<std::string> out;
  auto need = [&](bool ok, std::string msg) {
    if (!ok) out.push_back(std::move(msg));
  };
  const net::Options& s = c.server;
  need(s.threads >= 0 && s.threads <= 256, "server.threads must be 0..256");
  need(s.max_frame_bytes >= 1024 && s.max_frame_bytes <= (16u << 20), "server.max_frame_bytes must be 1024..16777216");
  need(s.max_queue_bytes >= 65536, "server.max_queue_bytes must be >= 65536");
  need(s.max_output_bytes == 0 || s.max_output_bytes >= static_cast<std::int64_t>(s.max_queue_bytes),
       "server.max_output_bytes must be 0 (no budget) or at least server.max_queue_bytes");
  need(s.connections_per_ip <= (std::size_t(1) << 31) && s.connections_per_user <= (std::size_t(1) << 31),
       "limits.connections_per_ip and limits.connections_per_user must be >= 0 (0 = no cap)");
  need(s.queries_per_s > 0 && s.query_burst >= 1, "limits.queries_per_s must be > 0 and query_burst >= 1");
  need(s.auth_timeout_ms >= 100, "server.auth_timeout_ms must be >= 100");
  need(s.idle_timeout_s >= 1, "server.idle_timeout_s must be >= 1");
  need(s.max_protocol_errors >= 1, "server.max_protocol_errors must be >= 1");
  need(s.shutdown_grace_ms >= 0, "server.shutdown_grace_ms must be >= 0");
  need(c.store.kind == "sqlite" || c.store.kind == "postgres", "store.kind must be \"sqlite\" or \"postgres\"");
  if (c.store.kind == "postgres")
    need(!c.store.postgres_url.empty(), "store.postgres_url must be set when store.kind = \"postgres\"");
  need(!c.store.data_dir.empty(), "store.data_dir must not be empty");
  need(c.store.max_batch >= 1 && c.store.max_batch <= 100000, "store.max_batch must be 1..100000");
  need(c.store.wal_limit_mb >= 1 && c.store.wal_limit_mb <= 65536, "store.wal_limit_mb must be 1..65536");
  need(c.store.commit_gap_us >= 0 && c.store.commit_gap_us <= 100000, "store.commit_gap_us must be 0..100000");
  need(c.bus.kind == "local" || c.bus.kind == "nats", "bus.kind must be \"local\" or \"nats\"");
  if (c.bus.kind == "nats") {
    need(c.bus.nats_urls.starts_with("nats://") || c.bus.nats_urls.starts_with("tls://"),
         "bus.nats_urls must list nats://host:port (or tls://host:port) servers when bus.kind = \"nats\"");
    need(c.bus.nats_nkey.empty() == c.bus.nats_nkey_seed_file.empty(),
         "bus.nats_nkey and bus.nats_nkey_seed_file go together");
    need(c.bus.nats_creds_file.empty() || c.bus.nats_nkey.empty(),
         "bus.nats_creds_file and bus.nats_nkey are two ways to sign in to NATS: set one");
    need(c.bus.nats_cert_file.empty() == c.bus.nats_key_file.empty(),
         "bus.nats_cert_file and bus.nats_key_file go together");
    need(c.store.kind == "postgres", "bus.kind = \"nats\" needs store.kind = \"postgres\": every node must share one store");
  }
  const auth::Options& a = c.auth;
  need(auth::known_region(a.default_region),
       "auth.default_region must be an ISO 3166 region code such as \"US\" or \"DE\"");
  need(a.code_ttl_ms >= 10'000, "auth.code_ttl_s must be >= 10");
  need(a.code_max_attempts >= 1, "auth.code_max_attempts must be >= 1");
  need(a.codes_per_phone_per_hour >= 1, "auth.codes_per_phone_per_hour must be >= 1");
  need(a.requests_per_ip_per_minute >= 1, "auth.requests_per_ip_per_minute must be >= 1");
  need(a.wrong_codes_per_hour >= 1, "auth.wrong_codes_per_hour must be >= 1");
  need(a.sms_per_hour >= 1, "auth.sms_per_hour must be >= 1");
  need(a.sms_per_country_per_hour >= 1, "auth.sms_per_country_per_hour must be >= 1");
  need(a.device_idle_ms >= 0 && a.device_idle_ms <= 36500LL * 86'400'000, "auth.device_idle_days must be 0..36500");
  need(c.codes.code_sender == "log" || c.codes.code_sender == "webhook",
       "auth.code_sender must be \"log\" or \"webhook\"");
  if (c.codes.code_sender == "webhook")
    need(c.codes.webhook_url.starts_with("http://") || c.codes.webhook_url.starts_with("https://"),
         "auth.webhook_url must be an http:// or https:// URL when code_sender = \"webhook\"");
  need(c.codes.webhook_timeout_ms >= 100, "auth.webhook_timeout_ms must be >= 100");
  // The log sender writes every sign-in code to the log: whoever reads the log can sign in
  // as anyone. Fine on a developer's machine; refused where others can reach the server.
  need(c.codes.code_sender != "log" || c.codes.allow_log_codes || loopback(s.host),
       "auth.code_sender = \"log\" writes sign-in codes to the log; on a non-loopback address (server.listen = " +
           s.host + ":" + std::to_string(s.port) +
           ") set auth.code_sender = \"webhook\", or auth.allow_log_codes = true if you mean it");
  need(s.admin_secret.empty() || s.admin_secret.size() >= 16,
       "auth.admin_secret must be at least 16 characters (or empty to disable admin endpoints)");
  need(s.limits.max_text_chars >= 1 && s.limits.max_text_chars <= 65536, "limits.max_text_chars must be 1..65536");
  need(s.send_rate_per_s > 0, "limits.send_rate_per_s must be > 0");
  need(s.send_burst >= 1, "limits.send_burst must be >= 1");
  need(s.sync_page >= 1 && s.sync_page <= 10000, "limits.sync_page must be 1..10000");
  need(s.typing_rate_per_s > 0, "limits.typing_rate_per_s must be > 0");
  need(s.typing_burst >= 1, "limits.typing_burst must be >= 1");
  const presence::Options& p = c.presence;
  need(p.online_threshold_ms >= 200, "presence.online_threshold_ms must be >= 200");
  need(p.heartbeat_ms >= 100 && p.heartbeat_ms < p.online_threshold_ms,
       "presence.heartbeat_ms must be >= 100 and below presence.online_threshold_ms");
  need(p.typing_timeout_ms >= 100, "presence.typing_timeout_ms must be >= 100");
  need(p.persist_interval_ms >= 1000, "presence.persist_interval_s must be >= 1");
  need(p.max_watched >= 1 && p.max_watched <= 100000, "presence.max_watched must be 1..100000");
  need(c.chat.max_group_members >= 2 && c.chat.max_group_members <= 10000, "groups.max_members must be 2..10000");
  need(c.chat.invite_ttl_ms >= 3'600'000 && c.chat.invite_ttl_ms <= 24LL * 365 * 3'600'000,
       "groups.invite_ttl_h must be 1..8760");
  need(c.server.searches_per_minute >= 1 && c.server.searches_per_minute <= 1'000'000,
       "limits.searches_per_minute must be 1..1000000");
  need(c.chat.expiry_interval_ms >= 10 && c.chat.expiry_interval_ms <= 3'600'000, "messages.expiry_interval_ms must be 10..3600000");
  need(c.chat.edit_window_ms >= 0 && c.chat.edit_window_ms <= 7LL * 86'400'000, "messages.edit_window_min must be 0..10080");
  need(c.chat.delete_window_ms >= 0 && c.chat.delete_window_ms <= 24LL * 365 * 3'600'000,
       "messages.delete_window_h must be 0..8760");
  need(c.chat.max_room_members >= 2 && c.chat.max_room_members <= 10000000, "rooms.max_members must be 2..10000000");
  need(c.retention.days >= 1, "retention.days must be >= 1");
  const auto& push = c.push;
  need(push.workers >= 1 && push.workers <= 64, "push.workers must be 1..64");
  need(push.collapse_ms >= 0 && push.poll_ms >= 10 && push.backoff_base_ms >= 1 && push.backoff_max_ms >= push.backoff_base_ms,
       "push.collapse_ms must be >= 0, push.poll_ms >= 10, push.backoff_base_ms >= 1 and backoff_max_s at least that");
  need(push.ttl_ms >= 1000, "push.ttl_s must be >= 1");
  // A lease shorter than one send would let a second node send the same notification.
  need(push.lease_ms > push.send_timeout_ms + 1000,
       "push.lease_s must be longer than push.timeout_ms plus one second");
  need(c.people.lookup_numbers_per_day >= 1 && c.people.lookup_numbers_per_hour >= 1,
       "limits.lookup_numbers_per_day and limits.lookup_numbers_per_hour must be >= 1");
  need(c.people.max_pinned >= 0 && c.people.profile_changes_per_minute >= 1,
       "limits.max_pinned must be >= 0 and limits.profile_changes_per_minute >= 1");
  need(c.media.max_image_bytes >= 1 << 20 && c.media.max_video_bytes >= 1 << 20 && c.media.max_voice_bytes >= 1 << 20 &&
           c.media.max_file_bytes >= 1 << 20,
       "media.max_*_mb must be >= 1");
  need(c.media.image.max_side >= 64 && c.media.image.max_side <= 16384, "media.max_image_side must be 64..16384");
  need(c.media.uploads_in_progress >= 1, "media.uploads_in_progress must be >= 1");
  need(c.server.media_threads >= 0 && c.server.media_threads <= 256, "media.threads must be 0..256");
  need(c.media.uploads_per_hour >= 1, "media.uploads_per_hour must be >= 1");
  need(c.media.upload_ttl_ms >= 3'600'000, "media.upload_ttl_h must be >= 1");
  need(c.media.grace_ms >= 0, "media.grace_h must be >= 0");
  need(c.media_storage.backend == "fs" || c.media_storage.backend == "s3", "media.backend must be fs or s3");
  need(c.media_storage.backend != "s3" || !c.media_storage.s3_endpoint.empty(),
       "media.s3_endpoint is required with media.backend = s3");
  need(c.media_storage.sweep_interval_s >= 1, "media.sweep_interval_s must be >= 1");
  need(c.retention.sweep_interval_s >= 1, "retention.sweep_interval_s must be >= 1");
  static const char* levels[] = {"trace", "debug", "info", "warn", "error"};
  need(std::find(std::begin(levels), std::end(levels), c.log.level) != std::end(levels),
       "log.level must be one of trace, debug, info, warn, error");
  return out;
}

}  // namespace parley::app
