#include "app/app.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include <unistd.h>

#include "bus/nats_bus.h"
#include "media/fs/fs_media_store.h"
#include "media/s3/s3_media_store.h"
#include "net/webhook_code_sender.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace parley::app {


App::App(Config config) : config_(std::move(config)), clock_(system_clock_) {}

App::~App() { stop(); }

Status App::start() {
  std::error_code fec;
  if (config_.store.kind == "sqlite") std::filesystem::create_directories(config_.store.data_dir, fec);
  if (fec) return Status(Code::kInvalid, "store.data_dir " + config_.store.data_dir + ": " + fec.message());

  auto stop_requested = [this] { return stop_requested_.load(); };
  std::string cluster_id;
  try {
    if (config_.store.kind == "postgres") {
      pg::Options po;
      po.url = config_.store.postgres_url;
      po.max_batch = static_cast<std::size_t>(config_.store.max_batch);
      po.stop_requested = stop_requested;
      auto s = std::make_unique<pg::PostgresStore>(po, clock_);
      cluster_id = s->cluster_id();
      store_ = std::move(s);
    } else {
      sqlite::Options so;
      so.path = config_.store.data_dir + "/parley.db";
      so.max_batch = static_cast<std::size_t>(config_.store.max_batch);
      so.readers = 8;
      so.wal_limit_bytes = static_cast<std::uint64_t>(config_.store.wal_limit_mb) << 20;
      so.commit_gap = std::chrono::microseconds(config_.store.commit_gap_us);
      so.search_index = config_.store.search_index;
      so.index_delay = std::chrono::milliseconds(config_.store.search_index_delay_ms);
      store_ = std::make_unique<sqlite::SqliteStore>(so, clock_);
    }
  } catch (const std::exception& e) {
    return Status(Code::kUnavailable, std::string("cannot open the store: ") + e.what());
  }

  NatsBus* nats = nullptr;
  if (config_.bus.kind == "nats") {
    NatsBusOptions bo;
    for (std::size_t start = 0; start <= config_.bus.nats_urls.size();) {
      auto comma = config_.bus.nats_urls.find(',', start);
      if (comma == std::string::npos) comma = config_.bus.nats_urls.size();
      if (comma > start) bo.urls.push_back(config_.bus.nats_urls.substr(start, comma - start));
      start = comma + 1;
    }
    bo.node_id = config_.bus.node_id;
    if (bo.node_id.empty()) {
      char host[256] = {};
      gethostname(host, sizeof host - 1);
      bo.node_id = fmt::format("{}:{}:{}", host, config_.server.port, getpid());
    }
    bo.stop_requested = stop_requested;
    bo.cluster_id = cluster_id;
    bo.creds_file = config_.bus.nats_creds_file;
    bo.nkey = config_.bus.nats_nkey;
    bo.nkey_seed_file = config_.bus.nats_nkey_seed_file;
    bo.ca_file = config_.bus.nats_ca_file;
    bo.cert_file = config_.bus.nats_cert_file;
    bo.key_file = config_.bus.nats_key_file;
    try {
      auto b = std::make_unique<NatsBus>(bo);
      nats = b.get();
      bus_ = std::move(b);
    } catch (const std::exception& e) {
      return Status(Code::kUnavailable, std::string("cannot join the bus: ") + e.what());
    }
  } else {
    bus_ = std::make_unique<LocalBus>();
  }

  metrics_.extra = [this, nats] { return node_metrics(nats); };
  if (config_.codes.code_sender == "webhook")
    sender_ = std::make_unique<net::WebhookCodeSender>(config_.codes.webhook_url, config_.codes.webhook_timeout_ms);
  else
    sender_ = std::make_unique<auth::LogCodeSender>();
  if (config_.codes.code_sender == "log")
    spdlog::warn("auth: SIGN-IN CODES ARE WRITTEN TO THIS LOG (auth.code_sender = log): anyone who reads it can sign "
                 "in as any user. For development only; use auth.code_sender = webhook in production.");

  // Each module gets its Options as the configuration holds them (app/config.h).
  auth_ = std::make_unique<auth::AuthService>(config_.auth, *store_, *bus_, *sender_, clock_, random_);
  chat::Options co = config_.chat;
  co.temporary_ttl_ms = TimeMs(config_.retention.days) * 86'400'000;  // a temporary chat's messages at the latest
  chat_ = std::make_unique<chat::ChatService>(*store_, *bus_, clock_, random_, co);
  retention_ = std::make_unique<chat::Retention>(*store_, clock_, TimeMs(config_.retention.days) * 86'400'000);
  presence_ = std::make_unique<presence::PresenceService>(*store_, *bus_, clock_, metrics_, config_.presence);
  people_ = std::make_unique<people::PeopleService>(*store_, *bus_, clock_, config_.people);
  push::ProvidersOptions po = config_.push_providers;
  // Every node must sign with the same VAPID key (subscriptions are bound to it): a cluster
  // names one file; one node keeps it in its data directory.
  if (po.webpush.key_file.empty()) po.webpush.key_file = config_.store.data_dir + "/vapid.pem";
  auto providers = push::make_providers(po, clock_);
  if (!providers) return providers.status();
  // A notification waits while its user has a foreground device (this node's knowledge for
  // queueing; every node's before sending).
  push_ = std::make_unique<push::PushService>(
      *store_, clock_, random_, config_.push, std::move(providers->list),
      [this](UserId user, bool ask_nodes) { return presence_->here_anywhere(user, ask_nodes); });
  chat_->observe({[p = push_.get()](const AppendResult& r) { p->on_message(r); },
                  [p = push_.get()](const GroupInvite& i) { p->on_invite(i); }});

  if (Status st = start_media(); !st.ok()) return st;

  net::Options no = config_.server;
  no.limits.max_sync_page = no.sync_page;  // a client's sync page is capped by the server's
  if (!no.web_root.empty() && !std::filesystem::exists(no.web_root + "/index.html")) {
    spdlog::warn("app: browser client not found at {} (build web/ first); serving the API only", no.web_root);
    no.web_root.clear();
  }

  services_ = std::make_unique<net::Services>(net::Services{*auth_, *chat_, *presence_, *bus_, metrics_, clock_,
                                                            config_.testing.clock_control ? &clock_ : nullptr,
                                                            media_.get(), people_.get(), push_.get(),
                                                            providers->vapid_public_key});
  server_ = std::make_unique<net::Server>(no, *services_);
  if (auto st = server_->listen(); !st.ok()) return st;
  server_->start();
  presence_->start();
  push_->start();
  if (nats) nats->set_node_address(fmt::format("{}:{}", no.host, server_->port()));
  maintenance_.start("retention", std::chrono::seconds(config_.retention.sweep_interval_s), [this] {
    retention_->run_once([](Result<std::int64_t> r) {
      if (!r) spdlog::warn("retention: sweep failed: {}", r.status().message());
      else if (*r > 0) spdlog::info("retention: removed {} expired rows", *r);
    });
  });
  expiry_.start("expiry", std::chrono::milliseconds(config_.chat.expiry_interval_ms), [this] {
    chat_->expire_messages([](Result<std::size_t> r) {
      if (!r) spdlog::warn("expiry: sweep failed: {}", r.status().message());
    });
  });
  media_sweep_.start("media-sweep", std::chrono::seconds(config_.media_storage.sweep_interval_s),
                     [this] { media_->sweep(); });
  spdlog::info("app: parleyd listening on http://{}:{} with {} io threads, store {}, bus {}", no.host,
               server_->port(), server_->threads(),
               config_.store.kind == "postgres" ? "postgres at " + pg::describe(config_.store.postgres_url)
                                                : "sqlite in " + config_.store.data_dir,
               config_.bus.kind);
  if (!no.admin_host.empty())
    spdlog::info("app: /metrics, health checks and /v1/admin/* on http://{}:{} only", no.admin_host,
                 server_->admin_port());
  return Status::Ok();
}

