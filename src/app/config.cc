#include "app/config.h"

#include <toml++/toml.h>

#include <functional>
#include <map>
#include <sstream>

#include "auth/phone.h"

namespace parley::app {

namespace {

// One entry per key: how to read it from a TOML node into the struct.
using Setter = std::function<std::string(Config&, const toml::node&)>;

template <class T>
Setter integer(T Config::*section, auto member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::int64_t>();
    if (!v || n.is_floating_point()) return "must be an integer";
    (c.*section).*member = static_cast<std::remove_reference_t<decltype((c.*section).*member)>>(*v);
    return {};
  };
}

template <class T>
Setter number(T Config::*section, double T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<double>();
    if (!v) return "must be a number";
    (c.*section).*member = *v;
    return {};
  };
}

template <class T>
Setter string(T Config::*section, std::string T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    auto v = n.value<std::string>();
    if (!v || !n.is_string()) return "must be a string";
    (c.*section).*member = *v;
    return {};
  };
}

template <class T>
Setter boolean(T Config::*section, bool T::*member) {
  return [=](Config& c, const toml::node& n) -> std::string {
    if (!n.is_boolean()) return "must be true or false";
    (c.*section).*member = *n.value<bool>();
    return {};
  };
}

const std::map<std::string, Setter>& keys() {
  using C = Config;
  static const std::map<std::string, Setter> k = {
      {"server.listen", string(&C::server, &C::Server::listen)},
      {"server.threads", integer(&C::server, &C::Server::threads)},
      {"server.max_frame_bytes", integer(&C::server, &C::Server::max_frame_bytes)},
      {"server.max_queue_bytes", integer(&C::server, &C::Server::max_queue_bytes)},
      {"server.max_output_bytes", integer(&C::server, &C::Server::max_output_bytes)},
      {"server.auth_timeout_ms", integer(&C::server, &C::Server::auth_timeout_ms)},
      {"server.idle_timeout_s", integer(&C::server, &C::Server::idle_timeout_s)},
      {"server.max_protocol_errors", integer(&C::server, &C::Server::max_protocol_errors)},
      {"server.shutdown_grace_ms", integer(&C::server, &C::Server::shutdown_grace_ms)},
      {"server.web_root", string(&C::server, &C::Server::web_root)},
      {"server.admin_listen", string(&C::server, &C::Server::admin_listen)},
      {"store.kind", string(&C::store, &C::Store::kind)},
      {"store.data_dir", string(&C::store, &C::Store::data_dir)},
      {"store.max_batch", integer(&C::store, &C::Store::max_batch)},
      {"store.wal_limit_mb", integer(&C::store, &C::Store::wal_limit_mb)},
      {"store.commit_gap_us", integer(&C::store, &C::Store::commit_gap_us)},
      {"store.postgres_url", string(&C::store, &C::Store::postgres_url)},
      {"bus.kind", string(&C::bus, &C::Bus::kind)},
      {"bus.nats_urls", string(&C::bus, &C::Bus::nats_urls)},
      {"bus.node_id", string(&C::bus, &C::Bus::node_id)},
      {"bus.nats_creds_file", string(&C::bus, &C::Bus::nats_creds_file)},
      {"bus.nats_nkey", string(&C::bus, &C::Bus::nats_nkey)},
      {"bus.nats_nkey_seed_file", string(&C::bus, &C::Bus::nats_nkey_seed_file)},
      {"bus.nats_ca_file", string(&C::bus, &C::Bus::nats_ca_file)},
      {"bus.nats_cert_file", string(&C::bus, &C::Bus::nats_cert_file)},
      {"bus.nats_key_file", string(&C::bus, &C::Bus::nats_key_file)},
      {"auth.default_region", string(&C::auth, &C::Auth::default_region)},
      {"auth.code_ttl_s", integer(&C::auth, &C::Auth::code_ttl_s)},
      {"auth.code_max_attempts", integer(&C::auth, &C::Auth::code_max_attempts)},
      {"auth.codes_per_phone_per_hour", integer(&C::auth, &C::Auth::codes_per_phone_per_hour)},
      {"auth.requests_per_ip_per_minute", integer(&C::auth, &C::Auth::requests_per_ip_per_minute)},
      {"auth.wrong_codes_per_hour", integer(&C::auth, &C::Auth::wrong_codes_per_hour)},
      {"auth.sms_per_hour", integer(&C::auth, &C::Auth::sms_per_hour)},
      {"auth.sms_per_country_per_hour", integer(&C::auth, &C::Auth::sms_per_country_per_hour)},
      {"auth.code_sender", string(&C::auth, &C::Auth::code_sender)},
      {"auth.webhook_url", string(&C::auth, &C::Auth::webhook_url)},
      {"auth.webhook_timeout_ms", integer(&C::auth, &C::Auth::webhook_timeout_ms)},
      {"auth.admin_secret", string(&C::auth, &C::Auth::admin_secret)},
      {"auth.allow_log_codes", boolean(&C::auth, &C::Auth::allow_log_codes)},
      {"auth.device_idle_days", integer(&C::auth, &C::Auth::device_idle_days)},
      {"limits.max_text_chars", integer(&C::limits, &C::Limits::max_text_chars)},
      {"limits.send_rate_per_s", number(&C::limits, &C::Limits::send_rate_per_s)},
      {"limits.send_burst", number(&C::limits, &C::Limits::send_burst)},
      {"limits.sync_page", integer(&C::limits, &C::Limits::sync_page)},
      {"limits.typing_rate_per_s", number(&C::limits, &C::Limits::typing_rate_per_s)},
      {"limits.typing_burst", number(&C::limits, &C::Limits::typing_burst)},
      {"limits.connections_per_ip", integer(&C::limits, &C::Limits::connections_per_ip)},
      {"limits.connections_per_user", integer(&C::limits, &C::Limits::connections_per_user)},
      {"limits.queries_per_s", number(&C::limits, &C::Limits::queries_per_s)},
      {"limits.query_burst", number(&C::limits, &C::Limits::query_burst)},
      {"presence.online_threshold_ms", integer(&C::presence, &C::Presence::online_threshold_ms)},
      {"presence.heartbeat_ms", integer(&C::presence, &C::Presence::heartbeat_ms)},
      {"presence.typing_timeout_ms", integer(&C::presence, &C::Presence::typing_timeout_ms)},
      {"presence.persist_interval_s", integer(&C::presence, &C::Presence::persist_interval_s)},
      {"presence.max_watched", integer(&C::presence, &C::Presence::max_watched)},
      {"groups.max_members", integer(&C::groups, &C::Groups::max_members)},
      {"groups.invite_ttl_h", integer(&C::groups, &C::Groups::invite_ttl_h)},
      {"rooms.max_members", integer(&C::rooms, &C::Rooms::max_members)},
      {"retention.days", integer(&C::retention, &C::Retention::days)},
      {"retention.sweep_interval_s", integer(&C::retention, &C::Retention::sweep_interval_s)},
      {"log.level", string(&C::log, &C::Log::level)},
      {"testing.clock_control", boolean(&C::testing, &C::Testing::clock_control)},
  };
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

// HOST of a HOST:PORT names the loopback interface (127.0.0.0/8, ::1, localhost).
static bool loopback(const std::string& listen) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::vector<std::string> validate(const Config& c) {
  std::vector<std::string> out;
  auto need = [&](bool ok, std::string msg) {
    if (!ok) out.push_back(std::move(msg));
  };
  need(c.server.listen.find(':') != std::string::npos, "server.listen must be HOST:PORT");
  need(c.server.admin_listen.empty() || c.server.admin_listen.find(':') != std::string::npos,
       "server.admin_listen must be HOST:PORT (or empty)");
  need(c.server.threads >= 0 && c.server.threads <= 256, "server.threads must be 0..256");
  need(c.server.max_frame_bytes >= 1024 && c.server.max_frame_bytes <= (16u << 20),
       "server.max_frame_bytes must be 1024..16777216");
  need(c.server.max_queue_bytes >= 65536, "server.max_queue_bytes must be >= 65536");
  need(c.server.max_output_bytes == 0 || c.server.max_output_bytes >= static_cast<std::int64_t>(c.server.max_queue_bytes),
       "server.max_output_bytes must be 0 (no budget) or at least server.max_queue_bytes");
  need(c.limits.connections_per_ip >= 0 && c.limits.connections_per_user >= 0,
       "limits.connections_per_ip and limits.connections_per_user must be >= 0 (0 = no cap)");
  need(c.limits.queries_per_s > 0 && c.limits.query_burst >= 1, "limits.queries_per_s must be > 0 and query_burst >= 1");
  need(c.server.auth_timeout_ms >= 100, "server.auth_timeout_ms must be >= 100");
  need(c.server.idle_timeout_s >= 1, "server.idle_timeout_s must be >= 1");
  need(c.server.max_protocol_errors >= 1, "server.max_protocol_errors must be >= 1");
  need(c.server.shutdown_grace_ms >= 0, "server.shutdown_grace_ms must be >= 0");
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
  need(auth::known_region(c.auth.default_region),
       "auth.default_region must be an ISO 3166 region code such as \"US\" or \"DE\"");
  need(c.auth.code_ttl_s >= 10, "auth.code_ttl_s must be >= 10");
  need(c.auth.code_max_attempts >= 1, "auth.code_max_attempts must be >= 1");
  need(c.auth.codes_per_phone_per_hour >= 1, "auth.codes_per_phone_per_hour must be >= 1");
  need(c.auth.requests_per_ip_per_minute >= 1, "auth.requests_per_ip_per_minute must be >= 1");
  need(c.auth.wrong_codes_per_hour >= 1, "auth.wrong_codes_per_hour must be >= 1");
  need(c.auth.sms_per_hour >= 1, "auth.sms_per_hour must be >= 1");
  need(c.auth.sms_per_country_per_hour >= 1, "auth.sms_per_country_per_hour must be >= 1");
  need(c.auth.code_sender == "log" || c.auth.code_sender == "webhook",
       "auth.code_sender must be \"log\" or \"webhook\"");
  if (c.auth.code_sender == "webhook")
    need(c.auth.webhook_url.starts_with("http://") || c.auth.webhook_url.starts_with("https://"),
         "auth.webhook_url must be an http:// or https:// URL when code_sender = \"webhook\"");
  need(c.auth.webhook_timeout_ms >= 100, "auth.webhook_timeout_ms must be >= 100");
  // The log sender writes every sign-in code to the log: whoever reads the log can sign in
  // as anyone. Fine on a developer's machine; refused where others can reach the server.
  need(c.auth.code_sender != "log" || c.auth.allow_log_codes || loopback(c.server.listen),
       "auth.code_sender = \"log\" writes sign-in codes to the log; on a non-loopback address (server.listen = " +
           c.server.listen + ") set auth.code_sender = \"webhook\", or auth.allow_log_codes = true if you mean it");
  need(c.auth.device_idle_days >= 0 && c.auth.device_idle_days <= 36500, "auth.device_idle_days must be 0..36500");
  need(c.auth.admin_secret.empty() || c.auth.admin_secret.size() >= 16,
       "auth.admin_secret must be at least 16 characters (or empty to disable admin endpoints)");
  need(c.limits.max_text_chars >= 1 && c.limits.max_text_chars <= 65536, "limits.max_text_chars must be 1..65536");
  need(c.limits.send_rate_per_s > 0, "limits.send_rate_per_s must be > 0");
  need(c.limits.send_burst >= 1, "limits.send_burst must be >= 1");
  need(c.limits.sync_page >= 1 && c.limits.sync_page <= 10000, "limits.sync_page must be 1..10000");
  need(c.limits.typing_rate_per_s > 0, "limits.typing_rate_per_s must be > 0");
  need(c.limits.typing_burst >= 1, "limits.typing_burst must be >= 1");
  need(c.presence.online_threshold_ms >= 200, "presence.online_threshold_ms must be >= 200");
  need(c.presence.heartbeat_ms >= 100 && c.presence.heartbeat_ms < c.presence.online_threshold_ms,
       "presence.heartbeat_ms must be >= 100 and below presence.online_threshold_ms");
  need(c.presence.typing_timeout_ms >= 100, "presence.typing_timeout_ms must be >= 100");
  need(c.presence.persist_interval_s >= 1, "presence.persist_interval_s must be >= 1");
  need(c.presence.max_watched >= 1 && c.presence.max_watched <= 100000, "presence.max_watched must be 1..100000");
  need(c.groups.max_members >= 2 && c.groups.max_members <= 10000, "groups.max_members must be 2..10000");
  need(c.groups.invite_ttl_h >= 1 && c.groups.invite_ttl_h <= 24 * 365, "groups.invite_ttl_h must be 1..8760");
  need(c.rooms.max_members >= 2 && c.rooms.max_members <= 10000000, "rooms.max_members must be 2..10000000");
  need(c.retention.days >= 1, "retention.days must be >= 1");
  need(c.retention.sweep_interval_s >= 1, "retention.sweep_interval_s must be >= 1");
  static const char* levels[] = {"trace", "debug", "info", "warn", "error"};
  need(std::find(std::begin(levels), std::end(levels), c.log.level) != std::end(levels),
       "log.level must be one of trace, debug, info, warn, error");
  return out;
}

}  // namespace parley::app
