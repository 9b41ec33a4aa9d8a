// What the network layer needs from the rest of parleyd, built by app/ and passed in.
#pragma once

#include <cstddef>
#include <string>

#include "auth/auth_service.h"
#include "bus/bus.h"
#include "chat/chat_service.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "media/media_service.h"
#include "people/people_service.h"
#include "presence/presence_service.h"
#include "push/push_service.h"
#include "proto/frames.h"

namespace parley::net {

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  // A second, internal listener for /metrics, the health checks and /v1/admin/*, which the
  // public one then no longer serves (server.admin_listen). Off when admin_host is empty.
  std::string admin_host;
  unsigned short admin_port = 0;
  int threads = 0;  // io threads; 0 = one per core
  int media_threads = 0;  // threads for media requests (uploads, downloads, images); 0 = half the cores
  std::size_t max_frame_bytes = 65536;
  std::size_t max_queue_bytes = 4 << 20;
  int auth_timeout_ms = 10000;
  int idle_timeout_s = 60;
  int max_protocol_errors = 20;
  int shutdown_grace_ms = 3000;
  double send_rate_per_s = 100;
  double send_burst = 500;
  double typing_rate_per_s = 2;  // typing frames per connection
  double typing_burst = 6;
  int sync_page = 500;
  std::size_t connections_per_ip = 1000;        // per node; an IPv6 client by its /64; 0 = no cap
  std::size_t connections_per_user = 50;        // per node; 0 = no cap
  std::int64_t max_output_bytes = 1LL << 30;    // queued for all connections together; 0 = no budget
  double queries_per_s = 20;                    // sync, chat_info, receipts, views, presence_subscribe per user
  double query_burst = 100;
  int searches_per_minute = 30;                 // GET /v1/search per user (a burst of as many, refilled per minute)
  std::string admin_secret;
  std::string web_root;
  proto::Limits limits;
  bool operator==(const Options&) const = default;
};

struct Services {
  auth::AuthService& auth;
  chat::ChatService& chat;
  presence::PresenceService& presence;
  Bus& bus;
  Metrics& metrics;
  const Clock& clock;
  OffsetClock* clock_control = nullptr;  // set only when [testing] clock_control = true
  media::MediaService* media = nullptr;  // photos, videos, voice notes, files; null: media are off
  people::PeopleService* people = nullptr;  // profiles, contacts, blocks, chat settings
  push::PushService* push = nullptr;        // push targets and notifications
  std::string vapid_public_key;             // Web Push's applicationServerKey ("" when webpush is off)
};

}  // namespace parley::net