Status App::start_media() {
  const auto& ms = config_.media_storage;
  std::string local = config_.store.data_dir + "/media";  // this node's disk
  try {
    if (ms.backend == "s3") {
      media::S3Options so{ms.s3_endpoint, ms.s3_bucket, ms.s3_region, ms.s3_access_key, ms.s3_secret_key,
                          local + "/s3-spool"};
      auto s3 = std::make_unique<media::S3MediaStore>(so, clock_);
      if (Status st = s3->ensure_bucket(); !st.ok()) return Status(st.code(), "media store: " + st.message());
      media_store_ = std::move(s3);
    } else {
      // A directory of its own, or one the nodes share: then each node's uploads in
      // progress go under its host name and port.
      char host[256] = {};
      gethostname(host, sizeof host - 1);
      std::string node = ms.dir.empty() ? "" : fmt::format("{}-{}", host, config_.server.port);
      media_store_ = std::make_unique<media::FsMediaStore>(ms.dir.empty() ? local : ms.dir, node);
    }
  } catch (const std::exception& e) {
    return Status(Code::kUnavailable, std::string("cannot open the media store: ") + e.what());
  }
  media::Options mo = config_.media;
  mo.node = config_.server.port;
  media_ = std::make_unique<media::MediaService>(*store_, *media_store_, clock_, mo);
  return Status::Ok();
}

void App::stop() {
  if (stopped_.exchange(true)) return;
  maintenance_.stop();
  media_sweep_.stop();
  expiry_.stop();
  spdlog::info("app: shutting down");
  if (server_) server_->shutdown();
  if (push_) push_->stop();          // stores the events still queued
  if (presence_) presence_->stop();  // writes every pending last seen
  if (store_) store_->close();
  spdlog::info("app: stopped; every acknowledged message is committed");
}

}  // namespace parley::app
