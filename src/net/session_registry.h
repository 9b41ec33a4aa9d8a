// The live WebSocket sessions and what they may hold, for one node. Thread-safe.
// - Every session, so shutdown and the output budget can reach each one.
// - Connection caps: sessions per client address and per user (limits.connections_per_ip,
//   limits.connections_per_user).
// - The output budget: bytes queued for all sessions together (server.max_output_bytes);
//   past it, the sessions with the most queued (the slowest readers) are cut off first.
// - Query frames (sync, chat_info, receipts, views, presence_subscribe) per user.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/rate_limiter.h"

namespace parley::net {

class WsSession;

class SessionRegistry {
 public:
  struct Caps {
    std::size_t per_ip = 0, per_user = 0;  // 0 = no cap
    std::int64_t max_output_bytes = 0;     // 0 = no budget
    double queries_per_s = 20, query_burst = 100;
  };
  SessionRegistry(const Clock& clock, Caps caps)
      : caps_(caps), queries_(clock, caps.query_burst, static_cast<TimeMs>(1000.0 * caps.query_burst / caps.queries_per_s)) {}

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

  // One more session from `ip` / of `user`: false (nothing counted) when at the cap.
  bool admit_ip(const std::string& ip) { return admit(by_ip_, ip, caps_.per_ip); }
  void release_ip(const std::string& ip) { release(by_ip_, ip); }
  bool admit_user(std::int64_t user) { return admit(by_user_, std::to_string(user), caps_.per_user); }
  void release_user(std::int64_t user) { release(by_user_, std::to_string(user)); }

  // Output bytes queued or written by some session; true when the total is over budget.
  bool queued(std::int64_t delta) {
    std::int64_t total = queued_.fetch_add(delta, std::memory_order_relaxed) + delta;
    return caps_.max_output_bytes > 0 && total > caps_.max_output_bytes;
  }
  std::int64_t queued_total() const { return queued_.load(std::memory_order_relaxed); }
  std::int64_t max_output_bytes() const { return caps_.max_output_bytes; }
  // Whoever sees the budget exceeded first sheds; the others go on.
  bool begin_shedding() { return !shedding_.exchange(true); }
  void end_shedding() { shedding_ = false; }

  // 0 when `user` may run one more query frame, else the milliseconds to wait.
  TimeMs take_query(std::int64_t user) { return queries_.take(std::to_string(user)); }

 private:
  bool admit(std::unordered_map<std::string, std::size_t>& counts, const std::string& key, std::size_t cap) {
    std::lock_guard lk(mu_);
    auto& n = counts[key];
    if (cap > 0 && n >= cap) {
      if (n == 0) counts.erase(key);
      return false;
    }
    ++n;
    return true;
  }
  void release(std::unordered_map<std::string, std::size_t>& counts, const std::string& key) {
    std::lock_guard lk(mu_);
    auto it = counts.find(key);
    if (it != counts.end() && --it->second == 0) counts.erase(it);
  }

  const Caps caps_;
  mutable std::mutex mu_;  // guards sessions_, by_ip_, by_user_
  std::unordered_map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
  std::unordered_map<std::string, std::size_t> by_ip_, by_user_;
  std::atomic<std::int64_t> queued_{0};
  std::atomic<bool> shedding_{false};
  auth::RateLimiter queries_;
};

}  // namespace parley::net
