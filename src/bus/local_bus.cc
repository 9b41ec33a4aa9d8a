#include "bus/local_bus.h"

#include <algorithm>

namespace parley {

void LocalBus::Channels::add(std::int64_t key, std::uint64_t token, std::weak_ptr<BusListener> listener) {
  auto& s = shard(key);
  std::lock_guard lk(s.mu);
  s.map[key].emplace_back(token, std::move(listener));
}

void LocalBus::Channels::remove(std::int64_t key, std::uint64_t token) {
  auto& s = shard(key);
  std::lock_guard lk(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return;
  std::erase_if(it->second, [&](const Entry& e) { return e.first == token; });
  if (it->second.empty()) s.map.erase(it);
}

std::vector<std::shared_ptr<BusListener>> LocalBus::Channels::listeners(std::int64_t key) {
  std::vector<std::shared_ptr<BusListener>> out;
  auto& s = shard(key);
  std::lock_guard lk(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return out;
  out.reserve(it->second.size());
  for (auto& [token, weak] : it->second)
    if (auto l = weak.lock()) out.push_back(std::move(l));
  return out;
}

std::vector<std::pair<std::int64_t, std::shared_ptr<BusListener>>> LocalBus::Channels::all() {
  std::vector<std::pair<std::int64_t, std::shared_ptr<BusListener>>> out;
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    for (auto& [key, entries] : s.map)
      for (auto& [token, weak] : entries)
        if (auto l = weak.lock()) out.emplace_back(key, std::move(l));
  }
  return out;
}

std::size_t LocalBus::Channels::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lk(s.mu);
    for (auto& [k, v] : s.map) n += v.size();
  }
  return n;
}

std::uint64_t LocalBus::subscribe(UserId user, std::weak_ptr<BusListener> listener) {
  std::uint64_t token = next_token_++;
  users_.add(user.value, token, std::move(listener));
  return token;
}

void LocalBus::unsubscribe(UserId user, std::uint64_t token) { users_.remove(user.value, token); }

void LocalBus::publish(UserId user, std::shared_ptr<const BusEvent> event) {
  for (auto& l : users_.listeners(user.value)) l->on_bus(user, event);
}

std::uint64_t LocalBus::subscribe_room(ChatId room, std::weak_ptr<BusListener> listener) {
  std::uint64_t token = next_token_++;
  rooms_.add(room.value, token, std::move(listener));
  return token;
}

void LocalBus::unsubscribe_room(ChatId room, std::uint64_t token) { rooms_.remove(room.value, token); }

void LocalBus::publish_room(ChatId room, std::shared_ptr<const BusEvent> event) {
  for (auto& l : rooms_.listeners(room.value)) l->on_bus(UserId(), event);
}

void LocalBus::publish_all(const std::shared_ptr<const BusEvent>& event) {
  // Room listeners are sessions, which are all user listeners too: one call each.
  for (auto& [user, l] : users_.all()) l->on_bus(UserId(user), event);
}

std::size_t LocalBus::size() const { return users_.size(); }

}  // namespace parley
