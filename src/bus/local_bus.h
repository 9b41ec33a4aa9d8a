// In-process bus for a single node: sharded maps from user (and from room) to listening
// sessions.
#pragma once

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bus/bus.h"

namespace parley {

class LocalBus final : public Bus {
 public:
  std::uint64_t subscribe(UserId user, std::weak_ptr<BusListener> listener) override;
  void unsubscribe(UserId user, std::uint64_t token) override;
  void publish(UserId user, std::shared_ptr<const BusEvent> event) override;
  std::uint64_t subscribe_room(ChatId room, std::weak_ptr<BusListener> listener) override;
  void unsubscribe_room(ChatId room, std::uint64_t token) override;
  void publish_room(ChatId room, std::shared_ptr<const BusEvent> event) override;

  // Delivers to every listener of every user (kResync).
  void publish_all(const std::shared_ptr<const BusEvent>& event);
  // Number of live user subscriptions (for metrics).
  std::size_t size() const;

 private:
  using Entry = std::pair<std::uint64_t, std::weak_ptr<BusListener>>;
  // Listeners by key (a user or a room id), in 64 shards.
  class Channels {
   public:
    void add(std::int64_t key, std::uint64_t token, std::weak_ptr<BusListener> listener);
    void remove(std::int64_t key, std::uint64_t token);
    // Live listeners of `key` (copied under the lock; called after releasing it).
    std::vector<std::shared_ptr<BusListener>> listeners(std::int64_t key);
    std::vector<std::pair<std::int64_t, std::shared_ptr<BusListener>>> all();
    std::size_t size() const;

   private:
    struct Shard {
      mutable std::mutex mu;  // guards map
      std::unordered_map<std::int64_t, std::vector<Entry>> map;
    };
    Shard& shard(std::int64_t key) { return shards_[static_cast<std::size_t>(key) % shards_.size()]; }
    std::array<Shard, 64> shards_;
  };

  Channels users_, rooms_;
  std::atomic<std::uint64_t> next_token_{1};
};

}  // namespace parley
