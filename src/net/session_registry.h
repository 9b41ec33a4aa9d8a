// The set of live WebSocket sessions, so shutdown can reach each one. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace parley::net {

class WsSession;

class SessionRegistry {
 public:
  void add(const WsSession* key, std::weak_ptr<WsSession> s) {
    std::lock_guard lk(mu_);
    sessions_[key] = std::move(s);
  }
  void remove(const WsSession* key) {
    std::lock_guard lk(mu_);
    sessions_.erase(key);
  }
  std::vector<std::shared_ptr<WsSession>> snapshot() const {
    std::lock_guard lk(mu_);
    std::vector<std::shared_ptr<WsSession>> out;
    for (auto& [k, w] : sessions_)
      if (auto s = w.lock()) out.push_back(std::move(s));
    return out;
  }
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return sessions_.size();
  }

 private:
  mutable std::mutex mu_;  // guards sessions_
  std::unordered_map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

}  // namespace parley::net
