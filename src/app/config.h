// parleyd configuration: one struct, filled from a TOML file and CLI flags, validated once
// at start. Every key is documented in config/parley.example.toml. A key's default is its
// module's Options default (read below from a default-constructed Options, in the key's
// unit), so it is written once; config_test checks the example file against Config{}.
#pragma once

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "chat/chat_service.h"
#include "core/status.h"
#include "net/services.h"
#include "presence/presence_service.h"
#include "proto/frames.h"
#include "store/sqlite/sqlite_store.h"

namespace parley::app {

namespace defaults {
inline const net::Options kNet{};
inline const sqlite::Options kSqlite{};
inline const auth::Options kAuth{};
inline const presence::Options kPresence{};
inline const chat::Options kChat{};
}  // namespace defaults

struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";
    int threads = 0;                        // io threads; 0 = one per core
    std::size_t max_frame_bytes = defaults::kNet.max_frame_bytes;  // largest WebSocket frame accepted
    std::size_t max_queue_bytes = defaults::kNet.max_queue_bytes;  // per-connection send queue before cut-off
    std::int64_t max_output_bytes = defaults::kNet.max_output_bytes;  // all connections' queues together; slowest cut off first
    int auth_timeout_ms = defaults::kNet.auth_timeout_ms;  // time to send the auth frame
    int idle_timeout_s = defaults::kNet.idle_timeout_s;    // no traffic (pongs included) for this long: close
    int max_protocol_errors = defaults::kNet.max_protocol_errors;  // bad frames tolerated per connection
    int shutdown_grace_ms = defaults::kNet.shutdown_grace_ms;  // time to flush connections at shutdown
    std::string web_root;                   // browser client files; empty = none
    std::string admin_listen;  // HOST:PORT for /metrics, health and /v1/admin/* only; empty = on `listen`
    bool operator==(const Server&) const = default;
  } server;
  struct Store {
    std::string kind = "sqlite";             // sqlite | postgres
    std::string data_dir = "./parley-data";
    std::string postgres_url;                // libpq connection string, for kind = postgres
    int max_batch = static_cast<int>(defaults::kSqlite.max_batch);  // writes per group commit (both stores)
    int wal_limit_mb = static_cast<int>(defaults::kSqlite.wal_limit_bytes >> 20);  // SQLite: the WAL is restarted past this size
    int commit_gap_us = static_cast<int>(defaults::kSqlite.commit_gap.count());  // at least this long between two commits; 0 = none
    bool operator==(const Store&) const = default;
  } store;
  struct Bus {
    std::string kind = "local";  // local (one node) | nats (cluster)
    std::string nats_urls;       // comma-separated nats://host:port, for kind = nats
    std::string node_id;         // unique per node; empty = host name, listen port and process id
    std::string nats_creds_file;     // NATS .creds file (user JWT and NKEY seed)
    std::string nats_nkey;           // NKEY public key (U...), with nats_nkey_seed_file
    std::string nats_nkey_seed_file;
    std::string nats_ca_file;        // TLS: trust this CA (turns TLS on); tls:// URLs turn it on too
    std::string nats_cert_file;      // TLS client certificate and key, for servers that verify clients
    std::string nats_key_file;
    bool operator==(const Bus&) const = default;
  } bus;
  struct Auth {
    std::string default_region = defaults::kAuth.default_region;
    int code_ttl_s = static_cast<int>(defaults::kAuth.code_ttl_ms / 1000);
    int code_max_attempts = defaults::kAuth.code_max_attempts;
    int codes_per_phone_per_hour = defaults::kAuth.codes_per_phone_per_hour;
    int requests_per_ip_per_minute = defaults::kAuth.requests_per_ip_per_minute;
    int wrong_codes_per_hour = defaults::kAuth.wrong_codes_per_hour;  // per phone and client network, across codes
    int sms_per_hour = defaults::kAuth.sms_per_hour;  // codes sent in total (SMS budget)
    int sms_per_country_per_hour = defaults::kAuth.sms_per_country_per_hour;  // codes sent to one country calling code
    std::string code_sender = "log";  // log | webhook
    std::string webhook_url;          // http(s)://host[:port]/path for code_sender = webhook
    int webhook_timeout_ms = 5000;
    std::string admin_secret;         // enables /v1/admin/*; empty = disabled
    bool allow_log_codes = false;     // code_sender = log on a non-loopback listen address
    int device_idle_days = static_cast<int>(defaults::kAuth.device_idle_ms / 86'400'000);  // unused this long: signed out; 0 = never
    bool operator==(const Auth&) const = default;
  } auth;
  struct Limits {
    int max_text_chars = static_cast<int>(proto::Limits{}.max_text_chars);
    double send_rate_per_s = defaults::kNet.send_rate_per_s;  // per connection
    double send_burst = defaults::kNet.send_burst;
    int sync_page = defaults::kNet.sync_page;
    double typing_rate_per_s = defaults::kNet.typing_rate_per_s;  // typing frames per connection
    double typing_burst = defaults::kNet.typing_burst;
    int connections_per_ip = static_cast<int>(defaults::kNet.connections_per_ip);  // per node (IPv6: per /64); 0 = no cap
    int connections_per_user = static_cast<int>(defaults::kNet.connections_per_user);  // per node; 0 = no cap
    double queries_per_s = defaults::kNet.queries_per_s;  // query frames per user per node...
    double query_burst = defaults::kNet.query_burst;      // ...with this burst
    bool operator==(const Limits&) const = default;
  } limits;
  struct Presence {
    int online_threshold_ms = static_cast<int>(defaults::kPresence.online_threshold_ms);  // activity this recent: online
    int heartbeat_ms = static_cast<int>(defaults::kPresence.heartbeat_ms);  // clients heartbeat this often (told in hello)
    int typing_timeout_ms = static_cast<int>(defaults::kPresence.typing_timeout_ms);  // a typing not renewed ends by itself
    int persist_interval_s = static_cast<int>(defaults::kPresence.persist_interval_ms / 1000);  // last seen of online users written this often
    int max_watched = static_cast<int>(defaults::kPresence.max_watched);  // users one device may watch
    bool operator==(const Presence&) const = default;
  } presence;
  struct Groups {
    int max_members = static_cast<int>(defaults::kChat.max_group_members);  // members of a group, its creator included
    int invite_ttl_h = static_cast<int>(defaults::kChat.invite_ttl_ms / 3'600'000);  // how long an invite can be accepted
    bool operator==(const Groups&) const = default;
  } groups;
  struct Rooms {
    int max_members = static_cast<int>(defaults::kChat.max_room_members);  // members of a large room (channel)
    bool operator==(const Rooms&) const = default;
  } rooms;
  struct Retention {
    int days = 30;                  // undelivered updates kept this long
    int sweep_interval_s = 3600;
    bool operator==(const Retention&) const = default;
  } retention;
  struct Log {
    std::string level = "info";  // trace | debug | info | warn | error
    bool operator==(const Log&) const = default;
  } log;
  struct Testing {
    bool clock_control = false;  // POST /v1/admin/clock moves server time (tests only)
    bool operator==(const Testing&) const = default;
  } testing;
  bool operator==(const Config&) const = default;  // the example file loads to exactly Config{} (config_test)
};

// Reads a TOML file over the defaults. Unknown keys and bad values are errors naming the key.
Result<Config> load_config_file(const std::string& path, Config base = {});
// Applies "section.key=value" overrides (from --set) the same way.
Status apply_override(Config& config, const std::string& assignment);
// Checks ranges and combinations; one message per problem.
std::vector<std::string> validate(const Config& config);
// Every key a file or --set may name ("section.key"), sorted.
std::vector<std::string> config_keys();

}  // namespace parley::app
