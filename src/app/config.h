// parleyd configuration: one struct, filled from a TOML file and CLI flags, validated once
// at start. Every key is documented in config/parley.example.toml; config_test checks that
// file against Config{}.
#pragma once

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "chat/chat_service.h"
#include "media/media_service.h"
#include "core/status.h"
#include "net/services.h"
#include "people/people_service.h"
#include "presence/presence_service.h"
#include "push/providers/providers.h"
#include "push/push_service.h"
#include "proto/frames.h"
#include "store/sqlite/sqlite_store.h"

namespace parley::app {

// The keys of [server] and [limits] bind into net::Options (server.listen and
// server.admin_listen are split into host and port there), the sign-in keys of [auth] into
// auth::Options, [presence] into presence::Options, [groups] and [rooms] into chat::Options:
// each module's Options is the only home of its defaults, and App hands them over as they
// are. Keys in coarser units than the module's (seconds, hours, days) are converted when
// read. The rest is the composition's own (which store and bus, the code sender, logging).
struct Config {
  net::Options server;  // [server] and [limits], and auth.admin_secret
  struct Store {
    std::string kind = "sqlite";             // sqlite | postgres
    std::string data_dir = "./parley-data";
    std::string postgres_url;                // libpq connection string, for kind = postgres
    int max_batch = static_cast<int>(sqlite::Options{}.max_batch);  // writes per group commit (both stores)
    int wal_limit_mb = static_cast<int>(sqlite::Options{}.wal_limit_bytes >> 20);  // SQLite: the WAL is restarted past this
    int commit_gap_us = static_cast<int>(sqlite::Options{}.commit_gap.count());   // at least this long between commits
    bool search_index = sqlite::Options{}.search_index;  // SQLite: keep the full-text index as messages are written
    int search_index_delay_ms = static_cast<int>(sqlite::Options{}.index_delay.count());  // SQLite: index in rounds this far apart
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
  auth::Options auth;  // [auth]: sign-in codes and their limits, device idle expiry
  struct Codes {       // [auth]: how sign-in codes reach people
    std::string code_sender = "log";  // log | webhook
    std::string webhook_url;          // http(s)://host[:port]/path for code_sender = webhook
    int webhook_timeout_ms = 5000;
    bool allow_log_codes = false;     // code_sender = log on a non-loopback listen address
    bool operator==(const Codes&) const = default;
  } codes;
  presence::Options presence;  // [presence]
  chat::Options chat;          // [groups] and [rooms]
  people::Options people;  // [limits]: contact discovery's limits, pinned chats
  push::Options push;      // [push]: workers, collapsing, retries, leases
  push::ProvidersOptions push_providers;  // [push]: which providers, their keys and endpoints
  media::Options media;  // [media]: limits of uploads and the sweep's grace
  struct MediaStorage {  // [media]: where the bytes live
    std::string backend = "fs";  // fs (a directory) | s3 (an S3-compatible object store, for clusters)
    std::string dir;             // fs: empty = <store.data_dir>/media
    std::string s3_endpoint;     // s3: http://host:port (path-style requests)
    std::string s3_bucket = "parley-media";
    std::string s3_region = "us-east-1";
    std::string s3_access_key;
    std::string s3_secret_key;
    int sweep_interval_s = 600;
    bool operator==(const MediaStorage&) const = default;
  } media_storage;
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
