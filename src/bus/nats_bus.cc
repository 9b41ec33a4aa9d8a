#include "bus/nats_bus.h"

#include "core/thread_name.h"
#include "core/wait_for.h"

#include <spdlog/spdlog.h>

#include <fmt/ranges.h>

#include <charconv>
#include <cstring>
#include <random>
#include <stdexcept>

namespace parley {

namespace {

// Wire form of a BusEvent between nodes: kind and membership (1 byte each), pts, device,
// chat, seq and the user or room it is for (8 bytes each, little endian), then the frame
// exactly as devices receive it.
constexpr std::size_t kHeader = 42;

void put64(std::string& out, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((u >> (8 * i)) & 0xff);
}

std::int64_t get64(const char* p) {
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<std::int64_t>(u);
}


// The servers as they may be logged: "nats://user:secret@host:4222" -> "nats://***@host:4222".
std::string printable(const std::vector<std::string>& urls) {
  std::string out;
  for (const auto& u : urls) {
    if (!out.empty()) out += ',';
    auto scheme = u.find("://");
    auto at = u.rfind('@');
    out += at != std::string::npos && scheme != std::string::npos && at > scheme ? u.substr(0, scheme + 3) + "***" + u.substr(at)
                                                                                 : u;
  }
  return out;
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) throw std::runtime_error(std::string("bus: ") + what + ": " + natsStatus_GetText(s));
}

}  // namespace

NatsBus::NatsBus(NatsBusOptions options)
    : options_(std::move(options)),
      prefix_("parley." + (options_.cluster_id.empty() ? std::string("default") : options_.cluster_id) + "."),
      nodes_subject_(prefix_ + "nodes"),
      incarnation_(std::to_string(std::random_device{}()) + std::to_string(std::random_device{}())) {
  if (options_.urls.empty()) throw std::runtime_error("bus.nats_urls must name at least one nats:// server");
  // Many per-user subscriptions: deliver them from a shared pool, not a thread each.
  nats_SetMessageDeliveryPoolSize(2);
  check(natsOptions_Create(&opts_), "options");
  std::vector<const char*> urls;
  for (const auto& u : options_.urls) urls.push_back(u.c_str());
  check(natsOptions_SetServers(opts_, urls.data(), static_cast<int>(urls.size())), "bus.nats_urls");
  if (!options_.creds_file.empty())
    check(natsOptions_SetUserCredentialsFromFiles(opts_, options_.creds_file.c_str(), nullptr), "bus.nats_creds_file");
  if (!options_.nkey.empty())
    check(natsOptions_SetNKeyFromSeed(opts_, options_.nkey.c_str(), options_.nkey_seed_file.c_str()),
          "bus.nats_nkey_seed_file");
  if (!options_.ca_file.empty()) {
    check(natsOptions_SetSecure(opts_, true), "bus.nats_ca_file");
    check(natsOptions_LoadCATrustedCertificates(opts_, options_.ca_file.c_str()), "bus.nats_ca_file");
  }
  if (!options_.cert_file.empty())
    check(natsOptions_LoadCertificatesChain(opts_, options_.cert_file.c_str(), options_.key_file.c_str()),
          "bus.nats_cert_file");
  check(natsOptions_UseGlobalMessageDelivery(opts_, true), "options");
  check(natsOptions_SetNoEcho(opts_, true), "options");
  check(natsOptions_SetMaxReconnect(opts_, -1), "options");  // never give up
  check(natsOptions_SetReconnectWait(opts_, 250), "options");
  // Notice a NATS host that vanished without closing its sockets within ~6 s (the
  // library's default is minutes), so sends are refused and devices resync after.
  check(natsOptions_SetPingInterval(opts_, 2000), "options");
  check(natsOptions_SetMaxPingsOut(opts_, 2), "options");
  // With a connected callback, Connect returns at once and keeps trying in the
  // background (without one it would block inside libnats, silently).
  check(natsOptions_SetRetryOnFailedConnect(opts_, true, &NatsBus::on_connected, this), "options");
  check(natsOptions_SetDisconnectedCB(opts_, &NatsBus::on_disconnected, this), "options");
  check(natsOptions_SetReconnectedCB(opts_, &NatsBus::on_reconnected, this), "options");
  check(natsOptions_SetClosedCB(opts_, &NatsBus::on_closed, this), "options");
  check(natsOptions_SetName(opts_, options_.node_id.c_str()), "options");

  natsStatus s = natsConnection_Connect(&conn_, opts_);
  if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
    natsOptions_Destroy(opts_);
    throw std::runtime_error(std::string("bus: cannot use nats at ") + printable(options_.urls) + ": " +
                             natsStatus_GetText(s));
  }
  auto connected = [this]() -> std::string {
    return natsConnection_Status(conn_) == NATS_CONN_STATUS_CONNECTED ? "" : "not connected yet";
  };
  if (!wait_for("bus: waiting for nats at " + printable(options_.urls), connected, options_.stop_requested)) {
    close_connection();
    natsConnection_Destroy(conn_);
    natsOptions_Destroy(opts_);
    throw std::runtime_error("stopped while waiting for nats");
  }
  connected_ = true;
  check(natsConnection_Subscribe(&nodes_sub_, conn_, nodes_subject_.c_str(), &NatsBus::on_node, this), "subscribe");
  check(natsConnection_Subscribe(&query_sub_, conn_, (prefix_ + "presence.query").c_str(), &NatsBus::on_query, this),
        "subscribe");
  // Nodes that announced themselves before this subscription existed answer a "?" at
  // once, so nodes() is complete within a round trip instead of a heartbeat.
  natsConnection_PublishString(conn_, nodes_subject_.c_str(), "?");
  heartbeat_.start("nats-heartbeat", std::chrono::seconds(1), [this] {
    std::string hello;
    {
      std::lock_guard lk(nodes_mu_);
      hello = this->hello();
    }
    natsConnection_Publish(conn_, nodes_subject_.c_str(), hello.data(), static_cast<int>(hello.size()));
  });
  spdlog::info("bus: nats connected at {} as node {}", printable(options_.urls), options_.node_id);
}

