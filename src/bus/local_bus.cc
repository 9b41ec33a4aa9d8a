#include "bus/local_bus.h"

#include <algorithm>

namespace parley {

std::uint64_t LocalBus::subscribe(UserId user, std::weak_ptr<BusListener> listener) {
  std::uint64_t token = next_token_++;
  auto& s = shard(user);
  std::lock_guard lk(s.mu);
  s.users[user.value].emplace_back(token, std::move(listener));
  return token;
}

void LocalBus::unsubscribe(UserId user, std::uint64_t token) {
  auto& s = shard(user);
  std::lock_guard lk(s.mu);
  auto it = s.users.find(user.value);
  if (it == s.users.end()) return;
  std::erase_if(it->second, [&](const Entry& e) { return e.first == token; });
  if (it->second.empty()) s.users.erase(it);
}

void LocalBus::publish(UserId user, std::shared_ptr<const BusEvent> event) {
  // Copy the listeners under the lock, call them after releasing it.
  std::vector<std::shared_ptr<BusListener>> targets;
  {
    auto& s = shard(user);
    std::lock_guard lk(s.mu);
    auto it = s.users.find(user.value);
    if (it == s.users.end()) return;
    targets.reserve(it->second.size());
    for (auto& [token, weak] : it->second)
      if (auto l = weak.lock()) targets.push_back(std::move(l));
  }
  for (auto& l : targets) l->on_bus(user, event);
}

void LocalBus::publish_all(const std::shared_ptr<const BusEvent>& event) {
  std::vector<std::pair<UserId, std::shared_ptr<BusListener>>> targets;
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    for (auto& [user, entries] : s.users)
      for (auto& [token, weak] : entries)
        if (auto l = weak.lock()) targets.emplace_back(UserId(user), std::move(l));
  }
  for (auto& [user, l] : targets) l->on_bus(user, event);
}

std::size_t LocalBus::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    for (auto& [u, v] : s.users) n += v.size();
  }
  return n;
}

}  // namespace parley
