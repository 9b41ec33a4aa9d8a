// Live fan-out of room messages inside one node. A room of tens of thousands has that many
// sessions following it here; subscribing each to the bus would cost one bus listener call
// and one cross-thread post per session per message. Instead, per (room, io thread) one Hub
// listens on the bus and hands it once to its thread, where it hands the event to every
// session of that room on that thread. Sessions follow and unfollow on their own thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "bus/bus.h"
#include "net/io_thread.h"

namespace parley::net {

class RoomFollower {
 public:
  virtual ~RoomFollower() = default;
  // On the follower's own io thread.
  virtual void on_room(const std::shared_ptr<const BusEvent>& event) = 0;
};

class RoomFanout {
 public:
  explicit RoomFanout(Bus& bus) : bus_(bus) {}
  // `follower` lives on `io`'s thread. Like Bus::subscribe_room, in place when it returns.
  std::uint64_t follow(ChatId room, IoThread& io, std::weak_ptr<RoomFollower> follower);
  void unfollow(ChatId room, IoThread& io, std::uint64_t token);
  // Rooms with at least one follower on this node (for metrics and tests).
  std::size_t hubs() const;

 private:
  class Hub;
  using Key = std::pair<std::int64_t, IoThread*>;

  Bus& bus_;
  mutable std::mutex mu_;  // guards hubs_ and next_token_
  std::map<Key, std::shared_ptr<Hub>> hubs_;
  std::uint64_t next_token_ = 1;
};

}  // namespace parley::net