NatsBus::~NatsBus() {
  heartbeat_.stop();
  close_connection();
  {
    std::lock_guard lk(interest_mu_);
    for (auto* map : {&interest_, &room_interest_})
      for (auto& [key, in] : *map) natsSubscription_Destroy(in.sub);
    interest_.clear();
    room_interest_.clear();
  }
  {
    std::lock_guard lk(presence_mu_);
    for (auto& [user, sub] : presence_subs_) natsSubscription_Destroy(sub);
    presence_subs_.clear();
  }
  natsSubscription_Destroy(query_sub_);
  natsSubscription_Destroy(nodes_sub_);
  natsConnection_Destroy(conn_);
  natsOptions_Destroy(opts_);
}

void NatsBus::close_connection() {
  // libnats calls back on its own threads, also after Close returns: drain (flush what
  // was published, finish deliveries), then wait for the closed callback, the last one,
  // before this object may go away.
  closing_ = true;
  if (natsConnection_DrainTimeout(conn_, 2000) != NATS_OK) natsConnection_Close(conn_);
  std::unique_lock lk(stop_mu_);
  if (!stop_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return closed_; }))
    spdlog::warn("bus: nats connection did not close in 5 s");
}

void NatsBus::on_closed(natsConnection*, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  {
    std::lock_guard lk(self->stop_mu_);
    self->closed_ = true;
  }
  self->stop_cv_.notify_all();
}

std::string NatsBus::user_subject(UserId user) const { return prefix_ + "user." + std::to_string(user.value); }

std::string NatsBus::hello() const {
  return options_.node_id + " " + (address_.empty() ? std::string("-") : address_) + " " + incarnation_;
}

