#include "app/app.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "net/webhook_code_sender.h"
#include "store/sqlite/sqlite_store.h"

namespace parley::app {

App::App(Config config) : config_(std::move(config)), clock_(system_clock_) {}

App::~App() { stop(); }

Status App::start() {
  std::error_code fec;
  std::filesystem::create_directories(config_.store.data_dir, fec);
  if (fec) return Status(Code::kInvalid, "store.data_dir " + config_.store.data_dir + ": " + fec.message());

  sqlite::SqliteStore* sqlite_store = nullptr;
  switch (config_.store.kind == "sqlite" ? 0 : 1) {
    case 0: {
      try {
        auto s = std::make_unique<sqlite::SqliteStore>(
            sqlite::Options{config_.store.data_dir + "/parley.db", static_cast<std::size_t>(config_.store.max_batch), 8},
            clock_);
        sqlite_store = s.get();
        store_ = std::move(s);
      } catch (const std::exception& e) {
        return Status(Code::kUnavailable, std::string("cannot open the store: ") + e.what());
      }
      break;
    }
    default: return Status(Code::kInvalid, "unknown store.kind " + config_.store.kind);
  }
  metrics_.extra = [sqlite_store] {
    auto st = sqlite_store->writer_stats();
    return fmt::format(
        "# HELP parley_store_commits_total Group commits (transactions)\n# TYPE parley_store_commits_total counter\n"
        "parley_store_commits_total {}\n"
        "# HELP parley_store_writes_total Writes committed through group commit\n# TYPE parley_store_writes_total counter\n"
        "parley_store_writes_total {}\n"
        "# HELP parley_store_failed_commits_total Transactions rolled back\n# TYPE parley_store_failed_commits_total counter\n"
        "parley_store_failed_commits_total {}\n",
        st.batches, st.tasks, st.failed_batches);
  };

  bus_ = std::make_unique<LocalBus>();
  if (config_.auth.code_sender == "webhook")
    sender_ = std::make_unique<net::WebhookCodeSender>(config_.auth.webhook_url, config_.auth.webhook_timeout_ms);
  else
    sender_ = std::make_unique<auth::LogCodeSender>();

  auth::Options ao;
  ao.default_region = config_.auth.default_region;
  ao.code_ttl_ms = TimeMs(config_.auth.code_ttl_s) * 1000;
  ao.code_max_attempts = config_.auth.code_max_attempts;
  ao.codes_per_phone_per_hour = config_.auth.codes_per_phone_per_hour;
  ao.requests_per_ip_per_minute = config_.auth.requests_per_ip_per_minute;
  auth_ = std::make_unique<auth::AuthService>(ao, *store_, *bus_, *sender_, clock_, random_);
  chat_ = std::make_unique<chat::ChatService>(*store_, *bus_);
  retention_ = std::make_unique<chat::Retention>(*store_, clock_, TimeMs(config_.retention.days) * 86'400'000);

  net::Options no;
  auto colon = config_.server.listen.rfind(':');
  no.host = config_.server.listen.substr(0, colon);
  try {
    int port = std::stoi(config_.server.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    no.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    return Status(Code::kInvalid, "server.listen: bad port in '" + config_.server.listen + "'");
  }
  no.threads = config_.server.threads > 0 ? config_.server.threads
                                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  no.max_frame_bytes = config_.server.max_frame_bytes;
  no.max_queue_bytes = config_.server.max_queue_bytes;
  no.auth_timeout_ms = config_.server.auth_timeout_ms;
  no.idle_timeout_s = config_.server.idle_timeout_s;
  no.max_protocol_errors = config_.server.max_protocol_errors;
  no.shutdown_grace_ms = config_.server.shutdown_grace_ms;
  no.send_rate_per_s = config_.limits.send_rate_per_s;
  no.send_burst = config_.limits.send_burst;
  no.sync_page = config_.limits.sync_page;
  no.admin_secret = config_.auth.admin_secret;
  no.web_root = config_.server.web_root;
  no.limits.max_text_chars = static_cast<std::size_t>(config_.limits.max_text_chars);
  no.limits.max_sync_page = config_.limits.sync_page;
  if (!no.web_root.empty() && !std::filesystem::exists(no.web_root + "/index.html")) {
    spdlog::warn("app: browser client not found at {} (build web/ first); serving the API only", no.web_root);
    no.web_root.clear();
  }

  services_ = std::make_unique<net::Services>(net::Services{*auth_, *chat_, *bus_, metrics_, clock_,
                                                            config_.testing.clock_control ? &clock_ : nullptr});
  server_ = std::make_unique<net::Server>(no, *services_);
  if (auto st = server_->listen(); !st.ok()) return st;
  server_->start();
  maintenance_ = std::thread([this] { maintenance_loop(); });
  spdlog::info("app: parleyd listening on http://{}:{} with {} io threads, store {} in {}", no.host, server_->port(),
               no.threads, config_.store.kind, config_.store.data_dir);
  return Status::Ok();
}

void App::maintenance_loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    lk.unlock();
    retention_->run_once([](Result<std::int64_t> r) {
      if (!r) spdlog::warn("retention: sweep failed: {}", r.status().message());
      else if (*r > 0) spdlog::info("retention: removed {} expired rows", *r);
    });
    lk.lock();
    cv_.wait_for(lk, std::chrono::seconds(config_.retention.sweep_interval_s), [&] { return stopping_; });
  }
}

void App::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  spdlog::info("app: shutting down");
  if (server_) server_->shutdown();
  if (store_) store_->close();
  spdlog::info("app: stopped; every acknowledged message is committed");
}

}  // namespace parley::app
