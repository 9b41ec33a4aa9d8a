// The Bus is a doorbell: after a commit, the domain announces it to the user's devices
// wherever they are connected. Missing an announcement is safe: a device catches up from
// its log position. Adapters: bus/local_bus (one process), bus/nats_bus (cluster).
//
// Threading: publish and subscribe may be called from any thread. Listeners are called on
// the publisher's thread and must not block (post to their own executor).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/ids.h"

namespace parley {

struct BusEvent {
  enum class Kind {
    kUpdate,         // an update-log entry: pts and its serialised frame
    kDeviceRevoked,  // `device` was revoked: its sessions must close
    kResync,         // announcements may have been missed (bus reconnected): catch up
    kEphemeral,      // a frame for the user's live devices only, outside the log (typing)
    kPrivacy,        // the user's own privacy setting changed: refresh what they see
    kRoom,           // a room's new message (on the room's channel): chat, seq and frame
    kRelation,       // a block between the user and another changed: refresh what they see (no frame)
  };
  Kind kind = Kind::kUpdate;
  Pts pts = 0;
  DeviceId device;
  ChatId chat;   // kRoom; a kUpdate that is a room membership change
  Seq seq = 0;   // kRoom: the message's seq; membership: the room's seq at the change
  int membership = 0;  // kUpdate: +1 the user joined room `chat`, -1 left it
  // The frame as devices receive it (the event itself is shared by every device of the
  // user): `frame`; or, for one update many users get (a message), `shared` with this
  // event's own bytes (`insert`, e.g. its pts) put in at `insert_at`, so a fan-out
  // serialises the frame once and a delivery copies it only into the socket's buffer.
  std::string frame;
  std::shared_ptr<const std::string> shared;
  std::size_t insert_at = 0;
  std::string insert;  // a few bytes: within std::string's inline buffer, no allocation

  // The frame's bytes in order (some may be empty).
  std::array<std::string_view, 3> pieces() const {
    if (!shared) return {frame, {}, {}};
    std::string_view s(*shared);
    return {s.substr(0, insert_at), insert, s.substr(insert_at)};
  }
  std::string whole() const {
    std::string out;
    for (auto p : pieces()) out += p;
    return out;
  }
  bool has_frame() const { return shared || !frame.empty(); }
};

// A parleyd node as seen through the bus (cluster registry).
struct NodeInfo {
  std::string id;
  std::string address;      // where clients reach it
  std::string incarnation;  // new at every start of the node (a restart keeps its id)
};

class BusListener {
 public:
  virtual ~BusListener() = default;
  virtual void on_bus(UserId user, const std::shared_ptr<const BusEvent>& event) = 0;
};

// Presence between nodes (cluster mode): the node's presence service is the one peer.
// Notes are opaque strings to the bus. Called on bus threads; must not block for long.
class PresencePeer {
 public:
  virtual ~PresencePeer() = default;
  // Another node's note about `user`, whom this node watches.
  virtual void on_note(UserId user, std::string_view note) = 0;
  // Another node asks about users (query_nodes); the answer goes back as is.
  virtual std::string on_query(std::string_view request) = 0;
  // Notes may have been missed (the bus reconnected).
  virtual void on_notes_lost() = 0;
};

class Bus {
 public:
  virtual ~Bus() = default;
  // The listener is held weakly: a destroyed listener is skipped and forgotten.
  // Returns a token for unsubscribe. When it returns, every announcement published
  // afterwards (on any node) reaches the listener: subscribe before reading the store.
  // May block for a round trip to the bus.
  virtual std::uint64_t subscribe(UserId user, std::weak_ptr<BusListener> listener) = 0;
  virtual void unsubscribe(UserId user, std::uint64_t token) = 0;
  virtual void publish(UserId user, std::shared_ptr<const BusEvent> event) = 0;
  // A room's channel: every listening session of every member on every node, with one
  // publish per message (on NATS one message, delivered once to each node that listens).
  // Listeners get on_bus(UserId(), event). Same guarantees as the user methods.
  virtual std::uint64_t subscribe_room(ChatId room, std::weak_ptr<BusListener> listener) = 0;
  virtual void unsubscribe_room(ChatId room, std::uint64_t token) = 0;
  virtual void publish_room(ChatId room, std::shared_ptr<const BusEvent> event) = 0;
  // False while announcements cannot reach other nodes; senders get a retryable error.
  virtual bool available() const { return true; }
  // Nodes alive in the cluster, this one included (empty for a single-node bus).
  virtual std::vector<NodeInfo> nodes() const { return {}; }

  // --- presence between nodes; a single node has no one to tell (no-ops) ---
  virtual std::string node_id() const { return "local"; }
  virtual std::string incarnation() const { return {}; }
  virtual void set_presence_peer(PresencePeer* /*peer*/) {}
  // Start/stop receiving other nodes' notes about `user`. Not counted: call once each.
  // Like subscribe, watching is in place when it returns.
  virtual void watch_presence(UserId /*user*/) {}
  virtual void unwatch_presence(UserId /*user*/) {}
  // Tells the nodes watching `user`.
  virtual void announce_presence(UserId /*user*/, std::string_view /*note*/) {}
  // Asks every other live node; returns the answers that came within timeout_ms.
  virtual std::vector<std::string> query_nodes(std::string_view /*request*/, int /*timeout_ms*/) { return {}; }
};

}  // namespace parley