std::string NatsBus::presence_subject(UserId user) const {
  return prefix_ + "presence." + std::to_string(user.value);
}

std::string NatsBus::room_subject(ChatId room) const { return prefix_ + "room." + std::to_string(room.value); }

void NatsBus::add_interest(std::unordered_map<std::int64_t, Interest>& map, std::int64_t key, const std::string& subject) {
  {
    std::lock_guard lk(interest_mu_);
    auto& in = map[key];
    if (in.listeners++ == 0) {
      natsStatus s = natsConnection_Subscribe(&in.sub, conn_, subject.c_str(), &NatsBus::on_message, this);
      if (s != NATS_OK) {
        // The device still works; it would miss live events from other nodes until it syncs.
        spdlog::error("bus: subscribe to {} failed: {}", subject, natsStatus_GetText(s));
        in.sub = nullptr;
      }
    }
  }
  // SUB travels to NATS asynchronously. The caller syncs from the store next, so the
  // server must know the interest first: an update committed after that read is then
  // published to a subject this node already receives (a round trip to NATS). While
  // disconnected, the reconnect's kResync covers the gap instead.
  if (connected_) {
    if (natsStatus s = natsConnection_FlushTimeout(conn_, 2000); s != NATS_OK)
      spdlog::warn("bus: flushing the subscription to {} failed: {}", subject, natsStatus_GetText(s));
  }
}

void NatsBus::drop_interest(std::unordered_map<std::int64_t, Interest>& map, std::int64_t key) {
  std::lock_guard lk(interest_mu_);
  auto it = map.find(key);
  if (it == map.end()) return;
  if (--it->second.listeners == 0) {
    if (it->second.sub) {
      natsSubscription_Unsubscribe(it->second.sub);
      natsSubscription_Destroy(it->second.sub);
    }
    map.erase(it);
  }
}

void NatsBus::send(const std::string& subject, std::int64_t to, const BusEvent& event) {
  std::string payload;
  auto frame = event.pieces();
  payload.reserve(kHeader + frame[0].size() + frame[1].size() + frame[2].size());
  payload += static_cast<char>(event.kind);
  payload += static_cast<char>(event.membership);
  put64(payload, event.pts);
  put64(payload, event.device.value);
  put64(payload, event.chat.value);
  put64(payload, event.seq);
  put64(payload, to);
  for (auto p : frame) payload += p;
  // While reconnecting, libnats buffers publishes and sends them once connected.
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), payload.data(), static_cast<int>(payload.size()));
  spdlog::debug("bus: to nats: {} kind {} pts {}", subject, static_cast<int>(event.kind), event.pts);
  if (s != NATS_OK) {
    publish_failures_++;
    spdlog::warn("bus: publish to {} failed: {}", subject, natsStatus_GetText(s));
  }
}

std::uint64_t NatsBus::subscribe(UserId user, std::weak_ptr<BusListener> listener) {
  std::uint64_t token = local_.subscribe(user, std::move(listener));
  add_interest(interest_, user.value, user_subject(user));
  return token;
}

void NatsBus::unsubscribe(UserId user, std::uint64_t token) {
  local_.unsubscribe(user, token);
  drop_interest(interest_, user.value);
}

void NatsBus::publish(UserId user, std::shared_ptr<const BusEvent> event) {
  local_.publish(user, event);
  send(user_subject(user), user.value, *event);
}

std::uint64_t NatsBus::subscribe_room(ChatId room, std::weak_ptr<BusListener> listener) {
  std::uint64_t token = local_.subscribe_room(room, std::move(listener));
  add_interest(room_interest_, room.value, room_subject(room));
  return token;
}

void NatsBus::unsubscribe_room(ChatId room, std::uint64_t token) {
  local_.unsubscribe_room(room, token);
  drop_interest(room_interest_, room.value);
}

