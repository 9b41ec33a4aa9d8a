// Cluster bus over NATS. Subjects live under `parley.<cluster>.`, where <cluster> is the
// id of the store's data set, so clusters (or test runs) sharing one NATS never see each
// other's user ids. Each node subscribes to `<prefix>user.<id>` for the users with a
// device connected to it, so an announcement reaches exactly the nodes that hold one of
// the user's devices (NATS is the directory). Publishing delivers to this node's own
// listeners directly and to other nodes through NATS (no echo back to the publisher).
//
// Announcements are doorbells (see bus.h): when the connection to NATS drops, events
// for this node may be lost, so after every reconnect each local listener gets kResync
// and catches up from the store. While disconnected, available() is false and sends are
// refused with a retryable error.
//
// Nodes announce themselves on `<prefix>nodes` every second; nodes() lists those heard
// from within the last three seconds (this node included).
//
// Rooms: a node with a session of a room's member subscribes `<prefix>room.<id>`; a
// room's message is one publish there, whatever the number of members.
//
// Presence: a node watching a user subscribes `<prefix>presence.<id>`, where the nodes
// holding that user's devices announce changes; every node answers queries on
// `<prefix>presence.query` (scatter-gather through a reply inbox).
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/local_bus.h"
#include "core/periodic.h"

namespace parley {

struct NatsBusOptions {
  std::vector<std::string> urls;  // nats://host:port, one per server of the NATS cluster
  std::string node_id;            // unique per node
  std::string cluster_id;         // shared by every node of the cluster (from the store)
  // Security (docs/deployment.md): user and password, or a token, go in the URLs
  // (nats://user:pass@host:4222). Otherwise a .creds file (JWT and NKEY seed), or an NKEY
  // public key and its seed file. TLS for tls:// URLs or when a CA file is given; a client
  // certificate and key for servers that verify clients.
  std::string creds_file;
  std::string nkey, nkey_seed_file;
  std::string ca_file, cert_file, key_file;
  // Polled while waiting for NATS at start; true aborts the wait.
  std::function<bool()> stop_requested = [] { return false; };
};

class NatsBus final : public Bus {
 public:
  // Waits until connected to a NATS server, logging while it waits. Throws when the
  // options are unusable or stop_requested() turns true.
  explicit NatsBus(NatsBusOptions options);
  ~NatsBus() override;

  std::uint64_t subscribe(UserId user, std::weak_ptr<BusListener> listener) override;
  void unsubscribe(UserId user, std::uint64_t token) override;
  void publish(UserId user, std::shared_ptr<const BusEvent> event) override;
  std::uint64_t subscribe_room(ChatId room, std::weak_ptr<BusListener> listener) override;
  void unsubscribe_room(ChatId room, std::uint64_t token) override;
  void publish_room(ChatId room, std::shared_ptr<const BusEvent> event) override;
  bool available() const override;

  std::vector<NodeInfo> nodes() const override;
  std::string node_id() const override { return options_.node_id; }
  std::string incarnation() const override { return incarnation_; }
  void set_presence_peer(PresencePeer* peer) override;
  void watch_presence(UserId user) override;
  void unwatch_presence(UserId user) override;
  void announce_presence(UserId user, std::string_view note) override;
  std::vector<std::string> query_nodes(std::string_view request, int timeout_ms) override;
  // Where clients reach this node, announced to the others (known once the port is bound).
  void set_node_address(std::string address);
  std::uint64_t reconnects() const { return reconnects_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t publish_failures() const { return publish_failures_; }
  std::uint64_t misrouted() const { return misrouted_; }  // events dropped: not for their subject

 private:
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_node(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_presence(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_query(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_connected(natsConnection*, void* self);
  static void on_disconnected(natsConnection*, void* self);
  static void on_reconnected(natsConnection*, void* self);
  static void on_closed(natsConnection*, void* self);
  void close_connection();
  std::string user_subject(UserId user) const;
  std::string room_subject(ChatId room) const;
  struct Interest {
    int listeners = 0;
    natsSubscription* sub = nullptr;
  };
  // Counts a local listener of `subject`; subscribes NATS for the first one.
  void add_interest(std::unordered_map<std::int64_t, Interest>& map, std::int64_t key, const std::string& subject);
  void drop_interest(std::unordered_map<std::int64_t, Interest>& map, std::int64_t key);
  // `to`: the user (or room) the subject is for; receivers check the two agree.
  void send(const std::string& subject, std::int64_t to, const BusEvent& event);
  std::string presence_subject(UserId user) const;
  std::string hello() const;  // "<node id> <address> <incarnation>", under nodes_mu_

  const NatsBusOptions options_;
  const std::string prefix_, nodes_subject_;
  LocalBus local_;
  natsOptions* opts_ = nullptr;
  natsConnection* conn_ = nullptr;
  natsSubscription* nodes_sub_ = nullptr;
  natsSubscription* query_sub_ = nullptr;
  std::atomic<PresencePeer*> peer_{nullptr};
  std::mutex presence_mu_;  // guards presence_subs_
  std::unordered_map<std::int64_t, natsSubscription*> presence_subs_;

  std::mutex interest_mu_;  // guards interest_, room_interest_
  std::unordered_map<std::int64_t, Interest> interest_, room_interest_;

  mutable std::mutex nodes_mu_;  // guards nodes_, address_
  std::string address_;
  struct Heard {
    std::string address, incarnation;
    std::chrono::steady_clock::time_point at;
  };
  std::map<std::string, Heard> nodes_;
  const std::string incarnation_;

  std::atomic<bool> connected_{false}, closing_{false};
  std::atomic<std::uint64_t> reconnects_{0}, received_{0}, publish_failures_{0}, misrouted_{0};
  std::mutex stop_mu_;  // guards closed_
  std::condition_variable stop_cv_;
  bool closed_ = false;  // libnats reported the connection closed: no more callbacks
  PeriodicThread heartbeat_;  // announces this node on <prefix>nodes every second
};

}  // namespace parley
