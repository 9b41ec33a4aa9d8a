// The composition root: builds the store, bus, services and server from the config,
// passes each its collaborators, runs the periodic tasks and stops it all in order.
#pragma once

#include <atomic>
#include <memory>

#include "app/config.h"
#include "auth/auth_service.h"
#include "bus/local_bus.h"
#include "chat/chat_service.h"
#include "chat/retention.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/periodic.h"
#include "media/media_service.h"
#include "media/media_store.h"
#include "net/server.h"
#include "presence/presence_service.h"
#include "store/store.h"

namespace parley {
class NatsBus;
}

namespace parley::app {

class App {
 public:
  explicit App(Config config);
  ~App();

  // Opens the store, joins the bus and binds the port; a clear error when any fails.
  // Waits (logging) for PostgreSQL and NATS until they answer or request_stop() is called.
  Status start();
  // Safe from any thread, also while start() waits for its dependencies.
  void request_stop() { stop_requested_ = true; }
  unsigned short port() const { return server_->port(); }
  // Graceful: stop accepting, close connections, commit what is in flight.
  void stop();

 private:
  Status start_media();
  // /metrics beyond core/metrics.h: the store's writer, the bus, sign-in, presence, the io
  // threads (app_metrics.cc).
  std::string node_metrics(NatsBus* nats) const;

  Config config_;
  SystemClock system_clock_;
  OffsetClock clock_;
  SystemRandom random_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Bus> bus_;
  std::unique_ptr<auth::CodeSender> sender_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<chat::Retention> retention_;
  std::unique_ptr<presence::PresenceService> presence_;
  std::unique_ptr<people::PeopleService> people_;
  std::unique_ptr<push::PushService> push_;
  std::unique_ptr<media::MediaStore> media_store_;
  std::unique_ptr<media::MediaService> media_;
  std::unique_ptr<net::Services> services_;
  std::unique_ptr<net::Server> server_;

  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> stopped_{false};
  PeriodicThread maintenance_;  // retention sweeps
  PeriodicThread media_sweep_;  // media nothing refers to, unfinished uploads
  PeriodicThread expiry_;       // disappearing messages, and temporary chats' delivered ones
};

}  // namespace parley::app