void NatsBus::publish_room(ChatId room, std::shared_ptr<const BusEvent> event) {
  local_.publish_room(room, event);
  send(room_subject(room), room.value, *event);
}

bool NatsBus::available() const { return connected_; }

std::vector<NodeInfo> NatsBus::nodes() const {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lk(nodes_mu_);
  std::vector<NodeInfo> out{{options_.node_id, address_, incarnation_}};
  for (const auto& [id, v] : nodes_)
    if (id != options_.node_id && now - v.at < std::chrono::seconds(3)) out.push_back({id, v.address, v.incarnation});
  return out;
}

void NatsBus::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  static thread_local bool named = (set_thread_name("nats-delivery"), true);  // libnats' own thread
  (void)named;
  auto* self = static_cast<NatsBus*>(closure);
  const char* data = natsMsg_GetData(msg);
  int len = natsMsg_GetDataLength(msg);
  std::string_view subject = natsMsg_GetSubject(msg);
  auto dot = subject.rfind('.');
  if (len >= static_cast<int>(kHeader) && dot != std::string_view::npos) {
    std::int64_t id = 0;
    std::from_chars(subject.data() + dot + 1, subject.data() + subject.size(), id);
    auto ev = std::make_shared<BusEvent>();
    ev->kind = static_cast<BusEvent::Kind>(data[0]);
    ev->membership = static_cast<signed char>(data[1]);
    ev->pts = get64(data + 2);
    ev->device = DeviceId(get64(data + 10));
    ev->chat = ChatId(get64(data + 18));
    ev->seq = get64(data + 26);
    // An event names whom it is for; one on another user's (or room's) subject is not
    // delivered: a misrouted or forged event never reaches the wrong sessions.
    if (get64(data + 34) != id) {
      self->misrouted_++;
      spdlog::warn("bus: dropped an event for {} that arrived on {}", get64(data + 34), subject);
      natsMsg_Destroy(msg);
      return;
    }
    ev->frame.assign(data + kHeader, static_cast<std::size_t>(len) - kHeader);
    self->received_++;
    spdlog::debug("bus: from nats: {} kind {} pts {}", subject, static_cast<int>(ev->kind), ev->pts);
    if (ev->kind == BusEvent::Kind::kRoom) self->local_.publish_room(ChatId(id), std::move(ev));
    else if (ev->kind != BusEvent::Kind::kResync) self->local_.publish(UserId(id), std::move(ev));
  }
  natsMsg_Destroy(msg);
}

