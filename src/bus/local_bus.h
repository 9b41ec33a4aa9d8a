// In-process bus for a single node: a sharded map from user to listening sessions.
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

  // Delivers to every listener of every user (kResync).
  void publish_all(const std::shared_ptr<const BusEvent>& event);
  // Number of live subscriptions (for metrics).
  std::size_t size() const;

 private:
  using Entry = std::pair<std::uint64_t, std::weak_ptr<BusListener>>;
  struct Shard {
    mutable std::mutex mu;  // guards users
    std::unordered_map<std::int64_t, std::vector<Entry>> users;
  };
  Shard& shard(UserId user) { return shards_[static_cast<std::size_t>(user.value) % shards_.size()]; }

  std::array<Shard, 64> shards_;
  std::atomic<std::uint64_t> next_token_{1};
};

}  // namespace parley
