// Token-bucket rate limiter keyed by string (a user). Thread-safe. Memory is bounded: past
// max_keys buckets, full (idle) ones are dropped, then the fuller half (never a wipe, which
// would hand every limited key a fresh bucket). Sign-in limits are not here: they count in
// the store (Store::take_rates), shared by every node.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace parley::auth {

class RateLimiter {
 public:
  // `capacity` requests at once, refilled at capacity per `period_ms`.
  RateLimiter(const Clock& clock, double capacity, TimeMs period_ms, std::size_t max_keys = 100'000);

  // Takes one token for `key`. Returns 0 when allowed, else the milliseconds until a
  // token will be available.
  TimeMs take(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    TimeMs at;
  };
  void prune(TimeMs now);

  const Clock& clock_;
  const double capacity_;
  const double per_ms_;
  const std::size_t max_keys_;
  std::mutex mu_;  // guards buckets_
  std::unordered_map<std::string, Bucket> buckets_;
};

// The same bucket arithmetic for one owner on one thread (a connection's send rate).
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst) : rate_per_ms_(rate_per_s / 1000.0), burst_(burst), tokens_(burst) {}
  // 0 when allowed, else milliseconds to wait.
  TimeMs take(TimeMs now);

 private:
  double rate_per_ms_, burst_, tokens_;
  TimeMs at_ = 0;
};

}  // namespace parley::auth
