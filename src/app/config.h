// parleyd configuration: one struct with defaults, filled from a TOML file and CLI flags,
// validated once at start. Every key is documented in config/parley.example.toml.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace parley::app {

struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";
    int threads = 0;                        // io threads; 0 = one per core
    std::size_t max_frame_bytes = 65536;    // largest WebSocket frame accepted
    std::size_t max_queue_bytes = 4 << 20;  // per-connection send queue before cut-off
    std::int64_t max_output_bytes = 1LL << 30;  // all connections' queues together; slowest cut off first
    int auth_timeout_ms = 10000;            // time to send the auth frame
    int idle_timeout_s = 60;                // no traffic (pings included) for this long: close
    int max_protocol_errors = 20;           // bad frames tolerated per connection
    int shutdown_grace_ms = 3000;           // time to flush connections at shutdown
    std::string web_root;                   // browser client files; empty = none
    std::string admin_listen;  // HOST:PORT for /metrics, health and /v1/admin/* only; empty = on `listen`
    bool operator==(const Server&) const = default;
  } server;
  struct Store {
    std::string kind = "sqlite";             // sqlite | postgres
    std::string data_dir = "./parley-data";
    std::string postgres_url;                // libpq connection string, for kind = postgres
    int max_batch = 4096;  // writes per group commit
    int wal_limit_mb = 32; // SQLite: the WAL is restarted in the background past this size
    int commit_gap_us = 1000;  // at least this long between two commits (fsyncs); 0 = none
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
    std::string default_region = "US";
    int code_ttl_s = 300;
    int code_max_attempts = 5;
    int codes_per_phone_per_hour = 5;
    int requests_per_ip_per_minute = 60;
    int wrong_codes_per_hour = 10;        // per phone and client network, across codes
    int sms_per_hour = 1000;              // codes sent in total (SMS budget)
    int sms_per_country_per_hour = 200;   // codes sent to one country calling code
    std::string code_sender = "log";  // log | webhook
    std::string webhook_url;          // http(s)://host[:port]/path for code_sender = webhook
    int webhook_timeout_ms = 5000;
    std::string admin_secret;         // enables /v1/admin/*; empty = disabled
    bool allow_log_codes = false;     // code_sender = log on a non-loopback listen address
    int device_idle_days = 180;       // devices unused this long are signed out; 0 = never
    bool operator==(const Auth&) const = default;
  } auth;
  struct Limits {
    int max_text_chars = 4096;
    double send_rate_per_s = 100;  // per connection
    double send_burst = 500;
    int sync_page = 500;
    double typing_rate_per_s = 2;  // typing frames per connection
    double typing_burst = 6;
    int connections_per_ip = 1000;   // per node (IPv6: per /64); 0 = no cap
    int connections_per_user = 50;   // per node; 0 = no cap
    double queries_per_s = 20;       // query frames per user per node...
    double query_burst = 100;        // ...with this burst
    bool operator==(const Limits&) const = default;
  } limits;
  struct Presence {
    int online_threshold_ms = 10000;  // activity this recent counts as online
    int heartbeat_ms = 5000;          // clients heartbeat this often (told in hello)
    int typing_timeout_ms = 6000;     // a typing not renewed ends by itself
    int persist_interval_s = 60;      // last seen of users still online written this often
    int max_watched = 1000;           // users one device may watch
    bool operator==(const Presence&) const = default;
  } presence;
  struct Groups {
    int max_members = 256;  // members of a group, its creator included
    int invite_ttl_h = 72;  // an invite to someone who cannot be added directly lasts this long
    bool operator==(const Groups&) const = default;
  } groups;
  struct Rooms {
    int max_members = 100000;  // members of a large room (channel)
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
