#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace parley::auth {

RateLimiter::RateLimiter(const Clock& clock, double capacity, TimeMs period_ms, std::size_t max_keys)
    : clock_(clock), capacity_(capacity), per_ms_(capacity / static_cast<double>(period_ms)), max_keys_(max_keys) {}

TimeMs RateLimiter::take(const std::string& key) {
  TimeMs now = clock_.now_ms();
  std::lock_guard lk(mu_);
  if (buckets_.size() >= max_keys_) prune(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity_, now});
  Bucket& b = it->second;
  b.tokens = std::min(capacity_, b.tokens + static_cast<double>(now - b.at) * per_ms_);
  b.at = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return static_cast<TimeMs>(std::ceil((1.0 - b.tokens) / per_ms_));
}

void RateLimiter::prune(TimeMs now) {
  std::erase_if(buckets_, [&](const auto& kv) {
    return kv.second.tokens + static_cast<double>(now - kv.second.at) * per_ms_ >= capacity_;
  });
  // Still full of active keys: drop everything rather than grow without bound.
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

TimeMs TokenBucket::take(TimeMs now) {
  if (at_ == 0) at_ = now;
  tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - at_) * rate_per_ms_);
  at_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return 0;
  }
  return static_cast<TimeMs>(std::ceil((1.0 - tokens_) / rate_per_ms_));
}

}  // namespace parley::auth