void NatsBus::on_node(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  std::string_view body(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  if (body == "?") {  // a node joined: tell it who we are
    std::string hello;
    {
      std::lock_guard lk(self->nodes_mu_);
      hello = self->hello();
    }
    natsConnection_Publish(self->conn_, self->nodes_subject_.c_str(), hello.data(), static_cast<int>(hello.size()));
    natsMsg_Destroy(msg);
    return;
  }
  auto space = body.find(' ');
  auto last = body.rfind(' ');
  if (space != std::string_view::npos && last > space) {
    std::lock_guard lk(self->nodes_mu_);
    auto address = body.substr(space + 1, last - space - 1);
    self->nodes_[std::string(body.substr(0, space))] = {address == "-" ? std::string() : std::string(address),
                                                        std::string(body.substr(last + 1)),
                                                        std::chrono::steady_clock::now()};
  }
  natsMsg_Destroy(msg);
}

void NatsBus::on_connected(natsConnection*, void*) {}

void NatsBus::on_disconnected(natsConnection*, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  if (self->closing_ || !self->connected_.exchange(false)) return;
  spdlog::warn("bus: lost nats; sends are refused until it is back");
}

void NatsBus::on_reconnected(natsConnection*, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  if (self->closing_) return;
  self->connected_ = true;
  self->reconnects_++;
  spdlog::info("bus: nats reconnected; every local device catches up from the store");
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kResync;
  self->local_.publish_all(ev);
  if (auto* peer = self->peer_.load()) peer->on_notes_lost();
}

// ---------------------------------------------------------------- presence

void NatsBus::set_presence_peer(PresencePeer* peer) { peer_ = peer; }

void NatsBus::watch_presence(UserId user) {
  {
    std::lock_guard lk(presence_mu_);
    if (presence_subs_.count(user.value)) return;
    natsSubscription* sub = nullptr;
    natsStatus s = natsConnection_Subscribe(&sub, conn_, presence_subject(user).c_str(), &NatsBus::on_presence, this);
    if (s != NATS_OK) {
      spdlog::error("bus: presence subscribe for user {} failed: {}", user.value, natsStatus_GetText(s));
      return;
    }
    presence_subs_[user.value] = sub;
  }
  // As in subscribe(): the interest must be at the server before the caller queries.
  if (connected_) natsConnection_FlushTimeout(conn_, 2000);
}

void NatsBus::unwatch_presence(UserId user) {
  std::lock_guard lk(presence_mu_);
  auto it = presence_subs_.find(user.value);
  if (it == presence_subs_.end()) return;
  natsSubscription_Unsubscribe(it->second);
  natsSubscription_Destroy(it->second);
  presence_subs_.erase(it);
}

void NatsBus::announce_presence(UserId user, std::string_view note) {
  if (natsConnection_Publish(conn_, presence_subject(user).c_str(), note.data(), static_cast<int>(note.size())) !=
      NATS_OK)
    publish_failures_++;
}

std::vector<std::string> NatsBus::query_nodes(std::string_view request, int timeout_ms) {
  std::vector<std::string> out;
  std::size_t others = nodes().size() - 1;
  if (others == 0 || !connected_) return out;
  natsInbox* inbox = nullptr;
  natsSubscription* sub = nullptr;
  if (natsInbox_Create(&inbox) != NATS_OK) return out;
  if (natsConnection_SubscribeSync(&sub, conn_, inbox) == NATS_OK &&
      natsConnection_PublishRequest(conn_, (prefix_ + "presence.query").c_str(), inbox, request.data(),
                                    static_cast<int>(request.size())) == NATS_OK) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out.size() < others) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      natsMsg* msg = nullptr;
      if (natsSubscription_NextMsg(&msg, sub, left.count()) != NATS_OK) break;
      out.emplace_back(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
      natsMsg_Destroy(msg);
    }
    if (out.size() < others)
      spdlog::debug("bus: presence query answered by {} of {} nodes", out.size(), others);
  }
  if (sub) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
  }
  natsInbox_Destroy(inbox);
  return out;
}

void NatsBus::on_presence(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  std::string_view subject = natsMsg_GetSubject(msg);
  std::int64_t user = 0;
  auto dot = subject.rfind('.');
  if (dot != std::string_view::npos) std::from_chars(subject.data() + dot + 1, subject.data() + subject.size(), user);
  if (auto* peer = self->peer_.load(); peer && user > 0)
    peer->on_note(UserId(user), std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
  natsMsg_Destroy(msg);
}

void NatsBus::on_query(natsConnection* nc, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<NatsBus*>(closure);
  const char* reply = natsMsg_GetReply(msg);
  auto* peer = self->peer_.load();
  if (reply && peer) {
    std::string answer =
        peer->on_query(std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
    natsConnection_Publish(nc, reply, answer.data(), static_cast<int>(answer.size()));
  }
  natsMsg_Destroy(msg);
}

void NatsBus::set_node_address(std::string address) {
  std::string hello;
  {
    std::lock_guard lk(nodes_mu_);
    address_ = std::move(address);
    hello = this->hello();
  }
  natsConnection_Publish(conn_, nodes_subject_.c_str(), hello.data(), static_cast<int>(hello.size()));  // don't wait a beat
}

}  // namespace parley
